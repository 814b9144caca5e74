"""A date as precise as its source: a day ("2002-03-01") or only a month ("2002-03", when a paper says
"March 2002"). It is written back exactly as it was written, printed as people read it ("1 March 2002",
"March 2002"), and compared by the whole period it covers: a milestone due in January 2004 is overdue only
from 1 February 2004.

Stored as two columns (models.PartialDateColumns): the first day the date covers, and its precision.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

Precision = Literal["day", "month"]
PRECISIONS: dict[str, str] = {"day": "Day", "month": "Month"}

_DAY = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})$")
_MONTH = re.compile(r"^([0-9]{4})-([0-9]{2})$")


class DateError(ValueError):
    """A value that is not a date written YYYY-MM-DD or YYYY-MM."""


@dataclass(frozen=True, eq=False)
class PartialDate:
    """`first` is the first day the date covers (the 1st for a month); `precision` says how much of it
    the source stated.

    A day equals the plain `date` it is (so code that held dates keeps working); a month equals no date,
    only the same month."""

    first: date
    precision: Precision = "day"

    def __post_init__(self) -> None:
        if isinstance(self.first, datetime) or not isinstance(self.first, date):
            raise TypeError("PartialDate needs a date")
        if self.precision not in PRECISIONS:
            raise ValueError(f"unknown precision {self.precision!r}")
        if self.precision == "month" and self.first.day != 1:
            raise ValueError("a month is held as its first day")

    def __eq__(self, other: object) -> bool:
        if isinstance(other, PartialDate):
            return (self.first, self.precision) == (other.first, other.precision)
        if isinstance(other, date) and not isinstance(other, datetime):
            return self.precision == "day" and self.first == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.first) if self.precision == "day" else hash((self.first, self.precision))

    @classmethod
    def month(cls, year: int, month: int) -> PartialDate:
        return cls(date(year, month, 1), "month")

    @classmethod
    def parse(cls, value: object) -> PartialDate:
        """A PartialDate from a date, "YYYY-MM-DD" or "YYYY-MM" (another PartialDate passes through).
        DateError, in words, for anything else, a date and time, or a day or month that does not exist."""
        if isinstance(value, PartialDate):
            return value
        if isinstance(value, datetime):
            raise DateError("must be a date (YYYY-MM-DD), not a date and time")
        if isinstance(value, date):
            return cls(value)
        if isinstance(value, str):
            text = value.strip()
            day = _DAY.fullmatch(text)
            if day:
                try:
                    return cls(date(int(day[1]), int(day[2]), int(day[3])))
                except ValueError:
                    raise DateError(f"'{text}' is not a real date") from None
            month = _MONTH.fullmatch(text)
            if month:
                try:
                    return cls.month(int(month[1]), int(month[2]))
                except ValueError:
                    raise DateError(f"'{text}' is not a real month") from None
        raise DateError("is not a date written YYYY-MM-DD, or YYYY-MM when only the month is known")

    @classmethod
    def stored(cls, first: date | None, precision: str) -> PartialDate | None:
        """From the two columns; None when there is no date."""
        if first is None:
            return None
        return cls(first.replace(day=1), "month") if precision == "month" else cls(first)

    @property
    def last(self) -> date:
        """The last day the date covers."""
        if self.precision == "day":
            return self.first
        days = calendar.monthrange(self.first.year, self.first.month)[1]
        return self.first.replace(day=days)

    def isoformat(self) -> str:
        """As the file writes it: "2002-03-01", or "2002-03" for a month."""
        if self.precision == "month":
            return f"{self.first.year:04d}-{self.first.month:02d}"
        return self.first.isoformat()

    def __str__(self) -> str:
        return self.isoformat()

    def for_file(self) -> date | str:
        """The value the exported file holds: a date for a day (YAML writes it unquoted), the text
        "YYYY-MM" for a month."""
        return self.first if self.precision == "day" else self.isoformat()

    @property
    def as_written(self) -> str:
        """As people read it: "1 March 2002", or "March 2002" for a month."""
        if self.precision == "month":
            return f"{self.first:%B} {self.first.year}"
        return f"{self.first.day} {self.first:%B} {self.first.year}"

    def has_passed(self, today: date) -> bool:
        """Whether every day the date covers is before `today`: a month has passed from the 1st of the
        next month, a day from the next day."""
        return self.last < today

    def covers(self, day: date) -> bool:
        return self.first <= day <= self.last

    def sort_key(self) -> tuple[date, int]:
        """Orders dates by their first day, a month before the days in it."""
        return (self.first, 0 if self.precision == "month" else 1)


def partial_date(value: object) -> PartialDate | None:
    """A PartialDate from a file's value, None for nothing; DateError when it is not a date."""
    return None if value in (None, "") else PartialDate.parse(value)
