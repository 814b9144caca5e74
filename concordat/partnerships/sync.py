"""Bring the tables up to date with a checked agreement, collection by collection, as shape.py declares
them. Only rows whose values differ are written, so an edit of one entry writes that entry alone (and the
audit trail shows that one change); moving entries up or down the list is not an audited change.

Callers hold the transaction (services.py); a refusal (a row others depend on) raises `Refused`.
"""

from __future__ import annotations

from collections.abc import Collection as Names
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import F
from django.db.models.deletion import ProtectedError

from concordat.core import clock
from concordat.core.problems import Report

from . import models
from .errors import Refused
from .keys import new_key, retired_keys
from .shape import COLLECTIONS, Collection, Refs, partnership_fields, refs_for
from .signals import agreement_changed


@dataclass
class Changes:
    created: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    @property
    def any(self) -> bool:
        return bool(self.created or self.changed or self.removed)

    def as_dict(self) -> dict[str, list[str]]:
        return {"created": self.created, "changed": self.changed, "removed": self.removed}


@dataclass
class Writer:
    """Who writes, stamped on every row they create or change."""

    name: str
    changes: Changes = field(default_factory=Changes)

    def stamp(self) -> dict[str, Any]:
        return {"changed_by": self.name, "changed_at": clock.now()}


def _differs(row: Any, values: dict[str, Any]) -> bool:
    return any(getattr(row, name) != value for name, value in values.items())


def _match(
    collection: Collection, entries: list[Any], rows: list[Any], refs: Refs, retired: set[str]
) -> list[tuple[Any, Any, str]]:
    """(entry, row or None, key) for each entry. Entries with no natural key are matched by the key they
    carry, then to a row with the same content, then in order to the rows left; a key that is unknown,
    taken or retired is replaced by a new one."""
    if not collection.keyed:
        by_key = {collection.key_of_row(row, refs): row for row in rows}
        return [
            (entry, by_key.get(key), key)
            for entry in entries
            for key in [collection.natural_key(entry)]  # type: ignore[misc]
        ]
    by_key = {row.key: row for row in rows}
    matched: dict[int, Any] = {}
    used: set[int] = set()
    for index, entry in enumerate(entries):
        key = None if collection.scalar else entry.get("key")
        if key in by_key and by_key[key].pk not in used:
            matched[index] = by_key[key]
            used.add(by_key[key].pk)
    for index, entry in enumerate(entries):  # same content, key or not
        if index in matched or (not collection.scalar and entry.get("key")):
            continue
        wanted = collection.values(entry, refs, None)
        same = next(
            (
                row
                for row in rows
                if row.pk not in used
                and not _differs(row, {k: v for k, v in wanted.items() if k != "options"})
            ),
            None,
        )
        if same is not None:
            matched[index] = same
            used.add(same.pk)
    spare = [row for row in rows if row.pk not in used]
    for index, entry in enumerate(entries):  # what is left, in order: an entry edited in place
        if index in matched or not spare or (not collection.scalar and entry.get("key")):
            continue
        matched[index] = spare.pop(0)
    taken = {row.key for row in rows} | retired
    result = []
    for index, entry in enumerate(entries):
        row = matched.get(index)
        if row is not None:
            key = row.key
        else:
            key = None if collection.scalar else entry.get("key")
            if not key or key in taken:
                key = new_key(taken)
        taken.add(key)
        result.append((entry, row, key))
    return result


def sync_collection(
    partnership: models.Partnership,
    collection: Collection,
    entries: list[Any],
    refs: Refs,
    writer: Writer,
) -> list[tuple[str, Any]]:
    """Create and update rows to match `entries`; return the rows no entry matched (label, row), for
    `remove` once nothing depends on them."""
    rows = list(collection.rows(partnership))
    retired = retired_keys(partnership, collection.name) if collection.keyed else set()
    seen: set[int] = set()
    for position, (entry, row, key) in enumerate(_match(collection, entries, rows, refs, retired)):
        values = collection.values(entry, refs, row)
        label = collection.label(key if not collection.keyed else _describe(collection, entry))
        values_with_place = {**values, "position": position} if collection.keyed else values
        if row is None:
            collection.model._default_manager.create(
                partnership=partnership,
                **({"key": key} if collection.keyed else {}),
                **values_with_place,
                **writer.stamp(),
            )
            writer.changes.created.append(label)
            continue
        seen.add(row.pk)
        if _differs(row, values):
            for name, value in {**values_with_place, **writer.stamp()}.items():
                setattr(row, name, value)
            row.save()
            writer.changes.changed.append(label)
        elif collection.keyed and row.position != position:
            # A new place in the list only: no audited change.
            collection.model._default_manager.filter(pk=row.pk).update(position=position)
    stale = [row for row in rows if row.pk not in seen]
    return [(collection.label(_row_label(collection, row, refs)), row) for row in stale]


def _describe(collection: Collection, entry: Any) -> str:
    """How the load's summary names an entry with no code: its first words."""
    if isinstance(entry, str):
        text = entry
    else:
        text = str(
            entry.get("title")
            or entry.get("body")
            or entry.get("text")
            or entry.get("name")
            or entry.get("how")
            or entry.get("description")
            or entry.get("year")
            or ""
        )
    return f"'{text[:60]}…'" if len(text) > 60 else f"'{text}'"


def _row_label(collection: Collection, row: Any, refs: Refs) -> str:
    if not collection.keyed:
        return collection.key_of_row(row, refs)
    return _describe(collection, collection.to_entry(row, refs))


def remove(
    partnership: models.Partnership,
    collection: Collection,
    stale: list[tuple[str, Any]],
    writer: Writer,
) -> None:
    """Delete rows no longer in the agreement, keeping their keys retired; refuse (raise Refused) when
    other records depend on one."""
    for label, row in stale:
        try:
            with transaction.atomic():
                row.delete()
        except ProtectedError:
            report = Report()
            report.error(
                "",
                "in-use",
                f"{label} is not in the agreement any more but other records depend on it, so it cannot be "
                "removed; keep it",
            )
            raise Refused(report) from None
        if collection.keyed:
            models.RetiredKey.objects.get_or_create(
                partnership=partnership, collection=collection.name, key=row.key
            )
        writer.changes.removed.append(label)


def sync(
    agreement: dict[str, Any],
    *,
    writer: Writer,
    only: Names[str] | None = None,
    partnership_fields_too: bool = True,
) -> models.Partnership:
    """Make the partnership's tables match the checked `agreement`; `only` limits the sync to those
    collections (a targeted edit), `partnership_fields_too=False` leaves the partnership's own fields."""
    a = agreement
    changes = writer.changes
    fields = partnership_fields(a)
    partnership = models.Partnership.objects.select_for_update().filter(slug=a["slug"]).first()
    if partnership is None:
        partnership = models.Partnership.objects.create(slug=a["slug"], **fields, **writer.stamp())
        changes.created.append(f"partnership {a['slug']}")
    elif partnership_fields_too and _differs(partnership, fields):
        for name, value in fields.items():
            setattr(partnership, name, value)
        partnership.save()
        changes.changed.append(f"partnership {a['slug']}")
    refs = refs_for(partnership)
    stale: list[tuple[Collection, list[tuple[str, Any]]]] = []
    for collection in COLLECTIONS:
        if only is not None and collection.name not in only:
            continue
        stale.append((collection, sync_collection(partnership, collection, a[collection.name], refs, writer)))
        if collection.name == "partners":
            refs.partners = {p.code: p for p in partnership.partners.all()}
        elif collection.name == "funding_streams":
            refs.streams = {s.code: s for s in partnership.funding_streams.all()}
    if partnership_fields_too:  # before stale partners go: the host or lead may have been one
        _partner_roles(partnership, a, refs, changes)
    for collection, rows in reversed(stale):  # dependants first: contributions before streams before partners
        remove(partnership, collection, rows, writer)
    if changes.any:
        models.Partnership.objects.filter(pk=partnership.pk).update(
            version=F("version") + 1, **writer.stamp()
        )
        partnership.refresh_from_db(fields=["version", "changed_at", "changed_by"])
        slug, version = partnership.slug, partnership.version
        transaction.on_commit(
            lambda: agreement_changed.send(sender=models.Partnership, slug=slug, version=version)
        )
    return partnership


def _partner_roles(partnership: models.Partnership, a: dict[str, Any], refs: Refs, changes: Changes) -> None:
    lead = a["lead_commissioner"]  # a partner's code, or a commissioning body (partnership_fields holds it)
    roles = {
        "host_partner": refs.partners.get(a["host_partner"] or ""),
        "lead_commissioner": refs.partners.get(lead) if isinstance(lead, str) else None,
    }
    if _differs(partnership, roles):
        for name, value in roles.items():
            setattr(partnership, name, value)
        partnership.save()
        label = f"partnership {partnership.slug}"
        if label not in changes.created + changes.changed:
            changes.changed.append(label)
