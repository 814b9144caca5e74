"""The dashboard: the KPI set for a quarter or financial year, each figure with its target and RAG status
(the rule written on the page: rules/rag.py), trends by quarter as charts with their text alternative and
data table, waiting times by modality against their targets, and the breakdowns by provider, modality, age
band, sex and substance. Exact figures (the partnership's own people); read from the stored grid only."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import reverse

from concordat.treatment.models import Sex, Substance
from concordat.treatment.visibility import staff_providers

from .. import charts
from ..figures import StoredGrid, StoredPeriod, stored_grid
from ..report_permissions import VIEW_REPORTS
from ..reports import rules as report_rules
from ..rules import measures, trends
from ..rules.labels import complete
from ..rules.rag import RULE
from .base import PerformancePage, chosen_period, modality_names, provider_names

TREND_QUARTERS = 12  # the quarters a trend shows, up to the chosen period's end
STATUS_TAGS = {
    "green": "govuk-tag--green",
    "amber": "govuk-tag--yellow",
    "red": "govuk-tag--red",
    "grey": "govuk-tag--grey",
}
SEX_WORDS = dict(Sex.choices)
SUBSTANCE_WORDS = dict(Substance.choices)
BREAKDOWN_TITLES = {
    "by_provider": "By provider",
    "by_modality": "By modality",
    "by_age_band": "By age band (age at referral)",
    "by_sex": "By sex",
    "by_substance": "By primary substance",
}


def status_tag(code: str) -> str:
    return STATUS_TAGS.get(code, STATUS_TAGS["grey"])


def episodes_url(slug: str, period: StoredPeriod, kpi: str, provider: str | None = None) -> str:
    url = reverse("performance:episodes", args=[slug, period.period.slug, kpi])
    return f"{url}?provider={provider}" if provider else url


def trend_quarters(grid: StoredGrid, chosen: StoredPeriod) -> list[StoredPeriod]:
    """The quarters a trend shows: the grid's quarters up to the end of the chosen period, the last
    TREND_QUARTERS of them."""
    return [q for q in grid.quarters if q.end <= chosen.end][-TREND_QUARTERS:]


def trend_charts(
    grid: StoredGrid,
    chosen: StoredPeriod,
    modality_words: dict[str, str],
    drill: Callable[[StoredPeriod, str], str | None] = lambda period, kpi: None,
) -> list[dict[str, Any]]:
    """The four trends: in treatment, new starts, successful completions (%) and, per modality with any
    start in those quarters, the share starting within the waiting-time threshold. A count in the tables
    of the first two links to the records behind it where `drill(quarter, kpi)` gives an address."""
    quarters = trend_quarters(grid, chosen)
    series = grid.series(quarters, ["in_treatment", "new_starts", "successful_completions__pct", "waiting"])
    labels = [q.period.short for q in quarters]

    def points(key: str) -> list[tuple[str, Any]]:
        return [(label, series.get(q.label, {}).get(key)) for label, q in zip(labels, quarters, strict=True)]

    made = []
    for key, title, unit, y_title in (
        ("in_treatment", "People in treatment by quarter", "", "People"),
        ("new_starts", "New starts in treatment by quarter", "", "People"),
        ("successful_completions__pct", "Successful completions by quarter (%)", "%", "Per cent"),
    ):
        line = points(key)
        name = title.split(" by quarter")[0]
        made.append(
            {
                "id": key.split("__")[0].replace("_", "-"),
                "title": title,
                "svg": charts.chart_svg(charts.trend_spec(line, y_title=y_title), title),
                "description": trends.describe(name, line, unit),
                "columns": [title.split(" by quarter")[0] + (" (%)" if unit else "")],
                "rows": [
                    (label, [value], drill(q, key) if key in ("in_treatment", "new_starts") else None)
                    for (label, value), q in zip(line, quarters, strict=True)
                ],
                "unit": unit,
                "kpi_words": name.lower(),
            }
        )
    made[2]["note"] = (
        "Completions are provisional until 26 weeks after the quarter are in the data: a person who comes "
        "back into treatment within 26 weeks does not count."
    )
    codes: list[str] = []
    for q in quarters:
        codes += [code for code in series.get(q.label, {}).get("waiting") or {} if code not in codes]
    waiting: dict[str, list[tuple[str, Any]]] = {}
    for code in codes:
        rows = [
            (label, (series.get(q.label, {}).get("waiting") or {}).get(code) or {})
            for label, q in zip(labels, quarters, strict=True)
        ]
        if any(w.get("count") for _, w in rows):  # a modality nobody started in these quarters: no line
            waiting[code] = [(label, w.get("within_threshold_pct")) for label, w in rows]
    title = "Starting within the waiting-time threshold, by modality and quarter (%)"
    named = {modality_words.get(code, code): line for code, line in waiting.items()}
    description = (
        " ".join(trends.describe(name, line, "%") for name, line in named.items())
        if named
        else "No one started a modality in these quarters."
    )
    made.append(
        {
            "id": "waiting",
            "title": title,
            "svg": charts.chart_svg(charts.multi_trend_spec(named, y_title="Per cent"), title)
            if named
            else "",
            "description": description,
            "columns": [f"{name} (%)" for name in named],
            "rows": [
                (label, [line[i][1] for line in named.values()], None) for i, label in enumerate(labels)
            ],
            "unit": "%",
        }
    )
    return made


def breakdown_tables(
    kpis: dict[str, Any],
    *,
    providers: dict[str, str],
    modality_words: dict[str, str],
    drill: Callable[[str, str], str | None],
) -> list[dict[str, Any]]:
    """The five breakdowns as tables: a row per group, its figures; links to the records behind a
    provider's counts where `drill(kpi, provider)` gives one."""
    found = kpis.get("breakdowns") or {}
    tables = []
    for name, title in BREAKDOWN_TITLES.items():
        groups = found.get(name) or {}
        rows = []
        for code, group in groups.items():
            if name == "by_provider":
                label = f"{providers.get(code, code)} ({code})"
            elif name == "by_modality":
                label = modality_words.get(code, code)
            elif name == "by_sex":
                label = str(SEX_WORDS.get(code, code))
            elif name == "by_substance":
                label = str(SUBSTANCE_WORDS.get(code, code))
            else:
                label = code
            completions = group.get("successful_completions") or {}
            retention = group.get("retention_12wk") or {}
            rows.append(
                {
                    "label": label,
                    "in_treatment": group.get("in_treatment"),
                    "accessing_services": group.get("accessing_services"),
                    "new_starts": group.get("new_starts"),
                    "completed": completions.get("completed"),
                    "completed_pct": completions.get("pct"),
                    "retained_pct": retention.get("pct"),
                    "in_treatment_url": drill("in_treatment", code) if name == "by_provider" else None,
                    "new_starts_url": drill("new_starts", code) if name == "by_provider" else None,
                }
            )
        tables.append({"id": name.replace("_", "-"), "title": title, "modality_only": name == "by_modality",
                       "rows": rows})  # fmt: skip
    return tables


class DashboardPage(PerformancePage):
    template_name = "performance/dashboard.html"
    section = "performance:dashboard"
    page_title = "Performance"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        p, user = self.partnership, self.request.user
        grid = stored_grid(p)
        form, chosen = chosen_period(self.request, grid)
        context.update(grid=grid, form=form, chosen=chosen, rag_rule=RULE, status_tags=STATUS_TAGS)
        if chosen is None:
            return context
        kpis = grid.result(chosen)
        targets = p.targets or {}
        providers = provider_names(p)
        modality_words = modality_names(p)
        own: set[str] = set()
        if context["can_drill_down"]:
            mine = staff_providers(user, p)
            own = set(p.providers.filter(pk__in=mine).values_list("code", flat=True))

        def drill(kpi: str, provider: str | None = None, period: StoredPeriod = chosen) -> str | None:
            if not context["can_drill_down"] or (provider is not None and provider not in own):
                return None
            return episodes_url(p.slug, period, kpi, provider)

        headlines = []
        for m in measures.headlines(kpis, targets):
            headlines.append(
                {
                    "measure": m,
                    "tag": status_tag(m.status.code),
                    "url": drill(m.key) if m.key in ("in_treatment", "new_starts") else None,
                }
            )
        waits = [
            {
                "measure": w,
                "name": modality_words.get(w.modality, w.modality),
                "tag": status_tag(w.status.code),
                "url": drill(f"waiting.{w.modality}") if w.count else None,
            }
            for w in measures.waiting(kpis, targets)
        ]
        growth = kpis.get("baseline_growth_pct")
        context.update(
            kpis=kpis,
            growth_words=None
            if growth is None
            else f"{trends.figure_words(abs(growth), '%')} {'more' if growth >= 0 else 'fewer'} than the baseline",
            headlines=headlines,
            waits=waits,
            complete=grid.as_of is not None and complete(chosen.end, grid.as_of),
            charts=trend_charts(
                grid, chosen, modality_words, lambda quarter, kpi: drill(kpi, period=quarter)
            ),
            breakdowns=breakdown_tables(
                kpis, providers=providers, modality_words=modality_words, drill=drill
            ),
            own_providers=sorted(own),
            national_url=reverse("performance:national") + f"?period={chosen.period.slug}",
            report=board_report_link(p, chosen, user),
        )
        return context


def board_report_link(partnership: Any, chosen: StoredPeriod, user: Any) -> tuple[str, str] | None:
    """The board's document for the chosen period, for those who read the reports: a quarter's quarterly
    report; a year's treatment plan (the plan for the next year, reporting this one's outcome)."""
    if not user.has_perm(VIEW_REPORTS, partnership):
        return None
    kind = report_rules.QUARTERLY if chosen.period.quarter else report_rules.TREATMENT_PLAN
    year, quarter = report_rules.report_period(kind, chosen.start, chosen.end)
    key = report_rules.report_key(kind, year, quarter)
    return reverse("performance-reports:report", args=[partnership.slug, key]), report_rules.title(
        kind, year, quarter
    )
