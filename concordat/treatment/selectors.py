"""Reading the treatment record: what the import's warnings, the pages and (next) the KPI engine need.
Nothing here reads an identifying column unless its name says so."""

from __future__ import annotations

import hashlib
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
    return _version_of([f"{p}:{g}.{c}" for p, g, c in current.values_list("provider_id", "id", "changes")])


VERSION_LENGTH = 64  # what the caches that key by it store (performance.KpiResult.record_version)


def _version_of(parts: list[str]) -> str:
    """The providers' parts as they read ("12:40.3,13:41.0") while they fit; a digest of them beyond (a
    partnership of many providers), the same length whatever their number."""
    joined = ",".join(parts) or "empty"
    if len(joined) <= VERSION_LENGTH:
        return joined
    return "sha256:" + hashlib.sha256(joined.encode()).hexdigest()[: VERSION_LENGTH - len("sha256:")]


def provider_named(partnership: Partnership, code: str) -> Provider | None:
    return Provider.objects.filter(partnership=partnership, code=code).first()


# --- for the performance pages (concordat/performance): many partnerships at once, and the rows behind a
# KPI. Appended: nothing above changes.
from typing import Any  # noqa: E402

from .models import EpisodeModality  # noqa: E402


def record_versions(partnership_ids: Iterable[int]) -> dict[int, str]:
    """`record_version` of each partnership, in one query (the national page reads every partnership)."""
    ids = list(partnership_ids)
    parts: dict[int, list[str]] = {pid: [] for pid in ids}
    current = (
        Generation.objects.filter(partnership_id__in=ids, current=True)
        .order_by("partnership_id", "provider_id")
        .values_list("partnership_id", "provider_id", "id", "changes")
    )
    for partnership_id, provider_id, generation_id, changes in current:
        parts[partnership_id].append(f"{provider_id}:{generation_id}.{changes}")
    return {pid: _version_of(found) for pid, found in parts.items()}


def latest_period_ends(partnership_ids: Iterable[int]) -> dict[int, date]:
    """`latest_period_end` of each partnership that has one, in one query."""
    from django.db.models import Max

    rows = (
        Submission.objects.filter(
            partnership_id__in=list(partnership_ids),
            state__in=[Submission.State.CURRENT, Submission.State.SUPERSEDED],
        )
        .values("partnership_id")
        .annotate(last=Max("period_end"))
        .order_by()
        .values_list("partnership_id", "last")
    )
    return dict(rows)


# The KPIs whose rows `kpi_rows` lists: the simple ones, each a set of modality rows of the current record.
ROW_KPIS = ("in_treatment", "new_starts", "waiting")


def structured_modalities(partnership: Partnership) -> list[str]:
    """The structured modality codes: the spec's built-in ones and the partnership's own."""
    from concordat.partnerships.rules.vocabulary import BUILT_IN_MODALITIES

    built_in = [code for code, (_, _, structured) in BUILT_IN_MODALITIES.items() if structured]
    own = list(partnership.modalities.filter(structured=True).values_list("code", flat=True))
    return sorted({*built_in, *own})


def kpi_rows(
    partnership: Partnership,
    kpi: str,
    start: date,
    end: date,
    as_of: date,
    *,
    modality: str | None = None,
    provider_ids: Iterable[int] | None = None,
    clients: QuerySet[Any] | None = None,
) -> QuerySet[EpisodeModality]:
    """The modality rows of the current record behind a KPI of the period [start, end] with data to
    `as_of`, by the spec's definitions (treatment-data.md, "KPIs"; docs/kpi-engine.md for its choices):

    - `in_treatment`: structured modality rows whose [start, end] overlaps the period, the end being the
      modality's end, else the episode's discharge, else `as_of` (an interval ending before it starts
      overlaps nothing); the KPI counts their distinct client keys;
    - `new_starts`: each episode's treatment start — its structured row with the earliest start — when that
      start lies in the period; the KPI counts their distinct client keys;
    - `waiting` (with `modality`): that modality's rows with a start in the period; the KPI's `count` is
      how many rows.

    Only the rows of `provider_ids` when given, and of the Client rows `clients` when given (the records a
    reader may see: treatment.visibility). Ordered by provider, start and id; each row's episode and client
    come with it (select_related), nothing identifying is read unless the caller asks for it."""
    from django.db.models import F, Min, OuterRef, Subquery, Value
    from django.db.models.functions import Coalesce

    if kpi not in ROW_KPIS or (kpi == "waiting") != (modality is not None):
        raise ValueError(f"no rows for KPI {kpi!r} (modality {modality!r})")
    rows = EpisodeModality.objects.filter(partnership=partnership, start_date__isnull=False)
    if provider_ids is not None:
        rows = rows.filter(provider_id__in=list(provider_ids))
    if clients is not None:
        rows = rows.filter(episode__client__in=clients.values("id"))
    if kpi == "waiting":
        rows = rows.filter(modality=modality, start_date__gte=start, start_date__lte=end)
    else:
        structured = structured_modalities(partnership)
        rows = rows.filter(modality__in=structured)
        if kpi == "in_treatment":
            rows = (
                rows.annotate(runs_to=Coalesce("end_date", "episode__discharge_date", Value(as_of)))
                .filter(start_date__lte=end, runs_to__gte=start)
                .filter(runs_to__gte=F("start_date"))
            )
        else:
            first = (
                EpisodeModality.objects.filter(
                    episode_id=OuterRef("episode_id"), modality__in=structured, start_date__isnull=False
                )
                .order_by()
                .values("episode_id")
                .annotate(first=Min("start_date"))
                .values("first")[:1]
            )
            rows = rows.annotate(treatment_start=Subquery(first)).filter(
                start_date=F("treatment_start"), start_date__gte=start, start_date__lte=end
            )
    return rows.select_related("episode", "provider").order_by("provider__code", "start_date", "id")
