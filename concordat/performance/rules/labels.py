"""The periods of the standard grid as people and URLs name them: "2004-05 Q1" (the grid's label), the
address "2004-05-q1", the words "Q1 2004-05 (April to June 2004)"; a financial year is "2004-05"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

_LABEL = re.compile(r"^([0-9]{4})-([0-9]{2})(?: Q([1-4]))?$")
_SLUG = re.compile(r"^([0-9]{4})-([0-9]{2})(?:-q([1-4]))?$")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")  # fmt: skip


@dataclass(frozen=True, order=True)
class GridPeriod:
    """A quarter (Q1 = April to June) or a whole financial year of the standard grid."""

    year: int  # the financial year's first calendar year
    quarter: int | None = None  # 1-4; None for the whole year

    @classmethod
    def parse(cls, label: str) -> GridPeriod | None:
        """From the grid's label ("2004-05 Q1", "2004-05") or its address ("2004-05-q1"); None if neither."""
        match = _LABEL.match(label) or _SLUG.match(label)
        if match is None:
            return None
        first, second = int(match.group(1)), int(match.group(2))
        if (first + 1) % 100 != second or not 1 <= first <= 9998:
            return None
        return cls(first, int(match.group(3)) if match.group(3) else None)

    @property
    def year_label(self) -> str:
        return f"{self.year}-{(self.year + 1) % 100:02d}"

    @property
    def label(self) -> str:
        """The grid's label: "2004-05 Q1" or "2004-05"."""
        return self.year_label + (f" Q{self.quarter}" if self.quarter else "")

    @property
    def slug(self) -> str:
        """The period in an address: "2004-05-q1" or "2004-05"."""
        return self.year_label + (f"-q{self.quarter}" if self.quarter else "")

    @property
    def start(self) -> date:
        if self.quarter is None:
            return date(self.year, 4, 1)
        month = 4 + 3 * (self.quarter - 1)
        return date(self.year + month // 13, (month - 1) % 12 + 1, 1)

    @property
    def end(self) -> date:
        if self.quarter is None:
            return date(self.year + 1, 3, 31)
        following = (
            GridPeriod(self.year + 1, 1) if self.quarter == 4 else GridPeriod(self.year, self.quarter + 1)
        )
        return following.start - timedelta(days=1)

    @property
    def short(self) -> str:
        """What a chart's axis and the trend's words say: "Q1 2004-05", or "2004-05"."""
        return f"Q{self.quarter} {self.year_label}" if self.quarter else self.year_label

    @property
    def words(self) -> str:
        """ "Q1 2004-05 (April to June 2004)", or "2004-05 (April 2004 to March 2005)"."""
        first, last = self.start, self.end
        if self.quarter is None:
            return f"{self.year_label} (April {first.year} to March {last.year})"
        span = f"{_MONTHS[first.month - 1]} to {_MONTHS[last.month - 1]} {last.year}"
        return f"Q{self.quarter} {self.year_label} ({span})"


def complete(end: date, as_of: date) -> bool:
    """A period is complete when the data runs to its last day or beyond."""
    return end <= as_of
