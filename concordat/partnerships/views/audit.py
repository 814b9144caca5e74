"""The partnership's audit trail, for its auditors and lead commissioners: every change to the agreement,
every recorded read and every account event, newest first, each as a sentence with the fields it changed.
Filters by date, person, kind of record and action; the filtered entries download as CSV.

Every word was written with the entry (core.audit), so a page costs the same few queries however many
entries it shows.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from concordat.core.audit import described_models, entries_for_partnership, record_event, wording_for
from concordat.core.csvfile import spreadsheet_safe
from concordat.core.models import AuditEntry, Kind

from .base import PartnershipPage, partnership_for

PERMISSION = "partnerships.view_audit_trail"
PAGE_SIZE = 50
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d %m %Y", "%d-%m-%Y"]


@dataclass
class FieldChange:
    field: str
    before: str
    after: str


@dataclass
class TrailEntry:
    when: datetime
    who: str
    action: str
    record: str
    summary: str
    changes: list[FieldChange]


def _record_label(model: type[Model] | None) -> str:
    return wording_for(model).noun


def record_choices() -> list[tuple[str, str]]:
    """Kinds of record, by what people call them: the described models and accounts."""
    user_model = get_user_model()
    found = {f"{m._meta.app_label}.{m._meta.model_name}": w.noun for m, w in described_models()}
    found[f"{user_model._meta.app_label}.{user_model._meta.model_name}"] = "account"
    return sorted(found.items(), key=lambda item: item[1])


class TrailFilters(forms.Form):
    from_date = forms.DateField(
        required=False,
        label="From",
        input_formats=DATE_FORMATS,
        error_messages={"invalid": "Enter the first day as a real date, for example 15/01/2004"},
    )
    to_date = forms.DateField(
        required=False,
        label="To",
        input_formats=DATE_FORMATS,
        error_messages={"invalid": "Enter the last day as a real date, for example 31/03/2004"},
    )
    person = forms.ChoiceField(required=False, label="Person")
    record = forms.ChoiceField(required=False, label="Kind of record")
    action = forms.ChoiceField(required=False, label="Action")

    def __init__(self, *args: Any, people: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", "Everyone")] + [(name, name) for name in people]  # type: ignore[attr-defined]
        self.fields["record"].choices = [("", "All records")] + [  # type: ignore[attr-defined]
            (value, label.capitalize()) for value, label in record_choices()
        ]
        self.fields["action"].choices = [("", "All actions"), *Kind.choices]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, last = cleaned.get("from_date"), cleaned.get("to_date")
        if first and last and first > last:
            self.add_error("to_date", "The last day must be the same as or after the first day")
        return cleaned


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def filtered(entries: QuerySet[AuditEntry], values: dict[str, Any]) -> QuerySet[AuditEntry]:
    """The entries the valid filters choose; a filter left empty (or invalid) chooses all."""
    if values.get("from_date"):
        entries = entries.filter(timestamp__gte=_start_of(values["from_date"]))
    if values.get("to_date"):
        entries = entries.filter(timestamp__lt=_start_of(values["to_date"] + timedelta(days=1)))
    if values.get("person"):
        entries = entries.filter(actor_name=values["person"])
    if values.get("record"):
        app_label, _, model = values["record"].partition(".")
        entries = entries.filter(content_type__app_label=app_label, content_type__model=model)
    if values.get("action"):
        entries = entries.filter(kind=values["action"])
    return entries


def trail_filters(request: HttpRequest, slug: str) -> tuple[TrailFilters, dict[str, Any]]:
    people = list(
        AuditEntry.objects.filter(partnership=slug)
        .exclude(actor_name="")
        .order_by("actor_name")
        .values_list("actor_name", flat=True)
        .distinct()
    )
    form = TrailFilters(request.GET or None, people=people)
    if not request.GET:
        return form, {}
    form.is_valid()
    values = {name: value for name, value in form.cleaned_data.items() if value and name not in form.errors}
    return form, values


def trail_entry(entry: AuditEntry) -> TrailEntry:
    return TrailEntry(
        when=entry.timestamp,
        who=entry.actor_name,
        action=(Kind(entry.kind).label if entry.kind in Kind.values else entry.kind).lower(),
        record=_record_label(entry.content_type.model_class()),
        summary=entry.sentence,
        changes=[FieldChange(*row) for row in entry.details or [] if len(row) == 3],
    )


def query_string(values: dict[str, Any]) -> dict[str, str]:
    return {
        name: value.isoformat() if isinstance(value, date) else str(value) for name, value in values.items()
    }


def pagination(page: Page, query: dict[str, str], *, param: str = "page") -> dict[str, Any]:
    """The GOV.UK pagination component's links: previous, next and numbered pages with ellipses. `param`
    names the page number in the query string (a page with two paginated tables has one each)."""

    def href(number: int) -> str:
        return "?" + urlencode({**query, param: number})

    last = page.paginator.num_pages
    items: list[dict[str, Any]] = []
    for number in range(1, last + 1):
        if number in (1, last) or abs(number - page.number) <= 1:
            items.append({"number": number, "href": href(number), "current": number == page.number})
        elif items and not items[-1].get("ellipsis"):
            items.append({"ellipsis": True})
    return {
        "items": items if last > 1 else [],
        "previous": href(page.previous_page_number()) if page.has_previous() else None,
        "next": href(page.next_page_number()) if page.has_next() else None,
    }


class AuditTrailPage(PartnershipPage):
    template_name = "partnerships/audit_trail.html"
    permission = PERMISSION
    section = "partnerships:audit"
    page_title = "Audit trail"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form, values = trail_filters(self.request, self.partnership.slug)
        entries = filtered(entries_for_partnership(self.partnership.slug), values)
        page = Paginator(entries, PAGE_SIZE).get_page(self.request.GET.get("page"))
        query = query_string(values)
        context.update(
            form=form,
            filtering=bool(values),
            entries=[trail_entry(entry) for entry in page.object_list],
            page=page,
            pagination=pagination(page, query),
            export_query=urlencode(query),
        )
        return context


# Spreadsheets run a cell that starts with one of these as a formula: such text is written with a leading
# apostrophe, as spreadsheets themselves do for text.


@login_required
def audit_trail_csv(request: HttpRequest, slug: str) -> HttpResponse:
    """The filtered entries as CSV, newest first. Holds what the page shows (names of staff and of the
    agreement's records), never a client's details. The export is itself an entry on the trail."""
    partnership = partnership_for(request, slug, PERMISSION)
    _form, values = trail_filters(request, partnership.slug)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{partnership.slug}-audit-trail.csv"'
    writer = csv.writer(response)
    writer.writerow(["When", "Who", "What happened", "Action", "Kind of record", "Changes"])
    count = 0
    for entry in filtered(entries_for_partnership(partnership.slug), values).iterator(chunk_size=500):
        row = trail_entry(entry)
        changes = "; ".join(
            f"{c.field}: {c.before or '(empty)'} → {c.after or '(empty)'}" for c in row.changes
        )
        writer.writerow(
            [
                spreadsheet_safe(text)
                for text in (
                    timezone.localtime(row.when).isoformat(),
                    row.who,
                    row.summary,
                    row.action,
                    row.record,
                    changes,
                )
            ]
        )
        count += 1
    described = ", ".join(f"{name.replace('_', ' ')} {value}" for name, value in query_string(values).items())
    record_event(
        kind=Kind.TRAIL_EXPORTED,
        actor=request.user,
        partnership_slug=partnership.slug,
        summary=f"exported {count} entr{'y' if count == 1 else 'ies'} of the audit trail as CSV"
        + (f" (filtered by {described})" if described else ""),
        obj=partnership,
    )
    return response
