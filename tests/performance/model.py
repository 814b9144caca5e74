"""A plain-Python model of the KPIs, written from the words of treatment-data.md ("KPIs", "published
figures") and the decisions in docs/kpi-engine.md, sharing no code with the engine: the property tests hold
the engine to it on random records.

A record is a list of dicts with the extract's columns (client_key a string, dates as `date`); a setting
is {"slug", "providers": [codes], "modalities": {code: structured}, "targets": Partnership.targets}.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Any

COMPLETED = {"completed-drug-free", "completed-alcohol-free", "completed-occasional-user"}
AGE_BANDS = ["under-18", "18-24", "25-34", "35-44", "45-54", "55-64", "65+"]
SEXES = ["M", "F", "X", "U"]
SUBSTANCES = [
    "opiates", "crack", "cocaine", "cannabis", "amphetamines", "benzodiazepines", "alcohol",
    "new-psychoactive", "other",
]  # fmt: skip


def rounded(numerator: int, denominator: int) -> float | None:
    """numerator / denominator, half-up to one decimal place, by Decimal at 60 digits."""
    if denominator == 0:
        return None
    with localcontext() as context:
        context.prec = 60
        exact = Decimal(numerator) / Decimal(denominator)
        return float(exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def age_band(age: int) -> str:
    if age < 18:
        return "under-18"
    if age >= 65:
        return "65+"
    for band in AGE_BANDS[1:-1]:
        low, high = (int(x) for x in band.split("-"))
        if low <= age <= high:
            return band
    raise AssertionError(age)


def overlaps(a: date, b: date, start: date, end: date) -> bool:
    return max(a, start) <= min(b, end)


class Model:
    def __init__(
        self, rows: list[dict[str, Any]], setting: dict[str, Any], start: date, end: date, as_of: date
    ):
        self.rows, self.setting, self.start, self.end, self.as_of = rows, setting, start, end, as_of
        self.modalities: dict[str, bool] = setting["modalities"]
        self.targets = setting.get("targets") or {}
        self.episodes: dict[int, list[dict[str, Any]]] = {}
        for row in rows:
            self.episodes.setdefault(row["episode_id"], []).append(row)

    def structured(self, code: str | None) -> bool:
        return bool(code) and self.modalities.get(code, False)

    def in_period(self, day: date | None) -> bool:
        return day is not None and self.start <= day <= self.end

    def treatment_start(self, episode: list[dict[str, Any]]) -> date | None:
        starts = [
            r["modality_start_date"]
            for r in episode
            if self.structured(r["modality"]) and r["modality_start_date"]
        ]
        return min(starts) if starts else None

    # Each KPI over the rows of a group (a group is a set of episodes, or of rows for by_modality).
    def in_treatment(self, rows: list[dict[str, Any]]) -> int:
        people = set()
        for r in rows:
            if self.structured(r["modality"]) and r["modality_start_date"] is not None:
                end = r["modality_end_date"] or r["discharge_date"] or self.as_of
                if overlaps(r["modality_start_date"], end, self.start, self.end):
                    people.add(r["client_key"])
        return len(people)

    def accessing(self, episodes: list[list[dict[str, Any]]]) -> int:
        return len(
            {
                e[0]["client_key"]
                for e in episodes
                if overlaps(e[0]["referral_date"], e[0]["discharge_date"] or self.as_of, self.start, self.end)
            }
        )

    def new_starts(self, episodes: list[list[dict[str, Any]]]) -> int:
        return len({e[0]["client_key"] for e in episodes if self.in_period(self.treatment_start(e))})

    def threshold(self, code: str) -> int:
        own = self.targets.get("modality_thresholds") or {}
        if code in own:
            return int(own[code])
        default = self.targets.get("waiting_time_days")
        return 21 if default is None else int(default)

    def waiting(self, rows: list[dict[str, Any]], code: str) -> dict[str, Any]:
        mine = [r for r in rows if r["modality"] == code]
        waits = sorted(
            (r["modality_start_date"] - r["modality_referral_date"]).days
            for r in mine
            if self.in_period(r["modality_start_date"])
        )
        n = len(waits)
        within = sum(1 for w in waits if w <= self.threshold(code))
        still = sum(
            1
            for r in mine
            if r["modality_referral_date"] <= self.end
            and (r["modality_start_date"] is None or r["modality_start_date"] > self.end)
            and (r["discharge_date"] is None or r["discharge_date"] > self.end)
        )
        middle = (waits[(n - 1) // 2] + waits[n // 2]) if n else 0
        return {
            "count": n,
            "total": sum(waits),
            "within": within,
            "middle_sum": middle,
            "still_waiting": still,
        }

    def retention(self, episodes: list[list[dict[str, Any]]]) -> tuple[int, int]:
        cohort = retained = 0
        for e in episodes:
            s = self.treatment_start(e)
            if not self.in_period(s) or s + timedelta(days=84) > self.as_of:
                continue
            cohort += 1
            d, reason = e[0]["discharge_date"], e[0]["discharge_reason"]
            if d is None or not d < s + timedelta(days=84) or reason in COMPLETED or reason == "transferred":
                retained += 1
        return cohort, retained

    def completed(self, episodes: list[list[dict[str, Any]]]) -> int:
        people = set()
        for e in episodes:
            first = e[0]
            d = first["discharge_date"]
            if not self.in_period(d) or first["discharge_reason"] not in COMPLETED:
                continue
            came_back = any(
                other[0]["client_key"] == first["client_key"]
                and d < other[0]["referral_date"] <= d + timedelta(days=182)
                for other in self.episodes.values()
            )
            if not came_back:
                people.add(first["client_key"])
        return len(people)

    # The object, exact.
    def group(self, episodes: list[list[dict[str, Any]]]) -> dict[str, Any]:
        rows = [r for e in episodes for r in e]
        it = self.in_treatment(rows)
        cohort, retained = self.retention(episodes)
        done = self.completed(episodes)
        waiting = {}
        for code in sorted(self.modalities):
            w = self.waiting(rows, code)
            waiting[code] = w
        return {
            "in_treatment": it,
            "accessing_services": self.accessing(episodes),
            "new_starts": self.new_starts(episodes),
            "waiting": waiting,
            "retention_12wk": {"cohort": cohort, "retained": retained},
            "successful_completions": {"completed": done, "denominator": it},
        }

    def groups(self) -> dict[str, dict[str, list[list[dict[str, Any]]]]]:
        episodes = list(self.episodes.values())

        def by(values: list[str], of: Any) -> dict[str, list[list[dict[str, Any]]]]:
            return {v: [e for e in episodes if of(e[0]) == v] for v in values}

        return {
            "by_provider": by(sorted(self.setting["providers"]), lambda r: r["provider"]),
            "by_age_band": by(AGE_BANDS, lambda r: age_band(r["age_at_referral"])),
            "by_sex": by(SEXES, lambda r: r["sex"]),
            "by_substance": by(SUBSTANCES, lambda r: r["primary_substance"]),
        }


def _count_keys(group: dict[str, Any]) -> list[tuple[str, ...]]:
    keys = [("in_treatment",), ("accessing_services",), ("new_starts",)]
    for code in group["waiting"]:
        keys += [("waiting", code, "count"), ("waiting", code, "still_waiting")]
    keys += [
        ("retention_12wk", "cohort"),
        ("retention_12wk", "retained"),
        ("successful_completions", "completed"),
        ("successful_completions", "denominator"),
    ]
    return keys


def _value(group: dict[str, Any], key: tuple[str, ...]) -> int:
    value: Any = group
    for part in key:
        value = value[part]
    return int(value)


def _secondary(
    groups: dict[str, dict[str, Any]], keys: list[tuple[str, ...]]
) -> dict[str, set[tuple[str, ...]]]:
    """For each group, the keys suppressed: 1 to 4 themselves, and where exactly one group of a breakdown
    is, the next smallest of those with 5 or more (ties: the key that sorts first)."""
    hidden: dict[str, set[tuple[str, ...]]] = {name: set() for name in groups}
    for key in keys:
        values = {name: _value(g, key) for name, g in groups.items()}
        small = [name for name, v in values.items() if 1 <= v <= 4]
        for name in small:
            hidden[name].add(key)
        if len(small) == 1:
            rest = sorted((v, name) for name, v in values.items() if v >= 5)
            if rest:
                hidden[rest[0][1]].add(key)
    return hidden


def _render(
    model: Model,
    raw: dict[str, Any],
    hidden: set[tuple[str, ...]],
    published: bool,
    provisional: bool,
    *,
    mark_top: bool = True,
) -> dict[str, Any]:
    def count(key: tuple[str, ...]) -> int | None:
        v = _value(raw, key)
        if not published:
            return v
        if key in hidden:
            return None
        return 5 * round(v / 5) if v % 5 != 0 else v  # v % 5 is never 2.5: no tie

    def mark(obj: dict[str, Any], keys: list[tuple[str, ...]]) -> dict[str, Any]:
        names = [k[-1] for k in keys if published and k in hidden]
        if names:
            obj["suppressed"] = names
        return obj

    out: dict[str, Any] = {k: count((k,)) for k in ("in_treatment", "accessing_services", "new_starts")}
    waiting = {}
    for code, w in raw["waiting"].items():
        n = w["count"]
        count_gone = published and ("waiting", code, "count") in hidden
        mean = None if count_gone else rounded(w["total"], n)
        pct_gone = count_gone or (published and 1 <= w["within"] <= 4)
        pct = None if pct_gone else rounded(100 * w["within"], n)
        target = None
        mean_targets = model.targets.get("modality_mean_wait_days") or {}
        if n:
            if code in mean_targets:
                target = None if mean is None else Decimal(str(mean)) <= Decimal(mean_targets[code])
            elif model.targets.get("waiting_within_threshold_pct") is not None:
                goal = Decimal(str(model.targets["waiting_within_threshold_pct"]))
                target = None if pct is None else Decimal(str(pct)) >= goal
        waiting[code] = mark(
            {
                "count": count(("waiting", code, "count")),
                "mean_days": mean,
                "median_days": None if count_gone else rounded(w["middle_sum"], 2 if n else 0),
                "within_threshold_pct": pct,
                "threshold_days": model.threshold(code),
                "still_waiting": count(("waiting", code, "still_waiting")),
                "target_met": target,
            },
            [("waiting", code, "count"), ("waiting", code, "still_waiting")],
        )
    out["waiting"] = waiting
    r, c = raw["retention_12wk"], raw["successful_completions"]
    r_gone = published and bool({("retention_12wk", "cohort"), ("retention_12wk", "retained")} & hidden)
    out["retention_12wk"] = mark(
        {
            "cohort": count(("retention_12wk", "cohort")),
            "retained": count(("retention_12wk", "retained")),
            "pct": None if r_gone else rounded(100 * r["retained"], r["cohort"]),
        },
        [("retention_12wk", "cohort"), ("retention_12wk", "retained")],
    )
    c_gone = published and bool(
        {("successful_completions", "completed"), ("successful_completions", "denominator")} & hidden
    )
    out["successful_completions"] = mark(
        {
            "completed": count(("successful_completions", "completed")),
            "denominator": count(("successful_completions", "denominator")),
            "pct": None if c_gone else rounded(100 * c["completed"], c["denominator"]),
            "provisional": provisional,
        },
        [("successful_completions", "completed"), ("successful_completions", "denominator")],
    )
    if mark_top:
        mark(out, [("in_treatment",), ("accessing_services",), ("new_starts",)])
    return out


def kpi_object(
    rows: list[dict[str, Any]],
    setting: dict[str, Any],
    start: date,
    end: date,
    as_of: date,
    published: bool = False,
) -> dict[str, Any]:
    model = Model(rows, setting, start, end, as_of)
    provisional = end + timedelta(days=182) > as_of
    total = model.group(list(model.episodes.values()))
    total_hidden = {k for k in _count_keys(total) if 1 <= _value(total, k) <= 4}
    body = _render(model, total, total_hidden, published, provisional, mark_top=False)
    targets = model.targets
    growth = None
    baseline = targets.get("baseline") or {}
    if baseline.get("kpi") == "in_treatment" and baseline.get("value") and body["in_treatment"] is not None:
        growth = rounded(100 * (total["in_treatment"] - int(baseline["value"])), int(baseline["value"]))
    target_pct = None
    accessing = targets.get("accessing_services") or {}
    fy = end.year if end.month >= 4 else end.year - 1
    if (
        accessing
        and int(accessing["year"][:4]) == fy
        and accessing.get("value")
        and body["accessing_services"] is not None
    ):
        target_pct = rounded(100 * total["accessing_services"], int(accessing["value"]))
    breakdowns: dict[str, Any] = {}
    for name, groups in model.groups().items():
        raws = {g: model.group(eps) for g, eps in groups.items()}
        hidden = _secondary(raws, _count_keys(next(iter(raws.values())))) if raws else {}
        breakdowns[name] = {
            g: _render(model, raw, hidden[g] if published else set(), published, provisional)
            for g, raw in raws.items()
        }
    # by_modality: people in treatment with that structured modality.
    structured = sorted(c for c, s in model.modalities.items() if s)
    by_modality_raw = {
        c: {"in_treatment": model.in_treatment([r for r in rows if r["modality"] == c])} for c in structured
    }
    hidden_m = _secondary(by_modality_raw, [("in_treatment",)]) if by_modality_raw else {}
    by_modality = {}
    for c, raw in by_modality_raw.items():
        v = raw["in_treatment"]
        gone = published and ("in_treatment",) in hidden_m[c]
        obj: dict[str, Any] = {"in_treatment": None if gone else (5 * round(v / 5) if published else v)}
        if gone:
            obj["suppressed"] = ["in_treatment"]
        by_modality[c] = obj
    obj = {
        "partnership": setting["slug"],
        "from": start.isoformat(),
        "to": end.isoformat(),
        "as_of": as_of.isoformat(),
        **body,
        "baseline_growth_pct": growth,
        "accessing_target_pct": target_pct,
        "breakdowns": {
            "by_provider": breakdowns["by_provider"],
            "by_modality": by_modality,
            "by_age_band": breakdowns["by_age_band"],
            "by_sex": breakdowns["by_sex"],
            "by_substance": breakdowns["by_substance"],
        },
    }
    names = [
        k for k in ("in_treatment", "accessing_services", "new_starts") if published and (k,) in total_hidden
    ]
    if names:
        obj["suppressed"] = names
    return obj
