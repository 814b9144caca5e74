"""The access log: every read of a client record, on every path, writes one AccessEntry (sharing.py).

Written in the reader's request, outside any write transaction of theirs, and never with a value that
identifies the person: the record is named by its handle. Retention: `concordat treatment
prune-access-log --older-than DAYS` removes older entries (the setting TREATMENT_ACCESS_LOG_DAYS, default
2557 days — seven years — is what the command removes beyond when no --older-than is given).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import QuerySet

from concordat.core import clock
from concordat.core.audit import person_name
from concordat.partnerships.models import Partnership

from .sharing import AccessEntry, ClientHandle


def retention_days() -> int:
    return int(settings.TREATMENT_ACCESS_LOG_DAYS)


def reader_name(user: Any) -> str:
    return person_name(user) if getattr(user, "is_authenticated", False) else str(user)


def record_reads(
    *,
    partnership: Partnership,
    records: Iterable[ClientHandle],
    user: Any,
    channel: str,
    what: str,
    reason: str = "",
    reader: str | None = None,
) -> int:
    """One access entry per record read (one INSERT for them all). `user` is the signed-in person, or
    None with `reader` naming the API token. Returns how many were written."""
    at = clock.now()
    person = user if getattr(user, "is_authenticated", False) else None
    name = reader or reader_name(user)
    entries = [
        AccessEntry(
            partnership=partnership,
            user=person,
            user_name=name[:300],
            at=at,
            handle=record.handle,
            provider_id=record.provider_id,
            channel=channel,
            what=what[:100],
            reason=reason[:200],
        )
        for record in records
    ]
    AccessEntry.objects.bulk_create(entries, batch_size=1000)
    return len(entries)


def entries(
    partnership: Partnership,
    *,
    user_id: int | None = None,
    handle: str = "",
    since: date | None = None,
    until: date | None = None,
) -> QuerySet[AccessEntry]:
    """The partnership's access log, newest first, filtered by person, record and days (both included)."""
    rows = AccessEntry.objects.filter(partnership=partnership).select_related("provider")
    if user_id is not None:
        rows = rows.filter(user_id=user_id)
    if handle:
        rows = rows.filter(handle=handle)
    if since is not None:
        rows = rows.filter(at__gte=_start_of(since))
    if until is not None and until < date.max:  # 9999-12-31 has no next day: it limits nothing
        rows = rows.filter(at__lt=_start_of(until + timedelta(days=1)))
    return rows.order_by("-at", "-id")


def _start_of(day: date) -> datetime:
    from django.utils import timezone

    return timezone.make_aware(datetime(day.year, day.month, day.day))


def access_log_prune(*, older_than_days: int) -> int:
    """Remove every access entry older than `older_than_days` days (of every partnership); how many."""
    cutoff = clock.now() - timedelta(days=older_than_days)
    removed, _ = AccessEntry.objects.filter(at__lt=cutoff).delete()
    return removed


def prune_command(command: Any, older_than: int | None) -> None:
    """`concordat treatment prune-access-log [--older-than DAYS]`: says how many entries it removed;
    exit 2 for a negative number of days."""
    from django.core.management.base import CommandError

    days = retention_days() if older_than is None else older_than
    if days < 0:
        raise CommandError("--older-than must be 0 or more days", returncode=2)
    removed = access_log_prune(older_than_days=days)
    command.stdout.write(
        f"Removed {removed:,} access log entr{'y' if removed == 1 else 'ies'} older than {days:,} days"
    )
