"""The periods of an engine run, and how the engine lays them out.

A run computes any set of periods: (partnership, from, to, as_of) each. The engine counts people per
period with bit masks, one bit a period, so it lays the periods out as *slots*:

- a **scope** is a partnership's data under one as_of (the intervals that run to as_of end there), and at
  most `FAMILIES` families of at most `PER_FAMILY` periods: when a partnership's periods need more, its
  data is read again under a second scope;
- a **family** is a run of periods that do not overlap, in date order, so an interval of days touches a
  contiguous run of them (bits i..j) and a day lies in at most one;
- a period's **slot** is (scope, family, index in the family).

The standard grid of a partnership, every quarter (Q1 = April-June) and every financial year from its first
referral to its as_of, is two families: the quarters and the years.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

FAMILIES = 2
PER_FAMILY = 62  # bits 0..61 of a signed 64-bit integer, so that 2^(j+1) never overflows


@dataclass(frozen=True, order=True)
class Period:
    partnership: int
    start: date  # "from", both days included
    end: date  # "to"
    as_of: date


@dataclass(frozen=True)
class Slot:
    period: int  # the period's position in the run's list
    scope: int
    family: int
    index: int


@dataclass(frozen=True)
class Scope:
    scope: int
    partnership: int
    as_of: date
    first: date  # the earliest `from` of its periods
    last: date  # the latest `to`


@dataclass(frozen=True)
class Layout:
    scopes: list[Scope]
    slots: list[Slot]


def layout(periods: Sequence[Period]) -> Layout:
    """Slots for every period: first fit into the families of the partnership's scope for its as_of, in
    (from, to) order; a period that fits no family opens the next scope of that partnership and as_of."""
    by_key: dict[tuple[int, date], list[int]] = defaultdict(list)
    for position, period in enumerate(periods):
        by_key[(period.partnership, period.as_of)].append(position)
    scopes: list[Scope] = []
    slots: list[Slot] = []
    for (partnership, as_of), positions in sorted(by_key.items()):
        positions.sort(key=lambda p: (periods[p].start, periods[p].end, p))
        # Each open scope: its families, each the list of its periods' positions.
        open_scopes: list[list[list[int]]] = []
        for position in positions:
            target = _place(open_scopes, periods, periods[position])
            if target is None:
                open_scopes.append([[] for _ in range(FAMILIES)])
                target = (len(open_scopes) - 1, 0)
            open_scopes[target[0]][target[1]].append(position)
        base = len(scopes)
        for number, families in enumerate(open_scopes):
            members = [periods[p] for family in families for p in family]
            scopes.append(
                Scope(
                    scope=base + number,
                    partnership=partnership,
                    as_of=as_of,
                    first=min(m.start for m in members),
                    last=max(m.end for m in members),
                )
            )
            for family_number, family in enumerate(families):
                for index, position in enumerate(family):
                    slots.append(Slot(position, base + number, family_number, index))
    slots.sort(key=lambda slot: slot.period)
    return Layout(scopes, slots)


def _place(
    open_scopes: list[list[list[int]]], periods: Sequence[Period], period: Period
) -> tuple[int, int] | None:
    """The first (scope, family) with room whose last period ends before this one starts."""
    for number, families in enumerate(open_scopes):
        for family_number, family in enumerate(families):
            if len(family) < PER_FAMILY and (not family or periods[family[-1]].end < period.start):
                return number, family_number
    return None


def financial_year_start(day: date) -> int:
    return day.year if day.month >= 4 else day.year - 1


def quarter_bounds(day: date) -> tuple[date, date]:
    """The financial quarter (Q1 = April-June) holding `day`: its first and last days."""
    first_month = (day.month - 1) // 3 * 3 + 1
    start = date(day.year, first_month, 1)
    after = date(day.year + (first_month == 10), (first_month + 2) % 12 + 1, 1)
    return start, after - timedelta(days=1)


def standard_grid(first_referral: date | None, as_of: date) -> list[tuple[str, date, date]]:
    """Every quarter and every financial year from the one holding the first referral to the one holding
    as_of, labelled "2004-05" (the year) and "2004-05 Q1" (its quarters), in date order, each year after
    its quarters. Nothing when there is no referral, or it is after as_of."""
    if first_referral is None or first_referral > as_of:
        return []
    grid: list[tuple[str, date, date]] = []
    for year in range(financial_year_start(first_referral), financial_year_start(as_of) + 1):
        label = f"{year}-{(year + 1) % 100:02d}"
        starts = [date(year, 4, 1), date(year, 7, 1), date(year, 10, 1), date(year + 1, 1, 1)]
        for number, start in enumerate(starts, start=1):
            grid.append((f"{label} Q{number}", start, quarter_bounds(start)[1]))
        grid.append((label, date(year, 4, 1), date(year + 1, 3, 31)))
    return grid


def periods_of(partnership: int, spans: Iterable[tuple[date, date]], as_of: date) -> list[Period]:
    return [Period(partnership, start, end, as_of) for start, end in spans]
