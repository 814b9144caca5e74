"""Documents attached to the agreement's entries as evidence, for the pages that list those entries."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def for_entry(evidence: dict[str, list[Any]] | None, key: Any) -> list[Any]:
    """`{{ evidence|for_entry:approval.key }}`: the documents attached to that entry (uploads.evidence_for)."""
    return (evidence or {}).get(str(key), [])
