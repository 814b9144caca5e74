"""The risk register's 5×5 matrix: likelihood (rows, 5 at the top) by impact (columns, 1 on the left),
each cell counting the risks scored there. Pure: it takes (likelihood, impact, item) triples and returns
the grid a page prints as an HTML table, every cell naming its count and its risks, so nothing depends on
colour."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from .vocabulary import RISK_IMPACT, RISK_LIKELIHOOD

T = TypeVar("T")
SCALE = (1, 2, 3, 4, 5)


def rating(likelihood: int, impact: int) -> str:
    """The band of a score (likelihood × impact): high from 15, medium from 6, else low."""
    score = likelihood * impact
    return "high" if score >= 15 else "medium" if score >= 6 else "low"


@dataclass
class Cell(Generic[T]):
    likelihood: int
    impact: int
    items: list[T] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.items)

    @property
    def score(self) -> int:
        return self.likelihood * self.impact

    @property
    def rating(self) -> str:
        return rating(self.likelihood, self.impact)


@dataclass
class Row(Generic[T]):
    likelihood: int
    label: str
    cells: list[Cell[T]]


@dataclass
class Matrix(Generic[T]):
    rows: list[Row[T]]  # likelihood 5 first, as a risk matrix is drawn
    impacts: list[tuple[int, str]]  # the columns' headings, impact 1 first
    outside: list[T]  # items whose scores are not on the scale (none, for a checked agreement)

    @property
    def total(self) -> int:
        return sum(cell.count for row in self.rows for cell in row.cells) + len(self.outside)


def risk_matrix(scored: Iterable[tuple[int, int, T]]) -> Matrix[T]:
    """The grid of (likelihood, impact, item) triples; items keep their order within a cell."""
    cells = {(lk, im): Cell[T](lk, im) for lk in SCALE for im in SCALE}
    outside: list[T] = []
    for likelihood, impact, item in scored:
        cell = cells.get((likelihood, impact))
        if cell is None:
            outside.append(item)
        else:
            cell.items.append(item)
    rows = [
        Row(lk, f"{lk} {RISK_LIKELIHOOD[lk]}", [cells[(lk, im)] for im in SCALE]) for lk in reversed(SCALE)
    ]
    return Matrix(rows, [(im, f"{im} {RISK_IMPACT[im]}") for im in SCALE], outside)
