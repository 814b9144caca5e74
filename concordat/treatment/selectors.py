"""Reading the treatment record: what the import's warnings, the pages and (next) the KPI engine need.
Nothing here reads an identifying column unless its name says so."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from django.db import connection
from django.db.models import QuerySet

from concordat.partnerships.models import Partnership, Provider

from .models import Episode, EpisodeModality, Submission


def episodes_elsewhere(
    *, partnership_id: int, provider_id: int, keys: Iterable[str]
) -> dict[str, list[tuple[str, date, date | None]]]:
    """For each client key, its episodes at the partnership's other providers: (provider code, referral
    date, discharge date). One indexed query ((partnership, client_key)) for the keys given."""
    found: dict[str, list[tuple[str, date, date | None]]] = defaultdict(list)
    rows = (
        Episode.objects.filter(partnership_id=partnership_id, client_key__in=list(keys))
        .exclude(provider_id=provider_id)
        .values_list("client_key", "provider__code", "referral_date", "discharge_date")
    )
    for key, code, start, end in rows:
        found[key].append((code, start, end))
    return found


def submissions(partnership: Partnership, provider_ids: Iterable[int] | None = None) -> QuerySet[Submission]:
    """A partnership's submissions, newest first, with their providers; only those of `provider_ids` when
    given. The report (which can be long) is not read."""
    rows = Submission.objects.filter(partnership=partnership).select_related("provider").defer("report")
    if provider_ids is not None:
        rows = rows.filter(provider_id__in=list(provider_ids))
    return rows.order_by("-submitted_at", "-id")


def latest_period_end(partnership: Partnership) -> date | None:
    """The latest period end of an accepted submission: the date the partnership's data is complete to."""
    row = (
        Submission.objects.filter(partnership=partnership, outcome=Submission.Outcome.ACCEPTED)
        .order_by("-period_end")
        .values_list("period_end", flat=True)
        .first()
    )
    return row


def record_version(partnership_id: int) -> str:
    """Which state of the partnership's record the data reflects: changes whenever an accepted submission
    or a key worker's web change alters it, and only then. The KPI engine keys its cached results by it."""
    latest = (
        Submission.objects.filter(partnership_id=partnership_id, outcome=Submission.Outcome.ACCEPTED)
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
    )
    from .sharing import WebEntry

    web = WebEntry.objects.filter(partnership_id=partnership_id).count()
    return f"s{latest or 0}-w{web}"


EXTRACT_COLUMNS = (
    "episode_id",
    "provider_id",
    "client_key",
    "sex",
    "age_at_referral",
    "referral_date",
    "referral_source",
    "primary_substance",
    "triage_date",
    "discharge_date",
    "discharge_reason",
    "modality",
    "modality_referral_date",
    "modality_start_date",
    "modality_end_date",
)


def partnership_extract(partnership_id: int, *, batch: int = 50_000) -> Iterator[tuple[Any, ...]]:
    """Every episode of a partnership with each of its modalities (an episode with none: once, modality
    columns None), pseudonymous only (EXTRACT_COLUMNS): one query, by the (partnership, ...) indexes, read
    in batches. For the KPI engine."""
    e, m = Episode._meta.db_table, EpisodeModality._meta.db_table
    sql = (
        f"SELECT e.id, e.provider_id, e.client_key, e.sex, e.age_at_referral, e.referral_date, "
        f"e.referral_source, e.primary_substance, e.triage_date, e.discharge_date, e.discharge_reason, "
        f"m.modality, m.referral_date, m.start_date, m.end_date "
        f"FROM {e} e LEFT JOIN {m} m ON m.episode_id = e.id AND m.partnership_id = e.partnership_id "
        f"WHERE e.partnership_id = %s ORDER BY e.id, m.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [partnership_id])
        while rows := cursor.fetchmany(batch):
            yield from rows


def provider_named(partnership: Partnership, code: str) -> Provider | None:
    return Provider.objects.filter(partnership=partnership, code=code).first()
