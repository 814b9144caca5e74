"""The treatment record's background job: checking (and staging) a submission file. Registered from the
app's `ready` (core.jobs); queued by the web upload, the API and `concordat treatment import --queue`.

A job's file is stored in the private folder under the job's own name; it is deleted when the job ends,
unless the file was rejected: then it is kept REJECTED_FILE_DAYS so that its every problem can be listed
again (the problems CSV), after which only the first problems and the counts remain.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from concordat.core import jobs
from concordat.core.models import Job
from concordat.partnerships.models import Partnership, Provider

from .models import Submission
from .permissions import may_read_submission
from .problems import ProblemsFile
from .services import Replace, submission_abandoned, submission_process, submission_receive

KIND = "treatment-submission"
PROBLEMS = "problems.csv"  # every problem of the file, written by the job as it checks


def submission_queue(
    *,
    partnership: Partnership,
    provider: Provider,
    source: Any,
    file_size: int,
    period_end: Any,
    file_name: str,
    actor: Any,
    channel: str,
    dry_run: bool = False,
    replace: Replace = Replace.ASK,
    actor_name: str = "",
) -> Submission:
    """Record an arriving file as queued, store it in the private folder, and send its job to the worker.
    Returns the submission, whose page (and API resource) is the job's."""
    with transaction.atomic():
        submission = submission_receive(
            partnership=partnership,
            provider=provider,
            period_end=period_end,
            file_name=file_name,
            file_size=file_size,
            actor=actor,
            channel=channel,
            dry_run=dry_run,
            actor_name=actor_name,
        )
        job = jobs.job_create(
            kind=KIND,
            partnership=partnership.slug,
            actor=actor,
            arguments={"submission": submission.pk, "replace": replace.value},
            unit="rows",
        )
        Submission.objects.filter(pk=submission.pk).update(job=job)
        submission.job = job
        jobs.store_file(job, source)
    jobs.job_enqueue(job)
    submission.refresh_from_db()
    return submission


def _run(job: Job, progress: jobs.JobProgress) -> dict[str, Any]:
    submission = Submission.objects.select_related("partnership", "provider").get(
        pk=job.arguments["submission"]
    )
    problems = ProblemsFile(jobs.job_path(job, PROBLEMS))
    try:
        with jobs.stored_path(job).open("rb") as file:
            outcome = submission_process(
                submission=submission,
                file=file,
                replace=Replace(job.arguments.get("replace", Replace.ASK.value)),
                actor=job.created_by,
                progress=lambda rows, total: progress(rows, total),
                sink=problems,
            )
    finally:
        problems.close()
    progress(outcome.report.rows, outcome.report.rows, force=True)
    rejected = not outcome.report.accepted
    jobs.file_done(job, keep_days=settings.REJECTED_FILE_DAYS if rejected else 0)
    return {"submission": submission.pk, "state": outcome.submission.state}


def _recover(job: Job) -> None:
    submission = Submission.objects.filter(pk=job.arguments.get("submission")).first()
    if submission is not None:
        submission_abandoned(submission)


def _may_view(user: Any, job: Job) -> bool:
    submission = Submission.objects.filter(pk=job.arguments.get("submission")).first()
    if submission is None:
        return False
    return may_read_submission(user, submission.partnership, submission.provider_id)


def _page(job: Job) -> str:
    submission = Submission.objects.select_related("partnership").get(pk=job.arguments["submission"])
    return reverse("treatment:submission", args=[submission.partnership.slug, submission.pk])


def register() -> None:
    jobs.register(
        jobs.JobKind(
            name=KIND,
            title="Treatment submission",
            run=_run,
            recover=_recover,
            may_view=_may_view,
            page=_page,
        )
    )
    from .services import remove_unneeded_generations

    jobs.register_housekeeping(remove_unneeded_generations)
