"""How long a signed-in session lasts: `SESSION_IDLE_TIMEOUT` seconds without a request, and never more than
`SESSION_COOKIE_AGE` seconds after signing in (Django's own expiry slides forward whenever the session is
saved, so on its own it is no absolute limit). The session records when its user signed in and when they
were last seen; `SessionTimeouts` in middleware.py ends it."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest
from django.utils import timezone

SIGNED_IN_AT = "concordat_signed_in_at"
LAST_SEEN = "concordat_last_seen"
# Writing the session on every request would be a database write per page; a minute's imprecision in the
# idle time is not worth one.
LAST_SEEN_RESOLUTION = 60


def now() -> float:
    return timezone.now().timestamp()


def mark_signed_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """On `user_logged_in`: the session starts now, whatever it held before."""
    if request is not None and hasattr(request, "session"):
        request.session[SIGNED_IN_AT] = request.session[LAST_SEEN] = now()


def touch(session: SessionBase) -> str | None:
    """Record activity on a signed-in session, or, if it has ended, say why (the message for the user). A
    session with no record of its sign-in (made before these limits existed) has ended too."""
    moment = now()
    signed_in, seen = session.get(SIGNED_IN_AT), session.get(LAST_SEEN)
    if signed_in is None or seen is None:
        return "You were signed out. Sign in again to carry on."
    if moment - signed_in >= settings.SESSION_COOKIE_AGE:
        hours = settings.SESSION_COOKIE_AGE // 3600
        return (
            f"You were signed out because you had been signed in for {hours} hours. "
            "Sign in again to carry on."
        )
    if moment - seen >= settings.SESSION_IDLE_TIMEOUT:
        minutes = settings.SESSION_IDLE_TIMEOUT // 60
        return f"You were signed out after {minutes} minutes of inactivity. Sign in again to carry on."
    if moment - seen >= LAST_SEEN_RESOLUTION:
        session[LAST_SEEN] = moment
    return None
