"""Reading the pooled fund: the statement of a financial year (or of the year to a quarter's end), the
ledger's transactions, and what was paid on a contract.

Interface:
- `statement(partnership, year: FinancialYear, quarter: int | None = None) -> Statement`: every figure of
  the spec's statement in int pence (budget, received, actual_spend, committed, forecast_outturn,
  variance), partner lines (planned, received, exact share and share_pct, attributed_spend,
  variance_share), stream lines (planned, received, ring_fenced), warnings (Problem: code, message), the
  quarterly series `by_quarter` (received, spend and cumulative figures for each quarter up to the one
  asked for), scheme lines (budget, spend, forecast, maximum) and the risk reserve. With a quarter, figures
  count the postings dated up to that quarter's end; the budget is the year's.
- `statement_json(statement) -> dict`: exactly the spec's JSON (money as strings with two places); adds
  "schemes" and "risk_reserve" only for a partnership that has them.
- `payments_for_contract(partnership, contract_ref) -> list[Transaction]`: payments and accruals on a
  contract or spend line that stand (not reversed), in the order posted (commissioning's contract page
  and OCDS implementation transactions).
- `transactions(partnership, *, year=None, quarter=None, kind=None, stream=None, scheme=None)`: the ledger,
  in the order posted, legs prefetched (a constant number of queries however many rows).
- `spend_by_contract(partnership, year) -> {contract: pence}`: net spend per spend line in the year.
- `next_ref(partnership, kind) -> "P-0013"`: a fresh ref for a form (fixed when the form is shown, so a
  resubmission posts nothing new).

The figures (see docs/architecture.md, "The pooled fund"): budget = planned contributions of the year +
the underspend carried forward into it; actual spend = payments + accruals − their reversals (each by the
year of its own date); committed = the year's contract commitments not yet spent (per contract, never
below zero); forecast outturn = actual spend + committed; variance = budget − forecast (positive: an
underspend). Shares are planned contributions over the year's total; attributed spend splits actual spend
and variance share splits variance by those shares, to the penny (largest remainders, ties by code).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.db.models import QuerySet, Sum

from concordat.core.money import pence_to_str, percent_half_up
from concordat.core.problems import Problem
from concordat.core.years import FinancialYear
from concordat.partnerships import selectors as agreement
from concordat.partnerships.models import Partnership

from . import contracts
from .models import Commitment, Transaction, YearClose
from .rules import splits
from .rules.postings import SPEND
from .schemes import reserve_for, schemes_for


@dataclass
class PartnerLine:
    code: str
    name: str
    planned: int
    received: int
    share: Fraction  # exact: planned over the year's total planned (0 when nothing is planned)
    share_pct: Decimal | None  # half-up to two places, for display only
    attributed_spend: int
    variance_share: int


@dataclass
class StreamLine:
    code: str
    name: str
    partner: str
    planned: int
    received: int
    ring_fenced: str | None


@dataclass
class QuarterLine:
    quarter: int
    received: int  # in the quarter
    actual_spend: int  # in the quarter
    received_to_date: int  # from the year's start to the quarter's end
    spend_to_date: int


@dataclass
class SchemeLine:
    code: str
    name: str
    partner: str
    purpose: str
    maximum: int | None
    budget: int  # the maximum for the year (0 without one)
    actual_spend: int
    committed: int
    forecast: int

    @property
    def over(self) -> bool:
        return self.maximum is not None and self.forecast > self.maximum


@dataclass
class Statement:
    partnership: str
    year: FinancialYear
    quarter: int | None
    planned: int
    carried_forward: int  # into this year from the last
    budget: int
    received: int
    actual_spend: int
    committed: int
    forecast_outturn: int
    variance: int
    partners: list[PartnerLine] = field(default_factory=list)
    streams: list[StreamLine] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    by_quarter: list[QuarterLine] = field(default_factory=list)
    schemes: list[SchemeLine] = field(default_factory=list)
    risk_reserve: int = 0
    closed: YearClose | None = None
    has_schemes: bool = False
    spend_by_purpose: dict[str, int] = field(default_factory=dict)
    spend_by_contract: dict[str, int] = field(default_factory=dict)

    @property
    def cutoff(self) -> date:
        return self.year.quarter_end(self.quarter) if self.quarter else self.year.end


def _sums(partnership: Partnership, year: FinancialYear, cutoff: date) -> list[dict[str, Any]]:
    """The year's postings to `cutoff`, summed by what the statement tells apart: one query."""
    return list(
        Transaction.objects.filter(partnership=partnership, year=year.start_year, date__lte=cutoff)
        .values("kind", "reverses__kind", "stream", "contract", "purpose", "quarter")
        .annotate(total=Sum("amount_pence"))
        .order_by()
    )


def spend_by_contract(
    partnership: Partnership, year: FinancialYear, cutoff: date | None = None
) -> dict[str, int]:
    spent: dict[str, int] = defaultdict(int)
    counted = contracts.counted_as(partnership)
    for row in _sums(partnership, year, cutoff or year.end):
        sign = _spend_sign(row)
        if sign:
            spent[counted.get(row["contract"], row["contract"])] += sign * row["total"]
    return dict(spent)


def _spend_sign(row: dict[str, Any]) -> int:
    if row["kind"] in SPEND:
        return 1
    if row["kind"] == "reversal" and row["reverses__kind"] in SPEND:
        return -1
    return 0


def _received_sign(row: dict[str, Any]) -> int:
    if row["kind"] == "contribution":
        return 1
    if row["kind"] == "reversal" and row["reverses__kind"] == "contribution":
        return -1
    return 0


def statement(partnership: Partnership, year: FinancialYear, quarter: int | None = None) -> Statement:
    """The statement of `year` (to the end of `quarter` when given); see the module's docstring."""
    if quarter is not None and quarter not in (1, 2, 3, 4):
        raise ValueError("a quarter is 1, 2, 3 or 4")
    cutoff = year.quarter_end(quarter) if quarter else year.end
    streams = list(partnership.funding_streams.select_related("partner").order_by("id"))
    partners = list(partnership.partners.order_by("id"))
    planned_by_stream = dict(
        partnership.contributions.filter(year=year.start_year).values_list("stream__code", "amount_pence")
    )
    previous = YearClose.objects.filter(partnership=partnership, year=year.start_year - 1).first()
    carried = previous.carry_forward_pence if previous else 0
    planned = sum(planned_by_stream.values())
    budget = planned + carried

    received_by_stream: dict[str, int] = defaultdict(int)
    spend_by_contract_: dict[str, int] = defaultdict(int)
    counted = contracts.counted_as(partnership)
    spend_by_purpose: dict[str, int] = defaultdict(int)
    received_q: dict[int, int] = defaultdict(int)
    spend_q: dict[int, int] = defaultdict(int)
    for row in _sums(partnership, year, cutoff):
        if sign := _received_sign(row):
            received_by_stream[row["stream"]] += sign * row["total"]
            received_q[row["quarter"]] += sign * row["total"]
        if sign := _spend_sign(row):
            spend_by_contract_[counted.get(row["contract"], row["contract"])] += sign * row["total"]
            spend_by_purpose[row["purpose"]] += sign * row["total"]
            spend_q[row["quarter"]] += sign * row["total"]
    received = sum(received_by_stream.values())
    actual = sum(spend_by_contract_.values())
    commitments: dict[str, int] = defaultdict(int)
    for contract, amount in Commitment.objects.filter(
        partnership=partnership, year=year.start_year
    ).values_list("contract_ref", "amount_pence"):
        commitments[contract] += amount
    unspent = {c: max(amount - spend_by_contract_.get(c, 0), 0) for c, amount in commitments.items()}
    committed = sum(unspent.values())
    forecast = actual + committed
    variance = budget - forecast

    stream_partner = {s.code: s.partner.code for s in streams}
    planned_by_partner: dict[str, int] = dict.fromkeys((p.code for p in partners), 0)
    received_by_partner: dict[str, int] = dict.fromkeys((p.code for p in partners), 0)
    for code, amount in planned_by_stream.items():
        planned_by_partner[stream_partner[code]] += amount
    for code, amount in received_by_stream.items():
        if code in stream_partner:
            received_by_partner[stream_partner[code]] += amount
    attributed = splits.by_shares(actual, planned_by_partner)
    variance_shares = splits.by_shares(variance, planned_by_partner)
    result = Statement(
        partnership=partnership.slug,
        year=year,
        quarter=quarter,
        planned=planned,
        carried_forward=carried,
        budget=budget,
        received=received,
        actual_spend=actual,
        committed=committed,
        forecast_outturn=forecast,
        variance=variance,
        risk_reserve=reserve_for(partnership, year),
        closed=YearClose.objects.filter(partnership=partnership, year=year.start_year).first(),
        spend_by_purpose=dict(spend_by_purpose),
        spend_by_contract=dict(spend_by_contract_),
    )
    # The partners with money in the year (planned or received), by code: a partner with no stream in
    # the pool (the police, probation in Salford) has no share to show.
    for p in sorted(partners, key=lambda p: p.code):
        if not planned_by_partner[p.code] and not received_by_partner[p.code]:
            continue
        result.partners.append(
            PartnerLine(
                code=p.code,
                name=p.name,
                planned=planned_by_partner[p.code],
                received=received_by_partner[p.code],
                share=Fraction(planned_by_partner[p.code], planned) if planned else Fraction(0),
                share_pct=percent_half_up(planned_by_partner[p.code], planned, 2),
                attributed_spend=attributed[p.code],
                variance_share=variance_shares[p.code],
            )
        )
    for s in streams:
        result.streams.append(
            StreamLine(
                code=s.code,
                name=s.name,
                partner=s.partner.code,
                planned=planned_by_stream.get(s.code, 0),
                received=received_by_stream.get(s.code, 0),
                ring_fenced=s.ring_fenced or None,
            )
        )
    to = 4 if quarter is None else quarter
    running_received = running_spend = 0
    for q in range(1, to + 1):
        running_received += received_q.get(q, 0)
        running_spend += spend_q.get(q, 0)
        result.by_quarter.append(
            QuarterLine(q, received_q.get(q, 0), spend_q.get(q, 0), running_received, running_spend)
        )
    schemes = schemes_for(partnership)
    result.has_schemes = bool(schemes)
    for scheme in schemes:
        lines = contracts.counted_lines(counted, scheme.spend_lines)
        spent = sum(spend_by_contract_.get(line, 0) for line in lines)
        scheme_committed = sum(unspent.get(line, 0) for line in lines)
        maximum = scheme.maximum.get(year.start_year)
        line = SchemeLine(
            scheme.code,
            scheme.name,
            scheme.partner,
            scheme.purpose,
            maximum,
            maximum or 0,
            spent,
            scheme_committed,
            spent + scheme_committed,
        )
        result.schemes.append(line)
        if line.over:
            from concordat.core.money import format_pounds

            result.warnings.append(
                Problem(
                    f"schemes.{scheme.code}",
                    "scheme-over-maximum",
                    f"The forecast for the scheme {scheme.name} ({scheme.code}) in {year} is "
                    f"{format_pounds(line.forecast)}, more than its maximum of {format_pounds(line.budget)}",
                )
            )
    result.warnings[:0] = _stated_total_warnings(partnership, year)
    return result


def _stated_total_warnings(partnership: Partnership, year: FinancialYear) -> list[Problem]:
    """The agreement's own stated-total-mismatch warnings for the year (partnerships' reconciliation)."""
    for table in agreement.contributions(partnership):
        if table.year == year:
            return [
                Problem("stated_totals", "stated-total-mismatch", check.message) for check in table.mismatches
            ]
    return []


def _money(pence: int) -> str:
    return pence_to_str(pence)


def statement_json(s: Statement) -> dict[str, Any]:
    """The spec's statement JSON, keys in the spec's order."""
    document: dict[str, Any] = {
        "partnership": s.partnership,
        "year": str(s.year),
        "quarter": s.quarter,
        "budget": _money(s.budget),
        "received": _money(s.received),
        "actual_spend": _money(s.actual_spend),
        "committed": _money(s.committed),
        "forecast_outturn": _money(s.forecast_outturn),
        "variance": _money(s.variance),
        "partners": [
            {
                "code": p.code,
                "planned": _money(p.planned),
                "received": _money(p.received),
                "share_pct": None if p.share_pct is None else f"{p.share_pct:.2f}",
                "attributed_spend": _money(p.attributed_spend),
                "variance_share": _money(p.variance_share),
            }
            for p in s.partners
        ],
        "streams": [
            {
                "code": t.code,
                "planned": _money(t.planned),
                "received": _money(t.received),
                "ring_fenced": t.ring_fenced,
            }
            for t in s.streams
        ],
        "warnings": [{"code": w.code, "message": w.message} for w in s.warnings],
    }
    if s.has_schemes:
        document["schemes"] = [
            {
                "code": line.code,
                "name": line.name,
                "partner": line.partner,
                "purpose": line.purpose,
                "maximum": None if line.maximum is None else _money(line.maximum),
                "actual_spend": _money(line.actual_spend),
                "committed": _money(line.committed),
                "forecast": _money(line.forecast),
            }
            for line in s.schemes
        ]
    if s.risk_reserve:
        document["risk_reserve"] = _money(s.risk_reserve)
    return document


def transactions(
    partnership: Partnership,
    *,
    year: FinancialYear | None = None,
    quarter: int | None = None,
    kind: str | None = None,
    stream: str | None = None,
    scheme: str | None = None,
) -> QuerySet[Transaction]:
    rows = Transaction.objects.filter(partnership=partnership)
    if year is not None:
        rows = rows.filter(year=year.start_year)
    if quarter is not None:
        rows = rows.filter(quarter=quarter)
    if kind:
        rows = rows.filter(kind=kind)
    if stream:
        rows = rows.filter(stream=stream)
    if scheme:
        rows = rows.filter(scheme=scheme)
    return (
        rows.select_related("reverses", "reversed_by").prefetch_related("legs__account").order_by("sequence")
    )


def payments_for_contract(partnership: Partnership, contract_ref: str, *also: str) -> list[Transaction]:
    """What was paid or accrued on a contract (under `contract_ref` or any of `also`, its other
    references) and stands: a reversed payment and its reversal are left out, so the amounts add up to
    the contract's spend (and to OCDS's implementation transactions)."""
    return list(
        Transaction.objects.filter(
            partnership=partnership,
            contract__in=[contract_ref, *also],
            kind__in=SPEND,
            reversed_by__isnull=True,
        ).order_by("sequence")
    )


REF_PREFIXES = {"contribution": "C", "payment": "P", "accrual": "A", "reversal": "R"}


def next_ref(partnership: Partnership, kind: str) -> str:
    """A ref for a new posting made on a form: the kind's letter and the next free number ("P-0013"). A
    form should fix it when first shown and post with it, so a second submission is the same posting."""
    prefix = f"{REF_PREFIXES.get(kind, 'T')}-"
    numbers = [
        int(ref[len(prefix) :])
        for ref in Transaction.objects.filter(partnership=partnership, ref__startswith=prefix).values_list(
            "ref", flat=True
        )
        if ref[len(prefix) :].isdigit()
    ]
    return f"{prefix}{max(numbers, default=0) + 1:04d}"


def closed_years(partnership: Partnership) -> set[int]:
    """The start years of the pool's closed financial years (they take no more postings)."""
    return set(YearClose.objects.filter(partnership=partnership).values_list("year", flat=True))
