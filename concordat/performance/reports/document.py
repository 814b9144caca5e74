"""A report's documents from its data (reports.data): the page's own template as a tagged PDF (documents/pdf.py,
the demo and draft markers on every page), the workbook (reports/workbook.py) and the JSON file. The web
and `concordat report` both come here, so the three formats cannot drift from each other or the page."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone

from concordat.core import clock

from .charts import trend_charts
from .data import public
from .workbook import report_workbook

TEMPLATE = "performance/reports/report.html"
STYLESHEETS = ("documents/print.css", "performance/reports.css")
FORMATS = ("pdf", "xlsx", "json")
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}


class FormatError(ValueError):
    """A file name whose suffix is not one of the report's formats."""


def format_of(out: str) -> str:
    """The format a file name asks for by its suffix: pdf, xlsx or json."""
    suffix = out.lower().rsplit(".", 1)[-1] if "." in out.rsplit("/", 1)[-1] else ""
    if suffix not in FORMATS:
        raise FormatError(f"--out: the file must end in .pdf, .xlsx or .json, not '{out}'")
    return suffix


def marker(data: dict[str, Any]) -> str:
    """The words at the top of every page: "Draft" until issued, "Demonstration data" for the demo."""
    words = []
    if data["status"] != "issued":
        words.append("Draft")
    if data["partnership"].get("demo"):
        words.append("Demonstration data")
    return " – ".join(words)


def _when(text: str | None) -> datetime | None:
    return timezone.localtime(datetime.fromisoformat(text)) if text else None


def context(data: dict[str, Any]) -> dict[str, Any]:
    """What the template shows of `data` (the page adds its navigation and links)."""
    return {
        "data": data,
        "page_title": data["title"],
        "charts": trend_charts(data["trend"]),
        "paragraphs": [p.strip() for p in (data.get("narrative") or "").split("\n\n") if p.strip()],
        "marker": marker(data),
        "issued_at": _when(data.get("issued_at")),
        "prepared_at": _when(data.get("prepared_at")),
        "service_name": settings.SERVICE_NAME,
        "generated_at": timezone.localtime(),
    }


def json_bytes(data: dict[str, Any]) -> bytes:
    """The JSON file: `kpis` exactly as `concordat kpi` prints it, the rest as the report shows it."""
    return json.dumps(public(data), indent=2, ensure_ascii=False).encode()


def _pdf(data: dict[str, Any], extra: dict[str, Any] | None) -> bytes:
    from concordat.documents.cache import cached_document, sources_digest
    from concordat.documents.pdf import render_pdf

    # The PDF of the same data, templates and day is the same document: rendered once, kept in the cache.
    digest = hashlib.sha256(json.dumps(data, sort_keys=True).encode())
    digest.update(sources_digest((TEMPLATE,), STYLESHEETS).encode())
    digest.update(clock.today().isoformat().encode())
    key = f"board-report-pdf:{digest.hexdigest()}"
    return cached_document(
        key, lambda: render_pdf(None, TEMPLATE, {**context(data), **(extra or {})}, stylesheets=STYLESHEETS)
    )


def render(data: dict[str, Any], fmt: str, *, extra: dict[str, Any] | None = None) -> bytes:
    """The report in `fmt` (pdf, xlsx or json). `extra`: more context for the PDF's template (the
    partnership object, for its demo banner)."""
    if fmt == "pdf":
        return _pdf(data, extra)
    if fmt == "xlsx":
        return report_workbook(data)
    if fmt == "json":
        return json_bytes(data)
    raise FormatError(f"a report is a pdf, xlsx or json file, not {fmt!r}")


def filename(data: dict[str, Any], fmt: str) -> str:
    return f"{data['partnership']['slug']}-{data['key']}.{fmt}"
