"""What a board's report shows, as one plain dict of JSON values: the single source of its page, PDF,
workbook and JSON file, and what issuing a report stores (`BoardReport.figures`), so an issued report is
rendered again from exactly what was issued.

`report_data(partnership, kind, year, quarter, as_of=None, published=False, draft=None)`:
- "kpis": the object `concordat kpi` prints for the period (performance.selectors.kpis: the same code path
  and cache), published figures when `published`; "last_year": the same period a year before, its object.
- "headline" rows (rules.HEADLINE) with the value, last year's and the change; "waiting" by modality with
  its target in words; "providers" (the breakdown by provider); "trend" (quarters or years before it).
- "pool": the pooled fund's statement of the period (money in pence, keys ending `_pence`).
- a treatment plan adds "plan_year", "targets" (next year's), "workforce" (with growth) and "money".
- "narrative", "risks" (the chosen risks of the register, as they read now), "sign_off", "status" … of
  the draft, or empty ones.

`public(data)` is the data as the JSON file writes it: money as pounds with two places ("1200000.00",
`_pence` dropped from the key) and FTE as "12.50" (`_hundredths` dropped), as the house writes files.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from concordat.core.money import pence_to_str
from concordat.core.years import FinancialYear
from concordat.partnerships.models import Partnership, Risk
from concordat.partnerships.rules.vocabulary import BUILT_IN_MODALITIES
from concordat.performance import selectors
from concordat.pool.selectors import statement

from ..models import BoardReport
from . import rules

TREND_QUARTERS = 8
TREND_YEARS = 5
SCHEMA = 1  # the layout of the dict: an issued report says which it was stored in


def modality_names(partnership: Partnership) -> dict[str, tuple[str, bool]]:
    names = {code: (label, structured) for code, (label, _, structured) in BUILT_IN_MODALITIES.items()}
    names.update({m.code: (m.name, m.structured) for m in partnership.modalities.all()})
    return names


def _headline(kpis: dict[str, Any], last: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for h in rules.HEADLINE:
        value, before = rules.value_at(kpis, h.path), rules.value_at(last, h.path)
        rows.append(
            {
                "key": h.key,
                "label": h.label,
                "path": ".".join(h.path),
                "percent": h.percent,
                "value": value,
                "last_year": before,
                "change": rules.change(value, before),
            }
        )
    return rows


def _waiting(partnership: Partnership, kpis: dict[str, Any], last: dict[str, Any]) -> list[dict[str, Any]]:
    names = modality_names(partnership)
    targets = partnership.targets or {}
    rows = []
    # Structured modalities first (the national targets are about them), then the others; by name.
    order = sorted(
        kpis.get("waiting", {}), key=lambda c: (not names.get(c, ("", True))[1], names.get(c, (c,))[0])
    )
    for code in order:
        w = kpis["waiting"][code]
        name, structured = names.get(code, (code, False))
        before = (last.get("waiting") or {}).get(code) or {}
        rows.append(
            {
                "modality": code,
                "name": name,
                "structured": structured,
                **{k: w.get(k) for k in ("count", "mean_days", "median_days", "within_threshold_pct",
                                         "threshold_days", "still_waiting", "target_met")},
                "target": rules.waiting_target(code, targets, w.get("threshold_days")),
                "last_year_mean_days": before.get("mean_days"),
            }
        )  # fmt: skip
    return rows


def _providers(partnership: Partnership, kpis: dict[str, Any]) -> list[dict[str, Any]]:
    names = dict(partnership.providers.values_list("code", "name"))
    groups = (kpis.get("breakdowns") or {}).get("by_provider") or {}
    return [
        {
            "code": code,
            "name": names.get(code, code),
            "in_treatment": g.get("in_treatment"),
            "accessing_services": g.get("accessing_services"),
            "new_starts": g.get("new_starts"),
            "retention_pct": rules.value_at(g, ("retention_12wk", "pct")),
            "completions_pct": rules.value_at(g, ("successful_completions", "pct")),
        }
        for code, g in sorted(groups.items())
    ]


def _trend(
    partnership: Partnership,
    periods: list[tuple[str, date, date]],
    as_of: date,
    published: bool,
    current: dict[str, Any],
) -> list[dict[str, Any]]:
    """The KPIs of each period: from the partnership's cached grid when the report is as of the record's
    own date (the pages' case: nothing is computed), else computed in one engine run. Periods the grid does
    not hold (before the first referral) are left out; the report's own period is its own object."""
    if as_of == selectors.default_as_of(partnership):
        grid = {e.label: e.kpis for e in selectors.grid(partnership, published=published)}
        objects = [grid.get(label) for label, _, _ in periods]
    else:
        objects = list(
            selectors.compute(
                [selectors.Request(partnership, s, e, as_of, published) for _, s, e in periods[:-1]]
            )
        )
        objects.append(None)
    objects[-1] = current
    return [
        {
            "label": label,
            "from": start.isoformat(),
            "to": end.isoformat(),
            "in_treatment": obj.get("in_treatment"),
            "accessing_services": obj.get("accessing_services"),
            "new_starts": obj.get("new_starts"),
            "retention_pct": rules.value_at(obj, ("retention_12wk", "pct")),
            "completions_pct": rules.value_at(obj, ("successful_completions", "pct")),
        }
        for (label, start, end), obj in zip(periods, objects, strict=True)
        if obj is not None
    ]


def _pool(partnership: Partnership, year: FinancialYear, quarter: int | None) -> dict[str, Any]:
    s = statement(partnership, year, quarter)
    line = s.by_quarter[-1] if quarter and s.by_quarter else None
    return {
        "year": str(year),
        "quarter": quarter,
        "budget_pence": s.budget,
        "received_pence": s.received,
        "spend_in_quarter_pence": line.actual_spend if line else None,
        "actual_spend_pence": s.actual_spend,
        "committed_pence": s.committed,
        "forecast_outturn_pence": s.forecast_outturn,
        "variance_pence": s.variance,
    }


def _plan_money(partnership: Partnership, plan: FinancialYear) -> dict[str, Any]:
    s = statement(partnership, plan)
    return {
        "year": str(plan),
        "planned_pence": s.planned,
        "carried_forward_pence": s.carried_forward,
        "budget_pence": s.budget,
        "streams": [
            {"code": t.code, "name": t.name, "partner": t.partner, "planned_pence": t.planned}
            for t in s.streams
            if t.planned
        ],
    }


def _targets(partnership: Partnership, plan: FinancialYear) -> dict[str, Any]:
    t = partnership.targets or {}
    accessing = t.get("accessing_services") or {}
    baseline = t.get("baseline") or {}
    names = modality_names(partnership)
    return {
        "year": str(plan),
        "accessing_services": accessing.get("value") if accessing.get("year") == str(plan) else None,
        "accessing_services_year": accessing.get("year"),
        "accessing_services_value": accessing.get("value"),
        "baseline": {"kpi": baseline.get("kpi"), "year": baseline.get("year"), "value": baseline.get("value")}
        if baseline
        else None,
        "waiting_time_days": t.get("waiting_time_days"),
        "waiting_within_threshold_pct": t.get("waiting_within_threshold_pct"),
        "mean_waits": [
            {"modality": code, "name": names.get(code, (code,))[0], "days": days}
            for code, days in sorted((t.get("modality_mean_wait_days") or {}).items())
        ],
        "thresholds": [
            {"modality": code, "name": names.get(code, (code,))[0], "days": days}
            for code, days in sorted((t.get("modality_thresholds") or {}).items())
        ],
    }


def _workforce(partnership: Partnership, years: list[int]) -> dict[str, Any]:
    from ..workforce import table

    t = table(partnership, years=years)
    g = t.growth
    return {
        "years": [str(FinancialYear(y)) for y in g.years],
        "providers": [
            {
                "code": row.code,
                "name": provider.name,
                "fte_hundredths": list(row.fte),
                "growth_pct": list(row.growth_pct),
            }
            for provider, row in zip(t.providers, g.providers, strict=True)
        ],
        "total": {
            "fte_hundredths": list(g.total_fte),
            "growth_pct": list(g.total_growth_pct),
            "compared": list(g.compared),
        },
    }


def risk_entry(risk: Risk) -> dict[str, Any]:
    return {
        "key": risk.key,
        "description": risk.description,
        "cause": risk.cause,
        "likelihood": risk.likelihood,
        "impact": risk.impact,
        "score": risk.score,
        "owner": risk.owner,
        "mitigation": risk.mitigation,
        "status": risk.status,
    }


def _written(partnership: Partnership, draft: BoardReport | None) -> dict[str, Any]:
    """The parts the lead commissioner writes, as the draft holds them now (the chosen risks as the
    register reads now: a risk removed from it since is left out, and said so)."""
    if draft is None:
        return {
            "narrative": "",
            "risks": [],
            "risks_removed": 0,
            "sign_off": {"name": "", "role": ""},
            "for_publication": False,
            "status": BoardReport.Status.DRAFT.value,
            "prepared_by": "",
            "prepared_at": None,
            "issued_by": "",
            "issued_at": None,
        }
    register = {r.key: r for r in partnership.risks.all()}
    chosen = [register[k] for k in draft.risk_keys if k in register]
    return {
        "narrative": draft.narrative,
        "risks": [risk_entry(r) for r in chosen],
        "risks_removed": len(draft.risk_keys) - len(chosen),
        "sign_off": {"name": draft.sign_off_name, "role": draft.sign_off_role},
        "for_publication": draft.for_publication,
        "status": draft.status,
        "prepared_by": draft.prepared_by,
        "prepared_at": draft.prepared_at.isoformat() if draft.prepared_at else None,
        "issued_by": draft.issued_by,
        "issued_at": draft.issued_at.isoformat() if draft.issued_at else None,
    }


def report_data(
    partnership: Partnership,
    kind: str,
    year: FinancialYear,
    quarter: int | None,
    *,
    as_of: date | None = None,
    published: bool = False,
    draft: BoardReport | None = None,
) -> dict[str, Any]:
    """Everything the report of `kind` for `year` (and `quarter`) shows, computed now. For a treatment
    plan `year` is the year whose outcome it reports; it plans the year after."""
    as_of = as_of or selectors.default_as_of(partnership)
    start, end = rules.bounds(year, quarter)
    last_start, last_end = rules.year_before(year, quarter)
    kpis = selectors.kpis(partnership, start, end, as_of, published)
    last = selectors.kpis(partnership, last_start, last_end, as_of, published)
    trend = rules.trend_periods(year, quarter, TREND_QUARTERS if quarter else TREND_YEARS)
    data: dict[str, Any] = {
        "schema": SCHEMA,
        "report": kind,
        "key": rules.report_key(kind, year, quarter),
        "title": rules.title(kind, year, quarter),
        "partnership": {"slug": partnership.slug, "name": partnership.name, "demo": partnership.demo},
        "from": start.isoformat(),
        "to": end.isoformat(),
        "as_of": as_of.isoformat(),
        "year": str(year),
        "quarter": quarter,
        "published": published,
        "kpis": kpis,
        "last_year": {"from": last_start.isoformat(), "to": last_end.isoformat(), "kpis": last},
        "headline": _headline(kpis, last),
        "waiting": _waiting(partnership, kpis, last),
        "providers": _providers(partnership, kpis),
        "trend": _trend(partnership, trend, as_of, published, kpis),
        "pool": _pool(partnership, year, quarter),
    }
    if kind == rules.TREATMENT_PLAN:
        plan = year.next()
        data.update(
            plan_year=str(plan),
            targets=_targets(partnership, plan),
            workforce=_workforce(partnership, [year.start_year - 1, year.start_year, plan.start_year]),
            money=_plan_money(partnership, plan),
        )
    data.update(_written(partnership, draft))
    return data


def public(value: Any) -> Any:
    """The data as the JSON file writes it: pence as pounds with two places, hundredths of FTE as FTE with
    two places, the suffix dropped from the key; everything else as it is (the KPI objects untouched)."""
    from .rules import fte_text

    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            if key.endswith("_pence"):
                out[key.removesuffix("_pence")] = _each(item, pence_to_str)
            elif key.endswith("_hundredths"):
                out[key.removesuffix("_hundredths")] = _each(item, fte_text)
            elif key == "kpis":
                out[key] = item
            else:
                out[key] = public(item)
        return out
    if isinstance(value, list):
        return [public(item) for item in value]
    return value


def _each(value: Any, write: Any) -> Any:
    if isinstance(value, list):
        return [_each(v, write) for v in value]
    return None if value is None else write(value)
