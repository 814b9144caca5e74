"""What the pool's pages share: the partnership by permission, the tabs, and the financial year (and
quarter) a reader chooses with a GET form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest
from django.urls import reverse

from concordat.core import clock
from concordat.core.years import FinancialYear, YearError
from concordat.partnerships.models import Partnership
from concordat.partnerships.views.base import PartnershipPage

from .. import permissions
from ..models import Transaction

QUARTERS = [("", "Whole year"), ("1", "Q1 (April to June)"), ("2", "Q2 (July to September)"),
            ("3", "Q3 (October to December)"), ("4", "Q4 (January to March)")]  # fmt: skip


def pool_years(partnership: Partnership) -> list[FinancialYear]:
    """The financial years with planned contributions or postings, latest first."""
    years = set(partnership.contributions.values_list("year", flat=True))
    years |= set(
        Transaction.objects.filter(partnership=partnership).values_list("year", flat=True).distinct()
    )
    return [FinancialYear(y) for y in sorted(years, reverse=True)]


def budget_years(partnership: Partnership) -> set[FinancialYear]:
    """The years with a budget: planned contributions, or an underspend carried into them."""
    years = set(partnership.contributions.values_list("year", flat=True))
    closes = partnership.pool_year_closes.filter(carry_forward_pence__gt=0).values_list("year", flat=True)
    return {FinancialYear(y) for y in years} | {FinancialYear(y).next() for y in closes}


def default_year(years: list[FinancialYear], budgeted: set[FinancialYear]) -> FinancialYear:
    """The statement a reader sees first: this year when it has a budget, else the latest year with a
    budget before it, else the latest with a budget at all. A year with postings but no budget (a
    correction dated today in a pool whose plan ended years ago) is never the default. A pool with no
    budget: this year when it has postings, else its latest year (a new pool: this year)."""
    today = FinancialYear.containing(clock.today())
    if budgeted:
        if today in budgeted:
            return today
        earlier = [y for y in budgeted if y < today]
        return max(earlier) if earlier else max(budgeted)
    if not years or today in years:
        return today
    return years[0]


class YearForm(forms.Form):
    """The year (and quarter) a page shows: a GET form, so the page works without JavaScript and its URL
    can be shared."""

    year = forms.ChoiceField(label="Financial year", required=False)
    quarter = forms.ChoiceField(label="To the end of", required=False, choices=QUARTERS)

    def __init__(self, *args: Any, years: list[FinancialYear], with_quarter: bool = True, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(str(y), str(y)) for y in years]  # type: ignore[attr-defined]
        if not with_quarter:
            del self.fields["quarter"]

    def clean_year(self) -> FinancialYear | None:
        text = self.cleaned_data.get("year") or ""
        if not text:
            return None
        try:
            return FinancialYear.parse(text)
        except YearError:
            raise forms.ValidationError("Choose a financial year from the list") from None

    def clean_quarter(self) -> int | None:
        text = self.cleaned_data.get("quarter") or ""
        return int(text) if text else None


def chosen_period(
    request: HttpRequest, partnership: Partnership, *, with_quarter: bool = True
) -> tuple[YearForm, FinancialYear, int | None]:
    """The year and quarter asked for in the query string, else this year's whole year. A value that is not
    one of the choices is shown as an error on the form, and the default used."""
    years = pool_years(partnership)
    form = YearForm(request.GET or None, years=years, with_quarter=with_quarter)
    year, quarter = default_year(years, budget_years(partnership)), None
    if request.GET and form.is_valid():
        year = form.cleaned_data.get("year") or year
        quarter = form.cleaned_data.get("quarter") if with_quarter else None
    if not request.GET:
        form = YearForm(initial={"year": str(year)}, years=years, with_quarter=with_quarter)
    return form, year, quarter


class PoolPage(PartnershipPage):
    """A page of the pooled fund: readers of the pool (not provider roles) may open it."""

    permission = permissions.VIEW
    section = "pool:statement"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        p = self.partnership
        context.update(
            can_post=self.request.user.has_perm(permissions.POST, p),
            breadcrumbs=[
                *context["breadcrumbs"],
                {"href": reverse("pool:statement", args=[p.slug]), "text": "Pooled fund"},
            ],
        )
        return context
