"""How the audit trail speaks of the pooled fund. Postings and closes are business events (record_event),
one entry each, worded as the finance officer would say them: "posted payment P-0012 of £12,000.00 to
CDT-2003 (treatment)". Ledger rows are never changed, so no row history is kept for them; commitments are
set as a set per contract, one event per change."""

from __future__ import annotations

from concordat.core.money import format_pounds
from concordat.core.years import FinancialYear

from .models import Transaction, YearClose

POSTED = "pool-posted"
CLOSED = "pool-year-closed"
IMPORTED = "pool-imported"
COMMITMENTS = "pool-commitments"


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
