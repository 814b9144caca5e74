"""A payment names a contract by the contract's own reference (pooled-fund.md, "Transactions file"): it
counts as spend on that contract, on its page and against its commitments; any other value is a spend line,
posted with the warning `not-a-contract` at its row and column (import), on the check page (web). A
reversal in a later year than what it reverses carries `reversal-in-another-year` in the import too."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from concordat.commissioning import commitments
from concordat.commissioning import services as commissioning
from concordat.core.roles import Role
from concordat.core.years import FinancialYear
from concordat.pool import selectors
from tests.commissioning.conftest import PROVIDERS, contract_values
from tests.factories import load_partnership, member

pytestmark = pytest.mark.django_db
HEADER = "ref,date,kind,stream,contract,purpose,amount,reverses,description\n"


@pytest.fixture
def partnership(db: None) -> Any:
    return load_partnership(providers=PROVIDERS)


@pytest.fixture
def contract(partnership: Any) -> Any:
    lead = member(partnership, Role.LEAD_COMMISSIONER, username="lena")
    made, _ = commissioning.contract_create(partnership=partnership, values=contract_values(), user=lead)
    return made


def run(tmp_path: Path, partnership: Any, text: str) -> tuple[int, dict[str, Any]]:
    path = tmp_path / "postings.csv"
    path.write_text(HEADER + text, encoding="utf-8")
    out = io.StringIO()
    try:
        call_command("pool", "import", str(path), "--partnership", partnership.slug, "--json", stdout=out)
        status = 0
    except CommandError as error:
        status = error.returncode
    return status, json.loads(out.getvalue())


def test_a_payment_by_the_contracts_own_reference_is_spend_on_it(
    tmp_path: Path, partnership: Any, contract: Any
) -> None:
    year = FinancialYear(2024)
    committed = selectors.statement(partnership, year).committed
    status, report = run(
        tmp_path,
        partnership,
        "P-1,2024-05-01,payment,,main-contract,treatment,1000.00,,\n"
        "P-2,2024-05-02,payment,,contract:main-contract,treatment,234.56,,\n"
        "P-3,2024-05-03,payment,,main-contrakt,treatment,10.00,,a slip\n",
    )
    assert (status, report["accepted"]) == (0, True)
    assert [(w["row"], w["column"], w["code"]) for w in report["warnings"]] == [
        (4, "contract", "not-a-contract")
    ]
    paid = commitments.payments_for(contract)
    assert sorted(t.ref for t in paid) == ["P-1", "P-2"]
    s = selectors.statement(partnership, year)
    assert s.spend_by_contract["contract:main-contract"] == 123_456
    assert s.spend_by_contract["main-contrakt"] == 1_000
    assert s.committed == committed - 123_456  # the contract's spend comes off its commitment, the slip's not


def test_without_contracts_every_spend_line_warns_and_is_posted(tmp_path: Path, partnership: Any) -> None:
    status, report = run(
        tmp_path,
        partnership,
        "P-1,2003-05-01,payment,,CDT-2003,treatment,12000.00,,\nA-1,2003-06-30,accrual,,CDT-2003,treatment,5.00,,\n",
    )
    assert (status, report["accepted"], report["errors"]) == (0, True, [])
    assert [(w["row"], w["code"]) for w in report["warnings"]] == [
        (2, "not-a-contract"),
        (3, "not-a-contract"),
    ]
    assert "CDT-2003" in report["warnings"][0]["message"]


def test_a_reversal_in_a_later_year_warns_in_the_import(tmp_path: Path, partnership: Any) -> None:
    status, report = run(
        tmp_path,
        partnership,
        "C-1,2003-04-15,contribution,NTA-PTB,,,300.00,,\nR-1,2004-04-02,reversal,,,,,C-1,\n",
    )
    assert (status, report["accepted"]) == (0, True)
    assert [(w["row"], w["column"], w["code"]) for w in report["warnings"]] == [
        (3, "date", "reversal-in-another-year")
    ]


def test_the_check_page_warns_of_a_payment_to_no_contract(
    client: Any, partnership: Any, contract: Any
) -> None:
    client.force_login(member(partnership, Role.POOL_MANAGER, username="pam"))
    start = reverse("pool:post", args=[partnership.slug, "payment"])
    answers = {
        "date_0": "1",
        "date_1": "5",
        "date_2": "2024",
        "contract": "NO-SUCH-CONTRACT",
        "purpose": "treatment",
        "amount": "5000000.00",
        "token": "abcdefghij",
    }
    check = client.get(client.post(start, answers)["Location"]).content.decode()
    assert 'id="not-a-contract"' in check and "NO-SUCH-CONTRACT is not the reference" in check
    answers["contract"] = "main-contract"
    check = client.get(client.post(start, {**answers, "token": "bcdefghijk"})["Location"]).content.decode()
    assert 'id="not-a-contract"' not in check
