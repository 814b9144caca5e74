"""The pooled fund's background job: a transactions file imported, or only checked, by the worker (the
pool manager's upload page; `concordat pool import --queue`). Registered from the app's `ready`."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from concordat.core import jobs
from concordat.core.audit import acting_as
from concordat.core.models import Job
from concordat.partnerships.models import Partnership

from .importer import postings_import
from .permissions import POST

KIND = "pool-import"


def import_queue(
    *, partnership: Partnership, source: Any, file_name: str, actor: Any, check_only: bool
) -> Job:
    """Store a transactions file and queue its import (or its check only)."""
    job = jobs.job_create(
        kind=KIND,
        partnership=partnership.slug,
        actor=actor,
        arguments={"file_name": file_name[:255], "check_only": check_only},
        unit="rows",
    )
    jobs.store_file(job, source)
    return jobs.job_enqueue(job)


def _run(job: Job, progress: jobs.JobProgress) -> dict[str, Any]:
    partnership = Partnership.objects.get(slug=job.partnership)
    check_only = bool(job.arguments.get("check_only"))
    path = jobs.stored_path(job)
    total = max(path.read_bytes().count(b"\n") - 1, 0)
    from concordat.core.csvfile import RowReport

    report = RowReport(keep=settings.TREATMENT_KEPT_PROBLEMS)
    with acting_as(job.created_by), path.open("rb") as binary:
        result = postings_import(
            partnership=partnership,
            binary=binary,
            actor=job.created_by,
            filename=job.arguments.get("file_name", "a file"),
            progress=lambda rows: progress(rows, total),
            dry_run=check_only,
            report=report,
        )
    progress(report.rows, report.rows, force=True)
    jobs.file_done(job, keep_days=0 if report.accepted else settings.REJECTED_FILE_DAYS)
    if check_only:
        summary = "It was only checked: nothing was posted."
    elif report.accepted:
        summary = f"{len(result.created)} posted, {len(result.skipped)} already posted."
    else:
        summary = "Rejected: nothing was posted."
    return {"report": report.kept(), "summary": summary, "check_only": check_only}


def _may_view(user: Any, job: Job) -> bool:
    partnership = Partnership.objects.filter(slug=job.partnership).first()
    return partnership is not None and user.has_perm(POST, partnership)


def register() -> None:
    jobs.register(jobs.JobKind(name=KIND, title="Pool transactions file", run=_run, may_view=_may_view))
