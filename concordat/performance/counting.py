"""Counting from the periods' bits: how many people (or rows) count in each period, for each group.

The engine's SQL gives each person (or row) the periods of a family it counts in as a mask, bit k the
family's k-th period (`rules.periods`). A mask is a few runs of consecutive periods; a run adds 1 to each
of its periods, that is +1 at its first and -1 after its last, so the counts are running sums of these
events — two a run, however many periods it covers. A mask's lowest run is taken off with one addition:
`low = m & -m` is its first bit, `m + low` carries through the run, so that the lowest bit of `m + low`
is the one after the run and `m & (m + low)` is the rest of the mask. Most masks are one run (a person
back years later has two), so this takes a round or two. A power of two's place is its binary exponent.
Events are counted by group and place with `numpy.bincount` over a dense index — what a GROUP BY on small
integer keys does, without the hashing: one count of the starts and one of the ends, both integers.
(The same rules as SQL, for an engine that should do this step too: docs/kpi-engine.md.)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .rules.periods import PER_FAMILY

PLACES = PER_FAMILY + 1  # a run may end after the family's last bit


@dataclass(frozen=True)
class Runs:
    """Runs of consecutive places: the row each comes from, its first place and the place after its last
    (int32: a row number, a place under 64)."""

    rows: np.ndarray
    first: np.ndarray
    after: np.ndarray

    @classmethod
    def of(cls, first: np.ndarray, after: np.ndarray) -> Runs:
        """Rows that are one run each (an empty run, first >= after, counts nowhere)."""
        rows = np.flatnonzero(first < after).astype(np.int32)
        return cls(rows, first[rows].astype(np.int32), after[rows].astype(np.int32))


def _place(powers: np.ndarray) -> np.ndarray:
    """The place of each power of two (up to 2^62: exact in double precision, as is its exponent)."""
    return (np.frexp(powers.astype(np.float64))[1] - 1).astype(np.int32)


def runs(masks: np.ndarray) -> Runs:
    """The runs of each mask (int64, bits 0 .. PER_FAMILY - 1)."""
    m = np.asarray(masks, dtype=np.int64)
    rows = np.flatnonzero(m).astype(np.int32)
    m = m[rows]
    parts = []
    while rows.size:
        low = m & -m
        up = m + low  # bits 0 .. 61, so this never overflows
        parts.append((rows, _place(low), _place(up & -up)))
        m = m & up
        left = m != 0
        if not left.all():
            rows, m = rows[left], m[left]
    if not parts:
        empty = np.array([], np.int32)
        return Runs(empty, empty, empty)
    if len(parts) == 1:
        return Runs(*parts[0])
    return Runs(*(np.concatenate([p[i] for p in parts]) for i in range(3)))


@dataclass(frozen=True)
class Cells:
    """Dense numbers for the (scope, group[, sub]) cells that rows fall in, and the way back."""

    scope: np.ndarray  # of each cell
    group: np.ndarray
    sub: np.ndarray
    count: int


def cells(
    keys: list[np.ndarray], n_groups: int, n_subs: int, n_scopes: int
) -> tuple[Cells, list[np.ndarray]]:
    """`keys` are arrays of scope * n_groups * n_subs + group * n_subs + sub (-1: no cell) of several sets
    of rows; returns the cells they use and, for each set, its rows' cell numbers (int32), `count` for a
    row in none (a cell more, which running_counts drops: cheaper than leaving the row out)."""
    size = n_scopes * n_groups * n_subs
    present = np.zeros(size, bool)
    for k in keys:
        present[k[k >= 0]] = True
    numbers = (np.cumsum(present) - 1).astype(np.int32)
    used = np.flatnonzero(present)
    out = [np.where(k >= 0, numbers[np.maximum(k, 0)], np.int32(used.size)) for k in keys]
    return (
        Cells(used // (n_groups * n_subs), (used // n_subs) % n_groups, used % n_subs, int(used.size)),
        out,
    )


def running_counts(parts: list[tuple[Runs, np.ndarray]], n_cells: int) -> np.ndarray:
    """Counts by (cell, place): the running sums of the runs of each set of rows (its rows' cell numbers,
    from `cells`; n_cells: the row is not counted here)."""
    size = (n_cells + 1) * PLACES
    starts, ends = [], []
    for found, cell in parts:
        at = cell[found.rows] * np.int32(PLACES)
        starts.append(at + found.first)
        ends.append(at + found.after)
    if not starts:
        return np.zeros((n_cells, PLACES), np.int64)
    summed = np.bincount(np.concatenate(starts), minlength=size)
    summed -= np.bincount(np.concatenate(ends), minlength=size)
    return np.cumsum(summed[: n_cells * PLACES].reshape(n_cells, PLACES), axis=1)


def by_period(
    table: np.ndarray, cells_: Cells, family: int, slot_periods: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The nonzero counts of a family's table[cell, place] as columns: period, group, sub, count.
    `slot_periods[scope, family, place]` is the period of a slot (-1 where there is none)."""
    cell_i, place_i = np.nonzero(table)
    period = slot_periods[cells_.scope[cell_i], family, place_i]
    keep = period >= 0
    cell_i, place_i = cell_i[keep], place_i[keep]
    return period[keep], cells_.group[cell_i], cells_.sub[cell_i], table[cell_i, place_i]
