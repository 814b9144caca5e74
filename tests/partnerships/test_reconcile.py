"""Stated totals and their relation to the contributions (rules/reconcile.py), in integer pence, at their
edges; and a total over a span of years."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from concordat.core.years import FinancialYear
from concordat.partnerships.rules.reconcile import (
    relation_met,
    stated_total_message,
    stated_total_mismatches,
    summed_over,
)

PENCE = st.integers(min_value=0, max_value=10**15)
Y = FinancialYear


@given(PENCE, PENCE)
def test_exact_over_and_under_are_equal_greater_and_less(stated: int, summed: int) -> None:
    assert relation_met("exact", stated, summed) == (summed == stated)
    assert relation_met("over", stated, summed) == (summed > stated)
    assert relation_met("under", stated, summed) == (summed < stated)


@given(PENCE, PENCE)
def test_about_is_within_five_percent_of_the_stated_total(stated: int, summed: int) -> None:
    assert relation_met("about", stated, summed) == (abs(summed - stated) * 20 <= stated)


@pytest.mark.parametrize(
    ("summed", "met"),
    [
        (105_000_00, True),  # 5% over: the edge is in
        (105_000_01, False),  # a penny more
        (95_000_00, True),  # 5% under
        (94_999_99, False),
        (100_000_00, True),
    ],
)
def test_about_at_its_edges(summed: int, met: bool) -> None:
    assert relation_met("about", 100_000_00, summed) is met


@pytest.mark.parametrize(
    ("relation", "summed", "met"),
    [
        ("over", 130_000_001, True),
        ("over", 130_000_000, False),  # equal is not over
        ("under", 129_999_999, True),
        ("under", 130_000_000, False),
        ("exact", 130_000_000, True),
        ("exact", 130_000_001, False),
    ],
)
def test_over_under_and_exact_at_their_edges(relation: str, summed: int, met: bool) -> None:
    assert relation_met(relation, 130_000_000, summed) is met


def test_a_span_sums_every_year_from_the_first_to_the_last() -> None:
    totals = {Y(2003): 1, Y(2004): 10, Y(2007): 100, Y(2010): 1000, Y(2011): 10000}
    assert summed_over(totals, Y(2004), Y(2010)) == 1110
    assert summed_over(totals, Y(2004), None) == 10


def test_the_message_says_the_relation_and_whether_it_is_met() -> None:
    met = stated_total_message(Y(2004), None, "over", 130_000_000, 158_000_000, "report para 3.1")
    assert met == (
        "2004-05: the stated total over £1,300,000.00 (report para 3.1) is met: "
        "the sum of contributions £1,580,000.00 is over it"
    )
    failed = stated_total_message(Y(2004), None, "over", 130_000_000, 120_000_000, "")
    assert failed == (
        "2004-05: the stated total over £1,300,000.00 is not met: the sum of contributions £1,200,000.00 "
        "is under it; the difference is £100,000.00"
    )
    equal = stated_total_message(Y(2004), None, "under", 130_000_000, 130_000_000, "")
    assert "is not met" in equal and "equal to it, not under it" in equal
    about = stated_total_message(Y(2004), Y(2010), "about", 2_089_052_000, 1_000_000_000, "")
    assert about.startswith("2004-05 to 2010-11: the stated total about £20,890,520.00 is not met")
    assert "more than 5% under it" in about


def test_an_exact_total_keeps_its_older_words() -> None:
    message = stated_total_message(Y(2003), None, "exact", 215_000_000, 200_150_000, "item 12")
    assert message == (
        "2003-04: the stated total £2,150,000.00 (item 12) differs from the sum of contributions "
        "£2,001,500.00; the difference is £148,500.00"
    )


def test_only_the_totals_whose_relation_fails_are_mismatches() -> None:
    lines = [{"year": Y(2004), "amount_pence": 158_000_000}, {"year": Y(2005), "amount_pence": 1}]
    stated = [
        {"year": Y(2004), "amount_pence": 130_000_000, "relation": "over"},  # met
        {"year": Y(2004), "amount_pence": 130_000_000},  # exact: fails
        {"year": Y(2004), "to_year": Y(2005), "amount_pence": 158_000_001, "relation": "exact"},  # met
        {"year": Y(2004), "amount_pence": 150_000_000, "relation": "about"},  # 5.33% over: fails
    ]
    assert [index for index, _ in stated_total_mismatches(stated, lines)] == [1, 3]
