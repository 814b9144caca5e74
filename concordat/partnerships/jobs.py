"""The agreement's background job: a partnership file loaded into its partnership, or only checked, by
the worker (the lead commissioner's upload page). The file must be the partnership's own (its `slug`):
one partnership's page never creates or changes another. Registered from the app's `ready`."""

from __future__ import annotations

from typing import Any

from concordat.core import clock, jobs
from concordat.core.models import Job
from concordat.core.problems import Report

from . import services
from .document import read_file
from .models import Partnership
from .rules.agreement import check_agreement

KIND = "partnership-file"
PERMISSION = "partnerships.change_agreement"


def file_queue(*, partnership: Partnership, source: Any, file_name: str, actor: Any, check_only: bool) -> Job:
    """Store a partnership file and queue its load (or its check only)."""
    job = jobs.job_create(
        kind=KIND,
        partnership=partnership.slug,
        actor=actor,
        arguments={"file_name": file_name[:255], "check_only": check_only},
    )
    jobs.store_file(job, source)
    return jobs.job_enqueue(job)


def _run(job: Job, progress: jobs.JobProgress) -> dict[str, Any]:
    check_only = bool(job.arguments.get("check_only"))
    report = Report()
    document = read_file(jobs.stored_path(job), report)
    jobs.file_done(job)
    changes: dict[str, Any] = {}
    if report.valid and (not isinstance(document, dict) or document.get("slug") != job.partnership):
        report.error(
            "slug",
            "another-partnership",
            f"slug: the file is not for {job.partnership}: nothing "
            "was changed (load another partnership's file from its own page)",
        )
    if report.valid and check_only:
        report = check_agreement(document, today=clock.today()).report
    elif report.valid:
        outcome = services.partnership_load(document=document, user=job.created_by)
        report, changes = outcome.report, outcome.changes.as_dict()
    if check_only:
        summary = "It was only checked: nothing was changed."
    elif report.valid:
        counts = {k: len(v) for k, v in changes.items()}
        summary = (
            "Loaded: {created} created, {changed} changed, {removed} removed.".format(**counts)
            if any(counts.values())
            else "Loaded: already up to date, nothing changed."
        )
    else:
        summary = "Not valid: nothing was changed."
    return {"problems": report.as_dict(), "changes": changes, "summary": summary, "check_only": check_only}


def _may_view(user: Any, job: Job) -> bool:
    partnership = Partnership.objects.filter(slug=job.partnership).first()
    return partnership is not None and user.has_perm(PERMISSION, partnership)


def register() -> None:
    jobs.register(jobs.JobKind(name=KIND, title="Partnership file", run=_run, may_view=_may_view))
