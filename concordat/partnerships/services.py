"""Every write to an agreement goes through here: the file loader, the web forms and the API alike.

A write is: lock the partnership, check that what the writer saw is still there (`seen`, a fingerprint of
the part they edit), make the change in the agreement as a document, check the whole agreement with the
file's rules, then bring the tables up to date (sync.py) in one transaction, the audit entries written by
the same transaction. A whole file or API document syncs every collection; a form's change syncs only the
part it edits, so only that entry is written. Nothing is written when the check finds an error.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction

from concordat.core import clock
from concordat.core.audit import acting_as, person_name, record_event
from concordat.core.models import Kind
from concordat.core.problems import Report

from . import models
from .errors import AlreadySaved, EntryGone, Refused, StaleEdit
from .keys import claim, retired_keys
from .rules import appraisal as appraisal_rules
from .rules.agreement import check_agreement
from .rules.dependants import dependants
from .rules.known_keys import put_back, unknown_in_entry
from .shape import BY_NAME, COLLECTIONS, export_agreement
from .sync import Changes, Writer, sync

__all__ = [
    "AlreadySaved",
    "Changes",
    "EntryGone",
    "Outcome",
    "Refused",
    "StaleEdit",
    "agreement_replace",
    "details_save",
    "entry_remove",
    "entry_save",
    "fingerprint",
    "narrative_save",
    "partnership_load",
    "statements_save",
    "targets_save",
]

# The document keys that are the partnership's own fields (what the details form edits).
COLLECTION_NAMES = frozenset(collection.name for collection in COLLECTIONS)


@dataclass
class Outcome:
    report: Report
    changes: Changes = field(default_factory=Changes)
    partnership: models.Partnership | None = None
    path: str = ""  # where in the document the edited entry is, for putting problems on form fields
    key: str = ""  # the key of the entry written


def fingerprint(value: Any) -> str:
    """A short digest of what an editor saw: a form carries it, and a save is refused when the same part of
    the agreement no longer has it (someone else changed it in between)."""
    text = json.dumps(value, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def writer_name(user: Any) -> str:
    """How the rows a user writes name them: full name, else username; the command line when no user."""
    if user is None or not getattr(user, "is_authenticated", False):
        return "the command line"
    return str(person_name(user))


def partnership_load(*, document: Any, user: Any = None) -> Outcome:
    """Create the partnership the document describes, or bring the one with its slug up to date.

    Idempotent: loading the same document twice changes nothing the second time. All or nothing.
    """
    checked = check_agreement(document, today=clock.today())
    if not checked.report.valid:
        return Outcome(checked.report)
    writer = Writer(writer_name(user))
    try:
        with transaction.atomic(), acting_as(user):
            partnership = sync(checked.agreement, writer=writer)
            changes = writer.changes
            if changes.any:  # a load that changes nothing writes nothing, not even this
                record_event(
                    kind=Kind.FILE_LOADED,
                    actor=user,
                    partnership_slug=partnership.slug,
                    summary=f"loaded a partnership file: {len(changes.created)} created, "
                    f"{len(changes.changed)} changed, {len(changes.removed)} removed",
                    obj=partnership,
                )
    except Refused as refusal:
        checked.report.errors.extend(refusal.report.errors)
        return Outcome(checked.report)
    return Outcome(checked.report, writer.changes, partnership)


def agreement_replace(*, partnership: models.Partnership, document: Any, version: int, user: Any) -> Outcome:
    """Replace the whole agreement (the API's PUT) if it is still at `version`: the version the client
    read, so a client cannot overwrite a change it has not seen (raises StaleEdit). The slug stays."""

    def check_version(locked: models.Partnership, current: dict[str, Any]) -> None:
        if locked.version != version:
            raise StaleEdit(changed_by=locked.changed_by, changed_at=locked.changed_at, current=current)

    def replace(current: dict[str, Any]) -> None:
        current.clear()
        current.update(document)

    return _edit(partnership=partnership, user=user, precheck=check_version, change=replace)


@dataclass
class Part:
    """A part of the agreement a form edits: its value in the document (`of`), and who last changed it."""

    of: Callable[[dict[str, Any]], Any]
    stamp: Callable[[models.Partnership], tuple[str, datetime | None]]


def _seen_check(part: Part, seen: str | None, change: Callable[[dict[str, Any]], None]) -> Any:
    """A precheck refusing a stale edit: the part differs from what the editor saw, and applying their
    change would not make it what it now is (a second identical submission is not stale, only late)."""

    def precheck(locked: models.Partnership, document: dict[str, Any]) -> None:
        if seen is None:
            return
        current = part.of(document)
        if fingerprint(current) == seen:
            return
        trial = copy.deepcopy(document)
        change(trial)
        if fingerprint(part.of(trial)) == fingerprint(current):
            raise _NothingToDo
        changed_by, changed_at = part.stamp(locked)
        raise StaleEdit(changed_by=changed_by, changed_at=changed_at, current=current)

    return precheck


class _NothingToDo(Exception):
    pass


def _edit(
    *,
    partnership: models.Partnership,
    user: Any,
    change: Callable[[dict[str, Any]], None],
    precheck: Callable[[models.Partnership, dict[str, Any]], None] | None = None,
    only: frozenset[str] | None = None,
    fields_too: bool = True,
    path: Callable[[dict[str, Any]], str] = lambda document: "",
) -> Outcome:
    writer = Writer(writer_name(user))
    try:
        with transaction.atomic(), acting_as(user):
            locked = models.Partnership.objects.select_for_update().get(pk=partnership.pk)
            document = export_agreement(locked)
            if precheck is not None:
                precheck(locked, document)
            change(document)
            document["slug"] = locked.slug
            checked = check_agreement(document, today=clock.today())
            if not checked.report.valid:
                return Outcome(checked.report, partnership=locked, path=path(document))
            applied = sync(checked.agreement, writer=writer, only=only, partnership_fields_too=fields_too)
            return Outcome(checked.report, writer.changes, applied, path(document))
    except _NothingToDo:
        return Outcome(Report(), partnership=partnership)
    except Refused as refusal:
        return Outcome(refusal.report, partnership=partnership)


def scalars(document: dict[str, Any]) -> dict[str, Any]:
    """The partnership's own fields of a document: what the details form shows and edits."""
    return {key: value for key, value in document.items() if key not in COLLECTION_NAMES}


def _partnership_stamp(locked: models.Partnership) -> tuple[str, datetime | None]:
    return locked.changed_by, locked.changed_at


def details_save(
    *, partnership: models.Partnership, user: Any, values: dict[str, Any], seen: str | None
) -> Outcome:
    """Change the partnership's own fields (name, dates, roles, eligibility, risk share …), no entry."""

    def change(document: dict[str, Any]) -> None:
        document.update(values)

    part = Part(scalars, _partnership_stamp)
    return _edit(
        partnership=partnership,
        user=user,
        change=change,
        precheck=_seen_check(part, seen, change),
        only=frozenset(),
    )


def statements_save(
    *, partnership: models.Partnership, user: Any, aims: list[str], outcomes: list[str], seen: str | None
) -> Outcome:
    """Replace the lists of aims and outcomes (edited together, one a line)."""

    def of(document: dict[str, Any]) -> Any:
        return {"aims": document.get("aims", []), "outcomes": document.get("outcomes", [])}

    def change(document: dict[str, Any]) -> None:
        document["aims"], document["outcomes"] = aims, outcomes

    def stamp(locked: models.Partnership) -> tuple[str, datetime | None]:
        rows = [*locked.aims.all(), *locked.outcomes.all()]
        latest = max(rows, key=lambda row: row.changed_at or locked.changed_at or clock.now(), default=None)
        return (latest.changed_by, latest.changed_at) if latest else _partnership_stamp(locked)

    return _edit(
        partnership=partnership,
        user=user,
        change=change,
        precheck=_seen_check(Part(of, stamp), seen, change),
        only=frozenset({"aims", "outcomes"}),
        fields_too=False,
    )


# Notification form items 7, 9 and 10 (lists of sentences) and the movement of staff (item 8): the
# partnership's own fields, edited together on one form.
NARRATIVE_KEYS = ("improvements", "health_outcomes", "joint_working", "staff_movement")


def narrative_of(document: dict[str, Any]) -> dict[str, Any]:
    return {key: document.get(key) or ("" if key == "staff_movement" else []) for key in NARRATIVE_KEYS}


def narrative_save(
    *,
    partnership: models.Partnership,
    user: Any,
    improvements: list[str],
    health_outcomes: list[str],
    joint_working: list[str],
    staff_movement: str,
    seen: str | None,
) -> Outcome:
    """Replace the notification form's narrative: items 7 (improvements), 9 (health outcomes), 10 (joint
    working), each a list of sentences, and the movement of staff; checked by the file's rules."""
    values = {
        "improvements": improvements,
        "health_outcomes": health_outcomes,
        "joint_working": joint_working,
        "staff_movement": staff_movement,
    }

    def change(document: dict[str, Any]) -> None:
        document.update(values)

    return _edit(
        partnership=partnership,
        user=user,
        change=change,
        precheck=_seen_check(Part(narrative_of, _partnership_stamp), seen, change),
        only=frozenset(),
    )


def targets_of(document: dict[str, Any]) -> dict[str, Any]:
    """The agreement's KPI targets as the file writes them (what the targets form shows and edits)."""
    return dict(document.get("targets") or {})


def targets_save(
    *, partnership: models.Partnership, user: Any, targets: dict[str, Any], seen: str | None
) -> Outcome:
    """Replace the KPI targets — the baseline, the people accessing services, the waiting-time threshold,
    the share to start within it, and each modality's threshold and average-wait target — as the file
    writes them (years "YYYY-YY", days and people whole numbers, the percentage as typed). Checked with the
    whole agreement by the file's rules (rules/agreement._targets: problems at "targets.<key>"); refused as
    stale when the targets changed since the editor saw them (`seen`, a fingerprint of `targets_of`); the
    partnership row is written once and audited as every change of it is."""

    def change(document: dict[str, Any]) -> None:
        if targets:
            document["targets"] = copy.deepcopy(targets)
        else:
            document.pop("targets", None)

    return _edit(
        partnership=partnership,
        user=user,
        change=change,
        precheck=_seen_check(Part(targets_of, _partnership_stamp), seen, change),
        only=frozenset(),
        path=lambda document: "targets",
    )


# --- one entry of a collection ------------------------------------------------------------------------


def key_of(collection_name: str, entry: dict[str, Any]) -> str:
    """The key of a document entry: its `key`, or its natural key (a partner's code …)."""
    collection = BY_NAME[collection_name]
    if collection.keyed:
        return str(entry.get("key", ""))
    assert collection.natural_key is not None
    return collection.natural_key(entry)


def entry_index(document: dict[str, Any], collection_name: str, key: str) -> int | None:
    return next(
        (
            i
            for i, entry in enumerate(document.get(collection_name, []))
            if key_of(collection_name, entry) == key
        ),
        None,
    )


def entry_in(document: dict[str, Any], collection_name: str, key: str) -> dict[str, Any]:
    """The entry with `key`, or EntryGone."""
    index = entry_index(document, collection_name, key)
    if index is None:
        raise EntryGone(BY_NAME[collection_name].noun, key)
    return document[collection_name][index]  # type: ignore[no-any-return]


def was_removed(partnership: models.Partnership, collection_name: str, key: str) -> bool:
    """Whether `key` named an entry of the collection that has since been removed (keys are retired)."""
    return models.RetiredKey.objects.filter(
        partnership=partnership, collection=collection_name, key=key
    ).exists()


def _entry_stamp(
    collection_name: str, key: str
) -> Callable[[models.Partnership], tuple[str, datetime | None]]:
    def stamp(locked: models.Partnership) -> tuple[str, datetime | None]:
        collection = BY_NAME[collection_name]
        rows = collection.rows(locked)
        if collection.keyed:
            row = rows.filter(key=key).first()
        else:
            from .shape import refs_for

            refs = refs_for(locked)
            row = next((r for r in rows if collection.key_of_row(r, refs) == key), None)
        return (row.changed_by, row.changed_at) if row is not None else _partnership_stamp(locked)

    return stamp


def _content(entry: dict[str, Any]) -> str:
    """What an entry says, whatever its key and however its values are typed (a date or its text)."""
    return fingerprint({name: value for name, value in entry.items() if name != "key"})


def entry_save(
    *,
    partnership: models.Partnership,
    user: Any,
    collection: str,
    key: str | None,
    entry: dict[str, Any] | Callable[[dict[str, Any]], dict[str, Any]],
    seen: str | None = None,
    new_key: str | None = None,
    create_missing: bool = False,
) -> Outcome:
    """Add an entry (`key` None) or change the entry with `key`, writing that entry alone.

    Adding: `new_key` (a form's one-time token) becomes the entry's key, so a second submission of the same
    form finds it taken and raises AlreadySaved instead of adding the entry twice; an entry the same in
    every value as one already there is AlreadySaved too (Back fetches the form with a new token). Changing: raises EntryGone when the
    entry is not there (unless `create_missing`, for the governance checklist's ten fixed items), StaleEdit
    when it changed since the editor saw `seen`.
    """
    declared = BY_NAME[collection]
    place: dict[str, Any] = {}

    def change(document: dict[str, Any]) -> None:
        entries = document.setdefault(collection, [])
        if key is None or (create_missing and entry_index(document, collection, key) is None):
            added = dict(entry({}) if callable(entry) else entry)
            # The same entry again is a second submission (a double click; Back, which fetches the form
            # again with a new token, then Save), not a second entry.
            same = next((e for e in entries if _content(e) == _content(added)), None)
            if same is not None:
                raise AlreadySaved(declared.noun, key_of(collection, same))
            if declared.keyed:
                added = {"key": place["key"], **added}
            entries.append(added)
            place["index"] = len(entries) - 1
        else:
            index = entry_index(document, collection, key)
            if index is None:
                raise EntryGone(declared.noun, key)
            kept = {"key": key} if declared.keyed else {}
            # A function of the current entry (an appraisal rule) runs here, under the lock.
            new = entry(copy.deepcopy(entries[index])) if callable(entry) else entry
            changed = {**kept, **new}
            # The keys of the file the format does not know stay with the entry: a form (or the API's
            # entry) edits the keys it knows. The file, loaded again, is what changes or drops them.
            put_back(changed, unknown_in_entry(collection, entries[index]))
            entries[index] = changed
            place["index"] = index
        place["key"] = key_of(collection, entries[place["index"]])

    def precheck(locked: models.Partnership, document: dict[str, Any]) -> None:
        if key is None and declared.keyed:
            taken = {str(e.get("key")) for e in document.get(collection, [])} | retired_keys(
                locked, collection
            )
            place["key"] = claim(new_key, taken, declared.noun)
            return
        if key is not None and not create_missing:
            entry_in(document, collection, key)  # EntryGone before anything else
            _seen_check(
                Part(lambda d: entry_in(d, collection, key), _entry_stamp(collection, key)), seen, change
            )(locked, document)

    outcome = _edit(
        partnership=partnership,
        user=user,
        change=change,
        precheck=precheck,
        only=frozenset({collection}),
        fields_too=False,
        path=lambda document: f"{collection}[{place.get('index', 0)}]",
    )
    outcome.key = place.get("key", key or "")
    return outcome


def entry_remove(
    *, partnership: models.Partnership, user: Any, collection: str, key: str, seen: str | None = None
) -> Outcome:
    """Remove the entry with `key`, and what belongs to it (a funding stream's contributions). Refused,
    with the reason, while other entries refer to it (a partner with funding streams). Raises EntryGone
    when it is not there (removed already: nothing changes)."""
    declared = BY_NAME[collection]

    def change(document: dict[str, Any]) -> None:
        index = entry_index(document, collection, key)
        if index is None:
            raise EntryGone(declared.noun, key)
        found = dependants(document, collection, key)
        if found.blocking:
            report = Report()
            report.error(f"{collection}[{index}]", "in-use", found.reason)
            raise Refused(report)
        for other, keys in found.removed_with_it.items():
            document[other] = [e for e in document.get(other, []) if key_of(other, e) not in keys]
        del document[collection][index]

    def precheck(locked: models.Partnership, document: dict[str, Any]) -> None:
        current = entry_in(document, collection, key)
        if seen is not None and fingerprint(current) != seen:
            changed_by, changed_at = _entry_stamp(collection, key)(locked)
            raise StaleEdit(changed_by=changed_by, changed_at=changed_at, current=current)

    cascaded = {"funding_streams": frozenset({"funding_streams", "contributions"})}
    return _edit(
        partnership=partnership,
        user=user,
        change=change,
        precheck=precheck,
        only=cascaded.get(collection, frozenset({collection})),
        fields_too=False,
    )


# --- options appraisals: their rules (rules/appraisal.py) applied to one appraisal, under the lock ------


def appraisal_criteria_set(
    *, partnership: models.Partnership, user: Any, key: str, criteria: list[dict[str, Any]], seen: str | None
) -> Outcome:
    """Replace an appraisal's criteria; the options' scores on criteria no longer listed are removed."""
    return entry_save(
        partnership=partnership,
        user=user,
        collection="options_appraisals",
        key=key,
        entry=lambda appraisal: appraisal_rules.with_criteria(appraisal, criteria),
        seen=seen,
    )


def appraisal_option_save(
    *,
    partnership: models.Partnership,
    user: Any,
    key: str,
    option_key: str | None,
    option: dict[str, Any],
    seen: str | None,
    token: str | None = None,
) -> Outcome:
    """Add an option (`option_key` None; `token` becomes its key, so a second submission adds nothing) or
    change one; changing the preferred option's code keeps it preferred."""

    def change(appraisal: dict[str, Any]) -> dict[str, Any]:
        keys = {str(o.get("key")) for o in appraisal.get("options", [])}
        if option_key is not None and option_key not in keys:
            raise EntryGone("option", option_key)
        chosen = option_key or claim(token, keys, "option")
        return appraisal_rules.with_option(appraisal, chosen, option)

    return entry_save(
        partnership=partnership, user=user, collection="options_appraisals", key=key, entry=change, seen=seen
    )


def appraisal_option_remove(
    *, partnership: models.Partnership, user: Any, key: str, option_key: str
) -> Outcome:
    """Remove an option with its scores; if it was the preferred option, no option is preferred now."""

    def change(appraisal: dict[str, Any]) -> dict[str, Any]:
        if option_key not in {o.get("key") for o in appraisal.get("options", [])}:
            raise EntryGone("option", option_key)
        return appraisal_rules.without_option(appraisal, option_key)

    return entry_save(
        partnership=partnership, user=user, collection="options_appraisals", key=key, entry=change
    )


def appraisal_decision_set(
    *,
    partnership: models.Partnership,
    user: Any,
    key: str,
    preferred: str,
    reasons: list[str],
    decision: dict[str, Any],
    seen: str | None,
) -> Outcome:
    """Record the preferred option, the reasons and the decision; the checker refuses an unknown option."""
    return entry_save(
        partnership=partnership,
        user=user,
        collection="options_appraisals",
        key=key,
        entry=lambda appraisal: appraisal_rules.with_decision(
            appraisal, preferred=preferred, reasons=reasons, decision=decision
        ),
        seen=seen,
    )


# --- memberships: membership.py holds them; they are importable from here, as every write is ----------

from .membership import membership_add as membership_add  # noqa: E402
from .membership import membership_remove as membership_remove  # noqa: E402
