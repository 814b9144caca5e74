"""The dashboard's trend charts, drawn as the pool's statement chart is (`pool/charts.py`): Vega-Lite built
with altair from plain values, rendered to SVG on the server by vl_convert, kept in Django's shared cache
under a digest of the specification (which holds every figure drawn, so a new figure is a new key and
nothing is ever stale), with this process's memory in front. The SVG carries a `<title>`, is hidden from
screen readers (`aria-hidden`: the page gives its text alternative, `rules/trends.describe`, and the data
table under it) and has no style or script (`pool.charts.safe_svg`), so it works under the strict CSP.
"""

from __future__ import annotations

import hashlib
import html
from collections.abc import Sequence
from functools import lru_cache

import altair as alt
import vl_convert

from concordat.documents.cache import cached_document
from concordat.pool.charts import KEEP_SECONDS, render_svg

Point = tuple[str, int | float | None]  # (the period as the axis says it, the figure)


def trend_spec(points: Sequence[Point], *, y_title: str, series: str = "") -> str:
    """A line across the periods (a gap where a period has no figure)."""
    values = [{"period": label, "value": value, "series": series} for label, value in points]
    chart = (
        alt.Chart(alt.Data(values=values))
        .mark_line(point=True)
        .encode(
            x=alt.X("period:O", title="Quarter", sort=None),
            y=alt.Y("value:Q", title=y_title, axis=alt.Axis(format=",~f")),
        )
        .properties(width=420, height=200)
    )
    return str(chart.to_json())


def multi_trend_spec(series: dict[str, Sequence[Point]], *, y_title: str) -> str:
    """One line a series (a modality), told apart by colour and dash, across the same periods."""
    names = list(series)
    values = [
        {"period": label, "value": value, "series": name}
        for name, points in series.items()
        for label, value in points
    ]
    chart = (
        alt.Chart(alt.Data(values=values))
        .mark_line(point=True)
        .encode(
            x=alt.X("period:O", title="Quarter", sort=None),
            y=alt.Y("value:Q", title=y_title, axis=alt.Axis(format=",~f")),
            color=alt.Color("series:N", title=None, sort=names),
            strokeDash=alt.StrokeDash("series:N", title=None, sort=names),
        )
        .properties(width=420, height=220)
    )
    return str(chart.to_json())


def chart_key(spec: str) -> str:
    """The shared cache's key of the SVG of `spec` (with vl_convert's version: a new renderer, new keys)."""
    digest = hashlib.sha256()
    for part in (spec, vl_convert.__version__, "performance-chart-1"):
        digest.update(part.encode() + b"\0")
    return f"performance-chart:{digest.hexdigest()}"


@lru_cache(maxsize=256)
def _render(spec: str) -> str:
    svg = cached_document(chart_key(spec), lambda: render_svg(spec).encode(), timeout=KEEP_SECONDS)
    return svg.decode()


def chart_svg(spec: str, title: str) -> str:
    """The chart as an inline SVG element with its `<title>`, hidden from screen readers."""
    svg = _render(spec)
    start = svg.find("<svg ")
    close = svg.find(">", start)
    if start < 0 or close < 0:
        return ""
    opening = svg[start:close].replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1)
    return f"{svg[:start]}{opening}><title>{html.escape(title)}</title>{svg[close + 1 :]}"
