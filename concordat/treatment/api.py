"""The treatment record over the API: a provider's system submits its file and reads the result.

Sessions authenticate for now (per-provider API tokens come next). Submitting needs the provider data
officer's role for that provider; a submission's result is read by that provider's officers (every
problem) and by the partnership's lead commissioners and auditors (the counts; `errors` and `warnings`
are then empty). Nothing returned identifies a client.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import Http404, HttpRequest
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from concordat.core.api import PROBLEMS, ProblemError
from concordat.core.problems import Problem
from concordat.documents.files import safe_name
from concordat.partnerships.models import Provider
from concordat.partnerships.permissions import partnership_for

from .checking import CSV_FILE
from .models import Submission
from .permissions import may_read_submission, providers_of
from .services import submission_import

router = Router(tags=["treatment"])


class RowProblemOut(Schema):
    row: int
    column: str
    code: str
    message: str


class SubmissionOut(Schema):
    id: int
    provider: str
    submitted_at: datetime
    submitted_by: str
    channel: str
    period_end: date
    file_name: str
    file_sha256: str
    rows: int
    accepted: bool
    error_count: int
    warning_count: int
    clients: int
    episodes: int
    modalities: int
    errors: list[RowProblemOut]
    warnings: list[RowProblemOut]


def _out(submission: Submission, *, problems: bool, report: dict[str, Any] | None = None) -> dict[str, Any]:
    kept = report if report is not None else (submission.report or {})
    return {
        "id": submission.pk,
        "provider": submission.provider.code,
        "submitted_at": submission.submitted_at,
        "submitted_by": submission.submitted_by_name,
        "channel": submission.channel,
        "period_end": submission.period_end,
        "file_name": submission.file_name,
        "file_sha256": submission.file_sha256,
        "rows": submission.rows,
        "accepted": submission.accepted,
        "error_count": submission.error_count,
        "warning_count": submission.warning_count,
        "clients": submission.clients,
        "episodes": submission.episodes,
        "modalities": submission.modalities,
        "errors": kept.get("errors", []) if problems else [],
        "warnings": kept.get("warnings", []) if problems else [],
    }


@router.post(
    "/partnerships/{slug}/treatment/providers/{code}/submissions",
    response={201: SubmissionOut, **PROBLEMS},
    summary="Submit a provider's treatment file (treatment-data.md): accepted whole or rejected whole",
)
def submission_create(
    request: HttpRequest,
    slug: str,
    code: str,
    period_end: Form[date | None] = None,
    file: File[UploadedFile | None] = None,
) -> Any:
    """201 either way: the submission is recorded, accepted or not; `accepted` and `errors` say which.
    Every error and warning is listed (row, column, code, message). Multipart form: `file`, `period_end`
    (YYYY-MM-DD)."""
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
    outcome = submission_import(
        partnership=partnership,
        provider=provider,
        file=file,
        period_end=period_end,
        file_name=safe_name(file.name or "submission.csv", CSV_FILE),
        actor=request.user,
        channel=Submission.Channel.API,
    )
    full = {
        "errors": [p.as_dict() for p in outcome.report.errors],
        "warnings": [p.as_dict() for p in outcome.report.warnings],
    }
    return Status(201, _out(outcome.submission, problems=True, report=full))


@router.get(
    "/partnerships/{slug}/treatment/submissions/{submission_id}",
    response={200: SubmissionOut, **PROBLEMS},
    summary="A submission's result: its outcome and counts, and for its provider every problem",
)
def submission_read(request: HttpRequest, slug: str, submission_id: int) -> Any:
    partnership = partnership_for(request.user, slug, "treatment.view_submissions")
    submission = (
        Submission.objects.select_related("provider")
        .filter(partnership=partnership, pk=submission_id)
        .first()
    )
    if submission is None or not may_read_submission(request.user, partnership, submission.provider_id):
        raise Http404("No such submission")
    own = submission.provider_id in providers_of(request.user, partnership)
    return _out(submission, problems=own)
