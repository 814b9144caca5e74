"""The pool's workbooks (openpyxl): the statement with a sheet per view (summary, partners, streams,
quarters, schemes), and the manager's report. Money is written as numbers of pounds with the pounds format,
never as text, so a spreadsheet adds them up; shares are numbers with a percentage format."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO
from typing import Any

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from concordat.partnerships.models import Partnership

from .accountability import regime
from .schemes import purposes_for
from .selectors import Statement

POUNDS = '"£"#,##0.00;[Red]-"£"#,##0.00'
PERCENT = "0.00%"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Money:
    """A cell of money: pence, written as pounds with the pounds format."""

    pence: int


@dataclass(frozen=True)
class Percent:
    """A cell of a percentage, written as a fraction with the percentage format."""

    value: Decimal | None


def pounds(pence: int) -> Decimal:
    """Pence as an exact number of pounds for a cell."""
    return Decimal(pence).scaleb(-2)


def table(sheet: Worksheet, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Write `headers` in bold and `rows` under them; Money and Percent cells as formatted numbers."""
    sheet.append(list(headers))
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_value(v) for v in row])
        for cell, value in zip(sheet[sheet.max_row], row, strict=False):
            if isinstance(value, Money):
                cell.number_format = POUNDS
            elif isinstance(value, Percent):
                cell.number_format = PERCENT
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(14, min(len(header) + 4, 48))
    sheet.freeze_panes = "A2"


def _value(value: Any) -> Any:
    if isinstance(value, Money):
        return pounds(value.pence)
    if isinstance(value, Percent):
        return None if value.value is None else value.value / 100
    if isinstance(value, str) and value.startswith(("=", "+", "-", "@")):
        return "'" + value  # text a spreadsheet would run as a formula stays text
    return value


def new_workbook() -> Workbook:
    book = Workbook()
    book.remove(book.active)
    return book


def workbook_bytes(book: Workbook) -> bytes:
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def statement_sheets(book: Workbook, partnership: Partnership, s: Statement) -> None:
    """The statement's views, a sheet each."""
    period = f"{s.year}" + (f" to the end of Q{s.quarter}" if s.quarter else "")
    summary = book.create_sheet("Summary")
    summary.append([f"{partnership.name}: pooled fund statement, {period}"])
    summary["A1"].font = Font(bold=True, size=13)
    if getattr(partnership, "demo", False):
        summary.append(["Demonstration data: values the papers do not give are invented."])
    summary.append([])
    rows: list[tuple[str, Any]] = [
        ("Planned contributions", Money(s.planned)),
        ("Carried forward into the year", Money(s.carried_forward)),
        ("Budget", Money(s.budget)),
        ("Received", Money(s.received)),
        ("Actual spend", Money(s.actual_spend)),
        ("Committed, not yet spent", Money(s.committed)),
        ("Forecast outturn", Money(s.forecast_outturn)),
        ("Variance (positive is an underspend)", Money(s.variance)),
    ]
    if s.risk_reserve:
        rows.append(("Risk reserve", Money(s.risk_reserve)))
    table(summary, ["Figure", "Amount"], rows)
    summary.freeze_panes = None
    if s.warnings:
        summary.append([])
        summary.append(["Warnings"])
        for w in s.warnings:
            summary.append([w.message])

    table(
        book.create_sheet("Partners"),
        ["Partner", "Code", "Planned", "Received", "Share", "Attributed spend", "Variance share"],
        [
            (p.name, p.code, Money(p.planned), Money(p.received), Percent(p.share_pct),
             Money(p.attributed_spend), Money(p.variance_share))
            for p in s.partners
        ],
    )  # fmt: skip
    kinds = dict(partnership.partners.values_list("code", "kind"))
    purposes = purposes_for(partnership)
    table(
        book.create_sheet("Streams"),
        ["Funding stream", "Code", "Partner", "Accountable under", "Ring-fenced for", "Planned", "Received"],
        [
            (t.name, t.code, t.partner, regime(kinds.get(t.partner, "other")),
             purposes.get(t.ring_fenced, t.ring_fenced) if t.ring_fenced else "", Money(t.planned),
             Money(t.received))
            for t in s.streams
        ],
    )  # fmt: skip
    table(
        book.create_sheet("Quarters"),
        ["Quarter", "Received in the quarter", "Spend in the quarter", "Received to date", "Spend to date",
         "Budget", "Forecast outturn"],
        [
            (f"Q{q.quarter}", Money(q.received), Money(q.actual_spend), Money(q.received_to_date),
             Money(q.spend_to_date), Money(s.budget), Money(s.forecast_outturn))
            for q in s.by_quarter
        ],
    )  # fmt: skip
    schemes = book.create_sheet("Schemes")
    if s.has_schemes:
        table(
            schemes,
            ["Scheme", "Code", "Commissioning partner", "Purpose", "Maximum", "Actual spend", "Committed",
             "Forecast", "Over its maximum"],
            [
                (line.name, line.code, line.partner, purposes.get(line.purpose, line.purpose),
                 Money(line.maximum) if line.maximum is not None else "No maximum", Money(line.actual_spend),
                 Money(line.committed), Money(line.forecast), "Yes" if line.over else "No")
                for line in s.schemes
            ],
        )  # fmt: skip
    else:
        schemes.append(["This partnership has no schemes inside the pool."])


def statement_workbook(partnership: Partnership, s: Statement) -> bytes:
    book = new_workbook()
    statement_sheets(book, partnership, s)
    return workbook_bytes(book)


def xlsx_download(content: bytes, *, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
