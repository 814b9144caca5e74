"""The KPI recomputation as a job of the worker: after every change of a partnership's record (a
submission replaced or restored, a key worker's step: treatment's `record_changed`), the whole grid of the
partnership — every quarter and financial year, exact and published — is computed in one engine run and
stored, so pages read results and never compute them. One job waits per partnership at a time: changes
that come while one waits are in the record it will read."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from concordat.core import jobs
from concordat.core.models import Job
from concordat.partnerships.models import Partnership

KIND = "kpi-recompute"


def recompute_queue(partnership_id: int) -> Job | None:
    """Queue the partnership's recomputation, unless one is already waiting."""
    partnership = Partnership.objects.filter(pk=partnership_id).first()
    if partnership is None:
        return None
    if Job.objects.filter(kind=KIND, partnership=partnership.slug, state=Job.State.QUEUED).exists():
        return None
    job = jobs.job_create(
        kind=KIND, partnership=partnership.slug, actor=None, arguments={"partnership": partnership_id}
    )
    return jobs.job_enqueue(job)


def _run(job: Job, progress: jobs.JobProgress) -> dict[str, Any]:
    from .selectors import recompute

    stored = recompute(int(job.arguments["partnership"]))
    return {"results": stored}


def on_record_changed(sender: Any, partnership_id: int, **kwargs: Any) -> None:
    """The record changed (sent after its commit): recompute once the queueing itself is committed."""
    transaction.on_commit(lambda: recompute_queue(partnership_id))


def register() -> None:
    from concordat.treatment.signals import record_changed

    jobs.register(jobs.JobKind(name=KIND, title="Performance figures brought up to date", run=_run))
    record_changed.connect(on_record_changed, dispatch_uid="performance-recompute")
