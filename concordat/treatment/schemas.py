"""The API's one shape of a submission (its job's resource), shared by the session API (api.py) and the
provider systems' API (provider_api.py), and the way both receive a file and decide about it: a file is
stored and queued (202 Accepted with a Location), its resource gives state and progress and then the
report (its first TREATMENT_KEPT_PROBLEMS problems of each kind, how many there were, and a count by column
and code), and what replacing the record would change."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import StreamingHttpResponse
from django.urls import reverse
from ninja import Schema

from concordat.core.api import ProblemError
from concordat.documents.files import safe_name
from concordat.partnerships.models import Partnership, Provider

from .checking import CSV_FILE
from .export import record_csv, record_export_logged
from .jobs import submission_queue
from .models import Submission
from .services import NotStaged, RecordMoved, Replace, changes_if_made_current, record_replace


class RowProblemOut(Schema):
    row: int
    column: str
    code: str
    message: str


class ProblemCountOut(Schema):
    column: str
    code: str
    count: int


class ProgressOut(Schema):
    done: int
    total: int
    percent: int


class ChangesOut(Schema):
    added: int
    changed: int
    removed: int
    unchanged: int
    web_changed: int
    web_removed: int


class SubmissionOut(Schema):
    id: int
    provider: str
    submitted_at: datetime
    submitted_by: str
    channel: str
    period_end: date
    file_name: str
    file_sha256: str
    dry_run: bool
    state: str  # queued, checking, checked, rejected, staged, current, superseded, discarded, failed
    progress: ProgressOut
    message: str  # how a failed job ended
    accepted: bool | None  # None until checked
    rows: int
    clients: int
    episodes: int
    modalities: int
    error_count: int
    warning_count: int
    errors: list[RowProblemOut]  # the first few kept (all of them when error_count says no more)
    warnings: list[RowProblemOut]
    error_counts: list[ProblemCountOut]
    warning_counts: list[ProblemCountOut]
    changes: ChangesOut | None  # what replacing the record changes (staged) or changed (current)
    waiting_for_replace: bool  # staged: POST …/replace to make it the record


def _counts(counts: dict[str, int]) -> list[dict[str, Any]]:
    return [
        {"column": key.split("|", 1)[0], "code": key.split("|", 1)[-1], "count": n}
        for key, n in sorted(counts.items())
    ]


def submission_out(submission: Submission, *, problems: bool) -> dict[str, Any]:
    """The resource; `problems` (the provider's own readers) with the rows' problems, else counts only."""
    report = submission.report or {}
    job = submission.job
    checked = not submission.in_progress and submission.state != Submission.State.FAILED
    return {
        "id": submission.pk,
        "provider": submission.provider.code,
        "submitted_at": submission.submitted_at,
        "submitted_by": submission.submitted_by_name,
        "channel": submission.channel,
        "period_end": submission.period_end,
        "file_name": submission.file_name,
        "file_sha256": submission.file_sha256,
        "dry_run": submission.dry_run,
        "state": submission.state,
        "progress": {
            "done": job.done if job else submission.rows,
            "total": job.total if job else submission.rows,
            "percent": job.percent if job else (100 if checked else 0),
        },
        "message": job.message if job and submission.state == Submission.State.FAILED else "",
        "accepted": submission.accepted if checked else None,
        "rows": submission.rows,
        "clients": submission.clients,
        "episodes": submission.episodes,
        "modalities": submission.modalities,
        "error_count": submission.error_count,
        "warning_count": submission.warning_count,
        "errors": report.get("errors", []) if problems else [],
        "warnings": report.get("warnings", []) if problems else [],
        "error_counts": _counts(submission.error_counts),
        "warning_counts": _counts(submission.warning_counts),
        "changes": submission.changes or None,
        "waiting_for_replace": submission.state == Submission.State.STAGED,
    }


def resource_url(submission: Submission, *, provider_api: bool) -> str:
    if provider_api:
        return reverse("api:provider_submission_read", args=[submission.pk])
    return reverse("api:submission_read", args=[submission.partnership.slug, submission.pk])


def receive(
    *,
    partnership: Partnership,
    provider: Provider,
    upload: Any,
    period_end: date,
    actor: Any,
    dry_run: bool,
    replace: bool,
    actor_name: str = "",
) -> Submission:
    """Store and queue an uploaded file: replaced at once when `replace`, else unless it would undo work
    entered on the web (then the resource waits for POST …/replace)."""
    return submission_queue(
        partnership=partnership,
        provider=provider,
        source=upload,
        file_size=upload.size or 0,
        period_end=period_end,
        file_name=safe_name(upload.name or "submission.csv", CSV_FILE),
        actor=actor,
        channel=Submission.Channel.API,
        dry_run=dry_run,
        replace=Replace.NOW if replace else Replace.UNLESS_WEB,
        actor_name=actor_name,
    )


def decide(submission: Submission, actor: Any) -> Submission:
    """Replace the record with a staged submission (its changes counted now): 409 when it is not staged."""
    changes = changes_if_made_current(submission)
    try:
        if changes is None:
            raise NotStaged(submission.state)
        record_replace(submission=submission, actor=actor, seen=changes)
    except NotStaged:
        raise ProblemError(
            409, "Not waiting to replace the record", f"The submission is {submission.get_state_display()}."
        ) from None
    except RecordMoved:
        raise ProblemError(409, "The record changed meanwhile", "Send the request again.") from None
    submission.refresh_from_db()
    return submission


def record_file(provider: Provider, *, user: Any, reader: str | None = None) -> StreamingHttpResponse:
    """The provider's current record as the submission file, streamed; logged as read (export.py)."""
    record_export_logged(provider=provider, user=user, reader=reader)
    response = StreamingHttpResponse(record_csv(provider), content_type="text/csv; charset=utf-8")
    name = f"{provider.partnership.slug}-{provider.code}-record.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
