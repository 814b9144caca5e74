"""The treatment record's pages: a provider's submissions (upload, the validation report and its CSV, the
history). Reports show rows, columns, codes and messages — never a value that identifies a client."""

from __future__ import annotations

import csv
import io
from collections import Counter
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.generic import FormView

from concordat.documents.files import LimitedUpload, readable_size, safe_name
from concordat.partnerships.models import Partnership, Provider
from concordat.partnerships.views.base import PartnershipPage, navigation, partnership_for

from .. import selectors
from ..checking import CSV_FILE
from ..forms.submissions import SubmissionForm
from ..models import Submission
from ..permissions import may_read_submission, providers_of
from ..services import submission_import

VIEW = "treatment.view_submissions"
SUBMIT = "treatment.submit"


def _visible_providers(user: Any, partnership: Partnership) -> list[int] | None:
    """None: every provider's submissions; else the ids of the providers the user submits for."""
    if user.has_perm("treatment.view_all_submissions", partnership):
        return None
    return sorted(providers_of(user, partnership))


class SubmissionsPage(PartnershipPage):
    """Every submission the user may see, newest first: who, when, rows, outcome."""

    template_name = "treatment/submissions.html"
    section = "treatment:submissions"
    page_title = "Treatment submissions"
    permission = VIEW

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        p = self.partnership
        context.update(
            submissions=list(selectors.submissions(p, _visible_providers(self.request.user, p))[:200]),
            can_submit=self.request.user.has_perm(SUBMIT, p),
        )
        return context


def _submission(request: HttpRequest, slug: str, pk: int) -> tuple[Partnership, Submission]:
    partnership = partnership_for(request, slug, VIEW)
    submission = Submission.objects.select_related("provider").filter(partnership=partnership, pk=pk).first()
    if submission is None or not may_read_submission(request.user, partnership, submission.provider_id):
        raise Http404("No such submission")
    return partnership, submission


def _may_read_problems(user: Any, partnership: Partnership, submission: Submission) -> bool:
    """The list of problems is the provider's own working paper: its data officers read it; leads and
    auditors see the counts."""
    return submission.provider_id in providers_of(user, partnership)


# Problems listed on the page, of each kind: a file of 5,000 errors made a page of 5,000 table rows (1.4 MB,
# thousands of cards on a phone). The CSV has every one; the counts by kind are above the lists.
SHOWN = 100


class SubmissionPage(PartnershipPage):
    """A submission's validation report: outcome, counts by kind of problem and, for the provider's data
    officers, every problem at its row and column."""

    template_name = "treatment/submission.html"
    section = "treatment:submission"
    permission = VIEW

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        p, submission = _submission(self.request, self.kwargs["slug"], self.kwargs["pk"])
        report = submission.report or {}
        codes = Counter(problem["code"] for problem in report.get("errors", []))
        warning_codes = Counter(problem["code"] for problem in report.get("warnings", []))
        context.update(
            page_title=f"Submission of {submission.submitted_at:%-d %B %Y}",
            submission=submission,
            size=readable_size(submission.file_size),
            error_codes=sorted(codes.items()),
            warning_codes=sorted(warning_codes.items()),
            show_problems=_may_read_problems(self.request.user, p, submission),
            errors=report.get("errors", [])[:SHOWN],
            warnings=report.get("warnings", [])[:SHOWN],
            error_count=len(report.get("errors", [])),
            warning_count=len(report.get("warnings", [])),
            shown=SHOWN,
            truncated=report.get("truncated", False),
            history_url=reverse("treatment:submissions", args=[p.slug]),
        )
        context["breadcrumbs"].append({"href": context["history_url"], "text": "Treatment submissions"})
        return context


@login_required
def submission_report_csv(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Every problem of the report as CSV (kind, row, column, code, message), for the provider's data
    officers; cells a spreadsheet would run as formulas are written as text."""
    partnership, submission = _submission(request, slug, pk)
    if not _may_read_problems(request.user, partnership, submission):
        raise Http404("No such report")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["kind", "row", "column", "code", "message"])
    for kind in ("errors", "warnings"):
        for problem in (submission.report or {}).get(kind, []):
            writer.writerow(
                [
                    kind[:-1],
                    problem["row"],
                    _cell(problem["column"]),
                    problem["code"],
                    _cell(problem["message"]),
                ]
            )
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="submission-{submission.pk}-report.csv"'
    return response


def _cell(text: str) -> str:
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@method_decorator(csrf_exempt, name="dispatch")  # checked in dispatch, once the upload limit is in place
class SubmitFile(LoginRequiredMixin, FormView):
    """Upload a submission file for one's own provider; the report page follows, accepted or not."""

    template_name = "treatment/submit.html"
    form_class = SubmissionForm

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        # Who may submit is settled before the body is read; then the size limit, then the CSRF check.
        self.partnership = partnership_for(request, kwargs["slug"], SUBMIT)
        self.providers = list(
            Provider.objects.filter(
                partnership=self.partnership, pk__in=providers_of(request.user, self.partnership)
            )
        )
        self.limit = LimitedUpload(settings.TREATMENT_UPLOAD_MAX_BYTES, request)
        request.upload_handlers.insert(0, self.limit)
        return csrf_protect(super().dispatch)(request, *args, **kwargs)  # type: ignore[no-any-return]

    def get_form_kwargs(self) -> dict[str, Any]:
        return {
            **super().get_form_kwargs(),
            "providers": self.providers,
            "limit": settings.TREATMENT_UPLOAD_MAX_BYTES,
        }

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        p = self.partnership
        context.update(
            partnership=p,
            page_title="Submit treatment data",
            navigation=navigation(self.request, p, "treatment:submissions"),
            cancel_url=reverse("treatment:submissions", args=[p.slug]),
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = self.get_form()
        valid = form.is_valid()
        if self.limit.too_large:
            form.errors.pop("file", None)
            form.add_error(
                "file",
                f"The selected file must be smaller than {readable_size(settings.TREATMENT_UPLOAD_MAX_BYTES)}",
            )
            return self.form_invalid(form)
        return self.form_valid(form) if valid else self.form_invalid(form)

    def form_valid(self, form: SubmissionForm) -> HttpResponse:
        data = form.cleaned_data
        provider = next(p for p in self.providers if p.code == data["provider"])
        upload = data["file"]
        upload.seek(0)
        outcome = submission_import(
            partnership=self.partnership,
            provider=provider,
            file=upload,
            period_end=data["period_end"],
            file_name=safe_name(upload.name or "submission.csv", CSV_FILE),
            actor=self.request.user,
            channel=Submission.Channel.WEB,
        )
        return redirect("treatment:submission", slug=self.partnership.slug, pk=outcome.submission.pk)
