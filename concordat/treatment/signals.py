"""A partnership gets its client key secret when it is created: partnerships knows nothing of treatment,
so the treatment record listens for the partnership's creation."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import Signal, receiver

from concordat.partnerships.models import Partnership


@receiver(post_save, sender=Partnership, dispatch_uid="treatment-client-key-secret")
def make_client_key_secret(
    sender: Any, instance: Partnership, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    if created and not raw:
        from .keys import secret_for

        secret_for(instance)


# Sent (after the commit) whenever the record of a partnership changes: a submission replaced or restored,
# a key worker's step. Apps above the record (the KPI engine) listen; the record imports none of them.
# Arguments: partnership_id.
record_changed = Signal()
