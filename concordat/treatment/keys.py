"""The pseudonymous client key: who is the same person across providers, without saying who.

key = HMAC-SHA256(partnership secret, "initials|date_of_birth|sex|la_of_residence"), as 64 hex digits;
initials upper case, the date ISO. The secret is made once per partnership (32 random bytes) and never
leaves the database: not in pages, URLs, logs or the audit trail.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.db import IntegrityError, transaction

from concordat.partnerships.models import Partnership

from .models import ClientKeySecret


def secret_for(partnership: Partnership) -> bytes:
    """The partnership's secret, made now if it has none (partnerships from before the treatment record)."""
    row = ClientKeySecret.objects.filter(partnership=partnership).first()
    if row is None:
        try:
            with transaction.atomic():
                row = ClientKeySecret.objects.create(partnership=partnership, secret=secrets.token_hex(32))
        except IntegrityError:  # made by another process at the same moment: use theirs
            row = ClientKeySecret.objects.get(partnership=partnership)
    return bytes.fromhex(row.secret)


def client_key(secret: bytes, initials: str, date_of_birth: str, sex: str, la_of_residence: str) -> str:
    """The key of a person: the four values as the file writes them (initials upper case, ISO date)."""
    message = f"{initials}|{date_of_birth}|{sex}|{la_of_residence}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


class KeyMaker:
    """client_key for many people under one secret: HMAC's inner and outer hashes (RFC 2104) are keyed
    once and copied for each person — the same keys as `client_key`, without the hmac module's Python
    layer, for a file of a million rows."""

    def __init__(self, secret: bytes) -> None:
        block = hashlib.sha256().block_size
        key = hashlib.sha256(secret).digest() if len(secret) > block else secret
        key = key.ljust(block, b"\0")
        self._inner = hashlib.sha256(bytes(b ^ 0x36 for b in key))
        self._outer = hashlib.sha256(bytes(b ^ 0x5C for b in key))

    def __call__(self, initials: str, date_of_birth: str, sex: str, la_of_residence: str) -> str:
        return self.of(f"{initials}|{date_of_birth}|{sex}|{la_of_residence}")

    def of(self, person: str) -> str:
        """The key of a person's four values already joined as "initials|date_of_birth|sex|la"."""
        inner = self._inner.copy()
        inner.update(person.encode())
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.hexdigest()
