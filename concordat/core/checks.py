"""Deployment checks of Concordat's own, run by `concordat check --deploy`."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Info, Tags, register
from django.core.exceptions import ImproperlyConfigured


@register(Tags.security, deploy=True)
def secret_key_is_set(app_configs: Any, **kwargs: Any) -> list[Error]:
    try:
        if settings.SECRET_KEY:
            return []
    except ImproperlyConfigured:  # Django refuses to read an empty SECRET_KEY at all
        pass
    return [
        Error(
            "SECRET_KEY is not set",
            hint="Set SECRET_KEY in the environment (see .env.example); only "
            "DEBUG=1 has a development default.",
            id="concordat.E001",
        )
    ]


@register(Tags.security)
def access_settings_are_sane(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """The sign-in and session settings taken from the environment hold values that mean something."""
    problems: list[CheckMessage] = []
    if settings.TRUSTED_PROXY_COUNT < 0:
        problems.append(
            Error(
                "TRUSTED_PROXY_COUNT is negative",
                hint="Set it to the number of reverse proxies in front of Concordat (0 for none).",
                id="concordat.E002",
            )
        )
    if settings.LOCKOUT_RETENTION_DAYS < 1:
        problems.append(
            Error(
                "LOCKOUT_RETENTION_DAYS must be at least 1",
                hint="Sign-in records are needed to enforce a lock-out and to look into one afterwards.",
                id="concordat.E003",
            )
        )
    if not 60 <= settings.SESSION_IDLE_TIMEOUT <= settings.SESSION_COOKIE_AGE:
        problems.append(
            Error(
                "SESSION_IDLE_MINUTES must be between 1 and the session's absolute limit "
                f"({settings.SESSION_COOKIE_AGE // 60} minutes)",
                id="concordat.E004",
            )
        )
    return problems


@register(Tags.security, deploy=True)
def client_address_is_read_through_the_proxy(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """Production trusts a TLS proxy's X-Forwarded-Proto; a deployment behind one that leaves
    TRUSTED_PROXY_COUNT at 0 sees every client as the proxy, and lock-out becomes per username."""
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None) and settings.TRUSTED_PROXY_COUNT == 0:
        return [
            Info(
                "TRUSTED_PROXY_COUNT is 0: client addresses are the connecting peer's",
                hint="Behind a reverse proxy set TRUSTED_PROXY_COUNT to the number of proxies (usually 1), "
                "or every client shares the proxy's address in sign-in lock-outs.",
                id="concordat.I001",
            )
        ]
    return []
