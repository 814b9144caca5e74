"""The board's reports on the web: the list (and a form to open any period's report), a report's page
(a draft's figures as they are now; an issued one's as issued), the lead commissioner's form for its
narrative, risks and sign-off, issuing it, and its PDF, XLSX and JSON downloads (audit events).

A report is addressed by its period: `quarterly-2004-05-q4`, `treatment-plan-2005-06`. Nothing is stored
until the lead commissioner first saves its written parts; until then its page is the figures alone."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from concordat.core.audit import record_event
from concordat.core.models import Kind
from concordat.core.years import FinancialYear
from concordat.partnerships.errors import Refused, StaleEdit
from concordat.partnerships.views.base import PartnershipPage, shown
from concordat.performance import selectors

from .. import report_permissions as permissions
from ..models import BoardReport
from ..reports import document, rules
from ..reports.data import report_data
from ..reports.forms import ChooseReport, WriteReport
from ..reports.services import (
    ReportIssued,
    find,
    issue_problems,
    report_issue,
    report_save,
    report_seen,
    report_values,
)

NS = "performance-reports"


def report_years(partnership: Any, reports: list[BoardReport]) -> list[FinancialYear]:
    """The years a report may be opened for, latest first: the six to the year the record is complete to,
    and any year with contributions or a report."""
    latest = FinancialYear.containing(selectors.default_as_of(partnership))
    years = {latest.start_year - n for n in range(6)}
    years |= set(partnership.contributions.values_list("year", flat=True))
    years |= {FinancialYear.containing(r.start).start_year for r in reports}
    return [FinancialYear(y) for y in sorted(years, reverse=True)]


class ReportsPage(PartnershipPage):
    """A page of the board's reports: their readers may open it."""

    permission = permissions.VIEW_REPORTS
    section = f"{NS}:list"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        p = self.partnership
        context.update(
            can_write=self.request.user.has_perm(permissions.WRITE_REPORTS, p),
            can_see_workforce=self.request.user.has_perm(permissions.VIEW_WORKFORCE, p),
            breadcrumbs=[
                *context["breadcrumbs"],
                {"href": reverse(f"{NS}:list", args=[p.slug]), "text": "Board reports"},
            ],
        )
        return context


class ReportListPage(ReportsPage):
    template_name = "performance/reports/list.html"
    page_title = "Board reports"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.reports = list(BoardReport.objects.filter(partnership=self.partnership))
        years = report_years(self.partnership, self.reports)
        self.form = ChooseReport(request.GET or None, years=years)
        if request.GET and self.form.is_valid():
            data = self.form.cleaned_data
            quarter = int(data["quarter"]) if data["kind"] == rules.QUARTERLY else None
            key = rules.report_key(data["kind"], data["financial_year"], quarter)
            return redirect(f"{NS}:report", slug=self.partnership.slug, key=key)
        if not request.GET:
            self.form = ChooseReport(initial={"kind": rules.QUARTERLY, "year": str(years[0])}, years=years)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        rows = []
        for r in self.reports:
            parsed = rules.parse_report_key(r.key)
            rows.append({"report": r, "title": rules.title(*parsed) if parsed else r.key})
        context.update(reports=rows, form=self.form)
        return context


class OneReport(ReportsPage):
    """A report's page or file: the period its key names (404 for a key that names none)."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # After the sign-in and permission checks of PartnershipPage: a key naming no period is a 404.
        self.period = rules.parse_report_key(kwargs.get("key", ""))
        return super().dispatch(request, *args, **kwargs)

    @property
    def kind(self) -> str:
        return self._period()[0]

    @property
    def year(self) -> FinancialYear:
        return self._period()[1]

    @property
    def quarter(self) -> int | None:
        return self._period()[2]

    def _period(self) -> tuple[str, FinancialYear, int | None]:
        if self.period is None:
            raise Http404("No such report")
        return self.period

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self._period()
        return super().get(request, *args, **kwargs)

    @property
    def draft(self) -> BoardReport | None:
        if not hasattr(self, "_draft"):
            self._draft = find(self.partnership, self.kwargs["key"])
        return self._draft

    def data(self, *, for_documents: bool = False) -> dict[str, Any]:
        """An issued report's stored figures; else the figures now (published ones in the documents of a
        report for publication: the page, for the partnership's own officers, shows exact ones)."""
        draft = self.draft
        if draft is not None and draft.status == BoardReport.Status.ISSUED:
            return dict(draft.figures or {})
        published = bool(for_documents and draft is not None and draft.for_publication)
        return report_data(
            self.partnership, self.kind, self.year, self.quarter, published=published, draft=draft
        )

    def urls(self) -> dict[str, str]:
        args = [self.partnership.slug, self.kwargs["key"]]
        return {
            name.replace("-", "_"): reverse(f"{NS}:{name}", args=args)
            for name in ("report", "edit", "issue", "report-pdf", "report-xlsx", "report-json")
        }

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        draft = self.draft
        context.update(
            urls=self.urls(),
            draft=draft,
            issued=draft is not None and draft.status == BoardReport.Status.ISSUED,
            report_title=rules.title(self.kind, self.year, self.quarter),
        )
        return context


class ReportPage(OneReport):
    template_name = document.TEMPLATE

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        data = self.data()
        context = super().get_context_data(**kwargs)
        context.update(document.context(data), page=True)
        context["can_write"] = context["can_write"] and not context["issued"]
        return context


class ReportDownload(OneReport):
    fmt = "pdf"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        data = self.data(for_documents=True)
        content = document.render(data, self.fmt, extra={"partnership": self.partnership})
        state = "issued" if data["status"] == "issued" else "draft"
        words = {"pdf": "a PDF", "xlsx": "a workbook", "json": "JSON"}[self.fmt]
        record_event(
            kind=Kind.FORM_DOWNLOADED,
            actor=request.user,
            partnership_slug=self.partnership.slug,
            summary=f"downloaded the {data['title'][:1].lower()}{data['title'][1:]} ({state}"
            f"{', published figures' if data['published'] else ''}) as {words}",
            obj=self.draft or self.partnership,
        )
        response = HttpResponse(content, content_type=document.CONTENT_TYPES[self.fmt])
        response["Content-Disposition"] = f'attachment; filename="{document.filename(data, self.fmt)}"'
        return response


class WriterPage(OneReport):
    """A form of the lead commissioner's: an issued report is never changed, so it sends them to it."""

    permission = permissions.WRITE_REPORTS

    def issued_already(self) -> HttpResponse | None:
        if self.draft is not None and self.draft.status == BoardReport.Status.ISSUED:
            messages.info(self.request, "This report was issued: it is not changed again")
            return redirect(f"{NS}:report", slug=self.partnership.slug, key=self.kwargs["key"])
        return None

    def stale_view(self, stale: StaleEdit, rows: list[tuple[str, str]]) -> dict[str, Any]:
        return {"changed_by": stale.changed_by, "changed_at": stale.changed_at, "rows": rows}


def _risk_choices(partnership: Any) -> list[tuple[str, str]]:
    return [
        (
            r.key,
            f"{r.description} (likelihood {r.likelihood}, impact {r.impact}{', closed' if r.status == 'closed' else ''})",
        )
        for r in partnership.risks.all()
    ]


class ReportEdit(WriterPage):
    template_name = "performance/reports/edit.html"

    def form(self, data: Any = None) -> WriteReport:
        values = report_values(self.draft)
        initial = {k: v for k, v in (values or {}).items() if k != "status"}
        return WriteReport(data, initial=initial, risks=_risk_choices(self.partnership))

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.issued_already() or self.render_to_response(
            self.get_context_data(form=self.form(), seen=report_seen(self.draft))
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if done := self.issued_already():
            return done
        form = self.form(request.POST)
        if not form.is_valid():
            return self.render_to_response(
                self.get_context_data(form=form, seen=request.POST.get("seen")), status=400
            )
        try:
            report_save(
                partnership=self.partnership,
                kind=self.kind,
                year=self.year,
                quarter=self.quarter,
                values=form.values(),
                seen=request.POST.get("seen") or None,
                user=request.user,
            )
        except ReportIssued:
            return self.issued_already() or redirect(
                f"{NS}:report", slug=self.partnership.slug, key=self.kwargs["key"]
            )
        except Refused as refusal:
            for problem in refusal.report.errors:
                form.add_error(problem.path if problem.path in form.fields else None, problem.text)
            return self.render_to_response(
                self.get_context_data(form=form, seen=request.POST.get("seen")), status=400
            )
        except StaleEdit as stale:
            current = stale.current or {}
            names = dict(partnership_risks(self.partnership))
            rows = [
                ("Narrative", current.get("narrative", "")),
                ("Risks to report", "; ".join(names.get(k, k) for k in current.get("risk_keys", []))),
                ("Signed off by", current.get("sign_off_name", "")),
                ("Their role", current.get("sign_off_role", "")),
                ("For publication", shown("yes" if current.get("for_publication") else "no")),
            ]
            self._draft = find(self.partnership, self.kwargs["key"])
            context = self.get_context_data(
                form=form, stale=self.stale_view(stale, rows), seen=report_seen(self.draft)
            )
            return self.render_to_response(context, status=409)
        messages.success(request, "Saved the report's narrative, risks and sign-off")
        return redirect(f"{NS}:report", slug=self.partnership.slug, key=self.kwargs["key"])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            page_title=f"Write the {context['report_title'][:1].lower()}{context['report_title'][1:]}"
        )
        return context


def partnership_risks(partnership: Any) -> list[tuple[str, str]]:
    return [(r.key, r.description) for r in partnership.risks.all()]


class ReportIssue(WriterPage):
    template_name = "performance/reports/issue.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.issued_already() or self.render_to_response(
            self.get_context_data(problems=issue_problems(self.draft).errors, seen=report_seen(self.draft))
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if done := self.issued_already():
            return done
        try:
            report_issue(
                partnership=self.partnership,
                kind=self.kind,
                year=self.year,
                quarter=self.quarter,
                seen=request.POST.get("seen") or None,
                user=request.user,
            )
        except ReportIssued:
            return self.issued_already() or redirect(
                f"{NS}:report", slug=self.partnership.slug, key=self.kwargs["key"]
            )
        except Refused as refusal:
            context = self.get_context_data(problems=refusal.report.errors, seen=report_seen(self.draft))
            return self.render_to_response(context, status=400)
        except StaleEdit:
            self._draft = find(self.partnership, self.kwargs["key"])
            context = self.get_context_data(
                problems=issue_problems(self.draft).errors, seen=report_seen(self.draft), changed=True
            )
            return self.render_to_response(context, status=409)
        messages.success(request, "Issued the report: its figures are kept as they are now")
        return redirect(f"{NS}:report", slug=self.partnership.slug, key=self.kwargs["key"])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            page_title=f"Issue the {context['report_title'][:1].lower()}{context['report_title'][1:]}"
        )
        return context
