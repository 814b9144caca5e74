"""The performance of the services funded, for the pooled fund manager's quarterly report and annual
return (pool/report.py reads it through `register_performance`: the pool stands below this app): the
board's headline figures (reports.rules.HEADLINE) of the quarter or the financial year against the same
period a year before, published figures (small numbers withheld, as in every document that leaves the
partnership), written as the board's reports write them."""

from __future__ import annotations

from concordat.core.years import FinancialYear
from concordat.partnerships.models import Partnership
from concordat.pool.report import Performance, PerformanceLine, register_performance
from concordat.treatment.models import Generation

from . import selectors
from .reports import rules
from .templatetags.board_reports import figure, pct, signed


def performance_of(partnership: Partnership, year: FinancialYear, quarter: int | None) -> Performance | None:
    """None when the partnership holds no treatment record."""
    if not Generation.objects.filter(partnership=partnership, current=True).exists():
        return None
    as_of = selectors.default_as_of(partnership)
    start, end = rules.bounds(year, quarter)
    last_start, last_end = rules.year_before(year, quarter)
    now = selectors.kpis(partnership, start, end, as_of, published=True)
    before = selectors.kpis(partnership, last_start, last_end, as_of, published=True)
    lines = []
    for h in rules.HEADLINE:
        value, last = rules.value_at(now, h.path), rules.value_at(before, h.path)
        change = rules.change(value, last)
        written = pct if h.percent else figure
        lines.append(
            PerformanceLine(
                h.label,
                written(value),
                written(last),
                f"{signed(change)} points" if h.percent and change is not None else signed(change),
            )
        )
    period = f"Q{quarter} {year}" if quarter else str(year)
    return Performance(
        caption=(
            f"The key performance indicators of {period} ({start:%-d %B %Y} to {end:%-d %B %Y}), against the "
            f"same period a year before, from the treatment record as complete to {as_of:%-d %B %Y}"
        ),
        lines=lines,
        note="Published figures, as in every report that leaves the partnership: a count of 1 to 4 is "
        "withheld (—) and every other count rounded to the nearest 5. The board's reports give every "
        "breakdown.",
    )


def register() -> None:
    register_performance(performance_of)
