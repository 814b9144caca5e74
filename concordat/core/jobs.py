"""Background jobs: every import (a treatment submission, a pool transactions file, a partnership file),
every check of such a file, and the KPI recomputation run in a worker process, `concordat worker`, through
the Django tasks API (django-tasks, the backport of Django 6's `django.tasks`) on the project's own
database (django-tasks-db): no broker, nothing else to install or run.

A `core.models.Job` row is the job as people see it — its kind, how far it has got, how it ended, in words —
and the tasks library's row is how a worker finds it. Each app registers the kinds it runs (`register`) from
its `AppConfig.ready`, so core imports no app: what a kind does (`run`), what it undoes when its worker died
half-way (`recover`), who may see it, and the page that shows its outcome.

One code path: the worker runs `run_job` → `job_run`; a command that runs synchronously (an import on the
command line without `--queue`) calls `job_run` itself. A job's uploaded file is kept in the private data
folder (`stored_path`) under a name of the job's own, never the sender's, and deleted when the job no longer
needs it (`file_done`); a worker removes files no job needs when it starts and every few minutes after.

If a worker is killed (kill -9, its machine lost), its running job stays "running" with a heartbeat that
stops; the next worker to start finds it (`recover_abandoned`), lets its kind undo what was half-written,
and marks it failed with a message its owner can read. The kinds write in a way that makes this safe: the
treatment import writes into a generation nobody reads until one row update makes it current.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from . import clock
from .models import Job, WorkerBeat

logger = logging.getLogger("concordat.jobs")

# A worker that has not beaten for this long is taken for dead (it beats every BEAT seconds).
BEAT = timedelta(seconds=5)
DEAD_AFTER = timedelta(seconds=60)
# Progress is written at most this often: a job's page refreshes every few seconds.
PROGRESS_EVERY = 0.5


class JobFailed(Exception):
    """A kind's way to end its job as failed with a message for the person who started it (not a bug)."""


@dataclass(frozen=True)
class JobKind:
    name: str
    title: str  # "Treatment submission": what a job page calls it
    run: Callable[[Job, JobProgress], dict[str, Any]]  # does the work; returns the job's result
    # After its worker died half-way: undo what was half-written (nothing is committed as the record).
    recover: Callable[[Job], None] | None = None
    may_view: Callable[[Any, Job], bool] | None = None  # besides its creator
    page: Callable[[Job], str] | None = None  # the page that shows its outcome, once it has one


_KINDS: dict[str, JobKind] = {}
_HOUSEKEEPING: list[Callable[[], None]] = []
_current_worker = ""


def register(kind: JobKind) -> None:
    _KINDS[kind.name] = kind


def kind_of(job: Job) -> JobKind:
    return _KINDS[job.kind]


def register_housekeeping(step: Callable[[], None]) -> None:
    """Something a worker does when it starts and every HOUSEKEEPING_MINUTES (removing what is past its
    retention)."""
    if step not in _HOUSEKEEPING:
        _HOUSEKEEPING.append(step)


# --- stored files ---------------------------------------------------------------------------------------


def private_folder(name: str = "jobs") -> Path:
    """A folder of the private data folder (settings.PRIVATE_DIR, mode 0700): files only this service
    reads. Never the system's temporary folder."""
    folder = Path(settings.PRIVATE_DIR) / name
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    with contextlib.suppress(OSError):
        os.chmod(settings.PRIVATE_DIR, 0o700)
        os.chmod(folder, 0o700)
    return folder


def job_path(job: Job, suffix: str = "upload") -> Path:
    """A file of the job's in the private folder: its upload, or another it writes (`problems.csv`).
    Every file of a job is named after the job's id, so they are kept and deleted together."""
    return private_folder() / f"{job.pk}.{suffix}"


def stored_path(job: Job) -> Path:
    assert job.stored_file, "this job has no stored file"
    return private_folder() / job.stored_file


def store_file(job: Job, source: Any) -> None:
    """Keep the job's file under a name of its own (the job's id), mode 0600: `source` is a path, a file
    object or an UploadedFile (a temporary upload in the private folder is moved, not copied)."""
    target = job_path(job)
    temporary = getattr(source, "temporary_file_path", None)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        if temporary is not None and _same_device(Path(temporary()), target):
            os.close(fd)
            fd = -1
            os.replace(temporary(), target)
            os.chmod(target, 0o600)
        else:
            with os.fdopen(fd, "wb") as out:
                fd = -1
                if isinstance(source, str | Path):
                    with open(source, "rb") as f:
                        _copy(f, out)
                elif hasattr(source, "chunks"):
                    for chunk in source.chunks():
                        out.write(chunk)
                else:
                    source.seek(0)
                    _copy(source, out)
    except BaseException:
        if fd >= 0:
            os.close(fd)
        target.unlink(missing_ok=True)
        raise
    job.stored_file = target.name
    Job.objects.filter(pk=job.pk).update(stored_file=job.stored_file)


def _copy(source: Any, out: Any) -> None:
    while data := source.read(1 << 20):
        out.write(data)


def _same_device(a: Path, b: Path) -> bool:
    try:
        return a.stat().st_dev == b.parent.stat().st_dev
    except OSError:
        return False


def file_kept(job: Job, suffix: str = "upload") -> Path | None:
    """The job's file, while it is kept."""
    path = job_path(job, suffix)
    return path if path.exists() else None


def file_done(job: Job, *, keep_days: int = 0) -> None:
    """The job no longer needs its files: delete them now, or keep them `keep_days` (a rejected file,
    whose every problem can be listed from them) and let housekeeping delete them then."""
    if keep_days:
        job.keep_file_until = clock.now() + timedelta(days=keep_days)
        Job.objects.filter(pk=job.pk).update(keep_file_until=job.keep_file_until)
        return
    for path in private_folder().glob(f"{job.pk}.*"):
        path.unlink(missing_ok=True)
    job.stored_file, job.keep_file_until = "", None
    Job.objects.filter(pk=job.pk).update(stored_file="", keep_file_until=None)


def sweep_files() -> int:
    """Delete the files no job needs: past their keeping, of finished jobs, or of no job at all (a process
    killed between storing a file and recording its job). Returns how many went."""
    now = clock.now()
    for job in Job.objects.filter(keep_file_until__lt=now):
        file_done(job)
    live = {
        str(pk)
        for pk in Job.objects.exclude(state__in=[Job.State.DONE, Job.State.FAILED]).values_list(
            "pk", flat=True
        )
    } | {str(pk) for pk in Job.objects.filter(keep_file_until__gte=now).values_list("pk", flat=True)}
    gone = 0
    grace = time.time() - 3600  # a file being stored right now has no job row pointing at it yet
    for path in private_folder().iterdir():
        if path.name.split(".", 1)[0] in live:
            continue
        with contextlib.suppress(FileNotFoundError):
            if path.stat().st_mtime < grace or Job.objects.filter(pk=_uuid(path.name)).exists():
                path.unlink()
                gone += 1
    Job.objects.filter(state__in=[Job.State.DONE, Job.State.FAILED], keep_file_until__isnull=True).exclude(
        stored_file=""
    ).update(stored_file="")
    return gone


def _uuid(name: str) -> Any:
    import uuid

    try:
        return uuid.UUID(name.split(".", 1)[0])
    except ValueError:
        return None


# --- creating and running -------------------------------------------------------------------------------


def job_create(
    *,
    kind: str,
    partnership: str,
    actor: Any,
    arguments: dict[str, Any] | None = None,
    total: int = 0,
    unit: str = "",
) -> Job:
    """A queued job (not yet sent to a worker: `job_enqueue`, or `job_run` here)."""
    from .audit import operating_system_user, person_name

    assert kind in _KINDS, f"no job kind {kind!r} is registered"
    user = actor if getattr(actor, "is_authenticated", False) else None
    return Job.objects.create(
        kind=kind,
        partnership=partnership,
        created_by=user,
        created_by_name=person_name(user) if user else f"{operating_system_user()} (command line)",
        arguments=arguments or {},
        total=total,
        unit=unit,
    )


def job_enqueue(job: Job) -> Job:
    """Send the job to the worker (call it once the job's row is committed: the worker reads it)."""
    result = run_job.enqueue(str(job.pk))
    job.task_id = str(result.id)
    Job.objects.filter(pk=job.pk).update(task_id=job.task_id)
    return job


@task()
def run_job(job_id: str) -> None:
    """The one task: run a queued job (a job already begun or ended is left alone)."""
    job = Job.objects.filter(pk=job_id).first()
    if job is None or job.state != Job.State.QUEUED:
        return
    job_run(job)


class JobProgress:
    """How far a job has got, written at most every PROGRESS_EVERY seconds (and always at the end), by
    whichever thread holds the job's database connection."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self._last = 0.0

    def __call__(self, done: int, total: int | None = None, *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last < PROGRESS_EVERY:
            return
        self._last = now
        self.job.done = done
        fields: dict[str, Any] = {"done": done, "heartbeat_at": clock.now()}
        if total is not None:
            self.job.total = total
            fields["total"] = total
        Job.objects.filter(pk=self.job.pk).update(**fields)


def job_run(job: Job) -> Job:
    """Run the job here and now: running, then done with its kind's result, or failed with a message.
    A kind raises JobFailed with words for its owner; anything else is a bug, logged by its type and
    place only (its message could quote a value of someone's file) and told as such."""
    kind = kind_of(job)
    job.state, job.started_at, job.worker = Job.State.RUNNING, clock.now(), _current_worker
    Job.objects.filter(pk=job.pk).update(
        state=job.state, started_at=job.started_at, worker=job.worker, heartbeat_at=job.started_at
    )
    try:
        result = kind.run(job, JobProgress(job))
    except JobFailed as failed:
        _end(job, Job.State.FAILED, str(failed), job.result)
    except Exception as error:
        where = "".join(traceback.format_tb(error.__traceback__)[-3:])
        logger.error("job %s (%s) failed: %s\n%s", job.pk, job.kind, type(error).__name__, where)
        if kind.recover is not None:
            with contextlib.suppress(Exception):
                kind.recover(job)
        _end(
            job,
            Job.State.FAILED,
            f"It stopped because of an error in Concordat ({type(error).__name__}). "
            "Nothing was changed. Try again; if it happens again, tell your system administrator.",
            {},
        )
        raise
    else:
        _end(job, Job.State.DONE, job.message, result)
    return job


def _end(job: Job, state: str, message: str, result: dict[str, Any]) -> None:
    job.state, job.message, job.result, job.finished_at = state, message, result, clock.now()
    Job.objects.filter(pk=job.pk).update(
        state=state, message=message, result=result, finished_at=job.finished_at, done=job.done
    )


# --- the worker's own bookkeeping -----------------------------------------------------------------------


def worker_started(worker: str) -> WorkerBeat:
    global _current_worker
    _current_worker = worker
    now = clock.now()
    beat, _ = WorkerBeat.objects.update_or_create(
        worker=worker,
        defaults={"host": socket.gethostname(), "pid": os.getpid(), "started_at": now, "beat_at": now},
    )
    return beat


def worker_beat(worker: str) -> None:
    now = clock.now()
    WorkerBeat.objects.filter(worker=worker).update(beat_at=now)
    Job.objects.filter(worker=worker, state=Job.State.RUNNING).update(heartbeat_at=now)


def worker_stopped(worker: str) -> None:
    WorkerBeat.objects.filter(worker=worker).delete()


def _alive(beat: WorkerBeat | None, now: datetime) -> bool:
    if beat is None or beat.beat_at < now - DEAD_AFTER:
        return False
    if beat.host == socket.gethostname():
        try:
            os.kill(beat.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
    return True


ABANDONED = (
    "The worker running this job stopped before it finished (it was restarted at {when}). Nothing was "
    "changed by it. Start it again."
)


def recover_abandoned() -> list[Job]:
    """Fail every running job whose worker is gone, after its kind has undone what it half-wrote; and
    the tasks library's rows of those jobs with them."""
    from django_tasks_db.models import DBTaskResult

    now = clock.now()
    beats = {b.worker: b for b in WorkerBeat.objects.all()}
    failed = []
    for job in Job.objects.filter(state=Job.State.RUNNING):
        if job.worker and job.worker == _current_worker:
            continue
        if _alive(beats.get(job.worker), now) and (job.heartbeat_at or now) >= now - DEAD_AFTER:
            continue
        kind = _KINDS.get(job.kind)
        if kind is not None and kind.recover is not None:
            kind.recover(job)
        file_done(job)
        _end(
            job,
            Job.State.FAILED,
            ABANDONED.format(when=timezone.localtime(now).strftime("%-d %B %Y %H:%M")),
            job.result,
        )
        if job.task_id:
            DBTaskResult.objects.filter(id=job.task_id, status="RUNNING").update(
                status="FAILED", finished_at=now
            )
        failed.append(job)
    for worker, beat in beats.items():
        if not _alive(beat, now) and worker != _current_worker:
            beat.delete()
    return failed


def housekeeping() -> None:
    """What a worker does when it starts and every HOUSEKEEPING_MINUTES after."""
    recover_abandoned()
    sweep_files()
    for step in _HOUSEKEEPING:
        try:
            with transaction.atomic():
                step()
        except Exception as error:  # one step's bug must not stop the others or the worker
            logger.error("housekeeping step %s failed: %s", step.__name__, type(error).__name__)


@contextlib.contextmanager
def running_worker(worker: str) -> Iterator[WorkerBeat]:
    beat = worker_started(worker)
    try:
        yield beat
    finally:
        with contextlib.suppress(Exception):
            worker_stopped(worker)
