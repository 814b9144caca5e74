"""The standstill: how long after the intention to award the contract may not be awarded, by the law the
procurement follows (rules/stages.law_on).

- The Public Contracts Regulations 2015, regulation 87: 10 calendar days after the day the notices of the
  decision are sent (electronically); a standstill whose tenth day is not a working day runs to the end
  of the next working day.
- The Health Care Services (Provider Selection Regime) Regulations 2023, regulation 12: 8 working days,
  counted from the day after the notice of intention to award is published.
- The Procurement Act 2023, section 51: 8 working days beginning with the day the contract award notice
  is published (that day is the first when it is a working day).

Working days skip Saturdays, Sundays and England and Wales bank holidays. Days on which a representation
is open (from the day it is received to the day it is answered) do not count: representations pause the
standstill, which resumes the day after. The PSR's direct award processes A and B have no standstill.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import holidays

from . import stages

STANDSTILL_WORKING_DAYS = 8


@dataclass(frozen=True)
class Rule:
    """How a law counts its standstill."""

    days: int
    working_days: bool  # counted in working days; else calendar days
    first_day_counts: bool  # the notice's own day is the first day of the standstill
    cites: str  # the provision, in full

    @property
    def words(self) -> str:
        """ "10 calendar days", "8 working days"."""
        return f"{self.days} {'working' if self.working_days else 'calendar'} days"


RULES: dict[str, Rule] = {
    stages.PCR_2015: Rule(10, False, False, f"{stages.LAWS[stages.PCR_2015]}, regulation 87"),
    stages.PSR_2023: Rule(8, True, False, f"{stages.LAWS[stages.PSR_2023]}, regulation 12"),
    stages.PA_2023: Rule(8, True, True, f"{stages.LAWS[stages.PA_2023]}, section 51"),
}


def rule_for(law: str) -> Rule:
    """The standstill of `law` (one of rules/stages.LAWS)."""
    return RULES[law]


@lru_cache(maxsize=64)
def bank_holidays(year: int) -> frozenset[date]:
    """England and Wales bank holidays of `year`, as days off work. The library lists a holiday that falls
    at a weekend on its own date as well as its "(observed)" Monday: only weekdays count, and a weekend date
    is no working day anyway."""
    listed = holidays.country_holidays("GB", subdiv="ENG", years=year)
    return frozenset(day for day in listed if day.weekday() < 5)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in bank_holidays(day.year)


def paused(day: date, pauses: Iterable[tuple[date, date | None]]) -> bool:
    """Whether a representation is open on `day` (an open-ended one pauses every day from its start)."""
    return any(start <= day and (end is None or day <= end) for start, end in pauses)


def standstill_end(
    intention: date, pauses: Iterable[tuple[date, date | None]] = (), *, law: str = stages.PSR_2023
) -> date | None:
    """The last day of the standstill that starts with the intention to award on `intention`, under `law`,
    not counting days paused by representations. None while a representation is still open (the end is
    not known)."""
    windows = list(pauses)
    if any(end is None for _, end in windows):
        return None
    rule = RULES[law]

    def counts(day: date) -> bool:
        return (is_working_day(day) or not rule.working_days) and not paused(day, windows)

    day = intention - timedelta(days=1) if rule.first_day_counts else intention
    counted = 0
    while counted < rule.days:
        day += timedelta(days=1)
        if counts(day):
            counted += 1
    if not rule.working_days:
        while not is_working_day(day):  # regulation 87: a standstill ends on a working day
            day += timedelta(days=1)
    return day
