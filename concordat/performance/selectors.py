"""What the performance pages read: the spec's KPI objects, from the cache when the record has not
changed since, else computed by the engine (and stored).

    kpis(partnership, from_, to, as_of=None, published=False) -> dict     # one period's object
    grid(partnership, published=False) -> list[GridEntry]                 # the standard grid, cached
    recompute(partnership_id) -> int                                      # the grid in one run, stored
    compute(requests) -> list[dict]                                       # any periods, one run, no cache

The treatment record is read through `treatment.extract` and `treatment.selectors` only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import pyarrow.compute as pc
from django.db import transaction

from concordat.core import clock
from concordat.partnerships.models import Partnership
from concordat.partnerships.rules.vocabulary import BUILT_IN_MODALITIES
from concordat.treatment import extract as treatment_extract
from concordat.treatment import selectors as treatment

from . import engine
from .models import KpiResult
from .rules.periods import Period, financial_year_start, standard_grid
from .rules.shaping import Setting, kpi_object, setting

# Bumped whenever a definition or rule changes what a figure is: cached objects of another are not read.
ENGINE_VERSION = 1


@dataclass(frozen=True)
class Request:
    """One object to compute: a partnership, a period and its as_of."""

    partnership: Partnership
    start: date
    end: date
    as_of: date
    published: bool = False


@dataclass(frozen=True)
class GridEntry:
    label: str  # "2004-05 Q1" or "2004-05"
    start: date
    end: date
    kpis: dict[str, Any]


def setting_for(partnership: Partnership) -> Setting:
    own = list(partnership.modalities.values_list("code", "structured"))
    builtin = [(code, structured) for code, (_, _, structured) in BUILT_IN_MODALITIES.items()]
    return setting(
        partnership=partnership.pk,
        slug=partnership.slug,
        providers=list(partnership.providers.values_list("code", flat=True)),
        modalities=builtin + [(code, structured) for code, structured in own],
        targets=partnership.targets or {},
    )


def default_as_of(partnership: Partnership) -> date:
    """The latest period end of an accepted submission; today when there is none."""
    return treatment.latest_period_end(partnership) or clock.today()


def compute(requests: Sequence[Request]) -> list[dict[str, Any]]:
    """The objects of any requests, in their order, in one extract and one engine run (nothing cached)."""
    partnerships = {r.partnership.pk: r.partnership for r in requests}
    settings = {pid: setting_for(p) for pid, p in partnerships.items()}
    records = treatment_extract.extract(sorted(partnerships)).table
    periods = [Period(r.partnership.pk, r.start, r.end, r.as_of) for r in requests]
    figures = engine.run(records, list(settings.values()), periods)
    return [
        kpi_object(
            settings[r.partnership.pk], f, start=r.start, end=r.end, as_of=r.as_of, published=r.published
        )
        for r, f in zip(requests, figures, strict=True)
    ]


def _cached(
    partnership: Partnership, version: str, start: date, end: date, as_of: date, published: bool
) -> Any:
    return (
        KpiResult.objects.filter(
            partnership=partnership,
            record_version=version,
            engine_version=ENGINE_VERSION,
            start=start,
            end=end,
            as_of=as_of,
            published=published,
        )
        .values_list("result", flat=True)
        .first()
    )


def _store(partnership: Partnership, version: str, rows: list[KpiResult]) -> None:
    with transaction.atomic():
        KpiResult.objects.filter(partnership=partnership).exclude(
            record_version=version, engine_version=ENGINE_VERSION
        ).delete()
        KpiResult.objects.bulk_create(rows, ignore_conflicts=True)


def kpis(
    partnership: Partnership, from_: date, to: date, as_of: date | None = None, published: bool = False
) -> dict[str, Any]:
    """The spec's object for the period (exactly what `concordat kpi` prints): from the cache when the
    record's version matches, else computed and stored (both the exact and the published object)."""
    as_of = as_of or default_as_of(partnership)
    version = treatment.record_version(partnership.pk)
    found = _cached(partnership, version, from_, to, as_of, published)
    if found is not None:
        return dict(found)
    exact, public = compute(
        [Request(partnership, from_, to, as_of), Request(partnership, from_, to, as_of, published=True)]
    )
    _store(
        partnership,
        version,
        [
            KpiResult(
                partnership=partnership,
                record_version=version,
                engine_version=ENGINE_VERSION,
                start=from_,
                end=to,
                as_of=as_of,
                published=flag,
                result=obj,
            )
            for flag, obj in ((False, exact), (True, public))
        ],
    )
    return public if published else exact


def recompute(partnership_id: int) -> int:
    """Compute the partnership's standard grid — every quarter (Q1 = April-June) and every financial year
    from its first referral to its as_of — in one extract and one engine run, exact and published, and
    store it. Returns how many periods. For a background job after every import."""
    partnership = Partnership.objects.get(pk=partnership_id)
    version = treatment.record_version(partnership_id)
    as_of = default_as_of(partnership)
    records = treatment_extract.extract([partnership_id]).table
    first = pc.min(records["referral_date"]).as_py() if records.num_rows else None
    grid_periods = standard_grid(first, as_of)
    mine = setting_for(partnership)
    periods = [Period(partnership_id, start, end, as_of) for _, start, end in grid_periods]
    figures = engine.run(records, [mine], periods) if periods else []
    rows = []
    for (label, start, end), f in zip(grid_periods, figures, strict=True):
        for published in (False, True):
            rows.append(
                KpiResult(
                    partnership=partnership,
                    record_version=version,
                    engine_version=ENGINE_VERSION,
                    start=start,
                    end=end,
                    as_of=as_of,
                    published=published,
                    label=label,
                    result=kpi_object(mine, f, start=start, end=end, as_of=as_of, published=published),
                )
            )
    with transaction.atomic():
        KpiResult.objects.filter(partnership=partnership).delete()
        KpiResult.objects.bulk_create(rows)
    return len(grid_periods)


def grid(partnership: Partnership, published: bool = False) -> list[GridEntry]:
    """The standard grid's objects, quarters before their year, in date order: from the cache (recomputed
    first when the record changed since it was stored)."""
    version = treatment.record_version(partnership.pk)
    as_of = default_as_of(partnership)

    def stored() -> list[tuple[str, date, date, Any]]:
        return list(
            KpiResult.objects.filter(
                partnership=partnership,
                record_version=version,
                engine_version=ENGINE_VERSION,
                as_of=as_of,
                published=published,
            )
            .exclude(label="")
            .values_list("label", "start", "end", "result")
        )

    rows = stored()
    if not rows:
        recompute(partnership.pk)
        rows = stored()
    # In date order, each financial year after its quarters (a year's label is "2004-05", 7 letters).
    rows.sort(key=lambda r: (financial_year_start(r[1]), len(r[0]) == 7, r[1]))
    return [GridEntry(label, start, end, dict(result)) for label, start, end, result in rows]
