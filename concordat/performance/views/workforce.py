"""The workforce on the web: treatment staff by provider and financial year with their year-on-year growth,
and the form for one provider's figure of one year (`workforce/<provider>/<year>/`, its natural key).

The lead commissioner enters any provider's figures, a provider data officer their own provider's; the
page carries `seen` (what the figure was when shown), so a save over someone else's is refused with their
values beside the writer's own (409), as the agreement's forms are."""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from concordat.core import clock
from concordat.core.years import FinancialYear, YearError
from concordat.partnerships.errors import Refused, StaleEdit
from concordat.partnerships.models import Provider
from concordat.partnerships.views.base import PartnershipPage

from .. import report_permissions as permissions
from .. import workforce
from ..models import WorkforceFigure
from ..reports.rules import fte_text

NS = "performance-reports"


class WorkforcePage(PartnershipPage):
    permission = permissions.VIEW_WORKFORCE
    section = f"{NS}:workforce"
    page_title = "Treatment workforce"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        p = self.partnership
        context["breadcrumbs"] = [
            *context["breadcrumbs"],
            {"href": reverse(f"{NS}:workforce", args=[p.slug]), "text": "Treatment workforce"},
        ]
        return context


class ChooseFigure(forms.Form):
    provider = forms.ChoiceField(label="Provider")
    year = forms.ChoiceField(label="Financial year")

    def __init__(
        self, *args: Any, providers: list[Provider], years: list[FinancialYear], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["provider"].choices = [(p.code, p.name) for p in providers]  # type: ignore[attr-defined]
        self.fields["year"].choices = [(str(y), str(y)) for y in years]  # type: ignore[attr-defined]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(Field("provider"), Field("year"))


def entry_years(table: workforce.Table) -> list[FinancialYear]:
    """Years a figure may be entered for: those shown, and up to the year after this one."""
    this = FinancialYear.containing(clock.today()).start_year + 1
    shown = set(table.growth.years)
    first = min(shown | {this - 6})
    return [FinancialYear(y) for y in range(this, first - 1, -1)]


class WorkforceTablePage(WorkforcePage):
    template_name = "performance/workforce/list.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user, p = request.user, self.partnership
        self.table = workforce.table(p, permissions.workforce_providers(user, p))
        writable = permissions.workforce_providers(user, p, change=True)
        self.may_change = user.has_perm(permissions.CHANGE_WORKFORCE, p)
        self.writable = [pr for pr in self.table.providers if writable is None or pr.pk in writable]
        self.form = ChooseFigure(request.GET or None, providers=self.writable, years=entry_years(self.table))
        if request.GET and self.may_change and self.form.is_valid():
            data = self.form.cleaned_data
            return redirect(f"{NS}:figure", slug=p.slug, code=data["provider"], year=data["year"])
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        t = self.table
        writable = {pr.code for pr in self.writable} if self.may_change else set()
        rows = []
        for provider, growth in zip(t.providers, t.growth.providers, strict=True):
            cells = [
                {
                    "year": str(FinancialYear(year)),
                    "fte": fte,
                    "growth": g,
                    "figure": t.figures.get((provider.code, year)),
                    "url": reverse(
                        f"{NS}:figure", args=[self.partnership.slug, provider.code, str(FinancialYear(year))]
                    )
                    if provider.code in writable
                    else "",
                }
                for year, fte, g in zip(t.growth.years, growth.fte, growth.growth_pct, strict=True)
            ]
            rows.append({"provider": provider, "cells": cells})
        context.update(
            rows=rows,
            years=t.years,
            total=list(zip(t.growth.total_fte, t.growth.total_growth_pct, t.growth.compared, strict=True)),
            form=self.form if self.may_change and self.writable else None,
            can_change=self.may_change,
        )
        return context


class FigureForm(forms.Form):
    fte = forms.CharField(
        label="Whole-time equivalent treatment staff",
        help_text="For example, 12.5 (at most two decimal places)",
        required=False,
        max_length=12,
    )
    source = forms.CharField(
        label="Source (optional)",
        required=False,
        help_text=f"Where the figure comes from. At most {workforce.SOURCE_LIMIT} characters",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(Field("fte", css_class="govuk-input--width-5"), Field("source"))


class FigurePage(WorkforcePage):
    permission = permissions.CHANGE_WORKFORCE
    section = f"{NS}:figure"
    template_name = "performance/workforce/figure.html"

    def prepare(self) -> None:
        """The provider and year the address names (404 when it names none), if the user may enter them."""
        p = self.partnership
        self.provider = Provider.objects.filter(partnership=p, code=self.kwargs["code"]).first()
        try:
            self.year = FinancialYear.parse(self.kwargs["year"])
        except YearError:
            raise Http404("No such financial year") from None
        if self.provider is None:
            raise Http404("No such provider")
        allowed = permissions.workforce_providers(self.request.user, p, change=True)
        if allowed is not None and self.provider.pk not in allowed:
            raise PermissionDenied
        self.figure = (
            WorkforceFigure.objects.select_related("provider")
            .filter(partnership=p, provider=self.provider, year=self.year.start_year)
            .first()
        )

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.prepare()
        initial = (
            {"fte": fte_text(self.figure.fte_hundredths), "source": self.figure.source} if self.figure else {}
        )
        return self.render_to_response(
            self.get_context_data(form=FigureForm(initial=initial), seen=workforce.figure_seen(self.figure))
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.prepare()
        form = FigureForm(request.POST)
        seen = request.POST.get("seen") or workforce.figure_seen(None)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form, seen=seen), status=400)
        try:
            saved = workforce.figure_save(
                partnership=self.partnership,
                provider=self.provider.code,
                year=str(self.year),
                fte=form.cleaned_data["fte"],
                source=form.cleaned_data["source"],
                seen=seen,
                user=request.user,
            )
        except Refused as refusal:
            for problem in refusal.report.errors:
                form.add_error(problem.path if problem.path in form.fields else None, problem.text)
            return self.render_to_response(self.get_context_data(form=form, seen=seen), status=400)
        except StaleEdit as stale:
            now = stale.current or {}
            stale_view = {
                "changed_by": stale.changed_by,
                "changed_at": stale.changed_at,
                "rows": [
                    ("Whole-time equivalent treatment staff", now.get("fte", "")),
                    ("Source", now.get("source", "")),
                ],
            }
            self.prepare()
            context = self.get_context_data(
                form=form, stale=stale_view, seen=workforce.figure_seen(self.figure)
            )
            return self.render_to_response(context, status=409)
        what = f"{self.provider.name}'s workforce for {self.year}"
        messages.success(
            request, f"Saved {what}" if saved.changed else f"{what} was already that: nothing changed"
        )
        return redirect(f"{NS}:workforce", slug=self.partnership.slug)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            page_title=f"{self.provider.name}: treatment workforce in {self.year}",
            provider=self.provider,
            year=self.year,
            figure=self.figure,
            cancel_url=reverse(f"{NS}:workforce", args=[self.partnership.slug]),
        )
        return context
