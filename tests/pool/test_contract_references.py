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
from concordat.pool.forms.posting import ANOTHER
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
        "C-1,2024-04-15,contribution,NTA-PTB,,,5000.00,,\n"
        "P-1,2024-05-01,payment,,main-contract,treatment,1000.00,,\n"
        "P-2,2024-05-02,payment,,contract:main-contract,treatment,234.56,,\n"
        "P-3,2024-05-03,payment,,main-contrakt,treatment,10.00,,a slip\n",
    )
    assert (status, report["accepted"]) == (0, True)
    assert [(w["row"], w["column"], w["code"]) for w in report["warnings"]] == [
        (5, "contract", "not-a-contract")
    ]
    paid = commitments.payments_for(contract)
    assert sorted(t.ref for t in paid) == ["P-1", "P-2"]
    s = selectors.statement(partnership, year)
    assert s.spend_by_contract["contract:main-contract"] == 123_456
    assert s.spend_by_contract["main-contrakt"] == 1_000
    assert s.committed == committed - 123_456  # the contract's spend comes off its commitment, the slip's not


def test_payments_past_the_commitment_or_the_cash_are_warned_where_the_running_total_goes_over(
    tmp_path: Path, partnership: Any, contract: Any
) -> None:
    # The contract's commitment in 2025-26 is its annual value, £2,984,360.00; the cash is what came in.
    status, report = run(
        tmp_path,
        partnership,
        "C-1,2025-04-15,contribution,NTA-PTB,,,3000000.00,,\n"
        "P-1,2025-05-01,payment,,main-contract,treatment,2000000.00,,\n"
        "A-1,2025-05-02,accrual,,main-contract,treatment,984360.00,,\n"
        "P-2,2025-05-03,payment,,main-contract,treatment,0.01,,\n"
        "R-1,2025-05-04,reversal,,,,,P-2,\n"
        "P-3,2025-05-05,payment,,main-contract,treatment,1000000.01,,\n",
    )
    assert (status, report["accepted"], report["errors"]) == (0, True, [])
    assert [(w["row"], w["column"], w["code"]) for w in report["warnings"]] == [
        (5, "amount", "over-commitment"),
        (7, "amount", "over-commitment"),
        (7, "amount", "overdraws-cash"),
    ]
    over, _, cash = report["warnings"]
    assert (
        "£0.01 is more than what is left of the commitment" in over["message"]
        and "(£0.00)" in over["message"]
    )
    assert "(£1,000,000.00)" in cash["message"]  # the reversal of P-2 gave its penny back


def test_without_contracts_every_spend_line_warns_and_is_posted(tmp_path: Path, partnership: Any) -> None:
    status, report = run(
        tmp_path,
        partnership,
        "P-1,2003-05-01,payment,,CDT-2003,treatment,12000.00,,\nA-1,2003-06-30,accrual,,CDT-2003,treatment,5.00,,\n",
    )
    assert (status, report["accepted"], report["errors"]) == (0, True, [])
    assert [(w["row"], w["code"]) for w in report["warnings"]] == [
        (2, "not-a-contract"),
        (2, "overdraws-cash"),  # nothing came in yet
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


def test_the_payment_page_picks_a_contract_and_warns_of_a_spend_line(
    client: Any, partnership: Any, contract: Any
) -> None:
    client.force_login(member(partnership, Role.POOL_MANAGER, username="pam"))
    start = reverse("pool:post", args=[partnership.slug, "payment"])
    form = client.get(client.get(start)["Location"]).content.decode()
    assert (
        '<option value="main-contract">Integrated drug and alcohol treatment service, Example Community Drug Service (main-contract)'
        in form
    )
    answers = {
        "date_0": "1",
        "date_1": "5",
        "date_2": "2024",
        "contract": ANOTHER,
        "purpose": "treatment",
        "amount": "5000000.00",
        "token": "abcdefghij",
    }
    missing = client.post(start, answers)
    assert (
        missing.status_code == 422
        and "Enter the spend line, or choose a contract" in missing.content.decode()
    )
    check = client.get(client.post(start, {**answers, "spend_line": "NO-SUCH-CONTRACT"})["Location"])
    html = check.content.decode()
    assert 'id="not-a-contract"' in html and "NO-SUCH-CONTRACT is not the reference" in html
    assert 'id="overdraws-cash"' in html  # £5,000,000 and nothing received
    chosen = client.post(start, {**answers, "contract": "main-contract", "token": "bcdefghijk"})
    html = client.get(chosen["Location"]).content.decode()
    assert 'id="not-a-contract"' not in html and "Example Community Drug Service (main-contract)" in html
    assert 'id="over-commitment"' in html  # more than the year's £2,984,360.00
    posted = client.post(chosen["Location"].split("?")[0], {"token": "bcdefghijk"})
    assert posted.status_code == 302
    assert [t.ref for t in commitments.payments_for(contract)] == ["bcdefghijk"]


def test_the_annual_return_names_each_contract_by_its_service_and_provider(
    tmp_path: Path, partnership: Any, contract: Any
) -> None:
    from io import BytesIO

    from openpyxl import load_workbook

    from concordat.pool.report import manager_report, report_workbook

    run(tmp_path, partnership, "P-1,2024-05-01,payment,,main-contract,treatment,1000.00,,\n")
    annual = manager_report(partnership, "annual", FinancialYear(2024), None)
    line = {line.contract: line for line in annual.services}["main-contract"]
    assert line.service == "Integrated drug and alcohol treatment service, Example Community Drug Service"
    assert (line.actual_spend, line.committed) == (100_000, 298_436_000 - 100_000)
    book = load_workbook(BytesIO(report_workbook(annual)))
    rows = list(book["Services"].iter_rows(min_row=2, values_only=True))
    assert rows[0][0] == "main-contract" and rows[0][4] == line.service
