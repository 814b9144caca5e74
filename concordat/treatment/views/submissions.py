"""The treatment record's pages of submissions: upload (check only, or check and submit), the submission's
page — which is its job's page: progress while it is checked, refreshing itself without JavaScript, then
its report, what replacing the record with it would change and the button that does it — the problems CSV,
the history, restoring a superseded submission, the format's help page and template, and the provider's
current record as a file. Reports show rows, columns, codes and messages — never a value that identifies a
client."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import OperationalError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST
from django.views.generic import FormView

from concordat.documents.files import LimitedUpload, readable_size, safe_name
from concordat.partnerships.models import Partnership, Provider
from concordat.partnerships.views.base import PartnershipPage, navigation, partnership_for

from .. import format as submission_format
from .. import selectors
from ..changes import Changes
from ..checking import CSV_FILE
from ..forms.submissions import SubmissionForm
from ..jobs import PROBLEMS, submission_queue
from ..models import Submission
from ..permissions import may_read_submission, providers_of
from ..problems import lines_of
from ..schemas import record_file
from ..services import (
    NotStaged,
    RecordMoved,
    Replace,
    changes_if_made_current,
    record_replace,
    restorable_generation,
    submission_discard,
    submission_restore,
)

VIEW = "treatment.view_submissions"
SUBMIT = "treatment.submit"
BUSY = "The record is being updated. Try again in a minute."


def _visible_providers(user: Any, partnership: Partnership) -> list[int] | None:
    """None: every provider's submissions; else the ids of the providers the user submits for."""
    if user.has_perm("treatment.view_all_submissions", partnership):
        return None
    return sorted(providers_of(user, partnership))


class SubmissionsPage(PartnershipPage):
    """Every submission the user may see, newest first: who, when, rows, where it stands."""

    template_name = "treatment/submissions.html"
    section = "treatment:submissions"
    page_title = "Treatment submissions"
    permission = VIEW

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        p = self.partnership
        own = Provider.objects.filter(partnership=p, pk__in=providers_of(self.request.user, p))
        context.update(
            submissions=list(selectors.submissions(p, _visible_providers(self.request.user, p))[:200]),
            can_submit=self.request.user.has_perm(SUBMIT, p),
            own_providers=list(own),
        )
        return context


def _submission(request: HttpRequest, slug: str, pk: int) -> tuple[Partnership, Submission]:
    partnership = partnership_for(request, slug, VIEW)
    submission = (
        Submission.objects.select_related("provider", "job").filter(partnership=partnership, pk=pk).first()
    )
    if submission is None or not may_read_submission(request.user, partnership, submission.provider_id):
        raise Http404("No such submission")
    return partnership, submission


def _own(user: Any, partnership: Partnership, submission: Submission) -> bool:
    """The provider's own data officers: they read its problems and decide about its record; leads and
    auditors see the counts."""
    return submission.provider_id in providers_of(user, partnership)


# Problems listed on the page, of each kind: a file of 5,000 errors made a page of 5,000 table rows (1.4 MB,
# thousands of cards on a phone). The CSV has every one while the file is kept; the counts are complete.
SHOWN = 100
REFRESH_SECONDS = 3


def _codes(counts: dict[str, int]) -> list[tuple[str, str, int]]:
    """(column, code, count) of each kind of problem, most frequent first."""
    rows = [(key.split("|", 1)[0], key.split("|", 1)[-1], n) for key, n in counts.items()]
    return sorted(rows, key=lambda r: (-r[2], r[1], r[0]))


class SubmissionPage(PartnershipPage):
    """A submission and its job: progress while it is checked (the page refreshes itself), then its
    outcome: the report (counts by column and code; for its provider's data officers the first problems
    and the CSV of every one), what replacing the record would change and the decision, or how it ended."""

    template_name = "treatment/submission.html"
    section = "treatment:submission"
    permission = VIEW

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        p, submission = _submission(self.request, self.kwargs["slug"], self.kwargs["pk"])
        report = submission.report or {}
        own = _own(self.request.user, p, submission)
        job = submission.job
        legacy = Counter(problem["code"] for problem in report.get("errors", []))
        error_codes = _codes(submission.error_counts) or [("", c, n) for c, n in sorted(legacy.items())]
        warning_codes = _codes(submission.warning_counts) or [
            ("", c, n) for c, n in sorted(Counter(w["code"] for w in report.get("warnings", [])).items())
        ]
        restorable = own and restorable_generation(submission) is not None
        context.update(
            page_title=f"Submission of {submission.submitted_at:%-d %B %Y}",
            submission=submission,
            job=job,
            refresh=REFRESH_SECONDS if submission.in_progress else None,
            size=readable_size(submission.file_size),
            error_codes=error_codes,
            warning_codes=warning_codes,
            show_problems=own,
            may_decide=own and self.request.user.has_perm(SUBMIT, p),
            errors=report.get("errors", [])[:SHOWN],
            warnings=report.get("warnings", [])[:SHOWN],
            kept_errors=len(report.get("errors", [])),
            kept_warnings=len(report.get("warnings", [])),
            shown=SHOWN,
            every_problem_kept=bool(job and job.keep_file_until and _problems_file(submission)),
            changes=Changes.from_dict(submission.changes) if submission.changes else None,
            restorable=restorable,
            restore_until=(
                submission.superseded_at + timedelta(days=settings.TREATMENT_RESTORE_DAYS)
                if restorable and submission.superseded_at
                else None
            ),
            history_url=reverse("treatment:submissions", args=[p.slug]),
        )
        context["breadcrumbs"].append({"href": context["history_url"], "text": "Treatment submissions"})
        return context


def _problems_file(submission: Submission) -> Any:
    from concordat.core.jobs import file_kept

    return file_kept(submission.job, PROBLEMS) if submission.job else None


@login_required
def submission_report_csv(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Every problem of the report as CSV (kind, row, column, code, message), for the provider's data
    officers: streamed from the file the job wrote while it is kept, else the problems kept with the
    submission."""
    partnership, submission = _submission(request, slug, pk)
    if not _own(request.user, partnership, submission):
        raise Http404("No such report")
    path = _problems_file(submission)
    if path is not None:
        pieces: Any = _read_in_pieces(path)
    else:
        report = submission.report or {}
        pieces = lines_of(
            [("error", p) for p in report.get("errors", [])]
            + [("warning", p) for p in report.get("warnings", [])]
        )
    response = StreamingHttpResponse(pieces, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="submission-{submission.pk}-report.csv"'
    return response


def _read_in_pieces(path: Any) -> Any:
    with path.open("rb") as file:
        while piece := file.read(1 << 16):
            yield piece


@method_decorator(csrf_exempt, name="dispatch")  # checked in dispatch, once the upload limit is in place
class SubmitFile(LoginRequiredMixin, FormView):
    """Upload a submission file for one's own provider, to check it only or to check and submit it: the
    file is stored and checked by the worker; the submission's page follows at once and shows how far
    the check has got."""

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
            template_url=reverse("treatment:template", args=[p.slug]),
            format_url=reverse("treatment:format", args=[p.slug]),
            providers=self.providers,
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
        submission = submission_queue(
            partnership=self.partnership,
            provider=provider,
            source=upload,
            file_size=upload.size or 0,
            period_end=data["period_end"],
            file_name=safe_name(upload.name or "submission.csv", CSV_FILE),
            actor=self.request.user,
            channel=Submission.Channel.WEB,
            dry_run=self.request.POST.get("action") == "check",
            replace=Replace.ASK,
        )
        return redirect("treatment:submission", slug=self.partnership.slug, pk=submission.pk)


def _decision(request: HttpRequest, slug: str, pk: int) -> tuple[Partnership, Submission]:
    """A decision about a provider's record: its own data officers only."""
    partnership = partnership_for(request, slug, SUBMIT)
    _, submission = _submission(request, slug, pk)
    if not _own(request.user, partnership, submission):
        raise Http404("No such submission")
    return partnership, submission


def _seen(request: HttpRequest, submission: Submission) -> Changes:
    """The changes the page showed, as the form sends back which record they were counted against."""
    shown = Changes.from_dict(submission.changes or {})
    against = request.POST.get("against", "")
    counted = request.POST.get("against_changes", "")
    return Changes(
        **{
            **shown.as_dict(),
            "against": int(against) if against.isdigit() else None,
            "against_changes": int(counted) if counted.isdigit() else -1,
        }
    )


@login_required
@require_POST
def replace_record(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Replace the provider's record with a staged submission, as the page showed it would."""
    _, submission = _decision(request, slug, pk)
    page = reverse("treatment:submission", args=[slug, pk])
    try:
        record_replace(submission=submission, actor=request.user, seen=_seen(request, submission))
    except RecordMoved:
        _recount(submission)
        messages.warning(
            request,
            "The record changed since this page counted what would change (a key worker's entry, or "
            "another submission). The changes are counted again below: check them and decide again.",
        )
        return HttpResponseRedirect(page)
    except NotStaged:
        messages.info(request, "This submission is no longer waiting for a decision: nothing was changed.")
        return HttpResponseRedirect(page)
    except OperationalError:
        messages.warning(request, BUSY)
        return HttpResponseRedirect(page)
    messages.success(request, f"{submission.provider.name}'s treatment record is now this submission.")
    return HttpResponseRedirect(page)


def _recount(submission: Submission) -> None:
    changes = changes_if_made_current(submission)
    if changes is not None:
        Submission.objects.filter(pk=submission.pk).update(changes=changes.as_dict())


@login_required
@require_POST
def discard_submission(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Not use a staged submission after all: the record stays as it is."""
    _, submission = _decision(request, slug, pk)
    try:
        submission_discard(submission=submission, actor=request.user)
        messages.success(request, "The file was not used: the record is as it was.")
    except NotStaged:
        messages.info(request, "This submission is no longer waiting for a decision: nothing was changed.")
    return HttpResponseRedirect(reverse("treatment:submission", args=[slug, pk]))


class RestoreSubmission(PartnershipPage):
    """Make a superseded submission the provider's record again: what it would change, then the button."""

    template_name = "treatment/restore.html"
    section = "treatment:submission"
    permission = SUBMIT
    page_title = "Restore this submission"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        p, submission = _decision(self.request, self.kwargs["slug"], self.kwargs["pk"])
        if restorable_generation(submission) is None:
            raise Http404("This submission can no longer be restored")
        context.update(
            submission=submission,
            changes=changes_if_made_current(submission),
            submission_url=reverse("treatment:submission", args=[p.slug, submission.pk]),
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        _, submission = _decision(request, kwargs["slug"], kwargs["pk"])
        page = reverse("treatment:submission", args=[kwargs["slug"], submission.pk])
        changes = changes_if_made_current(submission)
        seen = Changes(
            **{
                **(changes.as_dict() if changes else {}),
                "against": int(request.POST["against"])
                if request.POST.get("against", "").isdigit()
                else None,
                "against_changes": int(request.POST.get("against_changes", "-1") or -1),
            }
        )
        try:
            submission_restore(submission=submission, actor=request.user, seen=seen)
        except RecordMoved:
            messages.warning(request, "The record changed meanwhile: check what restoring would change now.")
            return HttpResponseRedirect(request.path)
        except NotStaged:
            messages.info(request, "This submission can no longer be restored: nothing was changed.")
            return HttpResponseRedirect(page)
        except OperationalError:
            messages.warning(request, BUSY)
            return HttpResponseRedirect(request.path)
        messages.success(request, f"{submission.provider.name}'s treatment record is this submission again.")
        return HttpResponseRedirect(page)


class FormatPage(PartnershipPage):
    """Every column of the submission file and every rule, from inside the product."""

    template_name = "treatment/format.html"
    section = "treatment:submissions"
    permission = VIEW
    page_title = "The submission file: columns and rules"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            columns=submission_format.COLUMNS_EXPLAINED,
            file_rules=submission_format.FILE_RULES,
            codes=submission_format.CODES_EXPLAINED,
            modalities=submission_format.modalities_of(self.partnership),
            template_url=reverse("treatment:template", args=[self.partnership.slug]),
        )
        return context


@login_required
def submission_template(request: HttpRequest, slug: str) -> HttpResponse:
    """The header and two example rows (invented people), to start a file from."""
    partnership_for(request, slug, VIEW)
    response = HttpResponse(submission_format.template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="treatment-submission-template.csv"'
    return response


@login_required
def record_download(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    """The provider's current record as a submission file, for its own data officers; every record in
    it is logged as read."""
    partnership = partnership_for(request, slug, SUBMIT)
    provider = Provider.objects.filter(partnership=partnership, code=code).first()
    if provider is None or provider.pk not in providers_of(request.user, partnership):
        raise Http404("No such provider of yours")
    return record_file(provider, user=request.user)
