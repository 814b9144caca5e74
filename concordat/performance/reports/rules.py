"""The board's reports and the workforce as plain rules: no Django, no database (mypy --strict).

- Workforce: a figure of treatment staff is whole-time equivalents held as an int of hundredths
  (`parse_fte("12.5") == 1250`); year-on-year growth per provider and in total (`workforce_growth`).
- Periods: a quarterly report is for one financial quarter, a treatment plan reports the outcome of one
  financial year and plans the next (`quarterly_period`, `plan_period`); the same period a year before;
  the quarters or years of a trend; the report's key in URLs (`report_key`, `parse_report_key`).
- The headline figures a report shows, and where each is in the KPI object (`HEADLINE`, `value_at`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from concordat.core.years import FinancialYear, YearError
from concordat.performance.rules.numbers import growth_percentage

QUARTERLY = "quarterly"
TREATMENT_PLAN = "treatment-plan"
KINDS = (QUARTERLY, TREATMENT_PLAN)

# --- workforce ------------------------------------------------------------------------------------------

# The most one provider's figure may be: 9,999.99 whole-time equivalents.
FTE_LIMIT = 999_999
_FTE = re.compile(r"^([0-9]{1,4})(?:\.([0-9]{1,2}))?$")


class FteError(ValueError):
    """A text that is not a number of whole-time equivalents; `code` says which way."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def parse_fte(text: str) -> int:
    """'12', '12.5' or '12.50' -> 1250 hundredths. Refuses empty text (`missing-value`), a negative
    number (`negative-fte`) and anything that is not a number with at most two decimal places or is over
    9,999.99 (`bad-fte`): the message says what was expected, quoting the value."""
    value = text.strip()
    if not value:
        raise FteError("missing-value", "Enter the whole-time equivalent staff, like 12.5")
    if value.startswith("-"):
        raise FteError("negative-fte", f"'{value}' is negative: whole-time equivalents are 0 or more")
    match = _FTE.match(value)
    if not match:
        raise FteError(
            "bad-fte",
            f"'{value}' is not a number of whole-time equivalents: write it like 12.5, with at most two "
            "decimal places, up to 9999.99",
        )
    whole, part = match.group(1), (match.group(2) or "").ljust(2, "0")
    return int(whole) * 100 + int(part)


def fte_text(hundredths: int) -> str:
    """1250 -> '12.50': how files, JSON and forms write a figure."""
    return f"{hundredths // 100}.{hundredths % 100:02d}"


@dataclass(frozen=True)
class ProviderGrowth:
    code: str
    fte: tuple[int | None, ...]  # hundredths in each year of `years`; None when not entered
    growth_pct: tuple[float | None, ...]  # on the year before; None for the first year or a gap


@dataclass(frozen=True)
class Growth:
    years: tuple[int, ...]  # financial years by their first calendar year, in order
    providers: tuple[ProviderGrowth, ...]
    total_fte: tuple[int | None, ...]  # the sum of the figures entered for the year; None with none
    # Growth in total, like for like: over the providers with a figure in both years, so that a provider
    # whose figure is not yet entered does not read as a fall.
    total_growth_pct: tuple[float | None, ...]
    compared: tuple[int, ...]  # how many providers each year's total growth compares


def growth(before: int | None, after: int | None) -> float | None:
    """(after − before) / before × 100, half-up to one decimal; None when either is missing or before is 0."""
    if before is None or after is None:
        return None
    return growth_percentage(after, before)


def workforce_growth(
    figures: Mapping[tuple[str, int], int], providers: Sequence[str], years: Sequence[int]
) -> Growth:
    """Year-on-year growth of the workforce: `figures` maps (provider code, year) to hundredths of FTE;
    every provider of `providers` gets a row, every year of `years` (consecutive, in order) a column."""
    ordered = tuple(sorted(years))
    rows = []
    for code in providers:
        fte = tuple(figures.get((code, year)) for year in ordered)
        rows.append(
            ProviderGrowth(
                code,
                fte,
                tuple(
                    None if i == 0 or ordered[i - 1] != year - 1 else growth(fte[i - 1], fte[i])
                    for i, year in enumerate(ordered)
                ),
            )
        )
    total: list[int | None] = []
    total_growth: list[float | None] = []
    compared: list[int] = []
    for i, year in enumerate(ordered):
        entered = [r.fte[i] for r in rows if r.fte[i] is not None]
        total.append(sum(v for v in entered if v is not None) if entered else None)
        if i == 0 or ordered[i - 1] != year - 1:
            total_growth.append(None)
            compared.append(0)
            continue
        pairs = [(r.fte[i - 1], r.fte[i]) for r in rows if r.fte[i - 1] is not None and r.fte[i] is not None]
        compared.append(len(pairs))
        total_growth.append(
            growth(sum(a for a, _ in pairs if a is not None), sum(b for _, b in pairs if b is not None))
            if pairs
            else None
        )
    return Growth(ordered, tuple(rows), tuple(total), tuple(total_growth), tuple(compared))


# --- periods --------------------------------------------------------------------------------------------


class PeriodError(ValueError):
    """A period a report cannot be for: the message says which periods it can."""


def quarter_start(year: FinancialYear, quarter: int) -> date:
    return {1: year.start, 2: date(year.start_year, 7, 1), 3: date(year.start_year, 10, 1)}.get(
        quarter, date(year.start_year + 1, 1, 1)
    )


def quarterly_period(start: date, end: date) -> tuple[FinancialYear, int]:
    """The financial year and quarter (Q1 = April to June) that `start`..`end` is exactly."""
    year = FinancialYear.containing(start)
    quarter = year.quarter_of(start)
    if start != quarter_start(year, quarter) or end != year.quarter_end(quarter):
        raise PeriodError(
            f"a quarterly report is for one financial quarter: --from its first day and --to its last "
            f"(Q1 is 1 April to 30 June); {start} to {end} is not one"
        )
    return year, quarter


def plan_period(start: date, end: date) -> FinancialYear:
    """The financial year whose outcome a treatment plan reports: `start`..`end` is exactly that year (the
    plan is for the year after it)."""
    year = FinancialYear.containing(start)
    if start != year.start or end != year.end:
        raise PeriodError(
            f"a treatment plan reports the outcome of one financial year: --from 1 April and --to 31 March "
            f"of that year (the plan is for the year after); {start} to {end} is not one"
        )
    return year


def report_period(kind: str, start: date, end: date) -> tuple[FinancialYear, int | None]:
    """(year, quarter) of a report of `kind` for `start`..`end` (PeriodError when it cannot be)."""
    if kind == QUARTERLY:
        return quarterly_period(start, end)
    if kind == TREATMENT_PLAN:
        return plan_period(start, end), None
    raise PeriodError(f"a report is {' or '.join(KINDS)}, not '{kind}'")


def bounds(year: FinancialYear, quarter: int | None) -> tuple[date, date]:
    """The first and last days of the quarter of `year`, or of the whole year without one."""
    if quarter is None:
        return year.start, year.end
    return quarter_start(year, quarter), year.quarter_end(quarter)


def year_before(year: FinancialYear, quarter: int | None) -> tuple[date, date]:
    """The same period a year before: the same quarter of the year before, or the year before."""
    return bounds(FinancialYear(year.start_year - 1), quarter)


def trend_periods(year: FinancialYear, quarter: int | None, count: int) -> list[tuple[str, date, date]]:
    """The `count` periods ending with this one, oldest first, labelled as the KPI grid labels them
    ("2004-05 Q1" for a quarter, "2004-05" for a year)."""
    found: list[tuple[str, date, date]] = []
    y, q = year, quarter
    for _ in range(count):
        start, end = bounds(y, q)
        found.append((f"{y} Q{q}" if q else str(y), start, end))
        if q is None or q == 1:
            y = FinancialYear(y.start_year - 1)
            q = 4 if q else None
        else:
            q -= 1
    return found[::-1]


_KEY = re.compile(r"^(quarterly)-([0-9]{4}-[0-9]{2})-q([1-4])$|^(treatment-plan)-([0-9]{4}-[0-9]{2})$")


def report_key(kind: str, year: FinancialYear, quarter: int | None) -> str:
    """How a report is addressed: 'quarterly-2004-05-q1' (its quarter); 'treatment-plan-2005-06' (the year
    it plans, the year after the one whose outcome it reports, `year`)."""
    if kind == QUARTERLY:
        return f"quarterly-{year}-q{quarter}"
    return f"treatment-plan-{year.next()}"


def parse_report_key(key: str) -> tuple[str, FinancialYear, int | None] | None:
    """The kind, the year of its figures and the quarter a key names; None for a key that names none."""
    match = _KEY.match(key)
    if not match:
        return None
    try:
        if match.group(1):
            return QUARTERLY, FinancialYear.parse(match.group(2)), int(match.group(3))
        plan = FinancialYear.parse(match.group(5))
    except YearError:
        return None
    if plan.start_year < 2:
        return None
    return TREATMENT_PLAN, FinancialYear(plan.start_year - 1), None


def title(kind: str, year: FinancialYear, quarter: int | None) -> str:
    if kind == QUARTERLY:
        return f"Quarterly performance report, Q{quarter} {year}"
    return f"Annual treatment plan {year.next()}"


# --- what the report shows --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Headline:
    key: str  # stable: a row of the JSON's "headline" and of the workbook
    label: str
    path: tuple[str, ...]  # where it is in the KPI object
    percent: bool = False


HEADLINE = (
    Headline("in_treatment", "People in structured treatment", ("in_treatment",)),
    Headline("accessing_services", "People accessing services", ("accessing_services",)),
    Headline("new_starts", "New starts in treatment", ("new_starts",)),
    Headline("retention_cohort", "Started treatment, 12 weeks on by as of (cohort)", ("retention_12wk", "cohort")),
    Headline("retained", "Retained 12 weeks or completed", ("retention_12wk", "retained")),
    Headline("retention_pct", "Retained 12 weeks (%)", ("retention_12wk", "pct"), percent=True),
    Headline("completed", "Successful completions", ("successful_completions", "completed")),
    Headline(
        "completions_pct", "Successful completions of those in treatment (%)",
        ("successful_completions", "pct"), percent=True,
    ),
    Headline("baseline_growth_pct", "Growth on the baseline (%)", ("baseline_growth_pct",), percent=True),
    Headline(
        "accessing_target_pct", "Accessing services against the year's target (%)",
        ("accessing_target_pct",), percent=True,
    ),
)  # fmt: skip


def value_at(obj: Mapping[str, Any], path: Iterable[str]) -> Any:
    """The value at `path` in a KPI object; None where the object has nothing there."""
    value: Any = obj
    for part in path:
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


def change(now: Any, before: Any) -> float | int | None:
    """now − before (counts as ints, percentages to one decimal); None when either is missing."""
    if isinstance(now, bool) or isinstance(before, bool):
        return None
    if not isinstance(now, (int, float)) or not isinstance(before, (int, float)):
        return None
    if isinstance(now, int) and isinstance(before, int):
        return now - before
    return round(float(now) - float(before), 1)


def waiting_target(code: str, targets: Mapping[str, Any], threshold_days: int | None) -> str:
    """The target a modality's waits are judged on, in words (as `target_met` judges them)."""
    means = targets.get("modality_mean_wait_days") or {}
    if isinstance(means, Mapping) and code in means:
        return f"Average wait at most {means[code]} days"
    share = targets.get("waiting_within_threshold_pct")
    if share is None:
        return "No target"
    return f"{share}% start within {threshold_days} days"
