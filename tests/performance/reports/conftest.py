"""A partnership for the board's reports: Salford with two providers, two risks in its register, treatment
data in 2003-04 and 2004-05 (submitted through the import), and a pooled fund with a contribution and a
payment in 2004-05."""

from __future__ import annotations

from datetime import date
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from concordat.core.roles import Role
from tests.factories import agreement_document, load_partnership, member
from tests.treatment.conftest import submit
from tests.treatment.submissions import a_file, row

Q1 = ("--from", "2004-04-01", "--to", "2004-06-30")
YEAR = ("--from", "2004-04-01", "--to", "2005-03-31")
RISKS = [
    {"description": "Recruitment of specialist staff", "likelihood": 4, "impact": 3, "owner": "DAT co-ordinator",
     "mitigation": "Joint recruitment"},
    {"description": "Prevalence may not support the targets", "likelihood": 3, "impact": 4},
]  # fmt: skip


def document(**overrides: Any) -> dict[str, Any]:
    doc = agreement_document(
        providers=[
            {"code": "P1", "name": "Example Community Drug Service", "tiers": [2, 3]},
            {"code": "P2", "name": "Second Street Project", "tiers": [2, 3]},
        ],
        risks=RISKS,
    )
    doc["contributions"].append({"stream": "NTA-PTB", "year": "2004-05", "amount": "1300000.00"})
    doc.update(overrides)
    return doc


@pytest.fixture
def partnership(db: Any) -> Any:
    return load_partnership(document())


@pytest.fixture
def record(partnership: Any) -> Any:
    """Six people at P1 in 2004-05 (one completes), two at P2 (one a year before)."""
    from concordat.pool import services as pool

    submit(partnership, a_file(6))
    submit(
        partnership,
        [
            row(client_ref="X", episode_ref="X1", date_of_birth="1980-01-02"),
            row(
                client_ref="Y",
                episode_ref="Y1",
                date_of_birth="1981-01-02",
                referral_date="2003-05-01",
                triage_date="2003-05-02",
                modality_referral_date="2003-05-02",
                modality_start_date="2003-05-20",
            ),
        ],
        provider="P2",
    )
    pool.contribution_post(
        partnership=partnership, ref="C-1", date=date(2004, 4, 15), stream="NTA-PTB", amount_pence=65_000_000
    )
    pool.payment_post(
        partnership=partnership, ref="P-1", date=date(2004, 5, 1), contract="CDT", purpose="treatment",
        amount_pence=1_234_567,
    )  # fmt: skip
    return partnership


@pytest.fixture
def lead(partnership: Any) -> Any:
    return member(partnership, Role.LEAD_COMMISSIONER, username="lead", first_name="Lena", last_name="Lead")


def run(command: str, *args: str) -> tuple[int, str]:
    """A management command: (exit status, what it printed or the error's message)."""
    out = StringIO()
    try:
        call_command(command, *args, stdout=out)
    except CommandError as error:
        return error.returncode, out.getvalue() or str(error)
    return 0, out.getvalue()
