"""The financial year, April to March, as a value: FinancialYear(2003) is "2003-04"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_YEAR = re.compile(r"^([0-9]{4})-([0-9]{2})$")


class YearError(ValueError):
    """A string that is not a financial year written YYYY-YY with consecutive parts."""


@dataclass(frozen=True, order=True)
class FinancialYear:
    start_year: int

    @classmethod
    def parse(cls, text: object) -> FinancialYear:
        """ "2003-04" -> FinancialYear(2003); refuses "2003-05" and "1999-00" is accepted (1999 to 2000)."""
        if not isinstance(text, str):
            raise YearError('must be a financial year written YYYY-YY, like "2003-04"')
        match = _YEAR.match(text.strip())
        if not match:
            raise YearError(f"'{text}' is not a financial year: write YYYY-YY, like \"2003-04\"")
        first, second = int(match.group(1)), int(match.group(2))
        if not 1 <= first <= 9998:  # its April and its March must both be dates
            raise YearError(f"'{text}' is not a financial year that has dates: from 0001-02 to 9998-99")
        if (first + 1) % 100 != second:
            raise YearError(
                f"'{text}': the second part must be the year after {first} ({(first + 1) % 100:02d})"
            )
        return cls(first)

    @classmethod
    def containing(cls, day: date) -> FinancialYear:
        return cls(day.year if day.month >= 4 else day.year - 1)

    @property
    def start(self) -> date:
        return date(self.start_year, 4, 1)

    @property
    def end(self) -> date:
        return date(self.start_year + 1, 3, 31)

    def quarter_of(self, day: date) -> int:
        """1 for April–June … 4 for January–March; ValueError for a day outside the year."""
        if not self.start <= day <= self.end:
            raise ValueError(f"{day} is not in {self}")
        return (day.month - 4) % 12 // 3 + 1

    def quarter_end(self, quarter: int) -> date:
        ends = {
            1: date(self.start_year, 6, 30),
            2: date(self.start_year, 9, 30),
            3: date(self.start_year, 12, 31),
            4: self.end,
        }
        return ends[quarter]

    def next(self) -> FinancialYear:
        return FinancialYear(self.start_year + 1)

    def __str__(self) -> str:
        return f"{self.start_year}-{(self.start_year + 1) % 100:02d}"
