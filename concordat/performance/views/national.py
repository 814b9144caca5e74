"""Every partnership compared for one quarter or financial year: a league table per KPI, the viewer's own
partnerships highlighted. Published figures only (treatment-data.md: counts of 1 to 4 suppressed, the rest
rounded to the nearest 5, percentages from the exact counts), read from the stored results of each
partnership (figures.national): nothing identifying, nothing computed here. For signed-in members of any
partnership."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.generic import TemplateView

from concordat.partnerships.models import Membership
from concordat.partnerships.views.base import navigation

from ..figures import NationalRow, national, national_default, national_periods
from ..rules.labels import GridPeriod

LEAGUES: tuple[tuple[str, str, str, str], ...] = (
    # (id, title, where in the object: key or key.sub, unit)
    ("in-treatment", "People in treatment", "in_treatment", ""),
    ("accessing-services", "People accessing services", "accessing_services", ""),
    ("new-starts", "New starts in treatment", "new_starts", ""),
    ("retention", "Retained in treatment for 12 weeks", "retention_12wk.pct", "%"),
    ("completions", "Successful completions", "successful_completions.pct", "%"),
    ("baseline-growth", "People in treatment against the baseline", "baseline_growth_pct", "%"),
    ("accessing-target", "People accessing services, share of the target", "accessing_target_pct", "%"),
)


class PeriodForm(forms.Form):
    period = forms.ChoiceField(label="Quarter or financial year", required=False)

    def __init__(self, *args: Any, periods: list[GridPeriod], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["period"]
        field.choices = [(p.slug, p.words) for p in periods]
        field.error_messages["invalid_choice"] = "Choose a quarter or financial year from the list"


def _value(figures: dict[str, Any], path: str) -> tuple[Any, bool]:
    """(the figure, whether it is suppressed) at `path` of a partnership's published headline figures."""
    key, _, sub = path.partition(".")
    if sub:
        part = figures.get(key) or {}
        value = part.get(sub)
        hidden = bool(part.get("suppressed"))
    else:
        value = figures.get(key)
        hidden = key in (figures.get("suppressed") or [])
        if key == "baseline_growth_pct":
            hidden = "in_treatment" in (figures.get("suppressed") or [])
        elif key == "accessing_target_pct":
            hidden = "accessing_services" in (figures.get("suppressed") or [])
    return value, hidden and value is None


def league(rows: list[NationalRow], path: str, own: set[int]) -> list[dict[str, Any]]:
    """The partnerships by their figure, highest first (equal figures share a rank), those without a
    figure after them in slug order."""
    ranked, unranked = [], []
    for row in rows:
        if row.figures is None:
            unranked.append({"row": row, "value": None, "suppressed": False, "rank": None})
            continue
        value, suppressed = _value(row.figures, path)
        entry = {"row": row, "value": value, "suppressed": suppressed, "rank": None}
        (ranked if value is not None else unranked).append(entry)
    ranked.sort(key=lambda e: (-Decimal(str(e["value"])), e["row"].partnership.slug))
    previous, rank = None, 0
    for position, entry in enumerate(ranked, start=1):
        if entry["value"] != previous:
            rank, previous = position, entry["value"]
        entry["rank"] = rank
    for entry in ranked + unranked:
        entry["own"] = entry["row"].partnership.pk in own
    return ranked + unranked


class NationalPage(LoginRequiredMixin, TemplateView):
    template_name = "performance/national.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.own = set(Membership.objects.filter(user=request.user).values_list("partnership_id", flat=True))
        if not self.own:  # members of a partnership compare theirs with the others; no one else
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        periods = national_periods()
        default = national_default(periods)
        asked = self.request.GET.get("period")
        form = PeriodForm(self.request.GET if asked else None, periods=periods)
        chosen = default
        if asked and form.is_valid():
            chosen = GridPeriod.parse(form.cleaned_data["period"]) or default
        rows = national(chosen) if chosen else []
        context.update(
            page_title="Performance across partnerships",
            navigation=navigation(self.request, None, "performance:national"),
            breadcrumbs=[{"href": reverse("partnerships:list"), "text": "Partnerships"}],
            form=form,
            chosen=chosen,
            rows=rows,
            leagues=[
                {"id": id_, "title": title, "unit": unit, "entries": league(rows, path, self.own)}
                for id_, title, path, unit in LEAGUES
            ],
            stale=[row for row in rows if row.figures is not None and not row.current],
            missing=[row for row in rows if row.figures is None],
        )
        return context
