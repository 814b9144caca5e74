"""Template filters for the agreement pages: money in pounds, labels for the file's words, status tags."""

from __future__ import annotations

from django import template

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
