"""Stable keys for the agreement's entries that have no natural key of their own.

A key is random (50 bits in ten letters and figures), so it is never derived from a position and never
reused: keys of removed entries are kept (models.RetiredKey) and a new key is drawn until it is unused.
"""

from __future__ import annotations

import secrets
from collections.abc import Container

_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"  # no l, o, 0, 1: keys are read aloud and typed


def new_key(taken: Container[str] = ()) -> str:
    while True:
        key = "".join(secrets.choice(_ALPHABET) for _ in range(10))
        if key not in taken:
            return key
