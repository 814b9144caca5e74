"""The year-end close: the risk share or carry-forward of the year's variance, then the year is closed."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from concordat.core import clock
from concordat.core.audit import record_event
from concordat.core.money import format_pounds
from concordat.core.years import FinancialYear
from concordat.partnerships.models import Partnership

from .. import audit as words
from .. import ledger
from ..errors import PostingRefused
from ..models import Transaction, YearClose
from ..rules import splits
from ..rules.postings import Posted
from ..schemes import reserve_for
from ..warming import warm_charts_after_commit
from .postings import _write, actor_name

# --- the year-end close ------------------------------------------------------------------------------------


@transaction.atomic
def year_close(*, partnership: Partnership, year: FinancialYear, actor: Any = None) -> YearClose:
    """Close `year`: its variance (budget less actual spend) falls on the partners by the partnership's
    risk share — an overspend paid in by the overspend rule (after the risk reserve, if any, has absorbed
    what it can), an underspend returned by the underspend rule or carried forward into the next year's
    budget — in one transaction dated the year's last day, and the year takes no more postings.

    Raises PostingRefused (`already-closed`) when the year is closed."""
    from ..selectors import statement  # selectors read what services wrote; imported here to avoid a cycle

    locked = Partnership.objects.select_for_update().get(pk=partnership.pk)
    if YearClose.objects.filter(partnership=locked, year=year.start_year).exists():
        raise PostingRefused.of("year", "already-closed", f"The year {year} is already closed")
    figures = statement(locked, year)
    variance = figures.budget - figures.actual_spend
    reserve = reserve_for(locked, year)
    planned = {p.code: p.planned for p in figures.partners}
    host = locked.host_partner.code if locked.host_partner_id else None
    fixed = dict(locked.fixed_shares or {})
    name = actor_name(actor)
    close = YearClose(
        partnership=locked,
        year=year.start_year,
        budget_pence=figures.budget,
        outturn_pence=figures.actual_spend,
        variance_pence=variance,
        reserve_pence=reserve,
        closed_by=name,
        closed_at=clock.now(),
    )
    legs: list[tuple[str, int]] = []
    kind = "risk-share"
    if variance < 0:
        overspend = -variance
        # The reserve is part of the budget set aside for this: an overspend of the budget less the
        # reserve draws on it first; what the partners pay in is only what passes the whole budget.
        operating_overspend = figures.actual_spend - (figures.budget - reserve)
        close.reserve_drawn_pence = min(max(operating_overspend, 0), reserve)
        close.rule = locked.overspend_rule
        parts = splits.risk_share(
            overspend, rule=locked.overspend_rule, planned=planned, host=host, fixed=fixed
        )
        _shared(parts, overspend, year)
        legs = [(ledger.CASH, overspend)] + [
            (ledger.risk_share(code), -part) for code, part in sorted(parts.items()) if part
        ]
    elif variance > 0:
        operating_overspend = figures.actual_spend - (figures.budget - reserve)
        close.reserve_drawn_pence = min(max(operating_overspend, 0), reserve)
        close.rule = locked.underspend_rule
        if locked.underspend_rule == "carry-forward":
            kind = "carry-forward"
            close.carry_forward_pence = variance
            legs = [(ledger.YEAR_RESULT, variance), (ledger.CARRIED_FORWARD, -variance)]
        else:
            parts = splits.risk_share(
                variance, rule=locked.underspend_rule, planned=planned, host=host, fixed=fixed
            )
            _shared(parts, variance, year)
            legs = [(ledger.risk_share(code), part) for code, part in sorted(parts.items()) if part]
            legs.append((ledger.CASH, -variance))
    else:
        close.rule = "none"
    if legs:
        ref = f"CLOSE-{year}"
        posted = Posted(
            ref,
            kind,
            year.end,
            abs(variance),
            description=words.close_description(year, variance, close.rule),
        )
        if Transaction.objects.filter(partnership=locked, ref=ref).exists():
            raise PostingRefused.of("year", "ref-conflict", f"The ref {ref} is already used in this ledger")
        [close.transaction] = _write(locked, [(posted, None)], {}, actor, legs_for={ref: legs})
    close.save()
    # A carry-forward is the next year's budget too: its statement's chart changes with this year's.
    warm_charts_after_commit(locked.pk, {year.start_year + 1})
    record_event(
        kind=words.CLOSED,
        actor=actor,
        partnership_slug=locked.slug,
        summary=words.close_summary(close),
        obj=close,
        actor_name="" if getattr(actor, "is_authenticated", False) else name,
    )
    return close


def _shared(parts: dict[str, int], amount: int, year: FinancialYear) -> None:
    """Refuse a close whose rule finds no one to share with (proportional shares of a year with no planned
    contributions): the entries would not balance."""
    if sum(parts.values()) != amount:
        raise PostingRefused.of(
            "year",
            "no-shares",
            f"{year} has no planned contributions to share {format_pounds(amount)} by: add the year's "
            "contributions to the agreement, or choose the host or fixed rule",
        )
