"""A provider's current record in the submission format (treatment-data.md): what its data officer
downloads (page, API) or `concordat treatment export` writes. Importing the file gives the same record.

Rows come in a stable order — by client_ref, episode_ref, then each episode's modalities by referral date,
code, start and end (an episode with none: one row, its modality columns empty) — so two exports of one
record are the same bytes. Every record in the file is a read of that record: one access-log entry each
(channel "export"), and one audit event for the file, with counts only.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date
from typing import Any

from django.db import connection

from concordat.core.audit import record_event
from concordat.core.models import Kind
from concordat.partnerships.models import Provider

from .access import record_reads
from .handles import handles_of
from .models import Client, Episode, EpisodeModality, Generation
from .rules.columns import COLUMNS
from .sharing import AccessEntry, ClientHandle

_BATCH = 5000


def _day(value: Any) -> str:
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, date) else str(value)


def record_rows(provider: Provider) -> Iterator[list[str]]:
    """The provider's current record as the file's rows (values in COLUMNS' order), in the stable order."""
    generation = Generation.objects.filter(provider=provider, current=True).first()
    if generation is None:
        return
    q = connection.ops.quote_name
    c, e, m = (q(model._meta.db_table) for model in (Client, Episode, EpisodeModality))
    sql = (
        f"SELECT c.client_ref, c.initials, c.date_of_birth, c.sex, c.la_of_residence, e.episode_ref,"
        f" e.referral_date, e.referral_source, e.primary_substance, e.triage_date, m.modality,"
        f" m.referral_date, m.start_date, m.end_date, e.discharge_date, e.discharge_reason"
        f" FROM {e} e JOIN {c} c ON c.id = e.client_id"
        f" LEFT JOIN {m} m ON m.episode_id = e.id"
        f" WHERE e.generation_id = %s"
        f" ORDER BY c.client_ref, e.episode_ref, m.referral_date, m.modality, m.start_date, m.end_date, m.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [generation.pk])
        while batch := cursor.fetchmany(_BATCH):
            for values in batch:
                yield [_day(v) if v is not None else "" for v in values]


def record_csv(provider: Provider) -> Iterator[str]:
    """The file, a piece at a time: the header, then the rows (RFC 4180, CRLF line ends)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for n, row in enumerate(record_rows(provider), start=1):
        writer.writerow(row)
        if not n % _BATCH:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()


def record_export_logged(*, provider: Provider, user: Any, reader: str | None = None) -> int:
    """Log the export of the provider's whole record: one access entry per record in it, one audit event.
    Returns how many records."""
    refs = list(
        Client.objects.filter(provider=provider).order_by("client_ref").values_list("client_ref", flat=True)
    )
    partnership = provider.partnership
    for start in range(0, len(refs), _BATCH):
        named = handles_of(partnership, [(provider.pk, ref) for ref in refs[start : start + _BATCH]])
        handles = ClientHandle.objects.filter(partnership=partnership, handle__in=list(named.values()))
        record_reads(
            partnership=partnership,
            records=handles,
            user=user,
            reader=reader,
            channel=AccessEntry.Channel.EXPORT,
            what="the provider's record, exported",
        )
    record_event(
        kind=Kind.FILE_EXPORTED,
        actor=user,
        partnership_slug=partnership.slug,
        summary=f"exported the treatment record of {provider.name} ({provider.code}): {len(refs):,} clients",
        obj=provider,
        actor_name="" if getattr(user, "is_authenticated", False) else (reader or ""),
    )
    return len(refs)
