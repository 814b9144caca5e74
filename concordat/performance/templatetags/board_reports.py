"""How the board's reports write their figures on the page and in the PDF: the same words everywhere, so
a figure of the PDF can be found in its JSON. No figure (a percentage of nothing, a count withheld from
published figures) is an em dash."""

from __future__ import annotations

from typing import Any

from django import template

from concordat.performance.reports.rules import fte_text

register = template.Library()
NONE = "—"


@register.filter
def figure(value: Any) -> str:
    """1234 -> "1,234"; 13.8 -> "13.8"; None -> "—"."""
    if value is None or isinstance(value, bool):
        return NONE
    return f"{value:,}" if isinstance(value, int) else f"{value}"


@register.filter
def signed(value: Any) -> str:
    """A change: "+5", "-3", "0", "+1.5"; None -> "—"."""
    if value is None or isinstance(value, bool):
        return NONE
    shown = f"{value:,}" if isinstance(value, int) else f"{value}"
    return f"+{shown}" if value > 0 else shown


@register.filter
def pct(value: Any) -> str:
    """66.7 -> "66.7%"; None -> "—"."""
    return NONE if value is None or isinstance(value, bool) else f"{value}%"


@register.filter
def fte(hundredths: Any) -> str:
    """1250 -> "12.50"; None -> "—"."""
    return NONE if hundredths is None else fte_text(int(hundredths))


@register.filter
def yes_no(value: Any) -> str:
    return {True: "Yes", False: "No"}.get(value, NONE)


@register.filter
def at(values: Any, index: int) -> Any:
    """values[index] for a list in a template (None past its end)."""
    try:
        return values[index]
    except (IndexError, KeyError, TypeError):
        return None
