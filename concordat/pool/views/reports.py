"""The pooled fund manager's quarterly report and annual return (page, PDF, XLSX), and the agreement's
financial schedule (page, PDF), for every reader of the pool."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse

from concordat.documents.pdf import pdf_download, render_pdf

from ..report import manager_report, report_context, report_workbook, schedule_context
from ..workbook import xlsx_download
from .base import PoolPage, chosen_period
from .statement import _record_download

REPORT = "pool/report.html"
SCHEDULE = "pool/schedule.html"


def _report(request: HttpRequest, partnership: Any) -> tuple[Any, Any]:
    form, year, quarter = chosen_period(request, partnership)
    kind = "quarterly" if quarter else "annual"
    return form, manager_report(partnership, kind, year, quarter)


def _filename(r: Any) -> str:
    s = r.statement
    return f"{r.partnership.slug}-{r.kind}-{s.year}" + (f"-q{s.quarter}" if s.quarter else "")


class ReportPage(PoolPage):
    template_name = REPORT
    section = "pool:report"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form, r = _report(self.request, self.partnership)
        s = r.statement
        context.update(
            report_context(r),
            form=form,
            query=f"year={s.year}" + (f"&quarter={s.quarter}" if s.quarter else ""),
        )
        return context


class ReportPdf(PoolPage):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        _form, r = _report(request, self.partnership)
        content = render_pdf(None, REPORT, report_context(r))
        _record_download(request, self.partnership, f"the {r.title.lower()} as a PDF")
        return pdf_download(content, filename=_filename(r) + ".pdf")


class ReportXlsx(PoolPage):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        _form, r = _report(request, self.partnership)
        _record_download(request, self.partnership, f"the {r.title.lower()} as a workbook")
        return xlsx_download(report_workbook(r), filename=_filename(r) + ".xlsx")


class SchedulePage(PoolPage):
    template_name = SCHEDULE
    section = "pool:schedule"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(schedule_context(self.partnership), page_title="Financial schedule")
        return context


class SchedulePdf(PoolPage):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        content = render_pdf(None, SCHEDULE, schedule_context(self.partnership))
        _record_download(request, self.partnership, "the agreement's financial schedule as a PDF")
        return pdf_download(content, filename=f"{self.partnership.slug}-financial-schedule.pdf")
