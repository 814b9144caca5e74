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
    """A variation's new values: None leaves a value as it was; a schedule replaces the years it names.
    `on`: the day it takes effect (the schedule follows a new annual value or end from that day)."""

    end: date | None = None
    annual_pence: int | None = None
    whole_life_pence: int | None = None
    schedule: dict[int, int] | None = None
    on: date | None = None


def current_terms(original: Terms, changes: list[Change]) -> Terms:
    """The original terms with each variation applied in order; the original is never changed.

    A variation that changes the annual value or the end re-schedules the money from the day it takes
    effect (docs/architecture.md, "Variations change the money"): each financial year from then gains the
    new annual value for the days it now runs in that year and loses the old one for the days it ran
    before, each part by the days over the days of the year, rounded to the penny (as
    `schedule_from_annual`); years before the variation's day, and the days of its year before it, keep
    what they had. A stated schedule of the variation then replaces the years it names. A year the
    contract no longer reaches is no longer committed."""
    terms = original
    for change in changes:
        end = change.end or terms.end
        annual = terms.annual_pence if change.annual_pence is None else change.annual_pence
        schedule = dict(terms.schedule)
        if change.on is not None and (end != terms.end or annual != terms.annual_pence):
            for year, pence in _rescheduled(change.on, terms.end, terms.annual_pence, end, annual).items():
                schedule[year] = max(schedule.get(year, 0) + pence, 0)
        terms = replace(
            terms,
            end=end,
            annual_pence=annual,
            whole_life_pence=terms.whole_life_pence
            if change.whole_life_pence is None
            else change.whole_life_pence,
            schedule={**schedule, **(change.schedule or {})},
        )
    last = FinancialYear.containing(terms.end).start_year
    return replace(terms, schedule={y: p for y, p in sorted(terms.schedule.items()) if y <= last})


def _rescheduled(on: date, old_end: date, old_annual: int, new_end: date, new_annual: int) -> dict[int, int]:
    """What a variation from `on` adds to (or takes from) each year's schedule: the new annual value over
    the days from `on` to the new end, less the old over the days from `on` to the old end — from the day
    after the new end when that is earlier (an end moved back before the variation's own day)."""
    gained = schedule_from_annual(on, new_end, new_annual) if new_end >= on else {}
    since = min(on, new_end + timedelta(days=1))
    lost = schedule_from_annual(since, old_end, old_annual) if old_end >= since else {}
    return {year: gained.get(year, 0) - lost.get(year, 0) for year in sorted(set(gained) | set(lost))}


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
