"""Stated totals against the lines that should make them up: the papers' own arithmetic, checked.

A stated total covers one financial year, or a span of them (`to_year`: "£20,890,520 for a maximum seven
year term"), and says how the contributions should compare with it (`relation`), in integer pence:

- `exact` (the default): the sum equals the stated total;
- `over`: the sum is more than the stated total ("over £1.3 million"); equal is not over;
- `under`: the sum is less than the stated total; equal is not under;
- `about`: the sum is within 5% of the stated total either way, the edge included:
  |sum − stated| × 100 ≤ 5 × stated.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from concordat.core.money import format_pounds
from concordat.core.years import FinancialYear

ABOUT_PERCENT = 5
RELATIONS = ("exact", "over", "under", "about")


def contributions_by_year(contributions: Iterable[Mapping[str, Any]]) -> dict[FinancialYear, int]:
    totals: dict[FinancialYear, int] = defaultdict(int)
    for line in contributions:
        if line.get("year") is not None and line.get("amount_pence") is not None:
            totals[line["year"]] += line["amount_pence"]
    return dict(totals)


def relation_met(relation: str, stated: int, summed: int) -> bool:
    """Whether `summed` pence bears `relation` to `stated` pence (see the module's docstring)."""
    if relation == "over":
        return summed > stated
    if relation == "under":
        return summed < stated
    if relation == "about":
        return abs(summed - stated) * 100 <= ABOUT_PERCENT * stated
    return summed == stated


def summed_over(totals: Mapping[FinancialYear, int], first: FinancialYear, last: FinancialYear | None) -> int:
    """The contributions of the years from `first` to `last` (just `first` when `last` is None)."""
    last = last or first
    return sum(amount for year, amount in totals.items() if first <= year <= last)


def years_label(first: FinancialYear, last: FinancialYear | None) -> str:
    return str(first) if last is None or last == first else f"{first} to {last}"


def _how_far(relation: str, stated: int, summed: int) -> str:
    """Where the sum stands against a stated total whose relation fails, in words."""
    if relation == "about":
        side = "over" if summed > stated else "under"
        return f"more than {ABOUT_PERCENT}% {side} it"
    if summed == stated:
        return f"equal to it, not {relation} it"
    return "over it" if summed > stated else "under it"


def stated_total_message(
    first: FinancialYear,
    last: FinancialYear | None,
    relation: str,
    stated: int,
    summed: int,
    source: str,
) -> str:
    """Whether the stated total is met, with both figures (and the difference when it is not), as the
    reader of a board paper would want them. An exact total that is not met keeps its older words:
    "… differs from the sum of contributions …; the difference is …"."""
    years = years_label(first, last)
    where = f" ({source})" if source else ""
    difference = format_pounds(stated - summed)
    if relation_met(relation, stated, summed):
        if relation == "exact":
            return (
                f"{years}: the stated total {format_pounds(stated)}{where} is met: "
                f"the sum of contributions is {format_pounds(summed)}"
            )
        within = f"within {ABOUT_PERCENT}% of it" if relation == "about" else f"{relation} it"
        return (
            f"{years}: the stated total {relation} {format_pounds(stated)}{where} is met: "
            f"the sum of contributions {format_pounds(summed)} is {within}"
        )
    if relation == "exact":
        return (
            f"{years}: the stated total {format_pounds(stated)}{where} differs from the sum of contributions "
            f"{format_pounds(summed)}; the difference is {difference}"
        )
    return (
        f"{years}: the stated total {relation} {format_pounds(stated)}{where} is not met: "
        f"the sum of contributions {format_pounds(summed)} is {_how_far(relation, stated, summed)}; "
        f"the difference is {difference}"
    )


def mismatch_message(year: FinancialYear, stated: int, summed: int, source: str) -> str:
    """An exact stated total for one year that the lines do not add up to (kept for its callers)."""
    return stated_total_message(year, None, "exact", stated, summed, source)


@dataclass(frozen=True)
class StatedTotalResult:
    summed: int
    met: bool
    message: str


def stated_total_result(
    stated: Mapping[str, Any], totals: Mapping[FinancialYear, int]
) -> StatedTotalResult | None:
    """A stated total ({year, to_year, amount_pence, relation, source}) against the contributions by year;
    None when it lacks a year or an amount (the checker has reported that)."""
    year, amount = stated.get("year"), stated.get("amount_pence")
    if year is None or amount is None:
        return None
    relation = stated.get("relation") or "exact"
    last = stated.get("to_year")
    summed = summed_over(totals, year, last)
    met = relation_met(relation, amount, summed)
    message = stated_total_message(year, last, relation, amount, summed, stated.get("source") or "")
    return StatedTotalResult(summed, met, message)


def stated_total_mismatches(
    stated_totals: list[Mapping[str, Any]], contributions: Iterable[Mapping[str, Any]]
) -> Iterator[tuple[int, str]]:
    """(index of the stated total, message) for each stated total whose relation the lines do not meet."""
    totals = contributions_by_year(contributions)
    for index, stated in enumerate(stated_totals):
        result = stated_total_result(stated, totals)
        if result is not None and not result.met:
            yield index, result.message
