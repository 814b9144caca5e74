"""What the dashboard shows of a KPI object (treatment-data.md, "KPIs") against the partnership's targets
(`Partnership.targets`, as the partnership file writes them): each headline figure and each modality's
waiting time with its target, and its RAG status (rules/rag.py). Also how a contract's monitoring KPI names
a figure of the object (its `kpi` code), and where a target's source is written (the file's `sources:`).

The targets, as the spec gives them:
- `baseline` {kpi, year, value}: the KPI it names (in_treatment, accessing_services or new_starts) should
  be at least the baseline ("an increase upon the baseline": at least as many as then);
- `accessing_services` {year, value}: people accessing services, at least the value, for a period that
  ends in that financial year (as the engine's `accessing_target_pct`);
- `modality_mean_wait_days` {modality: days}: for those modalities, the mean wait at most that many days;
- `waiting_within_threshold_pct`: for every other modality, the share starting within the modality's
  threshold at least that percentage. Each judged on the figure as the object prints it, as `target_met`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from .rag import AT_LEAST, AT_MOST, Status, Target, number_words, rag

HEADLINES: tuple[tuple[str, str, str], ...] = (
    # (key in the object, what it is called, unit)
    ("in_treatment", "People in treatment", ""),
    ("accessing_services", "People accessing services", ""),
    ("new_starts", "New starts in treatment", ""),
    ("retention_12wk", "Retained in treatment for 12 weeks", "%"),
    ("successful_completions", "Successful completions", "%"),
)


@dataclass(frozen=True)
class Measure:
    key: str  # the object's key: in_treatment, retention_12wk …
    name: str
    value: int | float | None  # as the object prints it (a percentage for retention and completions)
    unit: str  # "" for people, "%"
    target: Target | None
    target_words: str  # "At least 550: the 1998-99 baseline"; "" without a target
    target_path: str  # where the target is written in the partnership file: "targets.baseline"
    status: Status
    detail: str = ""  # the counts behind a percentage: "96 of 812 people"


@dataclass(frozen=True)
class WaitMeasure:
    modality: str
    count: int | None  # rows with a start in the period
    mean_days: float | None
    median_days: float | None
    within_threshold_pct: float | None
    threshold_days: int
    still_waiting: int | None
    judged_on: str  # "mean_days" or "within_threshold_pct", or "" without a target
    target: Target | None
    target_words: str
    target_path: str
    target_met: bool | None  # the object's own
    status: Status


def year_of(day: str) -> int:
    """The financial year's first calendar year of an ISO date."""
    year, month = int(day[:4]), int(day[5:7])
    return year if month >= 4 else year - 1


def _decimal(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def headline_target(
    key: str, obj: Mapping[str, Any], targets: Mapping[str, Any]
) -> tuple[Target | None, str, str]:
    """(target, its words, its path in the file) for a headline KPI of the period `obj` covers."""
    accessing = targets.get("accessing_services") or {}
    if (
        key == "accessing_services"
        and accessing.get("year")
        and accessing.get("value") is not None
        and int(str(accessing["year"])[:4]) == year_of(str(obj["to"]))
    ):
        value = Decimal(str(accessing["value"]))
        return (
            Target(value, AT_LEAST),
            f"At least {number_words(value)}: the target for {accessing['year']}",
            "targets.accessing_services",
        )
    baseline = targets.get("baseline") or {}
    if baseline.get("kpi") == key and baseline.get("value") is not None:
        value = Decimal(str(baseline["value"]))
        return (
            Target(value, AT_LEAST),
            f"At least {number_words(value)}: the {baseline.get('year', '')} baseline".replace(
                "the  ", "the "
            ),
            "targets.baseline",
        )
    return None, "", ""


def headlines(obj: Mapping[str, Any], targets: Mapping[str, Any]) -> list[Measure]:
    """The five headline figures of a KPI object (or of one group of a breakdown, with the period's `to`
    given in `obj`), each with its target and status."""
    rows = []
    for key, name, unit in HEADLINES:
        detail = ""
        if key == "retention_12wk":
            part = obj.get(key) or {}
            value = part.get("pct")
            if part.get("cohort"):
                detail = f"{_count(part.get('retained'))} of {_count(part.get('cohort'))} people"
        elif key == "successful_completions":
            part = obj.get(key) or {}
            value = part.get("pct")
            if part.get("denominator"):
                detail = f"{_count(part.get('completed'))} of {_count(part.get('denominator'))} people"
                if part.get("provisional"):
                    detail += "; provisional: the 26 weeks after the period are not all in the data yet"
        else:
            value = obj.get(key)
        target, words, path = headline_target(key, obj, targets)
        rows.append(Measure(key, name, value, unit, target, words, path, rag(value, target), detail))
    return rows


def _count(value: Any) -> str:
    return "a suppressed number of" if value is None else f"{int(value):,}"


def waiting_target(modality: str, targets: Mapping[str, Any]) -> tuple[str, Target | None, str, str]:
    """(the figure judged, target, words, path in the file) for a modality's waiting time."""
    means = targets.get("modality_mean_wait_days") or {}
    if modality in means and means[modality] is not None:
        days = Decimal(str(means[modality]))
        return (
            "mean_days",
            Target(days, AT_MOST),
            f"An average wait of at most {number_words(days)} days",
            f"targets.modality_mean_wait_days.{modality}",
        )
    within = _decimal(targets.get("waiting_within_threshold_pct"))
    if within is not None:
        return (
            "within_threshold_pct",
            Target(within, AT_LEAST),
            f"At least {number_words(within)}% starting within the threshold",
            "targets.waiting_within_threshold_pct",
        )
    return "", None, "", ""


def waiting(obj: Mapping[str, Any], targets: Mapping[str, Any], *, every: bool = False) -> list[WaitMeasure]:
    """Each modality's waiting time in the period with its target: those with a start in the period, or
    anyone still waiting, or a target of their own (all of them with `every`), in the object's order."""
    rows = []
    means = targets.get("modality_mean_wait_days") or {}
    for modality, w in (obj.get("waiting") or {}).items():
        shown = every or modality in means or w.get("count") != 0 or w.get("still_waiting") != 0
        if not shown:
            continue
        judged_on, target, words, path = waiting_target(modality, targets)
        figure = w.get(judged_on) if judged_on else None
        rows.append(
            WaitMeasure(
                modality=modality,
                count=w.get("count"),
                mean_days=w.get("mean_days"),
                median_days=w.get("median_days"),
                within_threshold_pct=w.get("within_threshold_pct"),
                threshold_days=int(w.get("threshold_days") or 0),
                still_waiting=w.get("still_waiting"),
                judged_on=judged_on,
                target=target,
                target_words=words,
                target_path=path,
                target_met=w.get("target_met"),
                status=rag(figure, target) if w.get("count") else rag(None, target),
            )
        )
    return rows


# --- a contract's monitoring KPI (commissioning.ContractKpi.kpi) as a figure of the object ---------------

# A code naming a part of the object that holds several figures stands for its percentage.
SHORTHANDS = {
    "retention_12wk": "retention_12wk.pct",
    "successful_completions": "successful_completions.pct",
}


def figure_at(obj: Mapping[str, Any], code: str) -> tuple[bool, int | float | None]:
    """(whether `code` names a figure of the object, the figure): a dotted path to a number
    ("in_treatment", "waiting.pharmacological.mean_days", "successful_completions.completed"), with
    `retention_12wk` and `successful_completions` meaning their `pct` and `waiting.<modality>` its
    `within_threshold_pct`. (True, None) is a figure that is missing or suppressed; (False, None) a code
    that names no figure."""
    code = code.strip()
    path = SHORTHANDS.get(code, code)
    parts = path.split(".")
    if len(parts) == 2 and parts[0] == "waiting":
        parts.append("within_threshold_pct")
    value: Any = obj
    for part in parts:
        if not isinstance(value, Mapping) or part not in value:
            return False, None
        value = value[part]
    if value is None:
        return True, None
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False, None
    return True, value


def contract_target(target: Decimal | int | str, direction: str) -> Target:
    return Target(Decimal(str(target)), AT_MOST if direction == AT_MOST else AT_LEAST)


# --- where a target comes from -------------------------------------------------------------------------


def source_of(sources: Mapping[str, Any], path: str) -> str | None:
    """A value's source from the file's `sources:` map: the longest path in it that is the value's own or
    contains it ("targets" contains "targets.baseline"); None when none does."""
    best: str | None = None
    for key in sources:
        key = str(key)
        if (path == key or path.startswith(key + ".")) and (best is None or len(key) > len(best)):
            best = key
    if best is None:
        return None
    value = sources[best]
    return None if value is None else str(value)


def target_paths(targets: Mapping[str, Any], modalities: Sequence[str]) -> list[str]:
    """Every path of the targets section, in the file's order, for the targets page."""
    paths = ["targets.baseline", "targets.accessing_services", "targets.waiting_time_days",
             "targets.waiting_within_threshold_pct"]  # fmt: skip
    paths += [f"targets.modality_thresholds.{m}" for m in modalities]
    paths += [f"targets.modality_mean_wait_days.{m}" for m in modalities]
    return paths
