"""Exact arithmetic for the KPIs: ratios of integers rounded half-up to one decimal place, in integers
(never binary floats before the rounding). A float appears only as the JSON number of a rounded value."""

from __future__ import annotations

from fractions import Fraction


def rounded_ratio(numerator: int, denominator: int) -> float:
    """numerator / denominator (denominator > 0) rounded half-up (a tie goes away from zero, as Decimal's
    ROUND_HALF_UP) to one decimal: tenths = floor(|n| x 10 / d + 1/2), in integers."""
    tenths = (abs(numerator) * 20 + denominator) // (denominator * 2)
    return (tenths if numerator >= 0 else -tenths) / 10


def half_up(value: Fraction) -> float:
    """A fraction rounded half-up to one decimal."""
    return rounded_ratio(value.numerator, value.denominator)


def percentage(numerator: int, denominator: int) -> float | None:
    """numerator / denominator x 100, rounded half-up to one decimal; None for a zero denominator."""
    return None if denominator == 0 else rounded_ratio(100 * numerator, denominator)


def growth_percentage(value: int, base: int) -> float | None:
    """(value - base) / base x 100, rounded; None when the base is 0."""
    return None if base == 0 else rounded_ratio(100 * (value - base), base)


def mean(total: int, count: int) -> float | None:
    return None if count == 0 else rounded_ratio(total, count)


def median(low: int, high: int, count: int) -> float | None:
    """The median from the two middle values of a sorted list (the same one for an odd count)."""
    return None if count == 0 else rounded_ratio(low + high, 2)


def nearest_five(count: int) -> int:
    """A count rounded to the nearest multiple of 5 (an integer is never half-way between two)."""
    return (count + 2) // 5 * 5
