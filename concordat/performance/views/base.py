"""What the performance pages share: the partnership by permission, the breadcrumbs, the period a reader
chooses (a GET form over the stored grid, so it works without JavaScript and its address can be shared),
and the names of providers and modalities the tables print."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest
from django.urls import reverse

from concordat.partnerships.models import Partnership
from concordat.partnerships.rules.vocabulary import BUILT_IN_MODALITIES
from concordat.partnerships.views.base import PartnershipPage

from .. import permissions
from ..figures import StoredGrid, StoredPeriod
from ..rules.labels import GridPeriod


class PeriodForm(forms.Form):
    """The quarter or financial year a page shows, from those the grid has."""

    period = forms.ChoiceField(label="Quarter or financial year", required=False)

    def __init__(self, *args: Any, periods: list[GridPeriod], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["period"]
        field.choices = [(p.slug, p.words) for p in periods]
        field.error_messages["invalid_choice"] = "Choose a quarter or financial year from the list"


def chosen_period(request: HttpRequest, grid: StoredGrid) -> tuple[PeriodForm, StoredPeriod | None]:
    """The period asked for (`?period=2004-05-q1`), else the latest complete quarter of the grid. A value
    that is not one of the grid's periods is shown as an error at the field, and the default used."""
    periods = list(reversed(grid.periods))  # latest first
    default = grid.latest_complete_quarter()
    asked = request.GET.get("period")
    form = PeriodForm(request.GET if asked is not None else None, periods=[p.period for p in periods])
    chosen = default
    if asked is not None and form.is_valid() and form.cleaned_data.get("period"):
        wanted = GridPeriod.parse(form.cleaned_data["period"])
        found = grid.find(wanted) if wanted else None
        chosen = found or default
    if asked is None or not asked:
        form = PeriodForm(
            initial={"period": chosen.period.slug if chosen else ""}, periods=[p.period for p in periods]
        )
    return form, chosen


def provider_names(partnership: Partnership) -> dict[str, str]:
    return dict(partnership.providers.order_by("code").values_list("code", "name"))


def modality_names(partnership: Partnership) -> dict[str, str]:
    names = {code: name for code, (name, _, _) in BUILT_IN_MODALITIES.items()}
    names.update(dict(partnership.modalities.values_list("code", "name")))
    return names


class PerformancePage(PartnershipPage):
    """A page of the Performance tab: every member may open it unless `permission` says otherwise."""

    permission = permissions.VIEW
    section = "performance:dashboard"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        p, user = self.partnership, self.request.user
        context.update(
            can_change_targets=user.has_perm(permissions.CHANGE_TARGETS, p),
            can_drill_down=user.has_perm(permissions.DRILL_DOWN, p),
            can_see_money=user.has_perm(permissions.VIEW_MONEY, p),
            breadcrumbs=[
                *context["breadcrumbs"],
                {"href": reverse("performance:dashboard", args=[p.slug]), "text": "Performance"},
            ],
        )
        return context
