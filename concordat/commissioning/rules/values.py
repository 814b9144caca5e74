"""A contract's values: annual value x term against the whole-life value; the current terms as the
original plus its variations in order; and the payment schedule by financial year."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from concordat.core.money import format_pounds
from concordat.core.years import FinancialYear


def value_term_mismatch(annual_pence: int, whole_life_pence: int, term_years: int) -> str | None:
    """The warning when a stated whole-life value is not the annual value times the term (Croydon:
    £2,984,360.00 x 7 = £20,890,520.00 agrees); None when they agree."""
    expected = annual_pence * term_years
    if expected == whole_life_pence:
        return None
    difference = whole_life_pence - expected
    return (
        f"The whole-life value {format_pounds(whole_life_pence)} is not the annual value "
        f"{format_pounds(annual_pence)} x {term_years} years = {format_pounds(expected)} "
        f"(a difference of {format_pounds(abs(difference))} {'over' if difference > 0 else 'under'})"
    )


@dataclass(frozen=True)
class Terms:
    """What a contract says now: its end, values and payment schedule (financial year start -> pence)."""

    end: date
    annual_pence: int
    whole_life_pence: int | None
    schedule: dict[int, int]


@dataclass(frozen=True)
class Change:
    """A variation's new values: None leaves a value as it was; a schedule replaces the years it names."""

    end: date | None = None
    annual_pence: int | None = None
    whole_life_pence: int | None = None
    schedule: dict[int, int] | None = None


def current_terms(original: Terms, changes: list[Change]) -> Terms:
    """The original terms with each variation applied in order; the original is never changed."""
    terms = original
    for change in changes:
        terms = replace(
            terms,
            end=change.end or terms.end,
            annual_pence=terms.annual_pence if change.annual_pence is None else change.annual_pence,
            whole_life_pence=terms.whole_life_pence
            if change.whole_life_pence is None
            else change.whole_life_pence,
            schedule={**terms.schedule, **(change.schedule or {})},
        )
    # A year the contract no longer reaches is no longer committed.
    last = FinancialYear.containing(terms.end).start_year
    return replace(terms, schedule={y: p for y, p in sorted(terms.schedule.items()) if y <= last})


def schedule_from_annual(start: date, end: date, annual_pence: int) -> dict[int, int]:
    """A schedule where none is stated: the annual value by financial year, in proportion to the days the
    contract runs in each (a part year pays its part), rounded to the penny."""
    schedule: dict[int, int] = {}
    year = FinancialYear.containing(start)
    while year.start <= end:
        first, last = max(start, year.start), min(end, year.end)
        days_in_year = (year.end - year.start).days + 1
        days = (last - first).days + 1
        schedule[year.start_year] = (annual_pence * days * 2 + days_in_year) // (days_in_year * 2)
        year = year.next()
    return schedule


def term_years(start: date, end: date) -> int:
    """Whole years from start to end inclusive, rounded to the nearest year (1 April 2022 to 31 March 2029
    is 7)."""
    days = (end + timedelta(days=1) - start).days
    return max(1, round(days / 365.25))
