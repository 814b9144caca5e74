"""API tokens for provider systems (sharing.ApiToken): made, checked, limited and revoked here.

A token is "cct_" + secrets.token_urlsafe(32) (256 random bits). Only its SHA-256 is stored, with its
first 12 characters to tell tokens apart on the tokens page; the whole token is shown once, on the page
that made it. A token acts for one provider of one partnership; a revoked token is refused and stays
listed. Requests are limited per token over a fixed window in Django's cache
(TREATMENT_API_RATE_PER_MINUTE, default 120 a minute): over it, 429 with Retry-After.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction

from concordat.core import clock
from concordat.core.audit import record_event
from concordat.core.models import Kind
from concordat.partnerships.models import Partnership, Provider

from .sharing import ApiToken

PREFIX = "cct_"
SHOWN = 12  # characters of the token kept and shown to tell tokens apart
WINDOW = 60  # seconds
# last_used_at is written at most this often per token, so a busy system does not write on every call.
_TOUCH = timedelta(minutes=1)


def digest_of(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass
class MadeToken:
    token: ApiToken
    secret: str  # the whole token: shown once, never stored


class AlreadyMade(Exception):
    """The form with this key has already made its token."""


@transaction.atomic
def api_token_create(
    *, partnership: Partnership, provider: Provider, name: str, actor: Any, form_key: str | None = None
) -> MadeToken:
    """A new token for `provider`. Guarantees: only its digest and prefix are stored; an audit event names
    the token by prefix; a form's key makes one token at most (AlreadyMade, nothing written)."""
    assert provider.partnership_id == partnership.pk
    secret = PREFIX + secrets.token_urlsafe(32)
    try:
        with transaction.atomic():
            token = ApiToken.objects.create(
                partnership=partnership,
                provider=provider,
                name=name.strip()[:100],
                prefix=secret[:SHOWN],
                digest=digest_of(secret),
                form_key=form_key or None,
                created_by=actor if getattr(actor, "is_authenticated", False) else None,
                created_at=clock.now(),
            )
    except IntegrityError:
        if form_key and ApiToken.objects.filter(form_key=form_key).exists():
            raise AlreadyMade(form_key) from None
        raise
    record_event(
        kind=Kind.TREATMENT_API_TOKEN,
        actor=actor,
        partnership_slug=partnership.slug,
        summary=f"made the API token {token.prefix}… for {provider.name} ({provider.code})",
        obj=token,
    )
    return MadeToken(token, secret)


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor: Any) -> bool:
    """Revoke `token` (it stays listed). False when it was already revoked: nothing changes."""
    locked = ApiToken.objects.select_for_update().select_related("partnership", "provider").get(pk=token.pk)
    if locked.revoked_at is not None:
        return False
    locked.revoked_at = clock.now()
    locked.revoked_by = actor if getattr(actor, "is_authenticated", False) else None
    locked.save(update_fields=["revoked_at", "revoked_by"])
    record_event(
        kind=Kind.TREATMENT_API_TOKEN,
        actor=actor,
        partnership_slug=locked.partnership.slug,
        summary=f"revoked the API token {locked.prefix}… of {locked.provider.name} ({locked.provider.code})",
        obj=locked,
    )
    return True


def token_named(secret: str) -> ApiToken | None:
    """The active token whose secret this is (by digest: constant work whatever the guess)."""
    if not secret.startswith(PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("partnership", "provider").filter(digest=digest_of(secret)).first()
    )
    if token is None or token.revoked_at is not None:
        return None
    now = clock.now()
    if token.last_used_at is None or now - token.last_used_at > _TOUCH:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def rate_per_minute() -> int:
    return int(settings.TREATMENT_API_RATE_PER_MINUTE)


def over_limit(token: ApiToken) -> int:
    """Count this request against the token's window: 0 when allowed, else the seconds until the window
    ends (for Retry-After). A fixed window: at most the rate per window, and up to twice it across a
    window's edge."""
    now = int(clock.now().timestamp())
    window = now // WINDOW
    key = f"treatment-api-rate:{token.pk}:{window}"
    cache.add(key, 0, timeout=WINDOW * 2)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=WINDOW * 2)
        count = 1
    if count > rate_per_minute():
        return max(1, (window + 1) * WINDOW - now)
    return 0
