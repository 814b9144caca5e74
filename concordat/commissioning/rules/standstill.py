"""The standstill: 8 working days after the intention to award before the contract may be awarded.

Working days skip Saturdays, Sundays and England and Wales bank holidays. Days on which a representation
is open (from the day it is received to the day it is answered) do not count: representations pause the
standstill, which resumes the working day after.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from functools import lru_cache

import holidays

STANDSTILL_WORKING_DAYS = 8


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
    intention: date, pauses: Iterable[tuple[date, date | None]] = (), days: int = STANDSTILL_WORKING_DAYS
) -> date | None:
    """The last day of the standstill: the `days`-th working day after the intention to award, not counting
    days paused by representations. None while a representation is still open (the end is not known)."""
    windows = list(pauses)
    if any(end is None for _, end in windows):
        return None
    counted, day = 0, intention
    while counted < days:
        day += timedelta(days=1)
        if is_working_day(day) and not paused(day, windows):
            counted += 1
    return day
