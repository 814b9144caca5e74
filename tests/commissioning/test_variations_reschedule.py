"""Variations change the money (docs/architecture.md, "Variations change the money"): a new annual value or
end re-schedules the contract from the day the variation takes effect, and so the pool's commitments and
forecast of every year it touches; the worked example of the docs, and properties over random variations."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from concordat.commissioning import commitments, services
from concordat.commissioning.rules.values import Change, Terms, current_terms, schedule_from_annual
from concordat.core.years import FinancialYear
from concordat.pool import selectors as pool
from tests.commissioning.conftest import contract_values

START, END, ANNUAL = date(2024, 4, 1), date(2031, 3, 31), 298_436_000  # Croydon: £2,984,360.00 a year
ORIGINAL = Terms(END, ANNUAL, None, schedule_from_annual(START, END, ANNUAL))


def test_the_worked_example_an_uplift_from_october_then_an_extension() -> None:
    uplift = current_terms(ORIGINAL, [Change(annual_pence=328_436_000, on=date(2026, 10, 1))])
    # 2026-27: 182 of its 365 days at the new value: + £3,284,360 x 182/365 (£1,637,680.88) - £2,984,360 x
    # 182/365 (£1,488,091.84).
    assert uplift.schedule == {
        2024: ANNUAL,
        2025: ANNUAL,
        2026: ANNUAL + 163_768_088 - 148_809_184,
        2027: 328_436_000,
        2028: 328_436_000,
        2029: 328_436_000,
        2030: 328_436_000,
    }
    extended = current_terms(ORIGINAL, [Change(end=date(2032, 9, 30), on=date(2030, 6, 1))])
    # 2031-32 now runs whole; 2032-33 runs 183 of its 365 days: £2,984,360 x 183/365 = £1,496,268.16.
    assert extended.schedule == {**ORIGINAL.schedule, 2031: ANNUAL, 2032: 149_626_816}


def test_an_end_moved_back_before_the_variations_day_commits_nothing_after_it() -> None:
    varied = current_terms(ORIGINAL, [Change(end=date(2029, 6, 30), on=date(2029, 10, 1))])
    # 2029-30 runs 91 of its 365 days: £2,984,360.00 x 91/365 = £744,045.92, not the half year to October.
    assert varied.schedule[2029] == 74_404_592 == schedule_from_annual(START, date(2029, 6, 30), ANNUAL)[2029]
    assert max(varied.schedule) == 2029


def test_a_varied_contract_moves_the_pools_commitments_and_forecast(partnership: Any, lead: Any) -> None:
    contract, _ = services.contract_create(partnership=partnership, values=contract_values(), user=lead)
    before = pool.statement(partnership, FinancialYear(2027))
    services.contract_vary(
        contract=contract,
        values={"date": "2026-10-01", "reason": "Uplift", "annual_value": "3284360.00"},
        user=lead,
    )
    after = pool.statement(partnership, FinancialYear(2027))
    assert after.committed - before.committed == 30_000_000  # £300,000.00 more in 2027-28
    assert after.forecast_outturn - before.forecast_outturn == 30_000_000
    assert commitments.schedule_by_year(contract)[2026] == ANNUAL + 163_768_088 - 148_809_184


days = st.integers(0, (END - START).days)


@given(on=days, annual=st.integers(0, 10**10), longer=st.integers(-2500, 2000))
def test_years_before_the_variation_keep_their_money_and_later_ones_run_at_the_new_value(
    on: int, annual: int, longer: int
) -> None:
    effective = START + timedelta(days=on)
    end = max(START, END + timedelta(days=longer))  # possibly before the variation's own day
    varied = current_terms(ORIGINAL, [Change(end=end, annual_pence=annual, on=effective)])
    first = FinancialYear.containing(min(effective, end + timedelta(days=1)))
    last = FinancialYear.containing(end)
    if end < effective:  # an end moved back before the variation: its last year pays to that end only
        assert varied.schedule[last.start_year] == schedule_from_annual(START, end, ANNUAL)[last.start_year]
    for year, pence in varied.schedule.items():
        if year < first.start_year:
            assert pence == ORIGINAL.schedule[year]
        elif first.start_year < year < last.start_year:
            assert pence == annual  # a whole year inside the new term, at the new value
    assert max(varied.schedule) == last.start_year
