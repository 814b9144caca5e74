"""Template filters of the performance pages: figures as people read them."""

from __future__ import annotations

from typing import Any

from django import template

from ..rules.trends import figure_words

register = template.Library()


@register.simple_tag
def figure(value: Any, unit: str = "", missing: str = "No figure") -> str:
    """1234 -> "1,234"; 81.3 with "%" -> "81.3%"; 14.0 with " days" -> "14.0 days"; None -> `missing`."""
    if value is None or value == "":
        return missing
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return figure_words(value, unit)


@register.filter
def item(values: Any, index: int) -> Any:
    """values[index], or nothing."""
    try:
        return values[index]
    except (IndexError, KeyError, TypeError):
        return ""
