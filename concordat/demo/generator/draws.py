"""Weighted draws from a seeded random stream, with the cumulative weights summed once: the generator
draws tens of millions of times, and `random.choices` sums its weights on every call."""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Iterable
from itertools import accumulate
from typing import Generic, TypeVar

T = TypeVar("T")


class Weighted(Generic[T]):
    """`Weighted.of({"M": 0.73, "F": 0.27}).draw(rng)`: each value with its weight's share of the total."""

    __slots__ = ("_cumulative", "_total", "_values")

    def __init__(self, pairs: Iterable[tuple[T, float]]) -> None:
        pairs = [(value, weight) for value, weight in pairs if weight > 0]
        if not pairs:
            raise ValueError("a weighted draw needs at least one value of positive weight")
        self._values = [value for value, _ in pairs]
        self._cumulative = list(accumulate(weight for _, weight in pairs))
        self._total = self._cumulative[-1]

    @classmethod
    def of(cls, weights: dict[T, float]) -> Weighted[T]:
        return cls(weights.items())

    @property
    def values(self) -> list[T]:
        return self._values

    def draw(self, rng: random.Random) -> T:
        # min(): a random() within a rounding error of 1 must not fall past the last value
        return self._values[min(bisect(self._cumulative, rng.random() * self._total), len(self._values) - 1)]
