"""Money is an int of pence inside Concordat; pounds appear only at the edges (files, JSON, pages).

Every split of a whole amount adds back up to that amount exactly (largest-remainder rounding).
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import TypeVar

K = TypeVar("K", bound=Hashable)

_POUNDS_WITH_PENCE = re.compile(r"^-?[0-9]+\.[0-9]{2}$")
# Ten trillion pounds: far beyond any partnership, and far inside a 64-bit column (and its sums).
MAX_PENCE = 10**15


class MoneyError(ValueError):
    """A value that is not money in one of the accepted spellings."""


def parse_pounds(value: object) -> int:
    """Pence from a decimal string with exactly two places ("1200000.00") or a whole number of pounds.

    Floats are refused: a float cannot say whether it meant the pence it shows. So is an amount beyond
    MAX_PENCE either way, which no database column could hold.
    """
    if isinstance(value, bool):
        raise MoneyError("must be an amount of money, not true or false")
    if isinstance(value, int):
        return _within_range(value * 100)
    if isinstance(value, str):
        text = value.strip()
        if _POUNDS_WITH_PENCE.match(text):
            pounds, pence = text.lstrip("-").split(".")
            amount = int(pounds) * 100 + int(pence)
            return _within_range(-amount if text.startswith("-") else amount)
        raise MoneyError(
            f"'{value}' is not money: write pounds with exactly two decimal places, like \"1200000.00\""
        )
    raise MoneyError(
        'must be a decimal string with two places, like "1200000.00", or a whole number of pounds'
    )


def _within_range(pence: int) -> int:
    if abs(pence) > MAX_PENCE:
        raise MoneyError(f"must be at most {format_pounds(MAX_PENCE)}")
    return pence


def pence_to_str(pence: int) -> str:
    """Plain decimal pounds with two places, as in files and JSON: 200150000 -> "2001500.00"."""
    sign = "-" if pence < 0 else ""
    whole, part = divmod(abs(pence), 100)
    return f"{sign}{whole}.{part:02d}"


def format_pounds(pence: int) -> str:
    """Pounds as people read them: 298436000 -> "£2,984,360.00", negatives as "-£5.00"."""
    sign = "-" if pence < 0 else ""
    whole, part = divmod(abs(pence), 100)
    return f"{sign}£{whole:,}.{part:02d}"


def split_pence(total: int, weights: Mapping[K, int | Fraction]) -> dict[K, int]:
    """Split `total` pence in proportion to `weights`; the parts always sum to `total` exactly.

    Parts are rounded down (on the absolute value) and the pence left over go one each to the keys with
    the largest remainders, ties broken by key order. A negative total is split as its absolute value and
    the parts negated. With no positive weight, nothing can be split: a ValueError, since that is a bug
    in the caller rather than a user's mistake.
    """
    positive = {key: Fraction(weight) for key, weight in weights.items() if weight > 0}
    whole = sum(positive.values(), Fraction(0))
    if whole == 0:
        if total == 0:
            return dict.fromkeys(weights, 0)
        raise ValueError("cannot split money by weights that are all zero")
    magnitude = abs(total)
    exact = {key: magnitude * weight / whole for key, weight in positive.items()}
    parts = {key: int(share) for key, share in exact.items()}  # int() floors a non-negative Fraction
    left_over = magnitude - sum(parts.values())
    by_remainder = sorted(exact, key=lambda key: (-(exact[key] - parts[key]), str(key)))
    for key in by_remainder[:left_over]:
        parts[key] += 1
    sign = -1 if total < 0 else 1
    return {key: sign * parts.get(key, 0) for key in weights}


def percent_half_up(
    numerator: int | Fraction, denominator: int | Fraction, places: int = 1
) -> Decimal | None:
    """numerator / denominator × 100 rounded half-up to `places`; None when the denominator is zero."""
    if denominator == 0:
        return None
    exact = Fraction(numerator) * 100 / Fraction(denominator)
    quantum = Decimal(1).scaleb(-places)
    return (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(quantum, rounding=ROUND_HALF_UP)


def shares_percent(weights: Mapping[K, int], *, places: int = 2) -> dict[K, Decimal]:
    """Each key's share of the whole as a percentage with `places` decimals, adding up to exactly 100
    (three equal partners: 33.34, 33.33, 33.33), by the same largest-remainder split as money."""
    if not any(weight > 0 for weight in weights.values()):
        return {key: Decimal(0) for key in weights}
    units = split_pence(100 * 10**places, weights)
    return {key: Decimal(part).scaleb(-places) for key, part in units.items()}
