"""The treatment record over the API (a signed-in session): a provider's system or data officer submits
a file and follows its job.

`POST …/submissions` stores the file and answers 202 Accepted with a Location: the submission's resource,
whose `state` and `progress` say how far the check has got and which then holds the report
(schemas.SubmissionOut). `?dry_run=true` only checks. An accepted file replaces the provider's record at
once unless that would undo episodes entered or edited on the web: then it waits (`waiting_for_replace`)
for `POST …/submissions/{id}/replace`, or send the file with `?replace=true`. Submitting and deciding need
the provider data officer's role for that provider; a submission is read by that provider's officers
(every problem kept) and by the partnership's lead commissioners and auditors (counts only). Nothing
returned identifies a client.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from concordat.core.api import PROBLEMS, ProblemBody, ProblemError
from concordat.core.problems import Problem
from concordat.partnerships.models import Provider
from concordat.partnerships.permissions import partnership_for

from .models import Submission
from .permissions import may_read_submission, providers_of
from .schemas import SubmissionOut, decide, receive, record_file, resource_url, submission_out

router = Router(tags=["treatment"])
DECIDED = {**PROBLEMS, 409: ProblemBody}


@router.post(
    "/partnerships/{slug}/treatment/providers/{code}/submissions",
    response={202: SubmissionOut, **PROBLEMS},
    summary="Submit a provider's treatment file (treatment-data.md): stored and checked by the worker",
)
def submission_create(
    request: HttpRequest,
    slug: str,
    code: str,
    response: HttpResponse,
    period_end: Form[date | None] = None,
    file: File[UploadedFile | None] = None,
    dry_run: bool = False,
    replace: bool = False,
) -> Any:
    """Multipart form: `file`, `period_end` (YYYY-MM-DD). 202 with a Location to follow; the report is
    there once `state` is no longer queued or checking."""
    # Who may submit is decided before what was sent is looked at (so refusals do not depend on the body).
    partnership = partnership_for(request.user, slug, "treatment.submit")
    provider = Provider.objects.filter(partnership=partnership, code=code).first()
    if provider is None or provider.pk not in providers_of(request.user, partnership):
        raise Http404("No such provider of yours")
    missing = [
        Problem(name, "required", f"{name} is required")
        for name, value in (("file", file), ("period_end", period_end))
        if value is None
    ]
    if missing:
        raise ProblemError(422, "The request is not valid", "Nothing was changed.", missing)
    assert file is not None and period_end is not None
    submission = receive(
        partnership=partnership,
        provider=provider,
        upload=file,
        period_end=period_end,
        actor=request.user,
        dry_run=dry_run,
        replace=replace,
    )
    response["Location"] = resource_url(submission, provider_api=False)
    return Status(202, submission_out(submission, problems=True))


def _readable(request: HttpRequest, slug: str, submission_id: int) -> Submission:
    partnership = partnership_for(request.user, slug, "treatment.view_submissions")
    submission = (
        Submission.objects.select_related("provider", "job", "partnership")
        .filter(partnership=partnership, pk=submission_id)
        .first()
    )
    if submission is None or not may_read_submission(request.user, partnership, submission.provider_id):
        raise Http404("No such submission")
    return submission


@router.get(
    "/partnerships/{slug}/treatment/submissions/{submission_id}",
    response={200: SubmissionOut, **PROBLEMS},
    summary="A submission: its state and progress, then its outcome; for its provider the problems kept",
)
def submission_read(request: HttpRequest, slug: str, submission_id: int) -> Any:
    submission = _readable(request, slug, submission_id)
    own = submission.provider_id in providers_of(request.user, submission.partnership)
    return submission_out(submission, problems=own)


@router.post(
    "/partnerships/{slug}/treatment/submissions/{submission_id}/replace",
    response={200: SubmissionOut, **DECIDED},
    summary="Replace the provider's record with a submission waiting for it (409 when none is waiting)",
)
def submission_replace(request: HttpRequest, slug: str, submission_id: int) -> Any:
    partnership = partnership_for(request.user, slug, "treatment.submit")
    submission = _readable(request, slug, submission_id)
    if submission.provider_id not in providers_of(request.user, partnership):
        raise Http404("No such submission")
    return submission_out(decide(submission, request.user), problems=True)


@router.get(
    "/partnerships/{slug}/treatment/providers/{code}/record.csv",
    response={200: None, **PROBLEMS},
    summary="The provider's current record in the submission format (text/csv); every record in it logged as read",
)
def record_download(request: HttpRequest, slug: str, code: str) -> Any:
    partnership = partnership_for(request.user, slug, "treatment.submit")
    provider = Provider.objects.filter(partnership=partnership, code=code).first()
    if provider is None or provider.pk not in providers_of(request.user, partnership):
        raise Http404("No such provider of yours")
    return record_file(provider, user=request.user)
