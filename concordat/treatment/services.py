"""Writing the treatment record. Every way in — the command line, the web upload, the API — calls
`submission_import`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from itertools import islice
from typing import IO, Any

from django.db import transaction

from concordat.core import clock
from concordat.core.audit import operating_system_user, person_name, record_event
from concordat.core.csvfile import RowProblem, RowReport
from concordat.partnerships.models import Partnership, Provider
from concordat.partnerships.rules.vocabulary import BUILT_IN_MODALITIES

from . import selectors
from .audit import EVENT_KIND
from .checking import Checked, check_file
from .keys import secret_for
from .loading import delete_provider_rows, load_spool
from .models import Episode, Submission
from .rules.fields import Context
from .rules.warnings import check_open_elsewhere

# A report kept with the submission for its pages: the first this many errors and warnings (the counts
# are complete; the command line and the API's answer list every one).
KEPT_PROBLEMS = 5_000
_KEYS_PER_QUERY = 500


@dataclass
class ImportOutcome:
    report: RowReport
    submission: Submission


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


def submission_import(
    *,
    partnership: Partnership,
    provider: Provider,
    file: IO[bytes],
    period_end: date,
    file_name: str,
    actor: Any,
    channel: str,
    progress: Callable[[int], None] | None = None,
) -> ImportOutcome:
    """Check a submission file and, when it has no error, make it the provider's whole record.

    Guarantees: every error and warning is reported (row, column, code, message); on any error nothing of
    the record changes; an accepted file replaces every client, episode and modality row of the provider
    (the same file twice leaves the same content; ids are new each time); the submission is recorded either
    way (who, when, rows, outcome, the report); one audit event with counts only. The file is read once,
    as a stream, before the write transaction starts; the write is one transaction under a lock on the
    provider's row, so two submissions of one provider are written one after the other.
    """
    assert provider.partnership_id == partnership.pk
    checked = check_file(
        file, context=context_for(partnership, period_end), secret=secret_for(partnership), progress=progress
    )
    report = checked.report
    try:
        if report.accepted:
            _warn_open_elsewhere(checked, partnership, provider)
        with transaction.atomic():
            Provider.objects.select_for_update().filter(pk=provider.pk).first()
            submission = _record(checked, partnership, provider, period_end, file_name, actor, channel)
            if report.accepted:
                assert checked.spool is not None
                delete_provider_rows(partnership_id=partnership.pk, provider_id=provider.pk)
                checked.spool.episodes.seek(0)
                load_spool(
                    spool=checked.spool,
                    partnership_id=partnership.pk,
                    provider_id=provider.pk,
                    submission_id=submission.pk,
                    clients=checked.clients,
                    episodes=checked.episodes,
                )
            record_event(
                kind=EVENT_KIND,
                actor=actor,
                partnership_slug=partnership.slug,
                summary=_summary(submission, provider),
                obj=submission,
            )
    finally:
        if checked.spool is not None:
            checked.spool.close()
    return ImportOutcome(report=report, submission=submission)


def _warn_open_elsewhere(checked: Checked, partnership: Partnership, provider: Provider) -> None:
    """The same person open at another provider at the same time: the file's episodes (from the spool)
    against the database's, a few hundred client keys a query; none when no other provider has an
    episode (one indexed look-up per provider)."""
    assert checked.spool is not None
    others = (
        Provider.objects.filter(partnership=partnership).exclude(pk=provider.pk).values_list("pk", flat=True)
    )
    if not any(Episode.objects.filter(partnership=partnership, provider_id=pk).exists() for pk in others):
        return
    episodes = checked.spool.episodes
    episodes.seek(0)
    while batch := list(islice(episodes, _KEYS_PER_QUERY)):
        rows = [line.split("\t") for line in batch]
        elsewhere = selectors.episodes_elsewhere(
            partnership_id=partnership.pk, provider_id=provider.pk, keys={r[4] for r in rows}
        )
        if not elsewhere:
            continue
        for r in rows:
            if r[4] in elsewhere:
                end = None if r[11] == "\\N" else date.fromisoformat(r[11])
                check_open_elsewhere(
                    int(r[1]), date.fromisoformat(r[7]), end, elsewhere[r[4]], checked.report
                )
    episodes.seek(0)
    # Warnings are in the file's order: these came after the single pass's.
    checked.report.warnings.sort(key=lambda p: p.row)


def _record(
    checked: Checked,
    partnership: Partnership,
    provider: Provider,
    period_end: date,
    file_name: str,
    actor: Any,
    channel: str,
) -> Submission:
    report = checked.report
    user = actor if getattr(actor, "is_authenticated", False) else None
    if user is not None:
        name = person_name(user) + (" (command line)" if channel == Submission.Channel.COMMAND_LINE else "")
    else:
        name = f"{operating_system_user()} (command line)"

    def kept(problems: list[RowProblem]) -> list[dict[str, Any]]:
        # PostgreSQL's JSON refuses NUL, which a header's unknown column name may hold.
        return [
            {k: v.replace("\x00", "\\x00") if isinstance(v, str) else v for k, v in p.as_dict().items()}
            for p in problems[:KEPT_PROBLEMS]
        ]

    return Submission.objects.create(
        partnership=partnership,
        provider=provider,
        submitted_by=user,
        submitted_by_name=name,
        submitted_at=clock.now(),
        channel=channel,
        period_end=period_end,
        file_name=file_name[:255],
        file_size=checked.size,
        file_sha256=checked.sha256,
        rows=report.rows,
        outcome=Submission.Outcome.ACCEPTED if report.accepted else Submission.Outcome.REJECTED,
        error_count=len(report.errors),
        warning_count=len(report.warnings),
        clients=checked.clients if report.accepted else 0,
        episodes=checked.episodes if report.accepted else 0,
        modalities=checked.modalities if report.accepted else 0,
        report={
            "errors": kept(report.errors),
            "warnings": kept(report.warnings),
            "truncated": max(len(report.errors), len(report.warnings)) > KEPT_PROBLEMS,
        },
    )


def _summary(submission: Submission, provider: Provider) -> str:
    """Counts only: never a value of a row."""
    rows = f"{submission.rows:,} row{'s' if submission.rows != 1 else ''}"
    if submission.accepted:
        return (
            f"submitted the treatment record of {provider.name} ({provider.code}) to "
            f"{submission.period_end.isoformat()}: {rows} accepted ({submission.clients:,} clients, "
            f"{submission.episodes:,} episodes, {submission.modalities:,} modalities; "
            f"{submission.warning_count:,} warnings)"
        )
    return (
        f"submitted the treatment record of {provider.name} ({provider.code}) to "
        f"{submission.period_end.isoformat()}: {rows} rejected ({submission.error_count:,} errors, "
        f"{submission.warning_count:,} warnings); nothing changed"
    )
