"""The statement of a financial year (or of the year to a quarter's end) as a page, a PDF and an XLSX
workbook: one context, one template for page and PDF (documents/pdf.py), the same SVG chart in both."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from concordat.core.audit import record_event
from concordat.core.models import Kind
from concordat.documents.pdf import pdf_download, render_pdf
from concordat.partnerships.models import Partnership

from ..accountability import regime
from ..charts import chart_description, chart_rows, chart_svg
from ..schemes import purposes_for
from ..selectors import Statement, statement
from ..workbook import statement_workbook, xlsx_download
from .base import PoolPage, chosen_period

TEMPLATE = "pool/statement.html"


def represented_partner(request: HttpRequest, partnership: Partnership, codes: list[str]) -> str | None:
    """The partner whose figures the page highlights: the one the reader chose (`partner` in the query
    string), else the partner a partner representative speaks for (their membership names it)."""
    chosen = request.GET.get("partner") or ""
    if chosen in codes:
        return chosen
    code = (
        partnership.memberships.filter(user_id=request.user.pk, partner__isnull=False)
        .values_list("partner__code", flat=True)
        .first()
    )
    return code if code in codes else None


def statement_context(
    partnership: Partnership, figures: Statement, *, highlight: str | None
) -> dict[str, Any]:
    """What the statement's page and PDF show, from the selector's figures."""
    kinds = dict(partnership.partners.values_list("code", "kind"))
    names = dict(partnership.partners.values_list("code", "name"))
    purposes = purposes_for(partnership)
    period = f"{figures.year}" + (f", to the end of Q{figures.quarter}" if figures.quarter else "")
    return {
        "statement": figures,
        "period": period,
        "streams": [
            {
                "line": line,
                "partner_name": names.get(line.partner, line.partner),
                "regime": regime(kinds.get(line.partner, "other")),
                "ring_fenced": purposes.get(line.ring_fenced, line.ring_fenced) if line.ring_fenced else "",
            }
            for line in figures.streams
        ],
        "highlight": highlight,
        "own": next((p for p in figures.partners if p.code == highlight), None),
        "chart_svg": chart_svg(figures),
        "chart_description": chart_description(figures),
        "chart_rows": chart_rows(figures),
        "purposes": purposes,
        "spend_by_purpose": [
            (purposes.get(code, code), amount) for code, amount in sorted(figures.spend_by_purpose.items())
        ],
        "demo": getattr(partnership, "demo", False),
        "generated_at": timezone.localtime(),
        "service_name": settings.SERVICE_NAME,
    }


class StatementPage(PoolPage):
    template_name = TEMPLATE
    section = "pool:statement"
    page_title = "Pooled fund statement"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form, year, quarter = chosen_period(self.request, self.partnership)
        figures = statement(self.partnership, year, quarter)
        codes = [p.code for p in figures.partners]
        highlight = represented_partner(self.request, self.partnership, codes)
        context.update(
            statement_context(self.partnership, figures, highlight=highlight),
            form=form,
            partner_choices=[(p.code, p.name) for p in figures.partners],
            query=_query(year, quarter),
        )
        return context


def _query(year: Any, quarter: int | None) -> str:
    return f"year={year}" + (f"&quarter={quarter}" if quarter else "")


class StatementPdf(PoolPage):
    """The statement page's own template as an A4 PDF."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        _form, year, quarter = chosen_period(request, self.partnership)
        figures = statement(self.partnership, year, quarter)
        highlight = represented_partner(request, self.partnership, [p.code for p in figures.partners])
        context = {
            "partnership": self.partnership,
            "page_title": StatementPage.page_title,
            **statement_context(self.partnership, figures, highlight=highlight),
        }
        content = render_pdf(None, TEMPLATE, context)
        _record_download(
            request, self.partnership, f"the pooled fund statement for {context['period']} as a PDF"
        )
        return pdf_download(
            content, filename=f"{self.partnership.slug}-statement-{_suffix(year, quarter)}.pdf"
        )


class StatementXlsx(PoolPage):
    """The statement as a workbook: a sheet per view, money as numbers formatted in pounds."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        _form, year, quarter = chosen_period(request, self.partnership)
        figures = statement(self.partnership, year, quarter)
        content = statement_workbook(self.partnership, figures)
        period = f"{year}" + (f", to the end of Q{quarter}" if quarter else "")
        _record_download(request, self.partnership, f"the pooled fund statement for {period} as a workbook")
        return xlsx_download(
            content, filename=f"{self.partnership.slug}-statement-{_suffix(year, quarter)}.xlsx"
        )


def _suffix(year: Any, quarter: int | None) -> str:
    return f"{year}" + (f"-q{quarter}" if quarter else "")


def _record_download(request: HttpRequest, partnership: Partnership, what: str) -> None:
    record_event(
        kind=Kind.FORM_DOWNLOADED,
        actor=request.user,
        partnership_slug=partnership.slug,
        summary=f"downloaded {what}",
        obj=partnership,
    )
