"""Cost per person in integer pence, half-up to the penny (rules/costs.py)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from concordat.performance.rules.costs import per_head


def test_a_tie_goes_up_and_below_half_goes_down() -> None:
    assert per_head(5, 2) == 3  # 2.5p
    assert per_head(7, 3) == 2  # 2.33p
    assert per_head(8, 3) == 3  # 2.67p
    assert per_head(100_000_00, 812) == 12315  # £100,000 over 812 people: £123.15


def test_a_refund_rounds_away_from_zero_too() -> None:
    assert per_head(-5, 2) == -3


def test_no_people_no_cost() -> None:
    assert per_head(100, 0) is None and per_head(100, None) is None


@given(st.integers(min_value=-(10**12), max_value=10**12), st.integers(min_value=1, max_value=10**7))
def test_within_half_a_penny_a_head_and_ties_away_from_zero(pence: int, people: int) -> None:
    cost = per_head(pence, people)
    assert cost is not None
    error = cost * people - pence  # in pence over all the people
    assert 2 * abs(error) <= people
    if 2 * abs(error) == people:  # a tie: away from zero
        assert abs(cost) * people > abs(pence)
