"""The access log for auditors: filtered by person, record and days, paginated, and exported as CSV."""

from __future__ import annotations

import csv
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse

from concordat.core.audit import record_event
from concordat.core.csvfile import spreadsheet_safe
from concordat.core.models import Kind
from concordat.partnerships.models import Membership

from .. import access
from ..sharing import HANDLE
from .clients import TreatmentPage

PER_PAGE = 50


class AccessFilter(forms.Form):
    person = forms.TypedChoiceField(label="Person", required=False, coerce=int, empty_value=None)
    record = forms.RegexField(
        label="Record",
        required=False,
        regex=rf"^[a-z0-9]{{{HANDLE}}}$",
        max_length=HANDLE,
        error_messages={"invalid": "Enter a record's handle: 16 letters and figures"},
    )
    since = forms.DateField(
        label="From",
        required=False,
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        error_messages={"invalid": "Enter the date as 15/01/2005"},
    )
    until = forms.DateField(
        label="To",
        required=False,
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        error_messages={"invalid": "Enter the date as 15/01/2005"},
    )

    def __init__(self, *args: Any, partnership: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        users = (
            get_user_model()
            .objects.filter(pk__in=Membership.objects.filter(partnership=partnership).values("user_id"))
            .order_by("username")
        )
        self.fields["person"].choices = [("", "Anyone")] + [
            (u.pk, u.get_full_name() or u.username) for u in users
        ]


def filtered(request: HttpRequest, partnership: Any) -> tuple[AccessFilter, Any]:
    form = AccessFilter(request.GET or None, partnership=partnership)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        rows = access.entries(
            partnership,
            user_id=data["person"],
            handle=data["record"] or "",
            since=data["since"],
            until=data["until"],
        )
    else:
        rows = access.entries(partnership)
        if form.is_bound:
            rows = rows.none()
    return form, rows


class AccessLogPage(TreatmentPage):
    permission = "treatment.view_access_log"
    section = "treatment:access-log"
    template_name = "treatment/clients/access_log.html"
    page_title = "Access log"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form, rows = filtered(self.request, self.partnership)
        page = Paginator(rows, PER_PAGE).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            form=form,
            page=page,
            entries=list(page.object_list),
            query=query.urlencode(),
            filtering=bool(self.request.GET),
        )
        return context


class AccessLogExport(TreatmentPage):
    permission = "treatment.view_access_log"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        _, rows = filtered(request, self.partnership)
        record_event(
            kind=Kind.TREATMENT_ACCESS_LOG_EXPORT,
            actor=request.user,
            partnership_slug=self.partnership.slug,
            summary="downloaded the treatment record's access log as CSV",
            obj=self.partnership,
        )

        class Echo:
            def write(self, value: str) -> str:
                return value

        writer = csv.writer(Echo())

        def lines() -> Any:
            yield writer.writerow(["at", "person", "record", "provider", "channel", "what", "reason"])
            for entry in rows.iterator(chunk_size=2000):
                yield writer.writerow(
                    [
                        entry.at.isoformat(),
                        spreadsheet_safe(entry.user_name),
                        entry.handle,
                        entry.provider.code,
                        entry.channel,
                        spreadsheet_safe(entry.what),
                        spreadsheet_safe(entry.reason),
                    ]
                )

        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{self.partnership.slug}-access-log.csv"'
        return response
