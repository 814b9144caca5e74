"""Reading the treatment record: what the import's warnings, the pages and (next) the KPI engine need.
Nothing here reads an identifying column unless its name says so."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from django.db.models import QuerySet

from concordat.partnerships.models import Partnership, Provider

from .models import Episode, Generation, Submission


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
    """The latest period end of an accepted submission that became a record (a file only checked, or staged
    and not used, does not count): the date the partnership's data is complete to."""
    row = (
        Submission.objects.filter(
            partnership=partnership, state__in=[Submission.State.CURRENT, Submission.State.SUPERSEDED]
        )
        .order_by("-period_end")
        .values_list("period_end", flat=True)
        .first()
    )
    return row


def record_version(partnership_id: int) -> str:
    """Which state of the partnership's record the data reflects: each provider's current generation
    (models.Generation: the accepted submission it holds) and the web changes made to it since. It changes
    whenever a submission replaces or restores a record or a key worker's step changes one, and only then;
    the KPI engine keys its cached results by it."""
    current = Generation.objects.filter(partnership_id=partnership_id, current=True).order_by("provider_id")
    parts = [f"{p}:{g}.{c}" for p, g, c in current.values_list("provider_id", "id", "changes")]
    return ",".join(parts) or "empty"


def provider_named(partnership: Partnership, code: str) -> Provider | None:
    return Provider.objects.filter(partnership=partnership, code=code).first()
