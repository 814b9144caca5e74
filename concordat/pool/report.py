"""The pooled fund manager's quarterly report and annual return (regulation 7 of the NHS Bodies and Local
Authorities Partnership Arrangements Regulations 2000: the income and expenditure of the fund, and
information on the services it paid for), as data for the page, the PDF and the workbook.

The performance of the services funded is not in the ledger: it is the KPI engine's (performance/, which
stands above the pool and registers here how to read it, so the pool imports nothing of it): the key
figures of the period against the same period a year before. Where there is no treatment record the report
says so rather than invent figures."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import timezone

from concordat.core.years import FinancialYear
from concordat.partnerships.models import Partnership

from . import contracts as pool_contracts
from .accountability import regime
from .models import Commitment
from .schemes import purposes_for, scheme_of_contract
from .selectors import Statement, statement
from .workbook import Money, new_workbook, statement_sheets, table, workbook_bytes

KINDS = ("quarterly", "annual")
NOT_RECORDED = (
    "No treatment record is held in Concordat for this partnership, so the performance of the services "
    "funded (activity, waiting times, outcomes) is not reported here: the pooled fund manager reports it "
    "to the partners separately."
)


@dataclass(frozen=True)
class PerformanceLine:
    """One key figure of the period, written as the board's reports write it."""

    label: str
    value: str
    last_year: str
    change: str


@dataclass(frozen=True)
class Performance:
    caption: str
    lines: list[PerformanceLine]
    note: str = ""


# (partnership, year, quarter or None for the whole year) -> the period's figures, None without a record.
PerformanceSource = Callable[[Partnership, FinancialYear, "int | None"], "Performance | None"]
_performance_source: list[PerformanceSource] = []


def register_performance(source: PerformanceSource) -> None:
    """Where the report reads the performance of the services funded (the performance app's ready())."""
    _performance_source[:] = [source]


def _performance(partnership: Partnership, year: FinancialYear, quarter: int | None) -> Performance | None:
    return _performance_source[0](partnership, year, quarter) if _performance_source else None


@dataclass
class ServiceLine:
    contract: str  # the contract's own reference, or the spend line
    scheme: str
    actual_spend: int
    committed: int
    service: str = ""  # the contract's title and provider; empty for a spend line


@dataclass
class ManagerReport:
    kind: str
    partnership: Partnership
    statement: Statement
    services: list[ServiceLine] = field(default_factory=list)
    purposes: list[tuple[str, int]] = field(default_factory=list)
    performance: Performance | None = None

    @property
    def title(self) -> str:
        s = self.statement
        if self.kind == "quarterly":
            return f"Quarterly report of the pooled fund, Q{s.quarter} {s.year}"
        return f"Annual return of the pooled fund, {s.year}"


class ReportError(ValueError):
    """A report asked for wrongly: the message says how to ask."""


def manager_report(
    partnership: Partnership, kind: str, year: FinancialYear, quarter: int | None
) -> ManagerReport:
    """The report of `kind` (quarterly: to the end of `quarter`, which it needs; annual: the whole year)."""
    if kind not in KINDS:
        raise ReportError(f"the report is quarterly or annual, not '{kind}'")
    if kind == "quarterly" and quarter not in (1, 2, 3, 4):
        raise ReportError("a quarterly report needs --quarter 1, 2, 3 or 4")
    if kind == "annual" and quarter is not None:
        raise ReportError("an annual return is for the whole year: leave out --quarter")
    s = statement(partnership, year, quarter if kind == "quarterly" else None)
    schemes = scheme_of_contract(partnership)
    committed: dict[str, int] = {}
    for contract, amount in Commitment.objects.filter(
        partnership=partnership, year=year.start_year
    ).values_list("contract_ref", "amount_pence"):
        committed[contract] = committed.get(contract, 0) + amount
    contracts = sorted(set(s.spend_by_contract) | set(committed))
    named = pool_contracts.by_counted(partnership)
    purposes = purposes_for(partnership)
    return ManagerReport(
        kind,
        partnership,
        s,
        [
            ServiceLine(
                named.get(c, (c, ""))[0],
                schemes[c].name if c in schemes else "",
                s.spend_by_contract.get(c, 0),
                max(committed.get(c, 0) - s.spend_by_contract.get(c, 0), 0),
                named.get(c, (c, ""))[1],
            )
            for c in contracts
        ],
        [(purposes.get(code, code), amount) for code, amount in sorted(s.spend_by_purpose.items())],
        # The quarterly report's figures are the quarter's (its money is to the quarter's end).
        _performance(partnership, year, quarter if kind == "quarterly" else None),
    )


def report_context(r: ManagerReport) -> dict[str, Any]:
    p = r.partnership
    kinds = dict(p.partners.values_list("code", "kind"))
    return {
        "partnership": p,
        "page_title": r.title,
        "report": r,
        "statement": r.statement,
        "quarter_line": r.statement.by_quarter[-1]
        if r.kind == "quarterly" and r.statement.by_quarter
        else None,
        "streams": [(t, regime(kinds.get(t.partner, "other"))) for t in r.statement.streams],
        "not_recorded": NOT_RECORDED,
        "demo": getattr(p, "demo", False),
        "generated_at": timezone.localtime(),
        "service_name": settings.SERVICE_NAME,
    }


def report_workbook(r: ManagerReport) -> bytes:
    book = new_workbook()
    statement_sheets(book, r.partnership, r.statement)
    book["Summary"]["A1"] = f"{r.partnership.name}: {r.title}"
    table(
        book.create_sheet("Services"),
        [
            "Contract or spend line",
            "Scheme",
            "Actual spend",
            "Committed, not yet spent",
            "Service and provider",
        ],
        [
            (line.contract, line.scheme, Money(line.actual_spend), Money(line.committed), line.service)
            for line in r.services
        ],
    )
    table(book.create_sheet("Purposes"), ["Purpose", "Actual spend"], [(n, Money(a)) for n, a in r.purposes])
    sheet = book.create_sheet("Performance")
    sheet.append(["Performance of the services funded"])
    found = r.performance
    if found is None:
        sheet.append([NOT_RECORDED])
    else:
        sheet.append([found.caption])
        sheet.append(["Indicator", "This period", "A year before", "Change"])
        for line in found.lines:
            sheet.append([line.label, line.value, line.last_year, line.change])
        if found.note:
            sheet.append([found.note])
    return workbook_bytes(book)


def schedule_context(partnership: Partnership) -> dict[str, Any]:
    """The agreement's financial schedule: contributions by partner and stream per year, schemes, risk
    share and ring fences, from the agreement as it stands."""
    from concordat.partnerships import selectors as agreement
    from concordat.partnerships.rules import vocabulary as words

    from .schemes import reserve_for, schemes_for

    years = agreement.contributions(partnership)
    purposes = purposes_for(partnership)
    kinds = dict(partnership.partners.values_list("code", "kind"))
    return {
        "partnership": partnership,
        "page_title": "Financial schedule",
        "years": years,
        "reserves": [
            (t.year, reserve_for(partnership, t.year)) for t in years if reserve_for(partnership, t.year)
        ],
        "schemes": schemes_for(partnership),
        "purposes": purposes,
        "streams": [
            (s, regime(kinds.get(s.partner.code, "other")), purposes.get(s.ring_fenced, s.ring_fenced))
            for s in partnership.funding_streams.select_related("partner").order_by("id")
        ],
        "overspend": words.OVERSPEND_RULES.get(partnership.overspend_rule, partnership.overspend_rule),
        "underspend": words.UNDERSPEND_RULES.get(partnership.underspend_rule, partnership.underspend_rule),
        "fixed_shares": sorted((partnership.fixed_shares or {}).items()),
        "demo": getattr(partnership, "demo", False),
        "generated_at": timezone.localtime(),
        "service_name": settings.SERVICE_NAME,
    }


def report_file(
    partnership: Partnership, kind: str, year: FinancialYear, quarter: int | None, out: str
) -> bytes:
    """The report as the bytes of `out`'s format: .pdf or .xlsx (ReportError for anything else)."""
    from concordat.documents.pdf import render_pdf

    suffix = out.lower().rsplit(".", 1)[-1] if "." in out else ""
    if suffix not in ("pdf", "xlsx"):
        raise ReportError(f"--out: the file must end in .pdf or .xlsx, not '{out}'")
    r = manager_report(partnership, kind, year, quarter)
    if suffix == "xlsx":
        return report_workbook(r)
    return render_pdf(None, "pool/report.html", report_context(r))
