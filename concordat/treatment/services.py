"""Writing the treatment record. Every way in — the command line, the web upload, the API, the demo — goes
through these services, and the web and API run them in a job of the worker (jobs.py).

A submission's life (Submission.State): received (queued), checked (a job: every rule, every row), and
then either rejected, or — a check only — checked, or staged: its rows written, in short transactions,
into a new generation of the provider's record that nobody reads (staging.py). Replacing the record
(`record_replace`) is then one short transaction: the staged generation becomes current and the previous
one superseded. Whether that follows at once is the caller's: the command line replaces (the contract:
an accepted submission replaces the provider's earlier data), the web always asks first, showing what
would change, and the API replaces unless the change would undo work entered on the web (then it needs
`replace=true`). A superseded submission can be restored for TREATMENT_RESTORE_DAYS.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import IO, Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import QuerySet

from concordat.core import clock
from concordat.core.audit import operating_system_user, person_name, record_event
from concordat.core.csvfile import RowProblem, RowReport
from concordat.partnerships.models import Partnership, Provider
from concordat.partnerships.rules.vocabulary import BUILT_IN_MODALITIES

from . import parallel, selectors
from .audit import EVENT_KIND
from .changes import Changes, changes_between
from .checking import Checked, Fixed, check_file
from .keys import secret_for
from .models import Client, Episode, Generation, Submission
from .rules.fields import Context
from .rules.warnings import check_open_elsewhere
from .signals import record_changed
from .staging import NULL, StagingWriter, remove_generation_rows, reserve_ids

_KEYS_PER_QUERY = 500


class Replace(enum.Enum):
    """When an accepted submission replaces the provider's record."""

    NOW = "now"  # at once (the command line, the demo; the API with replace=true)
    ASK = "ask"  # never by itself: someone confirms what would change (the web)
    UNLESS_WEB = "unless-web"  # at once unless it would undo work entered on the web (the API)


class NotStaged(Exception):
    """The submission is not (or no longer) one that can replace the record."""


class RecordMoved(Exception):
    """The record changed since the changes were counted: count them again (`changes_if_made_current`)
    and ask again."""


@dataclass
class ImportOutcome:
    report: RowReport
    submission: Submission
    changes: Changes | None = None


def context_for(partnership: Partnership, period_end: date) -> Context:
    """What the rules need from the partnership file: its modalities and eligibility."""
    eligibility = partnership.eligibility or {}
    own = set(partnership.modalities.values_list("code", flat=True))

    def whole(value: Any) -> int | None:
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    return Context(
        period_end=period_end,
        modalities=frozenset(BUILT_IN_MODALITIES) | frozenset(own),
        min_age=whole(eligibility.get("min_age")),
        max_age=whole(eligibility.get("max_age")),
        area=frozenset(partnership.area or []) if eligibility.get("residence_in_area") else None,
    )


def kept_report(keep: int | None = None, sink: Callable[[str, RowProblem], None] | None = None) -> RowReport:
    """A report that holds the first TREATMENT_KEPT_PROBLEMS problems of each kind and counts every one."""
    return RowReport(keep=settings.TREATMENT_KEPT_PROBLEMS if keep is None else keep, sink=sink)


# --- receiving, checking, staging -----------------------------------------------------------------------


def submission_receive(
    *,
    partnership: Partnership,
    provider: Provider,
    period_end: date,
    file_name: str,
    file_size: int,
    actor: Any,
    channel: str,
    dry_run: bool = False,
    actor_name: str = "",
) -> Submission:
    """Record an arriving file, queued to be checked (its file is the caller's to store). `actor_name`
    names a sender that is not a person signed in (an API token)."""
    assert provider.partnership_id == partnership.pk
    who = _who(partnership, provider, period_end, file_name, actor, channel)
    if actor_name:
        who["submitted_by_name"] = actor_name[:300]
    return Submission.objects.create(
        **who,
        file_size=file_size,
        dry_run=dry_run,
        state=Submission.State.QUEUED,
    )


def submission_process(
    *,
    submission: Submission,
    file: IO[bytes],
    replace: Replace,
    actor: Any,
    progress: Callable[[int, int], None] | None = None,
    sink: Callable[[str, RowProblem], None] | None = None,
) -> ImportOutcome:
    """Check the submission's file and, unless it is a check only or has an error, stage it as a new
    generation of its provider's record; then replace the record with it when `replace` says so.

    Guarantees: every error and warning is counted, the first TREATMENT_KEPT_PROBLEMS of each kind kept
    with the submission (and each told to `sink` as found); the record read by everyone is unchanged
    until `record_replace`, which is one short transaction; a rejected file's staged rows are removed; no
    transaction lasts longer than one piece of rows. `progress(rows checked, rows in the file)` is told
    as the check goes (from the thread that writes, which alone uses the database meanwhile)."""
    partnership, provider = submission.partnership, submission.provider
    context = context_for(partnership, submission.period_end)
    secret = secret_for(partnership)
    report = kept_report(sink=sink)
    lines = _count_lines(file)
    _set(submission, state=Submission.State.CHECKING)
    tell = (lambda rows: progress(rows, lines)) if progress is not None else None
    if submission.dry_run:
        elsewhere = OpenElsewhere(partnership, provider, run=lambda look_up: look_up())
        checked = check_file(
            file,
            context=context,
            secret=secret,
            report=report,
            checked_so_far=tell,
            on_episode=elsewhere.see if elsewhere.wanted else None,
        )
        elsewhere.flush()
        elsewhere.add_to(report)
        return _finish_check(submission, checked, actor)
    generation = Generation.objects.create(partnership=partnership, provider=provider, submission=submission)
    fixed = Fixed(
        partnership=partnership.pk,
        provider=provider.pk,
        submission=submission.pk,
        generation=generation.pk,
        client_base=reserve_ids(Client, lines),
        episode_base=reserve_ids(Episode, lines),
    )
    path = parallel.wanted(file, lines)
    try:
        with StagingWriter(tell) as writer:
            elsewhere = OpenElsewhere(partnership, provider, run=writer.call)
            if path is not None:  # a big file: checked in a child of its own while this process writes
                checked, elsewhere.found = parallel.check_in_child(
                    path,
                    partnership_id=partnership.pk,
                    provider_id=provider.pk,
                    period_end=submission.period_end,
                    fixed=fixed,
                    report=report,
                    stage=writer.put,
                )
            else:
                checked = check_file(
                    file,
                    context=context,
                    secret=secret,
                    report=report,
                    fixed=fixed,
                    stage=writer.put,
                    on_episode=elsewhere.see if elsewhere.wanted else None,
                )
                elsewhere.flush()
    except BaseException:
        remove_generation_rows(generation)
        _set(submission, state=Submission.State.FAILED, outcome="")
        raise
    if not report.accepted:
        remove_generation_rows(generation)
        return _finish_check(submission, checked, actor)
    elsewhere.add_to(report)
    changes = changes_between(generation, _current_generation(provider))
    _finish_check(submission, checked, actor, changes=changes)
    # Counted before the replacement's short transaction, not in it; counted again if a key worker
    # changed the record meanwhile.
    for _ in range(5):
        if replace is Replace.ASK or (replace is Replace.UNLESS_WEB and changes.web_lost):
            break
        try:
            record_replace(submission=submission, actor=actor, seen=changes)
            break
        except RecordMoved:
            changes = changes_between(generation, _current_generation(provider))
            _set(submission, changes=changes.as_dict())
    submission.refresh_from_db()
    return ImportOutcome(report=report, submission=submission, changes=changes)


def submission_import(
    *,
    partnership: Partnership,
    provider: Provider,
    file: IO[bytes],
    period_end: date,
    file_name: str,
    actor: Any,
    channel: str,
    sink: Callable[[str, RowProblem], None] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportOutcome:
    """A file received, checked and, with no error, made the provider's whole record at once: what
    `concordat treatment import` does (treatment-data.md)."""
    submission = submission_receive(
        partnership=partnership,
        provider=provider,
        period_end=period_end,
        file_name=file_name,
        file_size=_size_of(file),
        actor=actor,
        channel=channel,
    )
    return submission_process(
        submission=submission, file=file, replace=Replace.NOW, actor=actor, sink=sink, progress=progress
    )


def file_check(
    *,
    partnership: Partnership,
    provider: Provider,
    file: IO[bytes],
    period_end: date,
    sink: Callable[[str, RowProblem], None] | None = None,
) -> RowReport:
    """Every rule over the file, nothing written at all (`concordat treatment check`): the same report an
    import would give, the warnings about other providers included."""
    context = context_for(partnership, period_end)
    secret = secret_for(partnership)
    report = kept_report(sink=sink)
    elsewhere = OpenElsewhere(partnership, provider, run=lambda look_up: look_up())
    check_file(
        file,
        context=context,
        secret=secret,
        report=report,
        on_episode=elsewhere.see if elsewhere.wanted else None,
    )
    elsewhere.flush()
    elsewhere.add_to(report)
    return report


def _finish_check(
    submission: Submission, checked: Checked, actor: Any, *, changes: Changes | None = None
) -> ImportOutcome:
    report = checked.report
    if submission.dry_run:
        state = Submission.State.CHECKED
    elif report.accepted:
        state = Submission.State.STAGED
    else:
        state = Submission.State.REJECTED
    _set(
        submission,
        state=state,
        changes=changes.as_dict() if changes else {},
        **_outcome(checked),
    )
    if not submission.dry_run and not report.accepted:
        _event(submission, actor)
    return ImportOutcome(report=report, submission=submission, changes=changes)


def _set(submission: Submission, **values: Any) -> None:
    for name, value in values.items():
        setattr(submission, name, value)
    Submission.objects.filter(pk=submission.pk).update(**values)


def _count_lines(file: IO[bytes]) -> int:
    """How many lines the file has after its header: never fewer than its rows (a quoted value may span
    lines), so the ids reserved for that many are enough. The file is read once more, quickly."""
    if not file.seekable():
        raise ValueError("a submission is read from a file that can be read twice")
    start = file.tell()
    newlines, last = 0, b"\n"
    while chunk := file.read(1 << 20):
        newlines += chunk.count(b"\n")
        last = chunk[-1:]
    file.seek(start)
    return max(newlines + (last != b"\n") - 1, 0)


def _size_of(file: IO[bytes]) -> int:
    size: Any = getattr(file, "size", None)
    if isinstance(size, int):
        return size
    here = file.tell()
    end = file.seek(0, 2)
    file.seek(here)
    return end - here


# --- the warnings only the database can give -----------------------------------------------------------


class OpenElsewhere:
    """The same person open at another provider at the same time: the file's episodes, as the check meets
    them, against the other providers' records, a few hundred client keys a query (none at all when no
    other provider has an episode). The queries run through `run` — on the staging writer's thread while
    it holds the connection. The warnings are added to the report at the end, in row order, and only to
    an accepted file's (as ever: a rejected file is not compared with the record)."""

    def __init__(
        self, partnership: Partnership, provider: Provider, run: Callable[[Callable[[], None]], None]
    ):
        self.partnership, self.provider, self._run = partnership, provider, run
        self.wanted = Episode.objects.filter(partnership=partnership).exclude(provider=provider).exists()
        self._batch: list[tuple[int, str, str, str]] = []
        self.found: list[RowProblem] = []
        self._report = RowReport(sink=lambda kind, problem: self.found.append(problem))

    def see(self, row: int, key: str, referral: str, discharge: str) -> None:
        self._batch.append((row, key, referral, discharge))
        if len(self._batch) == _KEYS_PER_QUERY:
            self.flush()

    def flush(self) -> None:
        batch, self._batch = self._batch, []
        if batch:
            self._run(lambda: self._look_up(batch))

    def _look_up(self, batch: list[tuple[int, str, str, str]]) -> None:
        elsewhere = selectors.episodes_elsewhere(
            partnership_id=self.partnership.pk, provider_id=self.provider.pk, keys={b[1] for b in batch}
        )
        for row, key, referral, discharge in batch:
            if key in elsewhere:
                end = date.fromisoformat(discharge) if discharge and discharge != NULL else None
                check_open_elsewhere(row, date.fromisoformat(referral), end, elsewhere[key], self._report)

    def add_to(self, report: RowReport) -> None:
        """The warnings found, in row order among the pass's (which come first at a row)."""
        if not report.accepted:
            return
        self.found.sort(key=lambda p: p.row)
        for problem in self.found:
            report.add("warning", problem)
        report.warnings.sort(key=lambda p: p.row)
        if report.keep is not None:
            del report.warnings[report.keep :]


# --- replacing and restoring the record -----------------------------------------------------------------


def _current_generation(provider: Provider) -> Generation | None:
    return Generation.objects.filter(provider=provider, current=True).first()


def current_generation(provider: Provider, *, create: bool = False) -> Generation | None:
    """The provider's record now (its current generation); with `create`, one begun empty when it has
    none (the first record entered on the web). The caller holds the provider's row lock."""
    found = _current_generation(provider)
    if found is None and create:
        found = Generation.objects.create(
            partnership_id=provider.partnership_id, provider=provider, current=True
        )
    return found


def lock_provider(provider_id: int) -> None:
    """The provider's row, locked for this transaction: its record's writers take turns (a replacement of
    the record, a key worker's step). A writer waits at most LOCK_TIMEOUT_MS on PostgreSQL (the database's
    busy timeout on SQLite), then fails with OperationalError, which pages answer with "the record is
    being updated; try again in a minute" (core.middleware.ServicePages)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL lock_timeout = {int(settings.LOCK_TIMEOUT_MS)}")
    Provider.objects.select_for_update().filter(pk=provider_id).first()


@transaction.atomic
def record_replace(*, submission: Submission, actor: Any, seen: Changes | None = None) -> Changes:
    """Make a staged submission the provider's record: its generation current, the one before superseded
    (kept TREATMENT_RESTORE_DAYS for a restore), in one short transaction under the provider's lock; one
    audit event. `seen` is the changes the caller counted (and a person confirmed): refused with
    RecordMoved when the record changed since. Without it they are counted here, under the lock (slow for
    a big record: callers pass them). Returns the changes made."""
    provider = submission.provider
    lock_provider(provider.pk)
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    if submission.state != Submission.State.STAGED:
        raise NotStaged(submission.get_state_display())
    generation = Generation.objects.get(submission=submission, removed_at__isnull=True)
    return _make_current(submission, generation, actor, seen, restoring=False)


@transaction.atomic
def submission_restore(*, submission: Submission, actor: Any, seen: Changes | None = None) -> Changes:
    """Make a superseded submission the provider's record again (within TREATMENT_RESTORE_DAYS of being
    replaced, while its rows are kept): the same one transaction as a replacement, audited."""
    provider = submission.provider
    lock_provider(provider.pk)
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    generation = restorable_generation(submission)
    if generation is None:
        raise NotStaged("this submission can no longer be restored")
    return _make_current(submission, generation, actor, seen, restoring=True)


def restorable_generation(submission: Submission) -> Generation | None:
    """The kept rows of a superseded submission, while it may be restored."""
    if submission.state != Submission.State.SUPERSEDED or submission.superseded_at is None:
        return None
    if submission.superseded_at < clock.now() - timedelta(days=settings.TREATMENT_RESTORE_DAYS):
        return None
    return Generation.objects.filter(submission=submission, current=False, removed_at__isnull=True).first()


def changes_if_made_current(submission: Submission) -> Changes | None:
    """What replacing the record with this (staged or restorable) submission would change now."""
    generation = Generation.objects.filter(submission=submission, removed_at__isnull=True).first()
    if generation is None or generation.current:
        return None
    return changes_between(generation, _current_generation(submission.provider))


def _make_current(
    submission: Submission, generation: Generation, actor: Any, seen: Changes | None, *, restoring: bool
) -> Changes:
    provider = submission.provider
    current = Generation.objects.select_for_update().filter(provider=provider, current=True).first()
    if seen is not None and not seen.still_against(current):
        raise RecordMoved
    changes = seen if seen is not None else changes_between(generation, current)
    now = clock.now()
    if current is not None:
        Generation.objects.filter(pk=current.pk).update(current=False, superseded_at=now)
        if current.submission_id is not None:
            Submission.objects.filter(pk=current.submission_id).update(
                state=Submission.State.SUPERSEDED, superseded_at=now
            )
    Generation.objects.filter(pk=generation.pk).update(current=True, superseded_at=None, changes=0)
    _set(submission, state=Submission.State.CURRENT, recorded_at=now, superseded_at=None)
    _event(submission, actor, restored=restoring, changes=changes)
    partnership_id = provider.partnership_id
    transaction.on_commit(lambda: record_changed.send(sender=Generation, partnership_id=partnership_id))
    return changes


@transaction.atomic
def submission_discard(*, submission: Submission, actor: Any) -> None:
    """A staged submission not wanted after all: it will never replace the record; its rows go."""
    lock_provider(submission.provider_id)
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    if submission.state != Submission.State.STAGED:
        raise NotStaged(submission.get_state_display())
    _set(submission, state=Submission.State.DISCARDED)
    record_event(
        kind=EVENT_KIND,
        actor=actor,
        partnership_slug=submission.partnership.slug,
        summary=f"decided not to use the submission of {submission.provider.code} to "
        f"{submission.period_end.isoformat()}; the record is unchanged",
        obj=submission,
    )


def record_changed_on_web(generation: Generation) -> None:
    """A key worker's change to the current record: the version the KPIs are keyed by moves on."""
    Generation.objects.filter(pk=generation.pk).update(changes=generation.changes + 1)
    partnership_id = generation.partnership_id
    transaction.on_commit(lambda: record_changed.send(sender=Generation, partnership_id=partnership_id))


# --- housekeeping ---------------------------------------------------------------------------------------


def generations_to_remove() -> QuerySet[Generation]:
    """Rows nobody needs any longer: superseded past their keeping, staged and never used, or left by a
    check that ended without staging (a rejected or failed file)."""
    now = clock.now()
    kept_from = now - timedelta(days=settings.TREATMENT_RESTORE_DAYS)
    staged_from = now - timedelta(days=settings.REJECTED_FILE_DAYS)
    unused = Generation.objects.filter(current=False, removed_at__isnull=True)
    superseded = unused.filter(superseded_at__lt=kept_from)
    abandoned = unused.filter(superseded_at__isnull=True).exclude(
        submission__state__in=[Submission.State.STAGED, Submission.State.CHECKING, Submission.State.QUEUED]
    )
    never_used = unused.filter(
        superseded_at__isnull=True, submission__state=Submission.State.STAGED, created_at__lt=staged_from
    )
    return (superseded | abandoned | never_used).distinct()


def remove_unneeded_generations() -> int:
    """Remove the rows of `generations_to_remove`, in chunks; a staged submission never used is marked so."""
    removed = 0
    for generation in list(generations_to_remove()):
        if generation.submission_id is not None:
            Submission.objects.filter(pk=generation.submission_id, state=Submission.State.STAGED).update(
                state=Submission.State.DISCARDED
            )
        removed += remove_generation_rows(generation)
    return removed


def submission_abandoned(submission: Submission) -> None:
    """The job checking it stopped half-way (its worker killed): what it staged goes, the record is as it
    was, and the submission says so."""
    if submission.state not in (Submission.State.QUEUED, Submission.State.CHECKING):
        return
    for generation in Generation.objects.filter(
        submission=submission, current=False, removed_at__isnull=True
    ):
        remove_generation_rows(generation)
    _set(submission, state=Submission.State.FAILED, outcome="")


# --- who, what, and the trail --------------------------------------------------------------------------


def _event(
    submission: Submission, actor: Any, *, restored: bool = False, changes: Changes | None = None
) -> None:
    user = actor if getattr(actor, "is_authenticated", False) else None
    record_event(
        kind=EVENT_KIND,
        actor=user,
        partnership_slug=submission.partnership.slug,
        summary=_summary(submission, submission.provider, restored=restored, changes=changes),
        obj=submission,
        # A job of the command line's, run by a worker: the person who ran the command, not the worker.
        actor_name="" if user else submission.submitted_by_name,
    )


def _who(
    partnership: Partnership,
    provider: Provider,
    period_end: date,
    file_name: str,
    actor: Any,
    channel: str,
) -> dict[str, Any]:
    """A Submission's who, when and which file."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    if user is not None:
        name = person_name(user) + (" (command line)" if channel == Submission.Channel.COMMAND_LINE else "")
    else:
        name = f"{operating_system_user()} (command line)"
    return {
        "partnership": partnership,
        "provider": provider,
        "submitted_by": user,
        "submitted_by_name": name,
        "submitted_at": clock.now(),
        "channel": channel,
        "period_end": period_end,
        "file_name": file_name[:255],
    }


def _outcome(checked: Checked) -> dict[str, Any]:
    """A Submission's file, outcome and kept report."""
    report = checked.report

    def kept(problems: list[RowProblem]) -> list[dict[str, Any]]:
        # PostgreSQL's JSON refuses NUL, which a header's unknown column name may hold.
        return [
            {k: v.replace("\x00", "\\x00") if isinstance(v, str) else v for k, v in p.as_dict().items()}
            for p in problems
        ]

    def counts(kind: str) -> dict[str, int]:
        return {key.replace("\x00", "\\x00"): n for key, n in report.counts_of(kind).items()}

    return {
        "file_size": checked.size,
        "file_sha256": checked.sha256,
        "rows": report.rows,
        "outcome": Submission.Outcome.ACCEPTED if report.accepted else Submission.Outcome.REJECTED,
        "error_count": report.error_count,
        "warning_count": report.warning_count,
        "error_counts": counts("error"),
        "warning_counts": counts("warning"),
        "clients": checked.clients if report.accepted else 0,
        "episodes": checked.episodes if report.accepted else 0,
        "modalities": checked.modalities if report.accepted else 0,
        "report": {
            "errors": kept(report.errors),
            "warnings": kept(report.warnings),
            "truncated": report.truncated,
        },
    }


def _summary(
    submission: Submission, provider: Provider, *, restored: bool = False, changes: Changes | None = None
) -> str:
    """Counts only: never a value of a row."""
    rows = f"{submission.rows:,} row{'s' if submission.rows != 1 else ''}"
    what = f"the treatment record of {provider.name} ({provider.code}) to {submission.period_end.isoformat()}"
    if not submission.accepted:
        return (
            f"submitted {what}: {rows} rejected ({submission.error_count:,} errors, "
            f"{submission.warning_count:,} warnings); nothing changed"
        )
    done = "restored" if restored else "submitted"
    moved = ""
    if changes is not None and changes.against is not None:
        moved = (
            f"; episodes {changes.added:,} added, {changes.changed:,} changed, {changes.removed:,} removed"
            + (f" ({changes.web_lost:,} of them entered or edited on the web)" if changes.web_lost else "")
        )
    return (
        f"{done} {what}: {rows} accepted ({submission.clients:,} clients, "
        f"{submission.episodes:,} episodes, {submission.modalities:,} modalities; "
        f"{submission.warning_count:,} warnings){moved}"
    )
