"""The partnership's audit trail, for its auditors: every change to the agreement and every recorded read,
newest first, with the before and after of each changed field."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from auditlog.models import LogEntry
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.paginator import Page, Paginator

from concordat.core.audit import entries_for_partnership

from .base import PartnershipPage

# The trail's words for auditlog's actions, as the ?action= filter spells them.
ACTIONS = {
    "created": LogEntry.Action.CREATE,
    "changed": LogEntry.Action.UPDATE,
    "deleted": LogEntry.Action.DELETE,
    "read": LogEntry.Action.ACCESS,
}
ACTION_WORDS = {number: word for word, number in ACTIONS.items()}
PAGE_SIZE = 50


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
    what: str
    changes: list[FieldChange]


def _value(value: Any) -> str:
    # auditlog stores "None" for a field that had no value (e.g. before a create).
    return "" if value in (None, "None") else str(value)


def _related(field: Any, value: str) -> str:
    """A foreign key's stored id shown as the object it names, when that still exists."""
    if not value:
        return value
    try:
        related = field.related_model._default_manager.filter(pk=value).first()
    except (ValueError, TypeError, ValidationError):
        return value
    return f"{related} (id {value})" if related is not None else f"id {value}"


def _field_changes(entry: LogEntry) -> list[FieldChange]:
    """Every changed field in full (auditlog's display form would shorten long values)."""
    model = entry.content_type.model_class() if entry.content_type_id else None
    changes = []
    for name, values in (entry.changes_dict or {}).items():
        try:
            field: Any = model._meta.get_field(name) if model is not None else None
        except FieldDoesNotExist:
            field = None
        label = str(getattr(field, "verbose_name", name)).replace("_", " ")
        if isinstance(values, (list, tuple)) and len(values) == 2:
            before, after = _value(values[0]), _value(values[1])
            if field is not None and field.many_to_one:
                before, after = _related(field, before), _related(field, after)
            changes.append(FieldChange(label, before, after))
        else:  # many-to-many changes are stored as a description, not a pair
            changes.append(FieldChange(label, "", _value(values)))
    return changes


def trail_entry(entry: LogEntry) -> TrailEntry:
    actor = entry.actor
    who = (actor.get_full_name() or actor.get_username()) if actor is not None else "command line"
    what = (
        f"{entry.content_type.name.capitalize()}: {entry.object_repr}"
        if entry.content_type_id
        else entry.object_repr
    )
    return TrailEntry(
        entry.timestamp, who, ACTION_WORDS.get(entry.action, str(entry.action)), what, _field_changes(entry)
    )


def pagination(page: Page, query: dict[str, str]) -> dict[str, Any]:
    """The GOV.UK pagination component's links: previous, next and numbered pages with ellipses."""

    def href(number: int) -> str:
        return "?" + urlencode({**query, "page": number})

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
    permission = "partnerships.view_audit_trail"
    section = "partnerships:audit"
    page_title = "Audit trail"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        action = self.request.GET.get("action", "")
        if action not in ACTIONS:
            action = ""
        entries = entries_for_partnership(self.partnership.slug)
        if action:
            entries = entries.filter(action=ACTIONS[action])
        page = Paginator(entries, PAGE_SIZE).get_page(self.request.GET.get("page"))
        context.update(
            entries=[trail_entry(entry) for entry in page.object_list],
            page=page,
            action=action,
            actions=[{"value": "", "text": "All actions"}]
            + [{"value": word, "text": word.capitalize()} for word in ACTIONS],
            pagination=pagination(page, {"action": action} if action else {}),
        )
        return context
