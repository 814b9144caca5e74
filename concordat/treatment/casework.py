"""Key workers record their own clients through the pages: a referral through the single point of entry,
triage, a referral to a modality, its start and end, and the discharge. One service per step, each
keyword-only and one transaction.

The same rules as the submission file (rules/): a step builds the episode's rows as the file would have
them after the change and checks each with parse_row, check_dates and the cross-row Consistency, so a
record entered on a page is one that an import would accept, and every problem is a RowProblem whose column
names the form's field.

How pages and files coexist (treatment-data.md: an accepted submission replaces all earlier data of its
provider): a record entered on a page is part of the provider's record until the provider's next accepted
submission, which replaces it as it replaces everything else. A provider that submits files keeps its own
system as the record and enters there; the pages are for providers without one. Handles, consents and the
access log are kept by (provider, client_ref), so they outlive a replacement.

A form carries a one-time token: the step claims it (sharing.WebEntry) in its transaction, so a second
submission of the same form (a double click, Back and Save again) finds it taken and adds nothing; a step
that no longer applies (a start already recorded, an episode discharged since) is refused as a problem.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction

from concordat.core import clock
from concordat.core.audit import record_event
from concordat.core.csvfile import RowProblem, RowReport
from concordat.core.models import Kind
from concordat.partnerships.models import Partnership, Provider

from .handles import handle_for
from .keys import client_key, secret_for
from .models import Client, Episode, EpisodeModality, Generation
from .rules.columns import COLUMNS
from .rules.consistency import Consistency
from .rules.dates import age_on, check_dates
from .rules.fields import parse_row
from .services import context_for, current_generation, lock_provider, record_changed_on_web
from .sharing import ClientHandle, WebEntry

EVENT_KIND = Kind.TREATMENT_CASEWORK
TOKEN = re.compile(r"[A-Za-z0-9_-]{16,32}")


class AlreadySaved(Exception):
    """The form's one-time token was used: this submission adds nothing."""


@dataclass
class StepOutcome:
    report: RowReport = field(default_factory=RowReport)
    record: ClientHandle | None = None

    @property
    def saved(self) -> bool:
        return not self.report.errors


class _Refused(Exception):
    def __init__(self, report: RowReport) -> None:
        self.report = report


def _rows_of(client: Client, episode: Episode) -> list[dict[str, str]]:
    """The episode as the submission file's rows: one per modality, or one with the modality empty."""

    def day(value: date | None) -> str:
        return value.isoformat() if value else ""

    base = {
        "client_ref": client.client_ref,
        "initials": client.initials,
        "date_of_birth": day(client.date_of_birth),
        "sex": client.sex,
        "la_of_residence": client.la_of_residence,
        "episode_ref": episode.episode_ref,
        "referral_date": day(episode.referral_date),
        "referral_source": episode.referral_source,
        "primary_substance": episode.primary_substance,
        "triage_date": day(episode.triage_date),
        "discharge_date": day(episode.discharge_date),
        "discharge_reason": episode.discharge_reason,
    }
    empty = {"modality": "", "modality_referral_date": "", "modality_start_date": "", "modality_end_date": ""}
    modalities = list(episode.modalities.order_by("referral_date", "id"))
    if not modalities:
        return [{**base, **empty}]
    return [
        {
            **base,
            "modality": m.modality,
            "modality_referral_date": day(m.referral_date),
            "modality_start_date": day(m.start_date),
            "modality_end_date": day(m.end_date),
        }
        for m in modalities
    ]


def check_rows(rows: list[dict[str, str]], partnership: Partnership) -> RowReport:
    """Every rule of the submission file over an episode's rows (no date after today)."""
    context = context_for(partnership, clock.today())
    report = RowReport()
    consistency = Consistency()
    for number, values in enumerate(rows, start=2):
        values = {column: values.get(column, "") for column in COLUMNS}
        parsed, ok = parse_row(number, values, context, report)
        check_dates(number, parsed, context, report)
        if ok:
            consistency.see(number, parsed, values, report)
    report.rows = len(rows)
    # One problem per column is enough on a form (the same date can break a rule on every row).
    seen: set[tuple[str, str]] = set()
    kept: list[RowProblem] = []
    for problem in report.errors:
        if (problem.column, problem.code) not in seen:
            seen.add((problem.column, problem.code))
            kept.append(problem)
    report.errors = kept
    return report


def _claim(partnership: Partnership, token: str, kind: str, handle: str) -> None:
    if not TOKEN.fullmatch(token or ""):
        raise AlreadySaved  # a form without its token is not one this service gave out
    try:
        with transaction.atomic():
            WebEntry.objects.create(partnership=partnership, token=token, kind=kind, handle=handle)
    except IntegrityError:
        raise AlreadySaved from None


def _refuse(column: str, code: str, message: str) -> _Refused:
    report = RowReport()
    report.error(2, column, code, message)
    return _Refused(report)


def _write_episode(
    client: Client, episode: Episode, rows: list[dict[str, str]], partnership: Partnership
) -> None:
    """Write the checked rows: the episode's own values and its modalities (replaced as a whole)."""

    def day(text: str) -> date | None:
        return date.fromisoformat(text) if text else None

    first = rows[0]
    episode.triage_date = day(first["triage_date"])
    episode.discharge_date = day(first["discharge_date"])
    episode.discharge_reason = first["discharge_reason"]
    # A submitted episode changed here: a file that would undo it says so before it replaces the record.
    episode.changed_on_web = episode.submission_id is not None
    episode.save(update_fields=["triage_date", "discharge_date", "discharge_reason", "changed_on_web"])
    episode.modalities.all().delete()
    EpisodeModality.objects.bulk_create(
        [
            EpisodeModality(
                partnership=partnership,
                provider_id=episode.provider_id,
                generation_id=episode.generation_id,
                episode=episode,
                modality=row["modality"],
                referral_date=day(row["modality_referral_date"]),  # type: ignore[misc]
                start_date=day(row["modality_start_date"]),
                end_date=day(row["modality_end_date"]),
            )
            for row in rows
            if row["modality"]
        ]
    )


def _step(
    *,
    partnership: Partnership,
    record: ClientHandle,
    episode_ref: str,
    token: str,
    actor: Any,
    kind: str,
    change: Callable[[list[dict[str, str]]], list[dict[str, str]]],
    summary: str,
) -> StepOutcome:
    """Claim the token, read the episode under the provider's lock, change its rows, check them with the
    file's rules and write them; or change nothing and return the problems."""
    try:
        with transaction.atomic():
            lock_provider(record.provider_id)
            _claim(partnership, token, kind, record.handle)
            episode = (
                Episode.objects.of_provider(record.provider_id)
                .select_related("client")
                .filter(
                    partnership=partnership, client__client_ref=record.client_ref, episode_ref=episode_ref
                )
                .first()
            )
            if episode is None:
                raise _refuse("episode_ref", "no-such-episode", "Choose one of the client's episodes")
            rows = change(_rows_of(episode.client, episode))
            report = check_rows(rows, partnership)
            if report.errors:
                raise _Refused(report)
            _write_episode(episode.client, episode, rows, partnership)
            record_changed_on_web(Generation.objects.get(pk=episode.generation_id))
            record_event(
                kind=EVENT_KIND,
                actor=actor,
                partnership_slug=partnership.slug,
                summary=f"{summary} for the client record {record.handle}",
                obj=record,
            )
    except _Refused as refused:
        return StepOutcome(report=refused.report, record=record)
    return StepOutcome(record=record)


def episode_refer(
    *,
    partnership: Partnership,
    provider: Provider,
    token: str,
    actor: Any,
    client_ref: str,
    initials: str,
    date_of_birth: date,
    sex: str,
    la_of_residence: str,
    episode_ref: str,
    referral_date: date,
    referral_source: str,
    primary_substance: str,
) -> StepOutcome:
    """A referral through the single point of entry: a new episode, of a new client or one the provider
    already has (whose recorded values must then match, as in a file). Checked by the file's rules against
    the client's other episodes; saved once whatever how often the form is sent."""
    assert provider.partnership_id == partnership.pk
    new_row = {
        "client_ref": client_ref,
        "initials": initials,
        "date_of_birth": date_of_birth.isoformat(),
        "sex": sex,
        "la_of_residence": la_of_residence,
        "episode_ref": episode_ref,
        "referral_date": referral_date.isoformat(),
        "referral_source": referral_source,
        "primary_substance": primary_substance,
        "triage_date": "",
        "modality": "",
        "modality_referral_date": "",
        "modality_start_date": "",
        "modality_end_date": "",
        "discharge_date": "",
        "discharge_reason": "",
    }
    try:
        with transaction.atomic():
            lock_provider(provider.pk)
            _claim(partnership, token, "referral", "")
            if Episode.objects.of_provider(provider.pk).filter(episode_ref=episode_ref).exists():
                raise _refuse(
                    "episode_ref", "episode-exists", "This provider already has an episode with this id"
                )
            client = Client.objects.of_provider(provider.pk).filter(client_ref=client_ref).first()
            rows = [new_row]
            if client is not None:
                # The client's other episodes: the same person on every row (consistency.py).
                for other in client.episodes.all():
                    rows.extend(_rows_of(client, other))
            report = check_rows(rows, partnership)
            if report.errors:
                raise _Refused(report)
            initials = initials.upper()
            generation = current_generation(provider, create=True)
            assert generation is not None
            if client is None:
                client = Client.objects.create(
                    partnership=partnership,
                    provider=provider,
                    generation=generation,
                    client_ref=client_ref,
                    client_key=client_key(
                        secret_for(partnership), initials, date_of_birth.isoformat(), sex, la_of_residence
                    ),
                    initials=initials,
                    date_of_birth=date_of_birth,
                    sex=sex,
                    la_of_residence=la_of_residence,
                )
            Episode.objects.create(
                partnership=partnership,
                provider=provider,
                generation=generation,
                client=client,
                episode_ref=episode_ref,
                client_key=client.client_key,
                sex=client.sex,
                age_at_referral=age_on(client.date_of_birth, referral_date),
                referral_date=referral_date,
                referral_source=referral_source,
                primary_substance=primary_substance,
            )
            record_changed_on_web(generation)
            record = handle_for(partnership, provider.pk, client_ref)
            WebEntry.objects.filter(token=token).update(handle=record.handle)
            record_event(
                kind=EVENT_KIND,
                actor=actor,
                partnership_slug=partnership.slug,
                summary=f"recorded a referral to {provider.name} ({provider.code}) for the client record "
                f"{record.handle}",
                obj=record,
            )
    except _Refused as refused:
        return StepOutcome(report=refused.report)
    return StepOutcome(record=record)


def episode_triage(
    *,
    partnership: Partnership,
    record: ClientHandle,
    token: str,
    actor: Any,
    episode_ref: str,
    triage_date: date,
) -> StepOutcome:
    """The episode's triage date (refused when it already has one: that is a correction, not a step)."""

    def change(rows: list[dict[str, str]]) -> list[dict[str, str]]:
        if rows[0]["triage_date"]:
            raise _refuse("triage_date", "already-triaged", "This episode's triage is already recorded")
        return [{**row, "triage_date": triage_date.isoformat()} for row in rows]

    return _step(
        partnership=partnership,
        record=record,
        episode_ref=episode_ref,
        token=token,
        actor=actor,
        kind="triage",
        change=change,
        summary="recorded a triage",
    )


def _open(rows: list[dict[str, str]]) -> None:
    if rows[0]["discharge_date"]:
        raise _refuse("episode_ref", "discharged", "This episode is discharged: nothing more can be added")


def modality_refer(
    *,
    partnership: Partnership,
    record: ClientHandle,
    token: str,
    actor: Any,
    episode_ref: str,
    modality: str,
    referral_date: date,
) -> StepOutcome:
    """A referral to a modality within an open episode; the client then waits for it."""

    def change(rows: list[dict[str, str]]) -> list[dict[str, str]]:
        _open(rows)
        added = {
            **rows[0],
            "modality": modality,
            "modality_referral_date": referral_date.isoformat(),
            "modality_start_date": "",
            "modality_end_date": "",
        }
        return [row for row in rows if row["modality"]] + [added]

    return _step(
        partnership=partnership,
        record=record,
        episode_ref=episode_ref,
        token=token,
        actor=actor,
        kind="modality-referral",
        change=change,
        summary=f"recorded a referral to {modality}",
    )


def modality_key(row: dict[str, str]) -> str:
    """How a form names one modality of an episode: its code and referral date (no id: ids change)."""
    return f"{row['modality']}:{row['modality_referral_date']}"


def _dated(
    column: str, needs: str, *, episode_ref: str, which: str, day: date, kind: str, label: str, **common: Any
) -> StepOutcome:
    def change(rows: list[dict[str, str]]) -> list[dict[str, str]]:
        _open(rows)
        for row in rows:
            if row["modality"] and modality_key(row) == which:
                if row[column]:
                    raise _refuse(column, "already-recorded", f"This modality's {label} is already recorded")
                if needs and not row[needs]:
                    raise _refuse(column, "end-without-start", "Record the modality's start first")
                row[column] = day.isoformat()
                return rows
        raise _refuse("modality", "no-such-modality", "Choose one of the episode's modalities")

    return _step(episode_ref=episode_ref, kind=kind, change=change, summary=f"recorded a {label}", **common)


def modality_start(
    *,
    partnership: Partnership,
    record: ClientHandle,
    token: str,
    actor: Any,
    episode_ref: str,
    which: str,
    start_date: date,
) -> StepOutcome:
    """The start of a modality the client waits for (`which`: modality_key)."""
    return _dated(
        "modality_start_date",
        "",
        episode_ref=episode_ref,
        which=which,
        day=start_date,
        kind="modality-start",
        label="start",
        partnership=partnership,
        record=record,
        token=token,
        actor=actor,
    )


def modality_end(
    *,
    partnership: Partnership,
    record: ClientHandle,
    token: str,
    actor: Any,
    episode_ref: str,
    which: str,
    end_date: date,
) -> StepOutcome:
    """The end of a started modality."""
    return _dated(
        "modality_end_date",
        "modality_start_date",
        episode_ref=episode_ref,
        which=which,
        day=end_date,
        kind="modality-end",
        label="end",
        partnership=partnership,
        record=record,
        token=token,
        actor=actor,
    )


def episode_discharge(
    *,
    partnership: Partnership,
    record: ClientHandle,
    token: str,
    actor: Any,
    episode_ref: str,
    discharge_date: date,
    discharge_reason: str,
) -> StepOutcome:
    """The episode's discharge, with its reason: not before any date of the episode (the file's rule)."""

    def change(rows: list[dict[str, str]]) -> list[dict[str, str]]:
        _open(rows)
        return [
            {**row, "discharge_date": discharge_date.isoformat(), "discharge_reason": discharge_reason}
            for row in rows
        ]

    return _step(
        partnership=partnership,
        record=record,
        episode_ref=episode_ref,
        token=token,
        actor=actor,
        kind="discharge",
        change=change,
        summary=f"recorded a discharge ({discharge_reason})",
    )
