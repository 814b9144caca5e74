"""Published figures: counts of 1 to 4 suppressed, others rounded to 5, percentages from the unrounded
counts, and secondary suppression within a breakdown."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from concordat.performance.rules import disclosure
from concordat.performance.rules.numbers import half_up, nearest_five, percentage
from tests.performance import cases
from tests.performance.cases import AS_OF, YEAR, episode

START, END = YEAR


_people = itertools.count()


def people(n, **values):
    """n people, each with one episode of these values."""
    return [row for _ in range(n) for row in episode(f"person-{next(_people)}", **values)]


@pytest.mark.parametrize(
    ("count", "published"), [(0, 0), (1, None), (4, None), (5, 5), (7, 5), (8, 10), (12, 10), (13, 15)]
)
def test_a_count_is_suppressed_from_1_to_4_and_else_rounded_to_5(count, published):
    obj = cases.kpis(people(count), START, END, AS_OF, published=True)
    assert obj["accessing_services"] == published
    assert ("accessing_services" in obj.get("suppressed", [])) == (published is None)


def test_zero_is_not_suppressed_and_no_empty_list_is_written():
    obj = cases.kpis([], START, END, AS_OF, published=True)
    assert obj["in_treatment"] == 0 and "suppressed" not in obj
    assert "suppressed" not in obj["waiting"]["advice"]


def test_percentages_come_from_the_unrounded_counts_and_vanish_with_a_suppressed_part():
    start = date(2004, 6, 1)
    treated = {"modalities": [{"modality": "pharmacological", "referral": start, "start": start}]}
    rows = people(7, **treated) + people(6, provider="P2", discharge=start + timedelta(days=20), **treated)
    obj = cases.kpis(rows, START, END, AS_OF, published=True)
    assert obj["retention_12wk"] == {"cohort": 15, "retained": 5, "pct": 53.8}  # 7 of 13 retained
    by_provider = obj["breakdowns"]["by_provider"]
    assert by_provider["P2"]["retention_12wk"] == {"cohort": 5, "retained": 0, "pct": 0.0}
    assert obj["baseline_growth_pct"] == 225.0  # 13 against 4, not the published 15
    waiting = obj["waiting"]["pharmacological"]
    assert (waiting["count"], waiting["mean_days"], waiting["within_threshold_pct"]) == (15, 0.0, 100.0)


def test_a_suppressed_count_nulls_what_depends_on_it():
    start = date(2004, 6, 1)
    rows = people(
        3, modalities=[{"modality": "psychosocial", "referral": start - timedelta(days=30), "start": start}]
    )
    obj = cases.kpis(rows, START, END, AS_OF, published=True)
    assert obj["in_treatment"] is None and obj["baseline_growth_pct"] is None
    assert obj["accessing_services"] is None and obj["accessing_target_pct"] is None
    waiting = obj["waiting"]["psychosocial"]
    assert waiting == {
        "count": None,
        "mean_days": None,
        "median_days": None,
        "within_threshold_pct": None,
        "threshold_days": 21,
        "still_waiting": 0,
        "target_met": None,
        "suppressed": ["count"],
    }
    assert obj["successful_completions"]["suppressed"] == ["denominator"]
    assert obj["suppressed"] == ["in_treatment", "accessing_services", "new_starts"]


def test_within_threshold_pct_is_suppressed_when_1_to_4_waited_within_it():
    start = date(2004, 6, 1)
    late = [{"modality": "psychosocial", "referral": start - timedelta(days=40), "start": start}]
    soon = [{"modality": "psychosocial", "referral": start, "start": start}]
    obj = cases.kpis(
        people(9, modalities=late) + people(2, provider="P2", modalities=soon),
        START,
        END,
        AS_OF,
        published=True,
    )
    waiting = obj["waiting"]["psychosocial"]
    assert (waiting["count"], waiting["within_threshold_pct"], waiting["mean_days"]) == (10, None, 32.7)


def test_one_suppressed_group_takes_the_next_smallest_of_five_or_more_with_it():
    rows = people(3, age=20) + people(6, age=30) + people(6, age=40) + people(9, age=50)
    obj = cases.kpis(rows, START, END, AS_OF, published=True)
    bands = obj["breakdowns"]["by_age_band"]
    assert (
        bands["18-24"]["accessing_services"] is None and "accessing_services" in bands["18-24"]["suppressed"]
    )
    # 25-34 and 35-44 both have 6: the key that sorts first goes
    assert (
        bands["25-34"]["accessing_services"] is None and "accessing_services" in bands["25-34"]["suppressed"]
    )
    assert bands["35-44"]["accessing_services"] == 5 and bands["45-54"]["accessing_services"] == 10
    assert bands["under-18"]["accessing_services"] == 0
    assert obj["accessing_services"] == 25  # the total is not a breakdown's group


def test_two_suppressed_groups_take_no_other():
    rows = people(3, age=20) + people(2, age=30) + people(6, age=40)
    bands = cases.kpis(rows, START, END, AS_OF, published=True)["breakdowns"]["by_age_band"]
    assert bands["35-44"]["accessing_services"] == 5 and "suppressed" not in bands["35-44"]


def test_secondary_suppression_nulls_the_percentages_that_depend_on_the_count():
    start = date(2004, 6, 1)
    treated = {"modalities": [{"modality": "pharmacological", "referral": start, "start": start}]}
    rows = people(2, provider="P1", **treated) + people(6, provider="P2", **treated)
    by_provider = cases.kpis(rows, START, END, AS_OF, published=True)["breakdowns"]["by_provider"]
    assert by_provider["P2"]["retention_12wk"] == {
        "cohort": None, "retained": None, "pct": None, "suppressed": ["cohort", "retained"],
    }  # fmt: skip
    assert by_provider["P2"]["successful_completions"]["pct"] is None
    assert by_provider["P2"]["waiting"]["pharmacological"]["mean_days"] is None


def test_the_secondary_rule_alone():
    assert disclosure.secondary({"a": 3, "b": 9, "c": 7, "d": 0}) == "c"
    assert disclosure.secondary({"a": 3, "b": 4, "c": 7}) is None
    assert disclosure.secondary({"a": 3, "b": 0}) is None
    assert disclosure.secondary({"b": 6, "a": 6, "c": 1}) == "a"


@given(st.integers(0, 10_000))
def test_rounding_to_five_is_never_more_than_two_away(count):
    assert nearest_five(count) % 5 == 0 and abs(nearest_five(count) - count) <= 2


@given(st.integers(0, 10_000), st.integers(1, 10_000))
def test_a_percentage_is_the_exact_share_rounded_half_up(numerator, denominator):
    from decimal import ROUND_HALF_UP, Decimal, localcontext

    with localcontext() as context:
        context.prec = 50
        exact = Decimal(100 * numerator) / Decimal(denominator)
    assert percentage(numerator, denominator) == float(exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def test_half_up_rounds_ties_away_from_zero():
    from fractions import Fraction

    assert (half_up(Fraction(1, 20)), half_up(Fraction(-1, 20)), half_up(Fraction(2249, 1000))) == (
        0.1,
        -0.1,
        2.2,
    )
