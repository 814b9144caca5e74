"""The statement's chart: budget, received, spend and forecast by quarter, as Vega-Lite (altair) rendered
to SVG on the server (vl_convert), so the page needs no JavaScript and the PDF shows the same picture.

The SVG goes inline into the page and the PDF. The page's Content-Security-Policy allows no inline style
or script: vl_convert writes presentation attributes (fill=, stroke=), and `safe_svg` removes any style or
script that a later version might write, so what the browser is given always works under the policy.

vl_convert takes 1–2 s for a process's first chart (its JavaScript engine starting) and tens of
milliseconds after that, so a chart is rendered once for every process: kept in Django's shared cache
(`CACHES`, as documents/cache.py keeps the PDFs) under a digest of its Vega-Lite specification, which holds
every figure drawn, so a posting that changes a figure makes a new key and nothing is ever stale; this
process's memory is the first level. After a posting commits the new charts are rendered in the background
(`pool/warming.py`), and `concordat demo load` renders the demo's, so a reader does not wait for vl_convert
in the common case.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache

import altair as alt
import vl_convert

from concordat.documents.cache import cached_document

from .selectors import Statement

MEASURES = ("Budget", "Received to date", "Spend to date", "Forecast outturn")


@dataclass(frozen=True)
class ChartRow:
    quarter: str
    budget: int
    received_to_date: int
    spend_to_date: int
    forecast_outturn: int


def chart_rows(s: Statement) -> list[ChartRow]:
    """The chart's figures by quarter, in pence: the same rows the data table under the chart shows."""
    return [
        ChartRow(f"Q{q.quarter}", s.budget, q.received_to_date, q.spend_to_date, s.forecast_outturn)
        for q in s.by_quarter
    ]


def chart_spec(rows: list[ChartRow]) -> str:
    """The Vega-Lite specification (JSON) of the chart: one line per measure across the quarters."""
    values = [
        {"quarter": row.quarter, "measure": measure, "pounds": pence / 100}
        for row in rows
        for measure, pence in zip(
            MEASURES,
            (row.budget, row.received_to_date, row.spend_to_date, row.forecast_outturn),
            strict=True,
        )
    ]
    chart = (
        alt.Chart(alt.Data(values=values))
        .mark_line(point=True)
        .encode(
            x=alt.X("quarter:O", title="Quarter of the financial year", sort=None),
            y=alt.Y("pounds:Q", title="Pounds", axis=alt.Axis(format=",.0f")),
            color=alt.Color("measure:N", title=None, sort=list(MEASURES)),
            strokeDash=alt.StrokeDash("measure:N", title=None, sort=list(MEASURES)),
        )
        .properties(width=420, height=240)
    )
    return chart.to_json()


_STYLE_ATTRIBUTE = re.compile(r"\sstyle=(\"[^\"]*\"|'[^']*')", re.IGNORECASE)
_ELEMENT = re.compile(r"<(style|script)\b.*?</\1>", re.IGNORECASE | re.DOTALL)


def safe_svg(svg: str) -> str:
    """The SVG without style attributes, style elements or scripts: what a strict CSP lets through."""
    return _STYLE_ATTRIBUTE.sub("", _ELEMENT.sub("", svg))


# The key names the content, so an entry is never stale, only unused: kept a month, then rendered again.
KEEP_SECONDS = 60 * 60 * 24 * 30


def chart_key(spec: str) -> str:
    """The shared cache's key of the SVG of `spec`: a digest of the specification (its figures included),
    of vl_convert's version and of what `safe_svg` removes, so a new renderer or rule makes new keys."""
    digest = hashlib.sha256()
    for part in (spec, vl_convert.__version__, _STYLE_ATTRIBUTE.pattern, _ELEMENT.pattern):
        digest.update(part.encode() + b"\0")
    return f"pool-chart:{digest.hexdigest()}"


def render_svg(spec: str) -> str:
    """vl_convert itself: what the cache saves."""
    return safe_svg(vl_convert.vegalite_to_svg(spec))


@lru_cache(maxsize=128)
def _render(spec: str) -> str:
    """This process's memory first, then the shared cache, else vl_convert: once, however many workers ask
    for the same new chart at the same moment (the cache's lock, documents.cache.cached_document)."""
    svg = cached_document(chart_key(spec), lambda: render_svg(spec).encode(), timeout=KEEP_SECONDS)
    return svg.decode()


def chart_svg(s: Statement) -> str:
    """The statement's chart as an SVG element, hidden from screen readers: the page gives its text
    alternative (`chart_description`) and the data table under it the same figures in full."""
    svg = _render(chart_spec(chart_rows(s)))
    return svg.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1)


def chart_description(s: Statement) -> str:
    """The chart in words: what a reader who cannot see it needs from it."""
    from concordat.core.money import format_pounds

    if not s.by_quarter:
        return "No quarters to show."
    last = s.by_quarter[-1]
    return (
        f"Line chart of the budget ({format_pounds(s.budget)}), money received to date, spend to date and "
        f"the forecast outturn ({format_pounds(s.forecast_outturn)}) by quarter, Q1 to Q{last.quarter}: "
        f"by the end of Q{last.quarter} {format_pounds(last.received_to_date)} received and "
        f"{format_pounds(last.spend_to_date)} spent. The table below gives every figure."
    )
