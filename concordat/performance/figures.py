"""What the performance pages read: the KPI objects the background job stored (`performance/jobs.py`,
`selectors.recompute`), never the engine. A page asks for the standard grid as stored and is told whether
it is the record's current version; when it is not (a change of the record whose recomputation has not
finished, or nothing stored yet), the page says the figures are being brought up to date and shows the last
stored ones, if any, and the recomputation is queued if none is waiting or running.

Each read is a fixed number of queries whatever the number of periods or partnerships: an index of the
stored periods without their objects, then only the objects (or, for trends and the national table, only
the figures) a page shows, through the JSON field's key lookups.

    stored_grid(partnership, published=False) -> StoredGrid          # the index, current or last stored
    StoredGrid.result(period) -> dict                                 # one period's whole object
    StoredGrid.series(periods, keys) -> {label: {key: value}}        # some figures of many periods
    national(label) -> list[NationalRow]                             # every partnership, published
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from concordat.core.models import Job
from concordat.partnerships.models import Partnership
from concordat.treatment import selectors as treatment

from . import jobs
from .models import KpiResult
from .rules.labels import GridPeriod, complete
from .selectors import ENGINE_VERSION, default_as_of


@dataclass(frozen=True)
class StoredPeriod:
    period: GridPeriod
    start: date
    end: date

    @property
    def label(self) -> str:
        return self.period.label


@dataclass
class StoredGrid:
    """The grid as stored for one partnership: its periods in date order (each year after its quarters)."""

    partnership: Partnership
    published: bool
    periods: list[StoredPeriod] = field(default_factory=list)
    record_version: str = ""
    as_of: date | None = None
    computed_at: datetime | None = None
    current: bool = False  # stored for the record as it is now
    updating: bool = False  # a recomputation is waiting or running
    has_record: bool = True  # some provider has a record (an empty one has no figures to wait for)

    @property
    def quarters(self) -> list[StoredPeriod]:
        return [p for p in self.periods if p.period.quarter is not None]

    def find(self, period: GridPeriod) -> StoredPeriod | None:
        return next((p for p in self.periods if p.period == period), None)

    def latest_complete_quarter(self) -> StoredPeriod | None:
        """The default period of the pages: the last quarter the data runs to the end of; else the first
        quarter (a record not yet a quarter old)."""
        quarters = self.quarters
        done = [q for q in quarters if self.as_of is not None and complete(q.end, self.as_of)]
        return done[-1] if done else (quarters[0] if quarters else None)

    def _rows(self) -> Any:
        return KpiResult.objects.filter(
            partnership=self.partnership,
            record_version=self.record_version,
            engine_version=ENGINE_VERSION,
            as_of=self.as_of,
            published=self.published,
        )

    def result(self, period: StoredPeriod) -> dict[str, Any]:
        """The period's whole KPI object (one query)."""
        found = (
            self._rows().filter(start=period.start, end=period.end).values_list("result", flat=True).first()
        )
        return dict(found or {})

    def series(self, periods: Sequence[StoredPeriod], keys: Sequence[str]) -> dict[str, dict[str, Any]]:
        """Some figures of many periods in one query: `keys` are paths into the object written with
        double underscores (``successful_completions__pct``); {label: {key: value}}."""
        if not periods:
            return {}
        wanted = {p.label for p in periods}
        lookups = {key: f"result__{key}" for key in keys}
        rows = self._rows().filter(label__in=wanted).values("label", *lookups.values())
        return {row["label"]: {key: row[lookup] for key, lookup in lookups.items()} for row in rows}


def _order(period: GridPeriod) -> tuple[int, int]:
    return period.year, period.quarter or 5


def _updating(partnership: Partnership) -> bool:
    return Job.objects.filter(
        kind=jobs.KIND, partnership=partnership.slug, state__in=[Job.State.QUEUED, Job.State.RUNNING]
    ).exists()


def stored_grid(partnership: Partnership, published: bool = False, *, queue: bool = True) -> StoredGrid:
    """The partnership's grid as stored: for the record's current version when it is there, else the
    last one stored (`current` False). When it is not current, a recomputation is queued unless one is
    waiting or running (`queue`), and `updating` says so. Four queries when current."""
    version = treatment.record_version(partnership.pk)
    as_of = default_as_of(partnership)
    index = list(
        KpiResult.objects.filter(partnership=partnership, engine_version=ENGINE_VERSION, published=published)
        .exclude(label="")
        .values_list("record_version", "as_of", "computed_at", "label", "start", "end")
    )
    grid = StoredGrid(partnership, published, has_record=_has_record(version))
    if index:
        current = [row for row in index if row[0] == version and row[1] == as_of]
        if current:
            chosen_version, chosen_as_of = version, as_of
            grid.current = True
        else:  # the newest stored version
            newest = max(index, key=lambda row: row[2])
            chosen_version, chosen_as_of = newest[0], newest[1]
        rows = [row for row in index if row[0] == chosen_version and row[1] == chosen_as_of]
        grid.record_version, grid.as_of = chosen_version, chosen_as_of
        grid.computed_at = max(row[2] for row in rows)
        found = []
        for _version, _as_of, _at, label, start, end in rows:
            period = GridPeriod.parse(label)
            if period is not None:
                found.append(StoredPeriod(period, start, end))
        grid.periods = sorted(found, key=lambda p: _order(p.period))
    if not grid.current:
        grid.updating = _updating(partnership)
        if queue and not grid.updating and grid.has_record:
            jobs.recompute_queue(partnership.pk)
            grid.updating = True
    return grid


def _has_record(version: str) -> bool:
    return version != "empty"


# --- every partnership, one period: the national table --------------------------------------------------

NATIONAL_KEYS = (
    "in_treatment",
    "accessing_services",
    "new_starts",
    "retention_12wk",
    "successful_completions",
    "baseline_growth_pct",
    "accessing_target_pct",
    "suppressed",
)


@dataclass(frozen=True)
class NationalRow:
    partnership: Partnership
    figures: dict[str, Any] | None  # the published object's headline figures; None: nothing stored
    current: bool  # stored for the partnership's record as it is now
    as_of: date | None


def national_periods() -> list[GridPeriod]:
    """Every period some partnership has published figures stored for, latest first (one query)."""
    labels = (
        KpiResult.objects.filter(engine_version=ENGINE_VERSION, published=True)
        .exclude(label="")
        .values_list("label", flat=True)
        .distinct()
        .order_by()
    )
    found = {GridPeriod.parse(label) for label in labels}
    return sorted((p for p in found if p is not None), key=_order, reverse=True)


def national_default(periods: Iterable[GridPeriod]) -> GridPeriod | None:
    """The latest quarter whose end has passed for the data of some partnership (one query); else the
    latest period."""
    ordered = sorted(periods, key=_order, reverse=True)
    if not ordered:
        return None
    ends = KpiResult.objects.filter(engine_version=ENGINE_VERSION, published=True).exclude(label="")
    latest_as_of = max(ends.values_list("as_of", flat=True).distinct().order_by(), default=None)
    for period in ordered:
        if period.quarter is not None and latest_as_of is not None and complete(period.end, latest_as_of):
            return period
    return ordered[0]


def national(period: GridPeriod) -> list[NationalRow]:
    """Every partnership's published headline figures for `period`, from stored results only: the
    record's current version where stored, else the last stored (`current` False), else no figures.
    Five queries whatever the number of partnerships."""
    partnerships = list(Partnership.objects.order_by("slug"))
    ids = [p.pk for p in partnerships]
    versions = treatment.record_versions(ids)
    ends = treatment.latest_period_ends(ids)
    lookups = {key: f"result__{key}" for key in NATIONAL_KEYS}
    rows = (
        KpiResult.objects.filter(
            partnership_id__in=ids, engine_version=ENGINE_VERSION, published=True, label=period.label
        )
        .values("partnership_id", "record_version", "as_of", "computed_at", *lookups.values())
        .order_by("partnership_id", "-computed_at")
    )
    by_partnership: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        by_partnership.setdefault(row["partnership_id"], []).append(row)
    table = []
    for p in partnerships:
        found = by_partnership.get(p.pk, [])
        as_of_now = ends.get(p.pk)
        now = [
            r for r in found if r["record_version"] == versions[p.pk] and (as_of_now in (None, r["as_of"]))
        ]
        chosen = now[0] if now else (found[0] if found else None)
        figures = {key: chosen[lookup] for key, lookup in lookups.items()} if chosen else None
        table.append(NationalRow(p, figures, bool(now), chosen["as_of"] if chosen else None))
    return table
