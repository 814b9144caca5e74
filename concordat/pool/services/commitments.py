"""Commitments: memorandum records of what contracts commit the pool to, replaced as a set per contract."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import transaction

from concordat.core import clock
from concordat.core.audit import record_event
from concordat.core.money import format_pounds
from concordat.partnerships.models import Partnership

from .. import audit as words
from ..errors import PostingRefused
from ..models import Commitment
from ..warming import warm_charts_after_commit
from .postings import actor_name

# --- commitments (memorandum) ------------------------------------------------------------------------------


@transaction.atomic
def commitments_replace(
    *,
    partnership: Partnership,
    contract_ref: str,
    by_year: dict[int, int],
    description: str = "",
    actor: Any = None,
) -> list[Commitment]:
    """The contract's commitments become exactly `by_year` (financial year's first calendar year to pence,
    each at least 0; a year left out has none). Memorandum records: they feed the forecast outturn, never
    the ledger. Writes only what changed, and says so on the audit trail."""
    if any(amount < 0 for amount in by_year.values()):
        raise PostingRefused.of("by_year", "negative-amount", "A commitment cannot be negative")
    locked = Partnership.objects.select_for_update().get(pk=partnership.pk)
    current = {c.year: c for c in Commitment.objects.filter(partnership=locked, contract_ref=contract_ref)}
    name = actor_name(actor)
    now = clock.now()
    changed = False
    for year, commitment in current.items():
        if year not in by_year:
            commitment.delete()
            changed = True
    kept: list[Commitment] = []
    for year, amount in sorted(by_year.items()):
        commitment = current.get(year)
        if commitment is None:
            commitment = Commitment.objects.create(
                partnership=locked,
                contract_ref=contract_ref,
                year=year,
                amount_pence=amount,
                description=description[:500],
                changed_by=name,
                changed_at=now,
            )
            changed = True
        elif commitment.amount_pence != amount or commitment.description != description[:500]:
            commitment.amount_pence, commitment.description = amount, description[:500]
            commitment.changed_by, commitment.changed_at = name, now
            commitment.save()
            changed = True
        kept.append(commitment)
    if changed:
        # Commitments are in the forecast outturn the statement's chart draws.
        warm_charts_after_commit(locked.pk, set(current) | set(by_year))
        total = sum(by_year.values())
        record_event(
            kind=words.COMMITMENTS,
            actor=actor,
            partnership_slug=locked.slug,
            summary=f"set the commitments of {contract_ref} to {format_pounds(total)} over "
            f"{len(by_year)} year{'s' if len(by_year) != 1 else ''}",
            obj=locked,
            actor_name="" if getattr(actor, "is_authenticated", False) else name,
        )
    return kept


def by_year_of(commitments: Iterable[Commitment]) -> dict[int, int]:
    totals: dict[int, int] = defaultdict(int)
    for c in commitments:
        totals[c.year] += c.amount_pence
    return dict(totals)
