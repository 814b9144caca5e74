"""Exact arithmetic for the KPIs: fractions rounded half-up to one decimal place, never binary floats
before the rounding. A float appears only as the JSON number of an already rounded value."""

from __future__ import annotations

from fractions import Fraction


def half_up(value: Fraction) -> float:
    """`value` rounded half-up (a tie goes away from zero, as Decimal's ROUND_HALF_UP) to one decimal."""
    tenths = abs(value) * 10
    whole = (tenths.numerator * 2 + tenths.denominator) // (tenths.denominator * 2)  # floor(t + 1/2)
    return float(whole if value >= 0 else -whole) / 10


def percentage(numerator: int, denominator: int) -> float | None:
    """numerator / denominator x 100, rounded half-up to one decimal; None for a zero denominator."""
    if denominator == 0:
        return None
    return half_up(Fraction(100 * numerator, denominator))


def growth_percentage(value: int, base: int) -> float | None:
    """(value - base) / base x 100, rounded; None when the base is 0."""
    if base == 0:
        return None
    return half_up(Fraction(100 * (value - base), base))


def mean(total: int, count: int) -> float | None:
    return None if count == 0 else half_up(Fraction(total, count))


def median(low: int, high: int, count: int) -> float | None:
    """The median from the two middle values of a sorted list (the same one for an odd count)."""
    return None if count == 0 else half_up(Fraction(low + high, 2))


def nearest_five(count: int) -> int:
    """A count rounded to the nearest multiple of 5 (an integer is never half-way between two)."""
    return (count + 2) // 5 * 5
