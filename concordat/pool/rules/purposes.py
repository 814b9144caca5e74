"""Spend purposes: the four every partnership has, and any it defines itself."""

from __future__ import annotations

from collections.abc import Iterable

BUILT_IN = {
    "treatment": "Treatment",
    "harm-reduction": "Harm reduction",
    "young-people": "Young people",
    "commissioning-support": "Commissioning support",
}


def purposes_of(defined: Iterable[tuple[str, str]] = ()) -> dict[str, str]:
    """Code to label: the built-in purposes, then the partnership's own ((code, name) pairs)."""
    return {**BUILT_IN, **dict(defined)}
