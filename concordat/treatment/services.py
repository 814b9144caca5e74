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
from .checking import NULL, Checked, Fixed, Spool
from .keys import secret_for
from .loading import claim_ids, delete_provider_rows, first_id
from .models import Client, Episode, Submission
from .pipeline import check_and_load
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
    as a stream, inside one transaction under a lock on the provider's row (two submissions of one provider
    are written one after the other): the provider's earlier rows are deleted, and the file's rows are
    written as they are checked (pipeline.py: a large file in a child process meanwhile), all rolled back
    at the end when the file has an error.
    """
    assert provider.partnership_id == partnership.pk
    context = context_for(partnership, period_end)
    secret = secret_for(partnership)
    spool = Spool()
    try:
        try:
            with transaction.atomic():
                Provider.objects.select_for_update().filter(pk=provider.pk).first()
                submission = Submission.objects.create(
                    **_who(partnership, provider, period_end, file_name, actor, channel),
                    outcome=Submission.Outcome.ACCEPTED,  # completed below, or rolled back
                )
                fixed = Fixed(
                    partnership=partnership.pk,
                    provider=provider.pk,
                    submission=submission.pk,
                    client_base=first_id(Client),
                    episode_base=first_id(Episode),
                )
                checked = check_and_load(
                    file,
                    context=context,
                    secret=secret,
                    fixed=fixed,
                    spool=spool,
                    before_writing=lambda: delete_provider_rows(
                        partnership_id=partnership.pk, provider_id=provider.pk
                    ),
                    progress=progress,
                )
                if not checked.report.accepted:
                    raise _Rejected(checked)
                claim_ids(Client, fixed.client_base, checked.clients)
                claim_ids(Episode, fixed.episode_base, checked.episodes)
                _warn_open_elsewhere(checked, spool, partnership, provider)
                for name, value in _outcome(checked).items():
                    setattr(submission, name, value)
                submission.save()
                _event(submission, provider, actor)
        except _Rejected as rejected:
            # Everything above is undone; the rejected file is recorded on its own.
            checked = rejected.checked
            with transaction.atomic():
                submission = Submission.objects.create(
                    **_who(partnership, provider, period_end, file_name, actor, channel), **_outcome(checked)
                )
                _event(submission, provider, actor)
    finally:
        spool.close()
    return ImportOutcome(report=checked.report, submission=submission)


class _Rejected(Exception):
    """The file has errors: the transaction that wrote its first rows rolls back."""

    def __init__(self, checked: Checked) -> None:
        super().__init__("rejected")
        self.checked = checked


def _event(submission: Submission, provider: Provider, actor: Any) -> None:
    record_event(
        kind=EVENT_KIND,
        actor=actor,
        partnership_slug=submission.partnership.slug,
        summary=_summary(submission, provider),
        obj=submission,
    )


def _warn_open_elsewhere(
    checked: Checked, spool: Spool, partnership: Partnership, provider: Provider
) -> None:
    """The same person open at another provider at the same time: the file's episodes (from the spool,
    each with its file row beside it) against the database's, a few hundred client keys a query; none
    when no other provider has an episode (one indexed look-up per provider)."""
    others = (
        Provider.objects.filter(partnership=partnership).exclude(pk=provider.pk).values_list("pk", flat=True)
    )
    if not any(Episode.objects.filter(partnership=partnership, provider_id=pk).exists() for pk in others):
        return
    with spool.reader("episodes") as episodes, spool.reader("episode_rows") as file_rows:
        while batch := list(islice(episodes, _KEYS_PER_QUERY)):
            rows = [line.split("\t") for line in batch]
            numbers = [int(n) for n in islice(file_rows, len(batch))]
            elsewhere = selectors.episodes_elsewhere(
                partnership_id=partnership.pk, provider_id=provider.pk, keys={r[6] for r in rows}
            )
            if not elsewhere:
                continue
            for number, r in zip(numbers, rows, strict=True):
                if r[6] in elsewhere:
                    end = None if r[13] == NULL else date.fromisoformat(r[13])
                    check_open_elsewhere(
                        number, date.fromisoformat(r[9]), end, elsewhere[r[6]], checked.report
                    )
    # Warnings are in the file's order: these came after the single pass's.
    checked.report.warnings.sort(key=lambda p: p.row)


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
            for p in problems[:KEPT_PROBLEMS]
        ]

    return {
        "file_size": checked.size,
        "file_sha256": checked.sha256,
        "rows": report.rows,
        "outcome": Submission.Outcome.ACCEPTED if report.accepted else Submission.Outcome.REJECTED,
        "error_count": len(report.errors),
        "warning_count": len(report.warnings),
        "clients": checked.clients if report.accepted else 0,
        "episodes": checked.episodes if report.accepted else 0,
        "modalities": checked.modalities if report.accepted else 0,
        "report": {
            "errors": kept(report.errors),
            "warnings": kept(report.warnings),
            "truncated": max(len(report.errors), len(report.warnings)) > KEPT_PROBLEMS,
        },
    }


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
