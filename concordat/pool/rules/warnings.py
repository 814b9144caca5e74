"""What a posting is warned of — posted all the same, but to be looked at (pooled-fund.md, "Transactions
file"; the import reports each at its row and column, the web's check page before posting):

- `not-a-contract`: a payment or accrual whose contract names none of the partnership's contracts: a
  spend line of its own, so a typing slip never passes unseen;
- `over-commitment`: a payment or accrual on a contract of more than its commitment left for the year
  (the year's schedule less what is already spent on it that year);
- `overdraws-cash`: a payment of more than the cash the host holds for the pool;
- `reversal-in-another-year`: a reversal dated in a later year than what it reverses (rules.postings).

`Headroom` is the cash and the commitments left as the drafts before this one left them, so a file of
payments is warned where its running total goes over, not only row by row."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from concordat.core.money import format_pounds

from .postings import SPEND, Draft, Issue, Posted, reversal_in_another_year


@dataclass
class Headroom:
    cash: int = 0
    left: dict[tuple[str, int], int] = field(default_factory=dict)  # (contract, year) -> pence

    def apply(
        self, draft: Draft, posted: Posted, original: Posted | None, counted: Mapping[str, str]
    ) -> None:
        """The headroom after `posted` (the reversal's amount is its original's)."""
        kind, sign = (
            (original.kind, -1) if draft.kind == "reversal" and original is not None else (draft.kind, 1)
        )
        amount = sign * posted.amount_pence
        if kind == "contribution":
            self.cash += amount
        elif kind in SPEND:
            if kind == "payment":
                self.cash -= amount
            contract = counted.get(posted.contract)
            key = (contract or "", draft.year.start_year)
            if contract and key in self.left:
                self.left[key] -= amount


def warnings(
    draft: Draft,
    original: Posted | None,
    contracts: Mapping[str, tuple[str, str]],
    headroom: Headroom | None,
) -> list[Issue]:
    """`contracts`: every reference naming one of the partnership's contracts -> (the reference its spend
    is counted under, its name)."""
    found = []
    if draft.kind in SPEND and draft.contract:
        named = contracts.get(draft.contract)
        amount = draft.amount_pence or 0
        if named is None:
            found.append(
                Issue(
                    "contract",
                    "not-a-contract",
                    f"{draft.contract} is not the reference of one of the partnership's contracts: it is "
                    "posted as a spend line of its own",
                )
            )
        elif headroom is not None:
            left = headroom.left.get((named[0], draft.year.start_year), 0)
            if amount > left:
                found.append(
                    Issue(
                        "amount",
                        "over-commitment",
                        f"{format_pounds(amount)} is more than what is left of the commitment to {named[1]} in "
                        f"{draft.year} ({format_pounds(max(left, 0))})",
                    )
                )
        if draft.kind == "payment" and headroom is not None and amount > headroom.cash:
            found.append(
                Issue(
                    "amount",
                    "overdraws-cash",
                    f"{format_pounds(amount)} is more than the cash the host holds for the pool "
                    f"({format_pounds(headroom.cash)}): the payment would overdraw it",
                )
            )
    if draft.kind == "reversal" and original is not None:
        another = reversal_in_another_year(original.day, draft.day)
        if another is not None:
            found.append(another)
    return found
