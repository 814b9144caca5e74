"""The pool's API: the statement's JSON, posting (idempotent by ref) and reversing, problems as bodies."""

from __future__ import annotations

from typing import Any

import pytest

from concordat.core.years import FinancialYear
from concordat.pool import selectors
from concordat.pool.models import Transaction
from tests.factories import row_counts

pytestmark = pytest.mark.django_db
BASE = "/api/v1/partnerships/salford-dat/pool"
PAYMENT = {
    "ref": "P-1",
    "date": "2003-05-01",
    "kind": "payment",
    "contract": "CDT-2003",
    "purpose": "treatment",
    "amount": "12000.00",
}


@pytest.fixture
def finance(client: Any, pool_manager: Any) -> Any:
    client.force_login(pool_manager)
    return client


def test_the_statement_is_the_commands_json(finance: Any, partnership: Any) -> None:
    response = finance.get(f"{BASE}/statement?year=2003-04")
    assert response.status_code == 200
    assert response.json() == selectors.statement_json(selectors.statement(partnership, FinancialYear(2003)))


def test_a_bad_year_is_a_problem_body(finance: Any) -> None:
    response = finance.get(f"{BASE}/statement?year=2003-05")
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"][0]["code"] == "invalid-year"


def test_posting_twice_posts_once(finance: Any) -> None:
    first = finance.post(f"{BASE}/transactions", PAYMENT, content_type="application/json")
    second = finance.post(f"{BASE}/transactions", PAYMENT, content_type="application/json")
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["legs"] == [
        {"account": "spend:CDT-2003", "amount": "12000.00"},
        {"account": "cash", "amount": "-12000.00"},
    ]
    assert Transaction.objects.count() == 1
    # Posted, with what to look at: CDT-2003 names no contract here (none is registered) and the pool holds
    # no cash yet; the repeat, which posts nothing, warns of nothing.
    assert [(w["path"], w["code"]) for w in first.json()["warnings"]] == [
        ("contract", "not-a-contract"),
        ("amount", "overdraws-cash"),
    ]
    assert second.json()["warnings"] == []


def test_the_same_ref_with_other_content_is_a_conflict(finance: Any) -> None:
    finance.post(f"{BASE}/transactions", PAYMENT, content_type="application/json")
    before = row_counts()
    response = finance.post(
        f"{BASE}/transactions", {**PAYMENT, "amount": "1.00"}, content_type="application/json"
    )
    assert response.status_code == 409 and response.json()["errors"][0]["code"] == "ref-conflict"
    assert row_counts() == before


@pytest.mark.parametrize(
    ("change", "path", "code"),
    [
        ({"amount": "-1.00"}, "$.amount", "negative-amount"),
        ({"amount": "1"}, "$.amount", "bad-money"),
        ({"purpose": "gardening"}, "$.purpose", "unknown-purpose"),
        ({"kind": "contribution", "stream": "NOPE"}, "$.stream", "unknown-stream"),
        ({"amount": "801500.01", "purpose": "harm-reduction"}, "$.amount", "ring-fence"),
    ],
)
def test_a_refused_posting_changes_nothing(
    finance: Any, change: dict[str, str], path: str, code: str
) -> None:
    before = row_counts()
    response = finance.post(f"{BASE}/transactions", {**PAYMENT, **change}, content_type="application/json")
    assert response.status_code == 422
    assert {"path": path, "code": code} in [
        {k: e[k] for k in ("path", "code")} for e in response.json()["errors"]
    ]
    assert row_counts() == before


def test_a_reversal_from_the_transactions_address(finance: Any) -> None:
    finance.post(f"{BASE}/transactions", PAYMENT, content_type="application/json")
    response = finance.post(
        f"{BASE}/transactions/P-1/reversal",
        {"ref": "R-1", "date": "2003-05-02"},
        content_type="application/json",
    )
    assert response.status_code == 201 and response.json()["reverses"] == "P-1"
    again = finance.post(
        f"{BASE}/transactions/P-1/reversal",
        {"ref": "R-2", "date": "2003-05-02"},
        content_type="application/json",
    )
    assert again.status_code == 422 and again.json()["errors"][0]["code"] == "already-reversed"
    listed = finance.get(f"{BASE}/transactions?kind=payment").json()
    assert [(t["ref"], t["reversed_by"]) for t in listed] == [("P-1", "R-1")]


def test_a_partner_representative_reads_but_cannot_post(client: Any, partnership: Any) -> None:
    from concordat.core.roles import Role
    from tests.factories import member

    client.force_login(member(partnership, Role.PARTNER_REPRESENTATIVE, username="rep"))
    assert client.get(f"{BASE}/statement?year=2003-04").status_code == 200
    assert client.post(f"{BASE}/transactions", PAYMENT, content_type="application/json").status_code == 403
