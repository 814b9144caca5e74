"""The pool's demonstration data: a year of invented postings for Salford 2003-04 and B&NES 2004-05."""

from __future__ import annotations

from typing import Any

import pytest

from concordat.core.years import FinancialYear
from concordat.demo.services import demo_load
from concordat.partnerships.models import Partnership
from concordat.pool import demo_data, selectors
from concordat.pool.models import Transaction
from concordat.pool.verify import verify
from tests.factories import row_counts


@pytest.fixture
def demo(db: None, fixed_today: Any) -> None:
    demo_load()


def test_the_demo_pools_have_a_year_of_marked_postings(demo: None) -> None:
    salford = Partnership.objects.get(slug="salford-dat")
    s = selectors.statement_json(selectors.statement(salford, FinancialYear(2003)))
    assert s["budget"] == "2001500.00" and s["received"] == "2001500.00"
    assert s["actual_spend"] == "1800000.00" and s["variance"] == "201500.00"
    assert {p["code"]: p["share_pct"] for p in s["partners"]} == {"PCT": "89.81", "SCC": "10.19"}
    bnes = selectors.statement(Partnership.objects.get(slug="bnes-dat"), FinancialYear(2004))
    assert bnes.budget == 158000000
    rows = Transaction.objects.all()
    assert all(t.ref.startswith("DEMO-") and t.description.startswith("Invented:") for t in rows)
    assert rows.filter(kind="reversal").count() == 2


def test_the_demo_ledgers_verify(demo: None) -> None:
    for slug in demo_data.CONTRACTS:
        _checked, failure = verify(Partnership.objects.get(slug=slug))
        assert failure is None


def test_loading_the_demo_twice_changes_nothing(demo: None) -> None:
    before = row_counts()
    demo_load()
    assert row_counts() == before
