"""The report's trend charts: Vega-Lite (altair) from the data's own trend rows, rendered to SVG on the
server (vl_convert), the same approach as the pool's statement chart (pool/charts.py): `safe_svg` so the
page works under the strict CSP, the SVG hidden from screen readers (its caption is the text alternative
and the table under it gives every figure), kept in Django's shared cache under a digest of its
specification (which holds every figure drawn, so it is never stale)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import altair as alt
import vl_convert

from concordat.documents.cache import cached_document
from concordat.pool.charts import KEEP_SECONDS, safe_svg

COUNTS = (
    ("in_treatment", "In treatment"),
    ("accessing_services", "Accessing services"),
    ("new_starts", "New starts"),
)
PERCENTAGES = (("retention_pct", "Retained 12 weeks"), ("completions_pct", "Successful completions"))


@dataclass(frozen=True)
class Chart:
    svg: str  # the SVG element, aria-hidden
    description: str  # its text alternative


def spec(trend: list[dict[str, Any]], measures: tuple[tuple[str, str], ...], axis: str, fmt: str) -> str:
    """The Vega-Lite specification: one line per measure across the periods (missing values left out)."""
    values = [
        {"period": row["label"], "measure": label, "value": row[key]}
        for row in trend
        for key, label in measures
        if row.get(key) is not None
    ]
    chart = (
        alt.Chart(alt.Data(values=values))
        .mark_line(point=True)
        .encode(
            x=alt.X("period:O", title=None, sort=[row["label"] for row in trend]),
            y=alt.Y("value:Q", title=axis, axis=alt.Axis(format=fmt)),
            # No sort on the measure: with one, Vega-Lite draws a second legend for the dashes.
            color=alt.Color("measure:N", title=None),
            strokeDash=alt.StrokeDash("measure:N", title=None),
        )
        .properties(width=420, height=220)
    )
    return chart.to_json()


def chart_key(specification: str) -> str:
    digest = hashlib.sha256()
    for part in (specification, vl_convert.__version__, "safe_svg"):
        digest.update(part.encode() + b"\0")
    return f"report-chart:{digest.hexdigest()}"


@lru_cache(maxsize=64)
def _render(specification: str) -> str:
    svg = cached_document(
        chart_key(specification),
        lambda: safe_svg(vl_convert.vegalite_to_svg(specification)).encode(),
        timeout=KEEP_SECONDS,
    )
    return svg.decode().replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1)


def _said(value: Any, suffix: str = "") -> str:
    if value is None:
        return "not shown"
    return f"{value:,}{suffix}" if isinstance(value, int) else f"{value}{suffix}"


def trend_charts(trend: list[dict[str, Any]]) -> list[Chart]:
    """The counts chart and the percentages chart of the trend, each with its words; none without a trend."""
    if not trend:
        return []
    first, last = trend[0], trend[-1]
    span = f"{first['label']} to {last['label']}" if len(trend) > 1 else last["label"]
    counts = Chart(
        _render(spec(trend, COUNTS, "People", ",.0f")),
        f"Line chart of the people in treatment, accessing services and starting treatment in each period "
        f"from {span}: in {last['label']} {_said(last['in_treatment'])} in treatment, "
        f"{_said(last['accessing_services'])} accessing services and {_said(last['new_starts'])} new starts. "
        f"The table below gives every figure.",
    )
    percentages = Chart(
        _render(spec(trend, PERCENTAGES, "Per cent", ".0f")),
        f"Line chart of the share retained 12 weeks and of successful completions in each period from "
        f"{span}: in {last['label']} {_said(last['retention_pct'], '%')} retained and "
        f"{_said(last['completions_pct'], '%')} completed successfully. The table below gives every figure.",
    )
    return [counts, percentages]
