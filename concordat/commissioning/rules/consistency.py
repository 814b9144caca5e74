"""What makes no sense although each value is valid on its own: refused where it is clearly wrong, warned
where it may be meant. rules/check.py calls these for every write (a form, the API, the demo), so each is
said the same way wherever it comes from.

- A service's Models of Care tier against its modality's: two or more tiers apart is refused (a tier 4
  residential modality in a tier 1 service); one apart is a warning, as the tiers meet at their edges
  (advice is given at tier 1 and tier 2; residential services deliver psychosocial treatment).
- A subcontract worth more a year than its contract, or subcontracts together worth more: refused.
- A legacy contract that transfers before the new contract starts or after it ends: refused.
- A stage, a representation or its answer dated after the day it is recorded: refused (it has not
  happened yet).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from concordat.core.money import format_pounds
from concordat.core.problems import Report


def day_words(day: date) -> str:
    """A day as people write it: "1 April 2004"."""
    return f"{day.day} {day:%B %Y}"


def tier_against_modality(report: Report, path: str, *, tier: int, modality: str, modality_tier: int) -> None:
    """A service of `tier` delivering `modality` (whose own tier is `modality_tier`)."""
    apart = abs(tier - modality_tier)
    if apart == 0:
        return
    message = f"{path}: tier {tier} does not match the modality '{modality}', which is tier {modality_tier}"
    if apart >= 2:
        report.error(
            path, "tier-not-the-modalitys", f"{message}: choose tier {modality_tier} or another modality"
        )
    else:
        report.warn(path, "tier-not-the-modalitys", f"{message}: check the tier")


def subcontracts_within(
    report: Report,
    *,
    contract_pence: int | None,
    subcontracts: Iterable[tuple[str, int | None]],
    others_pence: int = 0,
) -> None:
    """Each subcontract (path, annual pence) and all of them with `others_pence` (the contract's other
    subcontracts) against the contract's annual value."""
    if contract_pence is None:
        return
    total, last = others_pence, ""
    for path, pence in subcontracts:
        if pence is None:
            continue
        total, last = total + pence, path
        if pence > contract_pence:
            report.error(
                path,
                "subcontract-over-contract",
                f"{path}: the subcontract's {format_pounds(pence)} a year is more than the contract's "
                f"{format_pounds(contract_pence)}",
            )
            return
    if last and total > contract_pence:
        report.error(
            last,
            "subcontracts-over-contract",
            f"{last}: the subcontracts together are {format_pounds(total)} a year, more than the "
            f"contract's {format_pounds(contract_pence)}",
        )


def transfer_within(
    report: Report, path: str, *, transfers_on: date | None, start: date | None, end: date | None
) -> None:
    """A legacy contract's transfer into the new contract, which runs from `start` to `end`."""
    if transfers_on is None:
        return
    if start is not None and transfers_on < start:
        report.error(
            path,
            "transfer-before-start",
            f"{path}: {day_words(transfers_on)} is before the contract starts on {day_words(start)}",
        )
    elif end is not None and transfers_on > end:
        report.error(
            path,
            "transfer-after-end",
            f"{path}: {day_words(transfers_on)} is after the contract ends on {day_words(end)}",
        )


def not_in_future(report: Report, path: str, *, day: date | None, today: date | None, what: str) -> None:
    """`what` happened on `day`: refused when that is after `today` (None: not checked)."""
    if day is not None and today is not None and day > today:
        report.error(
            path,
            "date-in-the-future",
            f"{path}: {day_words(day)} is in the future: record {what} once it has happened",
        )
