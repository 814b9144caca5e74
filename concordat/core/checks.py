"""Deployment checks of Concordat's own, run by `concordat check --deploy`."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register
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
