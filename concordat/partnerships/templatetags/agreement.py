"""Template filters for the agreement pages: money in pounds, labels for the file's words, status tags."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html

from concordat.core import places as areas
from concordat.core.days import DateError, PartialDate
from concordat.core.money import format_pounds
from concordat.partnerships.rules import vocabulary as words

register = template.Library()

_VOCABULARIES = {
    "client_group": words.CLIENT_GROUPS,
    "flexibility": words.FLEXIBILITIES,
    "partner_kind": words.PARTNER_KINDS,
    "overspend": words.OVERSPEND_RULES,
    "underspend": words.UNDERSPEND_RULES,
    "milestone_status": words.MILESTONE_STATUSES,
    "consultee": words.CONSULTEE_GROUPS,
    "board_kind": words.BOARD_MEMBER_KINDS,
    "spend_purpose": words.SPEND_PURPOSES,
    "approval_state": words.APPROVAL_STATES,
    "risk_status": words.RISK_STATUSES,
    "relation": words.STATED_TOTAL_RELATIONS,
}
# One style of status tag on every page and in the PDF: one colour per meaning, whatever is tagged. A status
# is never told by colour alone: the tag's words say it.
MEANING_COLOURS = {
    "done": "govuk-tag--green",  # met, confirmed, approved, endorsed, preferred
    "in-progress": "govuk-tag--blue",  # under way
    "waiting": "govuk-tag--grey",  # not started, open, requested: nothing has gone wrong yet
    "attention": "govuk-tag--orange",  # not met, deferred, not top-ranked: someone should look
    "late": "govuk-tag--red",  # overdue, refused
}
# (kind of status, value) -> (words, meaning). Approval states come with the approvals' `state`.
STATUSES: dict[str, dict[str, tuple[str, str]]] = {
    "milestone": {
        "open": (words.MILESTONE_STATUSES["open"], "waiting"),
        "in-progress": (words.MILESTONE_STATUSES["in-progress"], "in-progress"),
        "met": (words.MILESTONE_STATUSES["met"], "done"),
        "not-met": (words.MILESTONE_STATUSES["not-met"], "attention"),
        "overdue": ("Overdue", "late"),
    },
    "governance": {"confirmed": ("Confirmed", "done"), "open": ("Open", "waiting")},
    "approval": {
        "requested": ("Requested", "waiting"),
        "approved": ("Approved", "done"),
        "endorsed": ("Endorsed", "done"),
        "refused": ("Refused", "late"),
        "deferred": ("Deferred", "attention"),
    },
    "option": {"preferred": ("Preferred", "done"), "not-top-ranked": ("Not top-ranked", "attention")},
    "document": {"draft": ("Draft", "attention")},
    "source": {"invented": ("Invented for the demonstration", "attention")},
}


@register.filter
def pounds(pence: int | None) -> str:
    """298436000 -> "£2,984,360.00"; nothing for no amount."""
    return "" if pence is None or pence == "" else format_pounds(int(pence))


@register.filter
def label(code: str | None, vocabulary: str) -> str:
    """The words pages show for a code of the partnership file, e.g. {{ "pooled-fund"|label:"flexibility" }}."""
    if code is None:
        return ""
    return _VOCABULARIES[vocabulary].get(code, code)


@register.simple_tag
def status(kind: str, value: str | None) -> str:
    """The one status tag: {% status "milestone" row.milestone.status %} -> <strong class="govuk-tag
    govuk-tag--green">Met</strong>. An unknown value is shown as written, in the "waiting" grey."""
    if not value:
        return ""
    text, meaning = STATUSES.get(kind, {}).get(
        str(value), (str(value).replace("-", " ").capitalize(), "waiting")
    )
    return format_html(
        '<strong class="govuk-tag concordat-status {}">{}</strong>', MEANING_COLOURS[meaning], text
    )


@register.filter
def written_date(value: Any, field: str | None = None) -> str:
    """A date as precise as its source: "1 March 2002", or "March 2002" when only the month is known;
    nothing for no date (add |default:"No date set").

    {{ milestone|written_date:"due" }} reads a row's date column with its precision column;
    {{ value|written_date }} takes a core.days.PartialDate, a date, or the file's text ("2002-03")."""
    if field:
        value = value.partial_date(field) if value is not None else None
    if value is None or value == "":
        return ""
    try:
        return PartialDate.parse(value).as_written
    except DateError:
        return str(value)


@register.filter
def place(code: str | None) -> str:
    """A GSS code with its area's name: "Salford (E08000006)"; the code alone where the name is not known
    (an NHS ODS code, a district the table leaves out)."""
    return areas.place(code) if code else ""


@register.filter
def places(codes: list[str] | None) -> str:
    """Areas with their names, separated by commas."""
    return areas.places(codes or [])


@register.filter
def beside(values: list[Any], labels: list[Any]) -> list[tuple[Any, Any]]:
    """Each value with the label of its column: {% for criterion, score in scores|beside:criteria %}."""
    return list(zip(labels, values, strict=False))


@register.simple_tag
def source(value: str | None) -> str:
    """Where an entry comes from, beside it: the tag "Invented for the demonstration" for `invented`, else
    the citation in small print ("Source: Notification form, item 12"); nothing when none is recorded."""
    if not value:
        return ""
    if value == words.INVENTED:
        return status("source", "invented")
    return format_html('<span class="govuk-body-s concordat-source">Source: {}</span>', value)
