"""The audit trail: every change (django-auditlog, written by signals inside the writing transaction), every
read of a sensitive record (`record_access`) and every business event (`record_event`), each as an
`AuditEntry` (core.models) that says in plain English who did what.

Models say which partnership an entry belongs to through `get_additional_data()` ({"partnership": slug}),
and each app says how its records are named (`describe(Model, Wording(...))`, in the app's audit.py); a
model with no wording gets the generic one here. Every word is chosen when the entry is written: names of
related records are those of the day, and reading a page of the trail needs no lookup per entry.
"""

from __future__ import annotations

import getpass
import json
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from auditlog.cid import get_cid
from auditlog.context import set_actor
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.db.models import Model, QuerySet
from django.utils.encoding import smart_str

from .models import AuditEntry, Kind
from .money import format_pounds
from .years import FinancialYear

# Fields that are how rows are kept, not what they say: never shown as changes, nor tracked (apps pass
# these to auditlog.register's exclude_fields).
BOOKKEEPING = frozenset({"id", "key", "position", "version", "changed_at", "changed_by", "created_at"})

_ACTION_KINDS = {
    AuditEntry.Action.CREATE: Kind.CREATED,
    AuditEntry.Action.UPDATE: Kind.CHANGED,
    AuditEntry.Action.DELETE: Kind.DELETED,
    AuditEntry.Action.ACCESS: Kind.READ,
}

_command_line: ContextVar[bool] = ContextVar("concordat_command_line", default=False)


# --- who ------------------------------------------------------------------------------------------------


@contextmanager
def acting_as(user: Any) -> Iterator[None]:
    """Attribute the audit entries written inside this block to `user` (None: whoever runs the process)."""
    if user is None or not getattr(user, "is_authenticated", False):
        yield
        return
    with set_actor(user):
        yield


@contextmanager
def command_line(user: Any = None) -> Iterator[None]:
    """A management command's writes: by `user` (its `--as` option) or, with none, by the operating-system
    user who ran it. Either way the entry says it came from the command line."""
    token = _command_line.set(True)
    try:
        with acting_as(user):
            yield
    finally:
        _command_line.reset(token)


def operating_system_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (e.g. a container's)
        return "an unnamed user"


def person_name(user: Any) -> str:
    return user.get_full_name() or user.get_username()


def complete_entry(entry: AuditEntry) -> None:
    """Fill what an entry says about itself, just before it is written (AuditEntry._save_table)."""
    if not entry.partnership and isinstance(entry.additional_data, dict):
        entry.partnership = str(entry.additional_data.get("partnership") or "")
    if not entry.actor_name:
        if entry.actor is not None:
            entry.actor_name = person_name(entry.actor) + (" (command line)" if _command_line.get() else "")
        else:
            entry.actor_name = f"{operating_system_user()} (command line)"
    if not entry.kind:
        entry.kind = _ACTION_KINDS.get(entry.action, Kind.READ)
    if not entry.summary:
        entry.summary = f"{Kind(entry.kind).label.lower()} {entry.object_repr}"
    if (
        entry.kind == Kind.PASSWORD_CHANGED
        and entry.actor_id is not None
        and str(entry.actor_id) == entry.object_pk
    ):
        entry.summary = "changed their password"


# --- how records are named --------------------------------------------------------------------------------


def _quoted(text: str) -> str:
    return f"'{text}'"


@dataclass(frozen=True)
class Wording:
    """How the trail speaks of one model's records.

    noun: what one is called ("approval"). name: how one is named ("Salford Drug Action Team, 15 January
    2004"; default str()). ref: how the trail refers to one when it is added, removed or read (default
    "the approval 'name'"). subject: the owner of a changed field ("the decision of <subject>"; default
    ref). labels: field labels where the verbose name will not do. values: how a field's value is shown,
    by field name. skip: fields of this model that are bookkeeping. event: for changes that are business
    events (a role granted), a function of (instance, action, details) giving (kind, summary), or None.
    """

    noun: str
    name: Callable[[Any], str] = str
    ref: Callable[[Any], str] | None = None
    subject: Callable[[Any], str] | None = None
    labels: Mapping[str, str] = field(default_factory=dict)
    values: Mapping[str, Callable[[Any], str]] = field(default_factory=dict)
    skip: frozenset[str] = frozenset()
    event: Callable[[Any, int, list[list[str]]], tuple[str, str] | None] | None = None

    def named(self, obj: Any) -> str:
        try:
            return self.name(obj)
        except ObjectDoesNotExist:  # a record removed with what it pointed at
            return _safe_str(obj)

    def reference(self, obj: Any) -> str:
        try:
            return self.ref(obj) if self.ref else f"the {self.noun} {_quoted(self.named(obj))}"
        except ObjectDoesNotExist:
            return f"the {self.noun} {_quoted(_safe_str(obj))}"

    def subject_of(self, obj: Any) -> str:
        try:
            return self.subject(obj) if self.subject else self.reference(obj)
        except ObjectDoesNotExist:
            return self.reference(obj)

    def label(self, model: type[Model], name: str) -> str:
        if name in self.labels:
            return self.labels[name]
        try:
            return str(model._meta.get_field(name).verbose_name).replace("_", " ")
        except Exception:  # a field since removed from the model
            return name.replace("_", " ")


_WORDINGS: dict[type[Model], Wording] = {}


def describe(model: type[Model], wording: Wording) -> None:
    """Say how the trail names `model`'s records; each app does this for its own models."""
    _WORDINGS[model] = wording


def wording_for(model: type[Model] | None) -> Wording:
    if model is None:
        return Wording(noun="record")
    if model in _WORDINGS:
        return _WORDINGS[model]
    if model is get_user_model():
        return Wording(noun="account", name=person_name)
    return Wording(noun=str(model._meta.verbose_name))


def described_models() -> list[tuple[type[Model], Wording]]:
    return list(_WORDINGS.items())


def _safe_str(obj: Any) -> str:
    try:
        return smart_str(obj)
    except ObjectDoesNotExist:
        return f"a removed {obj._meta.verbose_name}"


def day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


def _readable_json(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(_readable_json(item) for item in value)
    if isinstance(value, dict):
        return "; ".join(
            f"{key}: {_readable_json(item)}" for key, item in value.items() if item not in (None, "")
        )
    return "" if value is None else str(value)


def _typed(model_field: Any, raw: Any) -> Any:
    """auditlog keeps values as strings ("None" for none); back to the field's own type."""
    if raw is None or raw == "None":
        return None
    if isinstance(model_field, models.JSONField):
        try:
            return json.loads(raw) if isinstance(raw, str) else raw
        except ValueError:
            return raw
    target = model_field.target_field if model_field.is_relation else model_field
    try:
        return target.to_python(raw)
    except (ValidationError, TypeError, ValueError):
        return raw


def show_value(model: type[Model], name: str, raw: Any, wording: Wording) -> tuple[str, bool]:
    """(the value as people read it, whether it is free text to quote). Related records by their names."""
    try:
        model_field: Any = model._meta.get_field(name)
    except Exception:
        model_field = None
    if model_field is None or not getattr(model_field, "concrete", False):
        return ("" if raw in (None, "None") else str(raw)), True
    value = _typed(model_field, raw)
    if value is None or value == "":
        return "", False
    if name in wording.values:
        return wording.values[name](value), False
    if name.endswith("_pence") and isinstance(value, int):
        return format_pounds(value), False
    if name == "year" and isinstance(value, int):
        return str(FinancialYear(value)), False
    if model_field.is_relation and model_field.many_to_one:
        related_model = model_field.related_model
        related = related_model._default_manager.filter(pk=value).first()
        related_wording = wording_for(related_model)
        if related is None:
            return f"a removed {related_wording.noun}", False
        return related_wording.named(related), False
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value)), False
    if isinstance(value, bool):
        return ("yes" if value else "no"), False
    if isinstance(value, date):
        return day(value), False
    if isinstance(model_field, models.JSONField):
        return _readable_json(value), False
    return str(value), isinstance(model_field, (models.CharField, models.TextField))


def _is_column(model: type[Model], name: str) -> bool:
    """Reverse relations are no part of a row (auditlog logs them as "app.Model.None")."""
    try:
        return bool(getattr(model._meta.get_field(name), "concrete", False))
    except Exception:  # a field since removed: its value is still what was changed
        return True


def untracked_fields(model: type[Model]) -> list[str]:
    """What an app passes to auditlog.register(exclude_fields=...): bookkeeping and reverse relations."""
    reverse = {f.name for f in model._meta.get_fields() if not getattr(f, "concrete", False)}
    return sorted(BOOKKEEPING | reverse)


def _field_phrase(label: str, before: str, after: str, owner: str = "") -> str:
    of = f" of {owner}" if owner else ""
    if not before:
        return f"the {label}{of} to {after}"
    if not after:
        return f"the {label}{of} from {before} to nothing"
    return f"the {label}{of} from {before} to {after}"


def describe_change(
    instance: Model, action: int, changes: Mapping[str, Any]
) -> tuple[str, str, list[list[str]]]:
    """(kind, summary, details) of a row change auditlog is about to log. An update of bookkeeping fields
    alone has no details: the caller writes no entry for it."""
    model = type(instance)
    wording = wording_for(model)
    details: list[list[str]] = []  # [label, before, after] as people read them
    shown: list[tuple[str, str, str]] = []  # the same, free text quoted, for the sentence
    for name, pair in changes.items():
        if name in BOOKKEEPING or name in wording.skip:
            continue
        if not isinstance(pair, (list, tuple)) or len(pair) != 2 or not _is_column(model, name):
            continue
        label = wording.label(model, name)
        (before, quote_before), (after, quote_after) = (show_value(model, name, raw, wording) for raw in pair)
        if before == after:
            continue
        details.append([label, before, after])
        shown.append(
            (
                label,
                _quoted(before) if before and quote_before else before,
                _quoted(after) if after and quote_after else after,
            )
        )
    if wording.event is not None:
        try:
            event = wording.event(instance, action, details)
        except ObjectDoesNotExist:  # removed along with what it names: the plain words below will do
            event = None
        if event is not None:
            return event[0], event[1], details
    kind = _ACTION_KINDS.get(action, Kind.READ)
    if action == AuditEntry.Action.CREATE:
        return kind, f"added {wording.reference(instance)}", details
    if action == AuditEntry.Action.DELETE:
        return kind, f"removed {wording.reference(instance)}", details
    if action == AuditEntry.Action.ACCESS:
        return kind, f"read {wording.reference(instance)}", details
    subject = wording.subject_of(instance)
    if len(shown) == 1:
        label, before, after = shown[0]
        return (
            kind,
            f"{'changed' if before else 'set'} {_field_phrase(label, before, after, subject)}",
            details,
        )
    return kind, f"changed {subject}: " + "; ".join(_field_phrase(*part) for part in shown), details


# --- writing entries ------------------------------------------------------------------------------------


def _additional_data(obj: Model | None) -> Any:
    get_additional_data = getattr(obj, "get_additional_data", None)
    return get_additional_data() if callable(get_additional_data) else None


def record_event(
    *,
    kind: str,
    actor: Any,
    partnership_slug: str,
    summary: str,
    obj: Model | None = None,
    actor_name: str = "",
) -> AuditEntry:
    """Write a business event on `partnership_slug`'s trail ("" for none): `actor` (a user, or None for
    the command line or someone not signed in, then say who in `actor_name`) did `summary`, a phrase
    without the actor ("downloaded the notification form"). `obj` is what it was done to, by default
    the actor's account. Holds no field values of the record."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    target = obj if obj is not None else user
    content_type = ContentType.objects.get_for_model(target if target is not None else get_user_model())
    pk = target.pk if target is not None else None
    return AuditEntry.objects.create(
        content_type=content_type,
        object_pk="" if pk is None else str(pk),
        object_id=pk if isinstance(pk, int) else None,
        object_repr=_safe_str(target) if target is not None else "",
        # auditlog's action: a load writes; every other event reads, or is about an account
        action=AuditEntry.Action.UPDATE if kind == Kind.FILE_LOADED else AuditEntry.Action.ACCESS,
        actor=user,
        actor_name=actor_name,
        kind=kind,
        summary=summary,
        partnership=partnership_slug,
        # as auditlog does: what the record says about itself (a partnership's records name it; accounts don't)
        additional_data=_additional_data(target),
        cid=get_cid(),
    )


def record_access(
    *, user: Any, obj: Model, partnership_slug: str, kind: str = Kind.READ, summary: str = ""
) -> AuditEntry:
    """Write a read: who read which record, and when. Holds no field values of the record."""
    return record_event(
        kind=kind,
        actor=user,
        partnership_slug=partnership_slug,
        summary=summary or f"read {wording_for(type(obj)).reference(obj)}",
        obj=obj,
    )


# --- reading the trail ----------------------------------------------------------------------------------


def entries_for_partnership(slug: str) -> QuerySet[AuditEntry]:
    """A partnership's trail, newest first, by the indexed `partnership` column."""
    return (
        AuditEntry.objects.filter(partnership=slug)
        .select_related("content_type")
        .order_by("-timestamp", "-id")
    )
