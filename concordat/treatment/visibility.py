"""Who sees which client records: the one place the rule lives. Every read path — pages, the API, exports —
starts from `visible_clients` (or asks `may_read`), so a new path cannot forget it.

The rule (issue 16, treatment-data.md "Who is the same person"):
- a provider's staff (its provider data officers and key workers) see their own provider's clients, and
  the clients of other providers who gave a consent in force to share with their provider;
- everyone else (lead commissioner, board, partner representatives, pool manager, auditor) sees counts
  only: `visible_clients` is empty for them, and no page shows them initials, date of birth or client_ref.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from concordat.core.roles import PROVIDER_ROLES
from concordat.partnerships.models import Partnership

from .models import Client
from .permissions import providers_of
from .sharing import ClientHandle, Consent


def staff_providers(user: Any, partnership: Partnership) -> frozenset[int]:
    """The providers `user` works for in `partnership` as data officer or key worker."""
    found: frozenset[int] = frozenset()
    for role in PROVIDER_ROLES:
        found |= providers_of(user, partnership, role)
    return found


def _consented(providers: frozenset[int], scope: str | None) -> Exists:
    consents = Consent.objects.filter(
        client__partnership_id=OuterRef("partnership_id"),
        client__provider_id=OuterRef("provider_id"),
        client__client_ref=OuterRef("client_ref"),
        shared_with_id__in=providers,
        withdrawn_on__isnull=True,
    )
    if scope is not None:
        consents = consents.filter(scope=scope)
    return Exists(consents)


def visible_clients(user: Any, partnership: Partnership, *, scope: str | None = None) -> QuerySet[Client]:
    """The Client rows of `partnership` that `user` may read, each with its `handle` annotated (None for a
    record not yet given one: handles.handles_of). Empty for anyone not on a provider's staff. With
    `scope` ("record"): only those whose consent covers it (their modalities), besides the user's own."""
    providers = staff_providers(user, partnership)
    rows = Client.objects.filter(partnership=partnership)
    if not providers:
        return rows.none()
    handle = ClientHandle.objects.filter(
        partnership_id=OuterRef("partnership_id"),
        provider_id=OuterRef("provider_id"),
        client_ref=OuterRef("client_ref"),
    ).values("handle")[:1]
    return rows.filter(Q(provider_id__in=providers) | _consented(providers, scope)).annotate(
        handle=Subquery(handle)
    )


@dataclass(frozen=True)
class Sight:
    """How `user` sees one record: as its own provider's staff, or through a consent (with its scope)."""

    own: bool
    scope: str  # Consent.Scope; "record" for their own clients


def sight_of(user: Any, partnership: Partnership, record: ClientHandle) -> Sight | None:
    """Whether and how `user` may read the record `record` names; None: not at all."""
    providers = staff_providers(user, partnership)
    if not providers or record.partnership_id != partnership.pk:
        return None
    if record.provider_id in providers:
        return Sight(own=True, scope=Consent.Scope.RECORD)
    scopes = set(
        record.consents.filter(shared_with_id__in=providers, withdrawn_on__isnull=True).values_list(
            "scope", flat=True
        )
    )
    if not scopes:
        return None
    return Sight(
        own=False, scope=Consent.Scope.RECORD if Consent.Scope.RECORD in scopes else Consent.Scope.REFERRAL
    )
