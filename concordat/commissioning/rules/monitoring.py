"""Checks of contract monitoring: a KPI with its target, and a quarterly review with its RAG and reason."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from concordat.core.problems import Report
from concordat.core.years import FinancialYear
from concordat.partnerships.rules.limits import NAME, PROSE
from concordat.partnerships.rules.reader import MISSING, Reader

from .check import day, key_of

RAG = {"green": "Green", "amber": "Amber", "red": "Red"}
DIRECTIONS = {"at-least": "At least", "at-most": "At most"}


def check_kpi(values: dict[str, Any]) -> tuple[Report, dict[str, Any]]:
    report = Report()
    read = Reader(report)
    out = {
        "key": key_of(read, values),
        "name": read.take_text(values, "name", "", required=True, max_length=NAME),
        "kpi": read.take_text(values, "kpi", "", max_length=40) or "",
        "direction": read.take_choice(values, "direction", "", DIRECTIONS, default="at-least"),
        "target": _number(read, values, "target"),
        "unit": read.take_text(values, "unit", "", max_length=40) or "",
    }
    return report, out


def _number(read: Reader, values: dict[str, Any], key: str) -> Decimal | None:
    raw = read.get(values, key, "", required=True)
    if raw is MISSING:
        return None
    try:
        number = Decimal(str(raw).strip()) if not isinstance(raw, bool) else None
    except InvalidOperation:
        number = None
    exponent = number.as_tuple().exponent if number is not None else "n"
    if number is None or not isinstance(exponent, int) or exponent < -2 or abs(number) >= 10**10:
        read.report.error(
            key, "invalid-number", f"{key}: '{raw}' is not a number with at most two decimal places"
        )
        return None
    return number


def check_review(
    values: dict[str, Any], *, start: date, end: date, reviewed: set[tuple[int, int]]
) -> tuple[Report, dict[str, Any]]:
    """A review of a quarter the contract runs in, not dated before the quarter begins, once a quarter."""
    report = Report()
    read = Reader(report)
    year = read.take_year(values, "year", "", required=True)
    quarter = read.take_int(values, "quarter", "", required=True, low=1, high=4)
    out: dict[str, Any] = {
        "year": year.start_year if year else None,
        "quarter": quarter,
        "reviewed_on": day(read, values, "reviewed_on", required=True),
        "rag": read.take_choice(values, "rag", "", RAG, required=True),
        "reason": read.take_text(values, "reason", "", required=True, max_length=PROSE),
        "notes": read.take_text(values, "notes", "", max_length=PROSE) or "",
    }
    if year is not None and quarter is not None:
        first = quarter_start(year, quarter)
        last = year.quarter_end(quarter)
        if last < start or first > end:
            report.error(
                "quarter",
                "outside-contract",
                f"quarter: {year} Q{quarter} is outside the contract ({start.isoformat()} to {end.isoformat()})",
            )
        elif (year.start_year, quarter) in reviewed:
            report.error(
                "quarter", "already-reviewed", f"quarter: {year} Q{quarter} has already been reviewed"
            )
        if out["reviewed_on"] is not None and out["reviewed_on"] < first:
            report.error(
                "reviewed_on",
                "before-quarter",
                f"reviewed_on: a review of {year} Q{quarter} cannot be dated before the quarter begins ({first.isoformat()})",
            )
    return report, out


def quarter_start(year: FinancialYear, quarter: int) -> date:
    return date(year.start_year + (1 if quarter == 4 else 0), (quarter * 3 + 1) if quarter < 4 else 1, 1)
