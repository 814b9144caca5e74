"""The spec's KPI object (treatment-data.md, "KPIs") from the engine's exact figures of one period.

Counts are ints; percentages, mean and median days are worked out here in exact arithmetic
(rules.numbers) and rounded half-up once. With `published`, disclosure control (rules.disclosure) is
applied: the percentages still come from the unrounded counts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from . import disclosure
from .disclosure import Path
from .numbers import growth_percentage, mean, median, percentage
from .periods import financial_year_start

AGE_BANDS = ("under-18", "18-24", "25-34", "35-44", "45-54", "55-64", "65+")
SEXES = ("M", "F", "X", "U")
SUBSTANCES = (
    "opiates", "crack", "cocaine", "cannabis", "amphetamines", "benzodiazepines", "alcohol",
    "new-psychoactive", "other",
)  # fmt: skip
DEFAULT_THRESHOLD_DAYS = 21
REPRESENTATION_DAYS = 182
TOTAL = ("all", "")
# Breakdown key -> the engine's dimension.
BREAKDOWNS = {
    "by_provider": "provider",
    "by_modality": "modality",
    "by_age_band": "age_band",
    "by_sex": "sex",
    "by_substance": "substance",
}


@dataclass(frozen=True)
class Setting:
    """What the object needs to know of the partnership besides its figures."""

    partnership: int
    slug: str
    providers: tuple[str, ...]  # codes, sorted
    modalities: tuple[str, ...]  # every code (the eight built in and its own), sorted
    structured: tuple[str, ...]  # the structured ones, sorted
    thresholds: Mapping[str, int]  # every modality's threshold in days
    mean_targets: Mapping[str, int] = field(default_factory=dict)  # targets.modality_mean_wait_days
    within_target: Decimal | None = None  # targets.waiting_within_threshold_pct
    baseline: int | None = None  # targets.baseline.value when its kpi is in_treatment
    accessing_target: tuple[int, int] | None = None  # (financial year's first calendar year, value)

    def groups(self, breakdown: str) -> tuple[str, ...]:
        return {
            "by_provider": self.providers,
            "by_modality": self.structured,
            "by_age_band": AGE_BANDS,
            "by_sex": SEXES,
            "by_substance": SUBSTANCES,
        }[breakdown]


def setting(
    *,
    partnership: int,
    slug: str,
    providers: Sequence[str],
    modalities: Sequence[tuple[str, bool]],
    targets: Mapping[str, Any],
) -> Setting:
    """A Setting from the partnership's providers, modalities (code, structured) and stored targets (the
    `Partnership.targets` JSON: years as "YYYY-YY", the percentage as a decimal string)."""
    default = targets.get("waiting_time_days")
    default = DEFAULT_THRESHOLD_DAYS if default is None else int(default)
    own = {str(k): int(v) for k, v in (targets.get("modality_thresholds") or {}).items()}
    codes = sorted({code for code, _ in modalities})
    baseline = targets.get("baseline") or {}
    accessing = targets.get("accessing_services") or {}
    within = targets.get("waiting_within_threshold_pct")
    return Setting(
        partnership=partnership,
        slug=slug,
        providers=tuple(sorted(providers)),
        modalities=tuple(codes),
        structured=tuple(sorted({code for code, structured in modalities if structured})),
        thresholds={code: own.get(code, default) for code in codes},
        mean_targets={str(k): int(v) for k, v in (targets.get("modality_mean_wait_days") or {}).items()},
        within_target=None if within is None else Decimal(str(within)),
        baseline=int(baseline["value"]) if baseline.get("kpi") == "in_treatment" else None,
        accessing_target=(int(str(accessing["year"])[:4]), int(accessing["value"])) if accessing else None,
    )


Key = tuple[str, str]  # (dimension, group)


@dataclass
class PeriodFigures:
    """The engine's figures of one period, by (dimension, group); missing means 0."""

    people: dict[tuple[str, str, str], int] = field(default_factory=dict)  # (kpi, dim, grp)
    waiting: dict[tuple[str, str, str], tuple[int, int, int, int, int]] = field(default_factory=dict)
    still_waiting: dict[tuple[str, str, str], int] = field(default_factory=dict)
    retention: dict[Key, tuple[int, int]] = field(default_factory=dict)


def _counts(s: Setting, f: PeriodFigures, key: Key, *, modality_only: bool = False) -> dict[Path, int]:
    """A group's unrounded counts, by their place in its object."""
    dim, grp = key
    people = f.people
    counts: dict[Path, int] = {("in_treatment",): people.get(("in_treatment", dim, grp), 0)}
    if modality_only:
        return counts
    counts[("accessing_services",)] = people.get(("accessing_services", dim, grp), 0)
    counts[("new_starts",)] = people.get(("new_starts", dim, grp), 0)
    for m in s.modalities:
        counts[("waiting", m, "count")] = f.waiting.get((dim, grp, m), (0, 0, 0, 0, 0))[0]
        counts[("waiting", m, "still_waiting")] = f.still_waiting.get((dim, grp, m), 0)
    cohort, retained = f.retention.get(key, (0, 0))
    counts[("retention_12wk", "cohort")] = cohort
    counts[("retention_12wk", "retained")] = retained
    counts[("successful_completions", "completed")] = people.get(("successful_completions", dim, grp), 0)
    counts[("successful_completions", "denominator")] = counts[("in_treatment",)]
    return counts


class _Render:
    """Writes one group's object: counts as they are, or published (suppressed and rounded to 5)."""

    def __init__(self, counts: dict[Path, int], suppressed: set[Path], published: bool) -> None:
        self.counts, self.suppressed, self.published = counts, suppressed, published

    def hidden(self, path: Path) -> bool:
        return self.published and path in self.suppressed

    def count(self, path: Path) -> int | None:
        value = self.counts[path]
        return disclosure.published_count(value, path in self.suppressed) if self.published else value

    def mark(self, obj: dict[str, Any], paths: Sequence[Path]) -> dict[str, Any]:
        """Add the `suppressed` list of the object that holds these counts (only when not empty)."""
        names = [path[-1] for path in paths if self.hidden(path)]
        if names:
            obj["suppressed"] = names
        return obj


def _waiting(s: Setting, f: PeriodFigures, key: Key, render: _Render, m: str) -> dict[str, Any]:
    dim, grp = key
    count, total, within, low, high = f.waiting.get((dim, grp, m), (0, 0, 0, 0, 0))
    count_path, still_path = ("waiting", m, "count"), ("waiting", m, "still_waiting")
    count_hidden = render.hidden(count_path)
    mean_days = None if count_hidden else mean(total, count)
    within_hidden = count_hidden or (render.published and disclosure.primary(within))
    within_pct = None if within_hidden else percentage(within, count)
    target_met: bool | None = None
    if count:
        if m in s.mean_targets:
            target_met = None if mean_days is None else Decimal(str(mean_days)) <= s.mean_targets[m]
        elif s.within_target is not None:
            target_met = None if within_pct is None else Decimal(str(within_pct)) >= s.within_target
    obj = {
        "count": render.count(count_path),
        "mean_days": mean_days,
        "median_days": None if count_hidden else median(low, high, count),
        "within_threshold_pct": within_pct,
        "threshold_days": s.thresholds[m],
        "still_waiting": render.count(still_path),
        "target_met": target_met,
    }
    return render.mark(obj, [count_path, still_path])


def _group(s: Setting, f: PeriodFigures, key: Key, render: _Render, *, provisional: bool) -> dict[str, Any]:
    """A group's KPIs: the total's object without its partnership, dates, targets and breakdowns."""
    r = render
    obj: dict[str, Any] = {
        "in_treatment": r.count(("in_treatment",)),
        "accessing_services": r.count(("accessing_services",)),
        "new_starts": r.count(("new_starts",)),
        "waiting": {m: _waiting(s, f, key, r, m) for m in s.modalities},
    }
    cohort, retained = ("retention_12wk", "cohort"), ("retention_12wk", "retained")
    obj["retention_12wk"] = r.mark(
        {
            "cohort": r.count(cohort),
            "retained": r.count(retained),
            "pct": None
            if r.hidden(cohort) or r.hidden(retained)
            else percentage(r.counts[retained], r.counts[cohort]),
        },
        [cohort, retained],
    )
    completed, denominator = (
        ("successful_completions", "completed"),
        ("successful_completions", "denominator"),
    )
    obj["successful_completions"] = r.mark(
        {
            "completed": r.count(completed),
            "denominator": r.count(denominator),
            "pct": None
            if r.hidden(completed) or r.hidden(denominator)
            else percentage(r.counts[completed], r.counts[denominator]),
            "provisional": provisional,
        },
        [completed, denominator],
    )
    return obj


def kpi_object(
    s: Setting, f: PeriodFigures, *, start: date, end: date, as_of: date, published: bool = False
) -> dict[str, Any]:
    """The object `concordat kpi --partnership SLUG --from start --to end --as-of as_of` prints."""
    provisional = end + timedelta(days=REPRESENTATION_DAYS) > as_of
    counts = _counts(s, f, TOTAL)
    render = _Render(counts, {p for p in counts if disclosure.primary(counts[p])}, published)
    body = _group(s, f, TOTAL, render, provisional=provisional)
    top_level = [("in_treatment",), ("accessing_services",), ("new_starts",)]
    in_treatment, accessing = counts[("in_treatment",)], counts[("accessing_services",)]
    growth = None
    if s.baseline is not None and not render.hidden(("in_treatment",)):
        growth = growth_percentage(in_treatment, s.baseline)
    target_pct = None
    if (
        s.accessing_target is not None
        and s.accessing_target[0] == financial_year_start(end)
        and not render.hidden(("accessing_services",))
    ):
        target_pct = percentage(accessing, s.accessing_target[1])
    obj: dict[str, Any] = {
        "partnership": s.slug,
        "from": start.isoformat(),
        "to": end.isoformat(),
        "as_of": as_of.isoformat(),
        **body,
        "baseline_growth_pct": growth,
        "accessing_target_pct": target_pct,
        "breakdowns": {
            name: _breakdown(s, f, name, published=published, provisional=provisional) for name in BREAKDOWNS
        },
    }
    return render.mark(obj, top_level)


def _breakdown(
    s: Setting, f: PeriodFigures, name: str, *, published: bool, provisional: bool
) -> dict[str, Any]:
    dim = BREAKDOWNS[name]
    modality_only = name == "by_modality"
    counts = {grp: _counts(s, f, (dim, grp), modality_only=modality_only) for grp in s.groups(name)}
    suppressed = disclosure.suppressed_paths(counts) if published else {grp: set() for grp in counts}
    groups: dict[str, Any] = {}
    for grp, mine in counts.items():
        render = _Render(mine, suppressed[grp], published)
        if modality_only:
            groups[grp] = render.mark({"in_treatment": render.count(("in_treatment",))}, [("in_treatment",)])
        else:
            obj = _group(s, f, (dim, grp), render, provisional=provisional)
            groups[grp] = render.mark(obj, [("in_treatment",), ("accessing_services",), ("new_starts",)])
    return groups


def csv_rows(obj: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """(dotted path, value) for every scalar of the object but its breakdowns and `suppressed` lists, in
    the object's key order: `waiting.pharmacological.mean_days`, `retention_12wk.pct`."""
    rows: list[tuple[str, Any]] = []

    def walk(prefix: str, value: Mapping[str, Any]) -> None:
        for key, item in value.items():
            if key in ("breakdowns", "suppressed") or (
                not prefix and key in ("partnership", "from", "to", "as_of")
            ):
                continue
            path = f"{prefix}{key}"
            if isinstance(item, Mapping):
                walk(path + ".", item)
            else:
                rows.append((path, item))

    walk("", obj)
    return rows
