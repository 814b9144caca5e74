"""How the audit trail speaks of the pooled fund. Postings and closes are business events (record_event),
one entry each, worded as the finance officer would say them: "posted payment P-0012 of £12,000.00 to
CDT-2003 (treatment)". Ledger rows are never changed, so no row history is kept for them; commitments are
set as a set per contract, one event per change."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from auditlog.cid import get_cid
from django.contrib.contenttypes.models import ContentType

from concordat.core.audit import complete_entry
from concordat.core.models import AuditEntry, Kind
from concordat.core.money import format_pounds
from concordat.core.years import FinancialYear

from .models import Transaction, YearClose

POSTED = Kind.POOL_POSTED
CLOSED = Kind.POOL_YEAR_CLOSED
IMPORTED = Kind.POOL_IMPORTED
COMMITMENTS = Kind.POOL_COMMITMENTS


def posting_summary(t: Transaction) -> str:
    amount = format_pounds(t.amount_pence)
    if t.kind == "contribution":
        return f"posted contribution {t.ref} of {amount} from {t.stream}"
    if t.kind in ("payment", "accrual"):
        return f"posted {t.kind} {t.ref} of {amount} to {t.contract} ({t.purpose})"
    if t.kind == "reversal":
        reversed_ref = t.reverses.ref if t.reverses_id and t.reverses else ""
        return f"posted reversal {t.ref} of {amount}, reversing {reversed_ref}"
    return f"posted {t.get_kind_display().lower()} {t.ref} of {amount}"


def close_description(year: FinancialYear, variance: int, rule: str) -> str:
    if variance < 0:
        return f"Overspend of {format_pounds(-variance)} in {year}, paid in by the partners ({rule})"
    if rule == "carry-forward":
        return f"Underspend of {format_pounds(variance)} in {year}, carried forward into {year.next()}"
    return f"Underspend of {format_pounds(variance)} in {year}, returned to the partners ({rule})"


def close_summary(close: YearClose) -> str:
    year = close.financial_year
    if close.variance_pence == 0:
        return f"closed the pooled fund's year {year}: spend equalled the budget"
    side = "underspend" if close.variance_pence > 0 else "overspend"
    return (
        f"closed the pooled fund's year {year}: {side} of {format_pounds(abs(close.variance_pence))}, "
        f"{close.rule}"
    )


def import_summary(created: int, skipped: int, filename: str) -> str:
    return (
        f"imported {created} posting{'s' if created != 1 else ''} from {filename} ({skipped} already posted)"
    )


def record_postings(transactions: Sequence[Transaction], *, actor: Any, actor_name: str, slug: str) -> None:
    """One `pool-posted` event per transaction, as core.audit.record_event writes them, in one INSERT:
    an import of thousands of rows writes its trail at the speed of its ledger."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    content_type = ContentType.objects.get_for_model(Transaction)
    cid = get_cid()
    entries = []
    for t in transactions:
        entry = AuditEntry(
            content_type=content_type,
            object_pk=str(t.pk),
            object_id=t.pk,
            object_repr=str(t)[:200],
            action=AuditEntry.Action.ACCESS,  # as record_event: a business event, not a row change
            actor=user,
            actor_name="" if user is not None else actor_name,
            kind=POSTED,
            summary=posting_summary(t),
            partnership=slug,
            additional_data={"partnership": slug},
            cid=cid,
        )
        complete_entry(entry)  # bulk_create does not call _save_table, where this happens otherwise
        entries.append(entry)
    AuditEntry.objects.bulk_create(entries)
