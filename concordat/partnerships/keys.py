"""Stable keys for the agreement's entries that have no natural key of their own.

A key is random (50 bits in ten letters and figures), so it is never derived from a position and never
reused: keys of removed entries are kept (models.RetiredKey) and a new key is drawn until it is unused.
"""

from __future__ import annotations

import secrets
from collections.abc import Container
from typing import Any

from concordat.core.codes import ENTRY_KEY

from .errors import AlreadySaved

_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"  # no l, o, 0, 1: keys are read aloud and typed


def new_key(taken: Container[str] = ()) -> str:
    while True:
        key = "".join(secrets.choice(_ALPHABET) for _ in range(10))
        if key not in taken:
            return key


def retired_keys(partnership: Any, collection: str) -> set[str]:
    """The keys of `collection`'s entries removed from `partnership` (models.RetiredKey)."""
    from .models import RetiredKey  # imported here: migrations import new_key from this module

    return set(
        RetiredKey.objects.filter(partnership=partnership, collection=collection).values_list(
            "key", flat=True
        )
    )


def claim(token: str | None, taken: Container[str], noun: str) -> str:
    """The key of a new entry: the form's one-time `token` when it is a key, so that a second submission of
    the same form finds it taken (AlreadySaved); a new key when there is no usable token."""
    if token and ENTRY_KEY.fullmatch(token):  # fullmatch: "$" alone would let a trailing newline through
        if token in taken:
            raise AlreadySaved(noun, token)
        return token
    return new_key(taken)
