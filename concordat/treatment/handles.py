"""Opaque, stable addresses of client records (sharing.ClientHandle).

A handle is drawn once per (partnership, provider, client_ref) and kept: an accepted submission replaces
the Client rows (new ids) but the handle, the consents and the access log entries that name it stay.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from django.db.models import Exists, OuterRef

from concordat.partnerships.models import Partnership

from .models import Client
from .sharing import HANDLE, ClientHandle

_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"  # as partnerships.keys: no l, o, 0, 1


def new_handle() -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(HANDLE))


def ensure_handles(partnership: Partnership, provider_ids: frozenset[int] | set[int] | None = None) -> int:
    """Give every client record of the partnership (of `provider_ids` when given) that has no handle one.
    One query when none is missing; a client_ref given one at the same moment elsewhere is left as it is
    (ignore_conflicts). Returns how many were made."""
    rows = Client.objects.filter(partnership=partnership)
    if provider_ids is not None:
        rows = rows.filter(provider_id__in=provider_ids)
    missing = list(
        rows.filter(
            ~Exists(
                ClientHandle.objects.filter(
                    partnership_id=OuterRef("partnership_id"),
                    provider_id=OuterRef("provider_id"),
                    client_ref=OuterRef("client_ref"),
                )
            )
        ).values_list("provider_id", "client_ref")
    )
    ClientHandle.objects.bulk_create(
        [
            ClientHandle(partnership=partnership, provider_id=provider, client_ref=ref, handle=new_handle())
            for provider, ref in missing
        ],
        ignore_conflicts=True,
        batch_size=1000,
    )
    return len(missing)


def handles_of(partnership: Partnership, records: Iterable[tuple[int, str]]) -> dict[tuple[int, str], str]:
    """The handles of the records named by (provider_id, client_ref), made now for those that have none:
    one query when all have one, three otherwise, none for no records. What a page of a list uses, so its
    cost follows the rows it shows, not the provider's size (`ensure_handles` reads every record)."""
    wanted = set(records)
    if not wanted:
        return {}

    def read() -> dict[tuple[int, str], str]:
        rows = ClientHandle.objects.filter(
            partnership=partnership,
            provider_id__in={provider for provider, _ in wanted},
            client_ref__in={ref for _, ref in wanted},
        ).values_list("provider_id", "client_ref", "handle")
        return {(provider, ref): handle for provider, ref, handle in rows if (provider, ref) in wanted}

    found = read()
    if len(found) == len(wanted):
        return found
    ClientHandle.objects.bulk_create(
        [
            ClientHandle(partnership=partnership, provider_id=provider, client_ref=ref, handle=new_handle())
            for provider, ref in sorted(wanted - set(found))
        ],
        ignore_conflicts=True,  # one given at the same moment elsewhere is kept
        batch_size=1000,
    )
    return read()


def handle_for(partnership: Partnership, provider_id: int, client_ref: str) -> ClientHandle:
    """The record's handle, made now if it has none."""
    found = ClientHandle.objects.filter(
        partnership=partnership, provider_id=provider_id, client_ref=client_ref
    ).first()
    if found is not None:
        return found
    ClientHandle.objects.bulk_create(
        [
            ClientHandle(
                partnership=partnership, provider_id=provider_id, client_ref=client_ref, handle=new_handle()
            )
        ],
        ignore_conflicts=True,
    )
    return ClientHandle.objects.get(partnership=partnership, provider_id=provider_id, client_ref=client_ref)


def client_of(record: ClientHandle) -> Client | None:
    """The Client row the handle names now (None: the provider's latest submission no longer has them)."""
    return (
        Client.objects.of_provider(record.provider_id)
        .filter(partnership_id=record.partnership_id, client_ref=record.client_ref)
        .first()
    )
