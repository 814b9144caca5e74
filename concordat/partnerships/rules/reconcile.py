"""Stated totals against the lines that should make them up: the papers' own arithmetic, checked."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from concordat.core.money import format_pounds
from concordat.core.years import FinancialYear


def contributions_by_year(contributions: Iterable[Mapping[str, Any]]) -> dict[FinancialYear, int]:
    totals: dict[FinancialYear, int] = defaultdict(int)
    for line in contributions:
        if line.get("year") is not None and line.get("amount_pence") is not None:
            totals[line["year"]] += line["amount_pence"]
    return dict(totals)


def mismatch_message(year: FinancialYear, stated: int, summed: int, source: str) -> str:
    """Both figures and the difference, as the reader of a board paper would want them."""
    where = f" ({source})" if source else ""
    difference = stated - summed
    return (
        f"{year}: the stated total {format_pounds(stated)}{where} differs from the sum of contributions "
        f"{format_pounds(summed)}; the difference is {format_pounds(difference)}"
    )


def stated_total_mismatches(
    stated_totals: list[Mapping[str, Any]], contributions: Iterable[Mapping[str, Any]]
) -> Iterator[tuple[int, str]]:
    """(index of the stated total, message) for each stated total that the year's lines do not add up to."""
    totals = contributions_by_year(contributions)
    for index, stated in enumerate(stated_totals):
        year, amount = stated.get("year"), stated.get("amount_pence")
        if year is None or amount is None:
            continue
        summed = totals.get(year, 0)
        if summed != amount:
            yield index, mismatch_message(year, amount, summed, stated.get("source") or "")
