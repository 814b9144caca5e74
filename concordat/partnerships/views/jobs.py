"""A job's page (core.jobs), for every kind but the treatment submission (whose page is the submission's):
how far it has got, refreshing itself without JavaScript until it ends, then how it ended and its report.
And the upload pages that queue such jobs: a file checked only, or loaded.

A job is seen by the person who started it and by those its kind allows (core.jobs.JobKind.may_view); to
anyone else of the partnership it does not exist (404)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django import forms
from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.generic import FormView

from concordat.core import jobs
from concordat.core.models import Job
from concordat.documents.files import LimitedUpload, readable_size, safe_name
from concordat.documents.filetypes import FileType

from .base import PartnershipPage, navigation, partnership_for

REFRESH_SECONDS = 3
SHOWN = 100


def job_for(request: HttpRequest, slug: str, pk: UUID) -> Job:
    partnership_for(request, slug, "partnerships.view_partnership")
    job = Job.objects.filter(pk=pk, partnership=slug).first()
    if job is None:
        raise Http404("No such job")
    kind = jobs.kind_of(job)
    mine = job.created_by_id is not None and job.created_by_id == request.user.pk
    if not mine and not (kind.may_view is not None and kind.may_view(request.user, job)):
        raise Http404("No such job")
    return job


class JobPage(PartnershipPage):
    template_name = "partnerships/job.html"
    section = "partnerships:job"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        job = job_for(self.request, self.kwargs["slug"], self.kwargs["job"])
        kind = jobs.kind_of(job)
        if job.state == Job.State.DONE and kind.page is not None:
            context["outcome_url"] = kind.page(job)
        result = job.result or {}
        rows = result.get("report") or {}
        problems = result.get("problems") or {}
        context.update(
            job=job,
            page_title=f"{kind.title}: {job.arguments.get('file_name') or job.get_state_display()}",
            refresh=None if job.finished else REFRESH_SECONDS,
            result=result,
            report=rows,
            errors=(rows.get("errors") or problems.get("errors") or [])[:SHOWN],
            warnings=(rows.get("warnings") or problems.get("warnings") or [])[:SHOWN],
            error_count=rows.get("error_count", len(problems.get("errors", []))),
            warning_count=rows.get("warning_count", len(problems.get("warnings", []))),
            valid=rows.get("accepted", problems.get("valid")),
            shown=SHOWN,
        )
        return context


class UploadForm(forms.Form):
    file = forms.FileField(
        label="File",
        error_messages={"required": "Select a file", "empty": "The selected file is empty"},
    )


@method_decorator(csrf_exempt, name="dispatch")  # checked in dispatch, once the upload limit is in place
class JobUpload(LoginRequiredMixin, FormView):
    """Upload a file to be checked only, or loaded, by the worker; its job's page follows."""

    template_name = "partnerships/job_upload.html"
    form_class = UploadForm
    permission = ""
    page_title = ""
    section = ""
    file_type: FileType
    intro = ""
    accept = ""

    def queue(self, *, source: Any, file_name: str, check_only: bool) -> Job:
        raise NotImplementedError

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.partnership = partnership_for(request, kwargs["slug"], self.permission)
        self.limit = LimitedUpload(settings.DOCUMENT_MAX_BYTES, request)
        request.upload_handlers.insert(0, self.limit)
        return csrf_protect(super().dispatch)(request, *args, **kwargs)  # type: ignore[no-any-return]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["form"].fields["file"].widget.attrs["accept"] = self.accept
        context["form"].fields[
            "file"
        ].help_text = f"Smaller than {readable_size(settings.DOCUMENT_MAX_BYTES)}"
        context.update(
            partnership=self.partnership,
            page_title=self.page_title,
            intro=self.intro,
            navigation=navigation(self.request, self.partnership, self.section),
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = self.get_form()
        valid = form.is_valid()
        if self.limit.too_large:
            form.errors.pop("file", None)
            form.add_error(
                "file", f"The selected file must be smaller than {readable_size(settings.DOCUMENT_MAX_BYTES)}"
            )
            return self.form_invalid(form)
        if not valid:
            return self.form_invalid(form)
        upload = form.cleaned_data["file"]
        job = self.queue(
            source=upload,
            file_name=safe_name(upload.name or f"upload.{self.file_type.extension}", self.file_type),
            check_only=request.POST.get("action") == "check",
        )
        return redirect(reverse("partnerships:job", args=[self.partnership.slug, job.pk]))


YAML_FILE = FileType("YAML", "application/yaml", "yaml", ("yaml", "yml"))


class AgreementUpload(JobUpload):
    """The lead commissioner loads the partnership's file (partnership-file.md) from the web."""

    permission = "partnerships.change_agreement"
    page_title = "Load the partnership file"
    section = "partnerships:overview"
    file_type = YAML_FILE
    accept = ".yaml,.yml"
    intro = (
        "The whole agreement as a partnership file (YAML). It is checked as `concordat partnership check` "
        "does; loaded, it brings the agreement up to date with the file, all or nothing, and loading the "
        "same file twice changes nothing. The file must be this partnership's own (its slug)."
    )

    def queue(self, *, source: Any, file_name: str, check_only: bool) -> Job:
        from ..jobs import file_queue

        return file_queue(
            partnership=self.partnership,
            source=source,
            file_name=file_name,
            actor=self.request.user,
            check_only=check_only,
        )
