"""The audit trail: every change (django-auditlog, written by signals inside the writing transaction) and
every read of a sensitive record (`record_access`).

Models say which partnership an entry belongs to through `get_additional_data()`, so an auditor sees the
trail of the partnerships they audit, and nothing else.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.db.models import Model, QuerySet


@contextmanager
def acting_as(user: Any) -> Iterator[None]:
    """Attribute the audit entries written inside this block to `user` (None: the command line)."""
    if user is None or not getattr(user, "is_authenticated", False):
        yield
        return
    with set_actor(user):
        yield


def record_access(*, user: Any, obj: Model, partnership_slug: str) -> LogEntry:
    """Write an ACCESS entry: who read which record, and when. Holds no field values of the record."""
    return LogEntry.objects.log_create(
        obj,
        action=LogEntry.Action.ACCESS,
        changes=None,
        actor=user,
        additional_data={"partnership": partnership_slug},
        force_log=True,
    )


def entries_for_partnership(slug: str) -> QuerySet[LogEntry]:
    return (
        LogEntry.objects.filter(additional_data__partnership=slug)
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-id")
    )
