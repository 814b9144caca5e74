"""The pure rules: the stage machine, the standstill's working days, value x term, current terms."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from concordat.commissioning.rules import stages
from concordat.commissioning.rules.standstill import bank_holidays, is_working_day, standstill_end
from concordat.commissioning.rules.values import (
    Change,
    Terms,
    current_terms,
    schedule_from_annual,
    value_term_mismatch,
)

D = date(2024, 1, 2)


def reached(n: int, on: date = D) -> list[stages.Reached]:
    return [stages.Reached(s, on) for s in stages.ORDER[:n]]


@pytest.mark.parametrize("done", range(len(stages.ORDER)))
def test_each_stage_may_follow_the_one_before_it(done: int) -> None:
    assert stages.advance_problems(reached(done), stages.ORDER[done], D) == []


@pytest.mark.parametrize("done", range(len(stages.ORDER) - 1))
def test_skipping_a_stage_is_refused(done: int) -> None:
    problems = stages.advance_problems(reached(done), stages.ORDER[done + 1], D)
    assert [(p, c) for p, c, _ in problems] == [("stage", "stage-skipped")]
    assert stages.STAGES[stages.ORDER[done]] in problems[0][2]


@pytest.mark.parametrize("done", range(1, len(stages.ORDER)))
def test_going_back_is_refused(done: int) -> None:
    problems = stages.advance_problems(reached(done), stages.ORDER[done - 1], D)
    assert [(p, c) for p, c, _ in problems] == [("stage", "stage-going-back")]


def test_nothing_follows_a_signed_contract() -> None:
    problems = stages.advance_problems(reached(len(stages.ORDER)), "contract-signed", D)
    assert ("stage", "finished") in [(p, c) for p, c, _ in problems]


def test_an_unknown_stage_is_refused() -> None:
    assert stages.advance_problems([], "signed", D)[0][:2] == ("stage", "unknown-stage")


@given(gap=st.integers(1, 400))
def test_a_stage_dated_before_the_previous_one_is_refused_at_the_date(gap: int) -> None:
    problems = stages.advance_problems(reached(2), stages.ORDER[2], D - timedelta(days=gap))
    assert [(p, c) for p, c, _ in problems] == [("date", "date-before-previous-stage")]


def test_a_stage_on_the_same_day_as_the_previous_one_is_allowed() -> None:
    assert stages.advance_problems(reached(3), stages.ORDER[3], D) == []


# --- standstill ------------------------------------------------------------------------------------------


def test_bank_holidays_are_weekdays_only_with_observed_mondays() -> None:
    # 2021: Christmas Day and Boxing Day fell at the weekend; the days off were Monday 27 and Tuesday 28.
    days = bank_holidays(2021)
    assert date(2021, 12, 25) not in days and date(2021, 12, 27) in days and date(2021, 12, 28) in days


def test_standstill_of_a_plain_fortnight() -> None:
    # Intention on Monday 4 March 2024: Tue 5 .. Fri 8 (4), Mon 11 .. Thu 14 (8).
    assert standstill_end(date(2024, 3, 4)) == date(2024, 3, 14)


def test_standstill_over_easter_skips_good_friday_and_easter_monday() -> None:
    # Intention Wednesday 27 March 2024: Thu 28 (1), [Fri 29 Good Friday], [Mon 1 Easter Monday], Tue 2 .. Fri 5 (5),
    # Mon 8 .. Wed 10 (8).
    assert standstill_end(date(2024, 3, 27)) == date(2024, 4, 10)


def test_standstill_over_christmas_2021_skips_the_observed_holidays() -> None:
    # Intention Thursday 23 December 2021: Fri 24 (1); Mon 27, Tue 28 off; Wed 29 .. Fri 31 (4); Mon 3 Jan off
    # (New Year's Day observed); Tue 4 .. Fri 7 (8).
    assert standstill_end(date(2021, 12, 23)) == date(2022, 1, 7)


def test_a_representation_pauses_the_standstill() -> None:
    # Intention Mon 4 March 2024; a representation open Wed 6 to Fri 8: counting resumes Mon 11.
    assert standstill_end(date(2024, 3, 4), [(date(2024, 3, 6), date(2024, 3, 8))]) == date(2024, 3, 19)


def test_an_open_representation_leaves_the_end_unknown() -> None:
    assert standstill_end(date(2024, 3, 4), [(date(2024, 3, 6), None)]) is None


DAYS = st.dates(min_value=date(2004, 1, 1), max_value=date(2030, 12, 31))


@given(intention=DAYS)
def test_the_standstill_counts_exactly_eight_working_days_and_ends_on_one(intention: date) -> None:
    end = standstill_end(intention)
    assert end is not None and is_working_day(end)
    between = [intention + timedelta(days=i) for i in range(1, (end - intention).days + 1)]
    assert sum(is_working_day(d) for d in between) == 8
    assert all(d.weekday() < 5 for d in between if is_working_day(d))


@given(intention=DAYS, offset=st.integers(0, 15), length=st.integers(0, 20))
def test_a_representation_never_shortens_the_standstill_and_its_days_do_not_count(
    intention: date, offset: int, length: int
) -> None:
    received = intention + timedelta(days=offset)
    answered = received + timedelta(days=length)
    plain = standstill_end(intention)
    paused = standstill_end(intention, [(received, answered)])
    assert plain is not None and paused is not None and paused >= plain
    counted = [
        intention + timedelta(days=i)
        for i in range(1, (paused - intention).days + 1)
        if is_working_day(intention + timedelta(days=i))
        and not received <= intention + timedelta(days=i) <= answered
    ]
    assert len(counted) == 8 and counted[-1] == paused


@given(intention=DAYS)
def test_no_weekend_day_or_bank_holiday_is_a_working_day(intention: date) -> None:
    listed = bank_holidays(intention.year)
    if intention.weekday() >= 5 or intention in listed:
        assert not is_working_day(intention)


# --- values ----------------------------------------------------------------------------------------------


def test_croydon_annual_value_times_seven_is_its_whole_life_value() -> None:
    assert value_term_mismatch(298_436_000, 2_089_052_000, 7) is None


def test_a_mismatch_names_both_figures_and_the_difference() -> None:
    message = value_term_mismatch(298_436_000, 2_000_000_000, 7)
    assert message is not None
    assert "£20,890,520.00" in message and "£2,984,360.00" in message and "£890,520.00" in message


@given(annual=st.integers(0, 10**10), years=st.integers(1, 15), off=st.integers(-(10**6), 10**6))
def test_the_value_check_warns_exactly_when_the_product_differs(annual: int, years: int, off: int) -> None:
    assert (value_term_mismatch(annual, annual * years + off, years) is None) == (off == 0)


ORIGINAL = Terms(
    end=date(2029, 3, 31),
    annual_pence=100,
    whole_life_pence=700,
    schedule={y: 100 for y in range(2022, 2029)},
)


def test_variations_apply_in_order_and_leave_the_original_alone() -> None:
    terms = current_terms(
        ORIGINAL,
        [Change(annual_pence=120, schedule={2024: 120}), Change(schedule={2024: 130}, whole_life_pence=730)],
    )
    assert terms.schedule[2024] == 130 and terms.annual_pence == 120 and terms.whole_life_pence == 730
    assert ORIGINAL.schedule[2024] == 100 and ORIGINAL.annual_pence == 100


def test_an_earlier_end_drops_the_years_the_contract_no_longer_reaches() -> None:
    terms = current_terms(ORIGINAL, [Change(end=date(2026, 3, 31))])
    assert sorted(terms.schedule) == [2022, 2023, 2024, 2025]


@given(
    start=st.dates(date(2000, 1, 1), date(2040, 1, 1)),
    days=st.integers(0, 4000),
    annual=st.integers(0, 10**10),
)
def test_a_derived_schedule_covers_every_year_the_contract_runs_and_whole_years_pay_the_annual_value(
    start: date, days: int, annual: int
) -> None:
    end = start + timedelta(days=days)
    schedule = schedule_from_annual(start, end, annual)
    assert all(0 <= p <= annual for p in schedule.values())
    years = sorted(schedule)
    assert years == list(range(years[0], years[-1] + 1))
    for year in years[1:-1]:
        assert schedule[year] == annual
