"""Splitting whole amounts of pence between partners, and who bears an over- or underspend.

Every split is core.money.split_pence: parts rounded down, the pence left over one each to the largest
remainders (ties by partner code), a negative amount split as its absolute value and negated, so the parts
always add up to the whole exactly.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction

from concordat.core.money import split_pence


def by_shares(amount: int, planned: Mapping[str, int]) -> dict[str, int]:
    """`amount` split between partners (by code) in proportion to their planned contributions; all zero
    when nothing is planned (there are no shares to split by)."""
    if not any(value > 0 for value in planned.values()):
        return dict.fromkeys(planned, 0)
    return split_pence(amount, planned)


def risk_share(
    amount: int,
    *,
    rule: str,
    planned: Mapping[str, int],
    host: str | None,
    fixed: Mapping[str, str | Decimal],
) -> dict[str, int]:
    """Who bears `amount` pence (an overspend to pay in, or an underspend to return) under `rule`:
    `proportional` to planned contributions, all on the `host`, or by `fixed` percentages (partner code
    to a decimal percentage). Partners not named get 0; the parts add up to `amount`."""
    parts = dict.fromkeys(planned, 0)
    if rule == "host":
        if host is None:
            raise ValueError("the host rule needs a host partner")
        parts[host] = amount
        return parts
    if rule == "fixed":
        weights = {code: Fraction(str(percent)) for code, percent in fixed.items()}
        parts.update(split_pence(amount, weights))
        return parts
    if rule == "proportional":
        parts.update(by_shares(amount, planned))
        return parts
    raise ValueError(f"no risk-share rule '{rule}'")
