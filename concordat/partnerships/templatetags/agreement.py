"""Template filters for the agreement pages: money in pounds, labels for the file's words, status tags."""

from __future__ import annotations

from typing import Any

from django import template

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
# GOV.UK tag colours for a milestone's status.
_MILESTONE_COLOURS = {
    "open": "govuk-tag--grey",
    "in-progress": "govuk-tag--blue",
    "met": "govuk-tag--green",
    "not-met": "govuk-tag--orange",
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


@register.filter
def milestone_tag(status: str) -> str:
    return _MILESTONE_COLOURS.get(status, "govuk-tag--grey")


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
def invented(source: str | None) -> bool:
    """Whether an entry's `source` marks it as invented for the demonstration."""
    return source == words.INVENTED
