"""Counting from the periods' bits: how many people (or rows) count in each period, for each group.

The engine's SQL gives each person (or row) the periods of a family it counts in as a mask, bit k the
family's k-th period (`rules.periods`). A mask is a few runs of consecutive periods; a run adds 1 to each
of its periods, that is +1 at its first and -1 after its last, so the counts are running sums of these
events — two a run, however many periods it covers. A mask's run starts are `m & ~(m << 1)` and the bits
after its run ends `(m & ~(m >> 1)) << 1`; a single bit's place is its log2, and the few masks of several
runs (a person back years later) are taken apart bit by bit. Events are counted by group and place with
`numpy.bincount` over a dense index — what a GROUP BY on small integer keys does, without the hashing.
(The same rules as SQL, for an engine that should do this step too: docs/kpi-engine.md.)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .rules.periods import PER_FAMILY

PLACES = PER_FAMILY + 1  # a run may end after the family's last bit


@dataclass(frozen=True)
class Events:
    """The +1 and -1 events of a set of masks: the row each comes from, its place and its sign."""

    rows: np.ndarray
    places: np.ndarray
    signs: np.ndarray

    @classmethod
    def of_runs(cls, first: np.ndarray, after: np.ndarray) -> Events:
        """The events of rows that are one run each, from its first place to the one after its last (an
        empty run, first >= after, counts nowhere)."""
        rows = np.flatnonzero(first < after)
        return cls(
            np.concatenate([rows, rows]),
            np.concatenate([first[rows], after[rows]]).astype(np.int64),
            np.concatenate([np.ones(rows.size, np.int64), -np.ones(rows.size, np.int64)]),
        )


def events(masks: np.ndarray) -> Events:
    """The events of each mask (int64, bits 0 .. PER_FAMILY - 1)."""
    m = masks.astype(np.int64, copy=False)
    parts = []
    for bits, sign in ((m & ~(m << 1), 1), ((m & ~(m >> 1)) << 1, -1)):
        present = bits != 0
        single = present & ((bits & (bits - 1)) == 0)
        index = np.flatnonzero(single)
        # log2 of a power of two up to 2^62 is exact in double precision
        parts.append((index, np.log2(bits[index].astype(np.float64)).astype(np.int64), sign))
        # Several runs: their bits taken off one at a time, the lowest first (as many rounds as the most
        # runs any mask has).
        several = np.flatnonzero(present & ~single)
        apart = bits[several]
        while several.size:
            lowest = apart & -apart
            parts.append((several, np.log2(lowest.astype(np.float64)).astype(np.int64), sign))
            apart = apart ^ lowest
            left = apart != 0
            several, apart = several[left], apart[left]
    return Events(
        np.concatenate([p[0] for p in parts]),
        np.concatenate([p[1] for p in parts]),
        np.concatenate([np.full(p[0].size, p[2], np.int64) for p in parts]),
    )


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
    of rows; returns the cells they use and, for each set, its rows' cell numbers (-1: none)."""
    size = n_scopes * n_groups * n_subs
    present = np.zeros(size, bool)
    for k in keys:
        present[k[k >= 0]] = True
    numbers = np.cumsum(present) - 1
    used = np.flatnonzero(present)
    out = [np.where(k >= 0, numbers[np.maximum(k, 0)], -1) for k in keys]
    return (
        Cells(used // (n_groups * n_subs), (used // n_subs) % n_groups, used % n_subs, int(used.size)),
        out,
    )


def running_counts(parts: list[tuple[Events, np.ndarray]], n_cells: int) -> np.ndarray:
    """Counts by (cell, place): the running sums of the events of each set of rows (its cell numbers; -1:
    the row is not counted here)."""
    indices, weights = [], []
    for ev, cell in parts:
        at = cell[ev.rows]
        keep = at >= 0
        indices.append(at[keep] * PLACES + ev.places[keep])
        weights.append(ev.signs[keep])
    size = n_cells * PLACES
    if not indices:
        return np.zeros((n_cells, PLACES), np.int64)
    summed = np.bincount(np.concatenate(indices), weights=np.concatenate(weights), minlength=size)[:size]
    return np.cumsum(summed.reshape(n_cells, PLACES), axis=1).round().astype(np.int64)


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
