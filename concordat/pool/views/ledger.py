"""The ledger: transactions in the order posted, filtered by year, quarter, kind, stream and scheme (a GET
form, 50 a page, a constant number of queries), their CSV export, a transaction's own page with its legs,
and — for the pooled fund manager — its reversal through a confirmation page."""

from __future__ import annotations

import csv
import re
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from concordat.core import clock
from concordat.core.audit import record_event
from concordat.core.csvfile import spreadsheet_safe
from concordat.core.models import Kind
from concordat.core.money import pence_to_str
from concordat.core.years import FinancialYear, YearError
from concordat.partnerships.keys import new_key
from concordat.partnerships.models import Partnership
from concordat.partnerships.views.audit import pagination

from .. import permissions, selectors, services
from ..errors import PostingRefused
from ..forms.posting import ReversalForm
from ..models import KINDS, Transaction
from ..rules.postings import reversal_default_day, reversal_in_another_year
from ..schemes import schemes_for
from ..selectors import closed_years
from .base import QUARTERS, PoolPage, pool_years

PAGE_SIZE = 50
TOKEN = re.compile(r"^[a-z0-9]{10}$")


class LedgerFilters(forms.Form):
    year = forms.ChoiceField(label="Financial year", required=False)
    quarter = forms.ChoiceField(
        label="Quarter", required=False, choices=[("", "All quarters"), *QUARTERS[1:]]
    )
    kind = forms.ChoiceField(label="Kind", required=False, choices=[("", "All kinds"), *KINDS.items()])
    stream = forms.ChoiceField(label="Funding stream", required=False)
    scheme = forms.ChoiceField(label="Scheme", required=False)

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        years = pool_years(partnership)
        self.fields["year"].choices = [("", "All years")] + [(str(y), str(y)) for y in years]  # type: ignore[attr-defined]
        streams = partnership.funding_streams.order_by("id").values_list("code", "name")
        self.fields["stream"].choices = [("", "All streams")] + [  # type: ignore[attr-defined]
            (code, f"{name} ({code})") for code, name in streams
        ]
        schemes = schemes_for(partnership)
        if schemes:
            self.fields["scheme"].choices = [("", "All schemes")] + [  # type: ignore[attr-defined]
                (s.code, f"{s.name} ({s.code})") for s in schemes
            ]
        else:
            del self.fields["scheme"]


def ledger_filters(request: HttpRequest, partnership: Partnership) -> tuple[LedgerFilters, dict[str, Any]]:
    """The filter form and the valid values chosen (an invalid one is shown at its field and ignored)."""
    form = LedgerFilters(request.GET or None, partnership=partnership)
    if not request.GET:
        return form, {}
    form.is_valid()
    values = {k: v for k, v in form.cleaned_data.items() if v and k not in form.errors}
    return form, values


def filtered(partnership: Partnership, values: dict[str, Any]) -> QuerySet[Transaction]:
    year = None
    if values.get("year"):
        try:
            year = FinancialYear.parse(values["year"])
        except YearError:
            year = None
    return selectors.transactions(
        partnership,
        year=year,
        quarter=int(values["quarter"]) if values.get("quarter") else None,
        kind=values.get("kind") or None,
        stream=values.get("stream") or None,
        scheme=values.get("scheme") or None,
    )


def what_for(t: Transaction) -> str:
    """The transaction's stream, spend line or partner, as a reader names it."""
    if t.kind == "contribution":
        return t.stream
    if t.kind in ("payment", "accrual"):
        return f"{t.contract} ({t.purpose})" if t.purpose else t.contract
    if t.kind == "reversal" and t.reverses_id:
        return f"Reverses {t.reverses.ref}"
    return t.partner


class LedgerPage(PoolPage):
    template_name = "pool/ledger.html"
    section = "pool:ledger"
    page_title = "Ledger"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form, values = ledger_filters(self.request, self.partnership)
        rows = filtered(self.partnership, values).prefetch_related(None)
        page = Paginator(rows, PAGE_SIZE).get_page(self.request.GET.get("page"))
        query = {k: str(v) for k, v in values.items()}
        context.update(
            form=form,
            filtering=bool(values),
            page=page,
            rows=[(t, what_for(t)) for t in page.object_list],
            pagination=pagination(page, query),
            export_query=urlencode(query),
        )
        return context


class LedgerCsv(PoolPage):
    """The filtered transactions as CSV, in the order posted. The export is an entry on the audit trail."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        _form, values = ledger_filters(request, self.partnership)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{self.partnership.slug}-ledger.csv"'
        writer = csv.writer(response)
        writer.writerow(
            ["sequence", "ref", "date", "year", "quarter", "kind", "stream", "contract", "purpose", "scheme",
             "partner", "amount", "reverses", "reversed_by", "description", "posted_by", "posted_at"]
        )  # fmt: skip
        count = 0
        for t in filtered(self.partnership, values).prefetch_related(None).iterator(chunk_size=500):
            reversed_by = getattr(t, "reversed_by", None)
            writer.writerow(
                [t.sequence]
                + [
                    spreadsheet_safe(str(v))
                    for v in (
                        t.ref, t.date.isoformat(), FinancialYear(t.year), t.quarter, t.kind, t.stream,
                        t.contract, t.purpose, t.scheme, t.partner, pence_to_str(t.amount_pence), t.reverses.ref if t.reverses_id else "",
                        reversed_by.ref if reversed_by else "", t.description, t.posted_by,
                        t.posted_at.isoformat(),
                    )
                ]
            )  # fmt: skip
            count += 1
        described = ", ".join(f"{k} {v}" for k, v in values.items())
        record_event(
            kind=Kind.FILE_EXPORTED,
            actor=request.user,
            partnership_slug=self.partnership.slug,
            summary=f"exported {count} transaction{'s' if count != 1 else ''} of the pooled fund's ledger as CSV"
            + (f" (filtered by {described})" if described else ""),
            obj=self.partnership,
        )
        return response


def transaction_for(partnership: Partnership, sequence: int) -> Transaction:
    t = (
        Transaction.objects.filter(partnership=partnership, sequence=sequence)
        .select_related("reverses")
        .prefetch_related("legs__account")
        .first()
    )
    if t is None:
        raise Http404("No such transaction")
    return t


def reversed_by(t: Transaction) -> Transaction | None:
    try:
        return t.reversed_by
    except Transaction.DoesNotExist:
        return None


class TransactionPage(PoolPage):
    template_name = "pool/transaction.html"
    section = "pool:transaction"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        t = transaction_for(self.partnership, kwargs["sequence"])
        later = reversed_by(t)
        context.update(
            page_title=f"{t.get_kind_display()} {t.ref}",
            transaction=t,
            what_for=what_for(t),
            legs=list(t.legs.all()),
            reversed_by=later,
            can_reverse=context["can_post"]
            and t.kind in ("contribution", "payment", "accrual")
            and not later,
        )
        context["breadcrumbs"].append(
            {"href": reverse("pool:ledger", args=[self.partnership.slug]), "text": "Ledger"}
        )
        return context


class ReverseTransaction(PoolPage):
    """Asks before reversing: what the reversal will post, then one service call. A transaction is
    reversed once: a second attempt (Back and resubmit, another tab) says so and posts nothing."""

    template_name = "pool/reverse.html"
    permission = permissions.POST
    section = "pool:reverse"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        t = kwargs.get("transaction") or transaction_for(self.partnership, self.kwargs["sequence"])
        day = reversal_default_day(t.date, clock.today(), closed_years(self.partnership))
        another_year, confirmed_year = kwargs.get("another_year"), kwargs.get("confirmed_year", "")
        if "form" not in kwargs:  # the question asked afresh: the offered date's year is the one said
            another_year = reversal_in_another_year(t.date, day)
            confirmed_year = str(FinancialYear.containing(day)) if another_year else ""
        context.update(
            page_title=f"Reverse {t.get_kind_display().lower()} {t.ref}",
            transaction=t,
            what_for=what_for(t),
            token=kwargs.get("token") or new_key(),
            form=kwargs.get("form")
            or ReversalForm(initial={"date": [str(day.day), str(day.month), str(day.year)]}),
            reversed_by=reversed_by(t),
            another_year=another_year,
            confirmed_year=confirmed_year,
        )
        context["breadcrumbs"].append(
            {"href": reverse("pool:ledger", args=[self.partnership.slug]), "text": "Ledger"}
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        t = transaction_for(self.partnership, kwargs["sequence"])
        page = reverse("pool:transaction", args=[self.partnership.slug, t.sequence])
        earlier = reversed_by(t)
        token = request.POST.get("token", "")
        if earlier is not None and earlier.ref != f"REV-{token}":
            messages.info(request, f"{t.ref} is already reversed by {earlier.ref}: nothing was posted")
            return redirect(page)
        if not TOKEN.match(token):
            token = new_key()
        form = ReversalForm(request.POST)
        if not form.is_valid():
            context = self.get_context_data(transaction=t, token=token, form=form, **kwargs)
            return self.render_to_response(context, status=422)
        # A date in a later year than the original is posted only once the page has said so for that year.
        warning = reversal_in_another_year(t.date, form.cleaned_data["date"])
        year = str(FinancialYear.containing(form.cleaned_data["date"]))
        if warning is not None and request.POST.get("confirmed_year") != year:
            context = self.get_context_data(
                transaction=t, token=token, form=form, another_year=warning, confirmed_year=year, **kwargs
            )
            return self.render_to_response(context)
        try:
            posted = services.reversal_post(
                partnership=self.partnership,
                ref=f"REV-{token}",
                date=form.cleaned_data["date"],
                reverses=t.ref,
                description=f"Reversal of {t.ref}",
                actor=request.user,
            )
        except PostingRefused as refused:
            for problem in refused.report.errors:
                form.add_error("date" if problem.path == "date" else None, problem.message)
            context = self.get_context_data(transaction=t, token=token, form=form, **kwargs)
            return self.render_to_response(context, status=422)
        if posted.created:
            messages.success(request, f"{t.ref} is reversed by {posted.transaction.ref}")
        else:
            messages.info(
                request, f"{t.ref} is already reversed by {posted.transaction.ref}: nothing was posted"
            )
        return redirect(page)
