"""The report as a workbook (openpyxl), from the same data as its page and PDF: a sheet per table, each
with a title; counts and percentages are numbers (a percentage is the KPI object's own number, 66.7, shown
with a % sign), money is a number of pounds in the pool's format, FTE a number with two places. "Concordat"
is the creator. Every text cell goes through the one formula guard (core.csvfile.spreadsheet_safe)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from concordat.core.csvfile import spreadsheet_safe
from concordat.pool.workbook import POUNDS, new_workbook, pounds, workbook_bytes

COUNT = "#,##0"
PERCENT = '0.0"%"'
DAYS = "0.0"
FTE = "#,##0.00"
CREATOR = "Concordat"


@dataclass(frozen=True)
class Cell:
    """A number with its format: pence (`money`), a percentage, days, hundredths of FTE or a count."""

    value: Any
    kind: str = "count"


def money(pence: int | None) -> Cell:
    return Cell(pence, "money")


def percent(value: Any) -> Cell:
    return Cell(value, "percent")


def days(value: Any) -> Cell:
    return Cell(value, "days")


def fte(hundredths: int | None) -> Cell:
    return Cell(hundredths, "fte")


_FORMATS = {"money": POUNDS, "percent": PERCENT, "days": DAYS, "fte": FTE, "count": COUNT}


def _value(value: Any) -> Any:
    if isinstance(value, Cell):
        if value.value is None:
            return None
        if value.kind == "money":
            return pounds(value.value)
        if value.kind == "fte":
            return Decimal(value.value).scaleb(-2)
        return value.value
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, str):
        return spreadsheet_safe(value)
    return value


def sheet(
    book: Workbook, name: str, title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]
) -> Worksheet:
    """A sheet: its title in row 1, the table's headers in bold in row 3, then the rows."""
    ws = book.create_sheet(name)
    ws.append([spreadsheet_safe(title)])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([])
    ws.append([spreadsheet_safe(h) for h in headers])
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([_value(v) for v in row])
        for cell, value in zip(ws[ws.max_row], row, strict=False):
            if isinstance(value, Cell):
                cell.number_format = _FORMATS[value.kind]
    for index, header in enumerate(headers, start=1):
        ws.column_dimensions[get_column_letter(index)].width = max(12, min(len(header) + 4, 60))
    ws.freeze_panes = "A4"
    return ws


def _yes_no(value: Any) -> str:
    return {True: "Yes", False: "No"}.get(value, "")


def report_workbook(data: dict[str, Any]) -> bytes:
    """The workbook of a report's data (reports.data.report_data, or an issued report's stored figures)."""
    book = new_workbook()
    name = data["partnership"]["name"]
    book.properties.creator = CREATOR
    book.properties.lastModifiedBy = CREATOR
    book.properties.title = f"{name}: {data['title']}"
    period = f"{data['from']} to {data['to']}, data as of {data['as_of']}"

    notes = [
        ("Partnership", name),
        ("Report", data["title"]),
        ("Period", period),
        ("Status", "Issued" if data["status"] == "issued" else "Draft"),
        ("Figures", "Published figures (disclosure control)" if data["published"] else "Exact figures"),
    ]
    if data["partnership"].get("demo"):
        notes.append(("Demonstration data", "Values the papers do not give are invented"))
    summary = sheet(
        book,
        "Summary",
        f"{name}: {data['title']}",
        ["Figure", "This period", "Same period last year", "Change"],
        [
            (
                row["label"],
                percent(row["value"]) if row["percent"] else Cell(row["value"]),
                percent(row["last_year"]) if row["percent"] else Cell(row["last_year"]),
                percent(row["change"]) if row["percent"] else Cell(row["change"]),
            )
            for row in data["headline"]
        ],
    )
    summary.append([])
    for label, text in notes:
        summary.append([spreadsheet_safe(label), spreadsheet_safe(text)])

    sheet(
        book,
        "Waiting times",
        f"Waiting times by modality, {data['from']} to {data['to']}",
        ["Modality", "Code", "Target", "Started", "Average wait (days)", "Median wait (days)",
         "Within the threshold (%)", "Threshold (days)", "Still waiting", "Target met",
         "Average wait last year (days)"],
        [
            (w["name"], w["modality"], w["target"], Cell(w["count"]), days(w["mean_days"]),
             days(w["median_days"]), percent(w["within_threshold_pct"]), Cell(w["threshold_days"]),
             Cell(w["still_waiting"]), _yes_no(w["target_met"]), days(w["last_year_mean_days"]))
            for w in data["waiting"]
        ],
    )  # fmt: skip
    sheet(
        book,
        "Providers",
        f"By provider, {data['from']} to {data['to']}",
        ["Provider", "Code", "In treatment", "Accessing services", "New starts", "Retained 12 weeks (%)",
         "Successful completions (%)"],
        [
            (p["name"], p["code"], Cell(p["in_treatment"]), Cell(p["accessing_services"]),
             Cell(p["new_starts"]), percent(p["retention_pct"]), percent(p["completions_pct"]))
            for p in data["providers"]
        ],
    )  # fmt: skip
    sheet(
        book,
        "Trend",
        "Trend: the periods up to this one",
        ["Period", "From", "To", "In treatment", "Accessing services", "New starts", "Retained 12 weeks (%)",
         "Successful completions (%)"],
        [
            (t["label"], t["from"], t["to"], Cell(t["in_treatment"]), Cell(t["accessing_services"]),
             Cell(t["new_starts"]), percent(t["retention_pct"]), percent(t["completions_pct"]))
            for t in data["trend"]
        ],
    )  # fmt: skip
    pool = data["pool"]
    pool_rows: list[tuple[str, Any]] = [("Budget for the year", money(pool["budget_pence"]))]
    if pool["quarter"]:
        pool_rows.append((f"Actual spend in Q{pool['quarter']}", money(pool["spend_in_quarter_pence"])))
    pool_rows += [
        ("Actual spend to date", money(pool["actual_spend_pence"])),
        ("Committed, not yet spent", money(pool["committed_pence"])),
        ("Forecast outturn", money(pool["forecast_outturn_pence"])),
        ("Variance (positive is an underspend)", money(pool["variance_pence"])),
    ]
    sheet(
        book,
        "Pooled fund",
        f"The pooled fund, {pool['year']}"
        + (f" to the end of Q{pool['quarter']}" if pool["quarter"] else ""),
        ["Figure", "Amount"],
        pool_rows,
    )
    if data["report"] == "treatment-plan":
        _plan_sheets(book, data)
    written = sheet(
        book,
        "Narrative and risks",
        "Narrative, risks and sign-off",
        ["Risk", "Likelihood", "Impact", "Score", "Owner", "Mitigation", "Status"],
        [
            (r["description"], Cell(r["likelihood"]), Cell(r["impact"]), Cell(r["score"]), r["owner"],
             r["mitigation"], r["status"])
            for r in data["risks"]
        ],
    )  # fmt: skip
    written.append([])
    written.append(["Narrative"])
    written.append([spreadsheet_safe(data["narrative"] or "")])
    written.cell(row=written.max_row, column=1).alignment = Alignment(wrap_text=True, vertical="top")
    written.append([])
    sign_off = data["sign_off"]
    written.append(["Signed off by", spreadsheet_safe(sign_off["name"]), spreadsheet_safe(sign_off["role"])])
    if data["status"] == "issued":
        written.append(
            ["Issued by", spreadsheet_safe(data["issued_by"]), spreadsheet_safe(data["issued_at"] or "")]
        )
    return workbook_bytes(book)


def _plan_sheets(book: Workbook, data: dict[str, Any]) -> None:
    t = data["targets"]
    rows: list[tuple[str, Any]] = [
        (f"People accessing services in {t['year']}", Cell(t["accessing_services"])),
    ]
    if t["baseline"]:
        rows.append(
            (f"Baseline of {t['baseline']['kpi']} ({t['baseline']['year']})", Cell(t["baseline"]["value"]))
        )
    rows.append(("Waiting-time threshold (days)", Cell(t["waiting_time_days"])))
    rows.append(("Share starting within the threshold (%)", percent(t["waiting_within_threshold_pct"])))
    rows += [(f"Average wait, {m['name']} (days)", Cell(m["days"])) for m in t["mean_waits"]]
    sheet(book, "Targets", f"Targets for {data['plan_year']}", ["Target", "Value"], rows)

    w = data["workforce"]
    years = w["years"]
    headers = ["Provider", "Code"]
    for i, year in enumerate(years):
        headers.append(f"FTE {year}")
        if i:
            headers.append(f"Growth {year} (%)")

    def line(values: list[Any], growth: list[Any]) -> list[Any]:
        out: list[Any] = []
        for i, v in enumerate(values):
            out.append(fte(v))
            if i:
                out.append(percent(growth[i]))
        return out

    workforce_rows = [
        [p["name"], p["code"], *line(p["fte_hundredths"], p["growth_pct"])] for p in w["providers"]
    ]
    workforce_rows.append(
        ["Total (growth like for like)", "", *line(w["total"]["fte_hundredths"], w["total"]["growth_pct"])]
    )
    sheet(book, "Workforce", "Treatment workforce, whole-time equivalents", headers, workforce_rows)

    m = data["money"]
    money_rows: list[tuple[Any, ...]] = [
        (s["name"], s["code"], money(s["planned_pence"])) for s in m["streams"]
    ]
    money_rows += [
        ("Planned contributions", "", money(m["planned_pence"])),
        ("Carried forward into the year", "", money(m["carried_forward_pence"])),
        ("Budget", "", money(m["budget_pence"])),
    ]
    sheet(
        book,
        "Money",
        f"The pooled fund's budget for {m['year']}",
        ["Funding stream", "Code", "Planned"],
        money_rows,
    )
