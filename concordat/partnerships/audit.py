"""The audit trail for partnerships: which tables it watches (all of them), how it names their records, and
on which partnerships' trails account events (signing in and out, passwords) appear.

Account events have no partnership of their own: each is written once on the trail of every partnership
the user is a member of at the time, so each partnership's auditors and lead commissioners see their own
members' sign-ins and nobody else's. An event for a user with no role anywhere, or a failed sign-in for a
username nobody has, is written with no partnership: it is kept for the service's operators (the database),
and shown on no partnership's trail.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from auditlog.registry import auditlog
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save
from django.dispatch import receiver

from concordat.core.audit import Wording, day, describe, person_name, record_event, untracked_fields
from concordat.core.models import AuditEntry, Kind
from concordat.core.roles import Role
from concordat.documents.files import readable_size

from . import models
from .rules.known_keys import UNKNOWN
from .rules.reader import at


def _partnership_name(p: models.Partnership) -> str:
    return p.name


def _contribution_subject(c: models.Contribution) -> str:
    return f"{c.stream.name} for {c.financial_year}"


def _role_words(m: models.Membership) -> str:
    role = Role(m.role).label.lower() if m.role in Role.values else m.role
    return f"{role} for {m.provider.name}" if m.provider_id else role


def _membership_event(m: models.Membership, action: int, details: list[list[str]]) -> tuple[str, str] | None:
    """Roles given and taken away are events people look for: "gave Ann Auditor the role of auditor"."""
    who = person_name(m.user)
    if action == AuditEntry.Action.CREATE:
        return Kind.ROLE_GRANTED, f"gave {who} the role of {_role_words(m)}"
    if action == AuditEntry.Action.DELETE:
        return Kind.ROLE_REMOVED, f"took the role of {_role_words(m)} away from {who}"
    if action == AuditEntry.Action.UPDATE:
        return Kind.ROLE_CHANGED, f"changed the role of {who} to {_role_words(m)}"
    return None


def _document_words(d: models.Document) -> str:
    return f"the {d.get_kind_display().lower()} ‘{d.title}’ ({d.original_name}, {readable_size(d.size)})"


def _document_event(d: models.Document, action: int, details: list[list[str]]) -> tuple[str, str] | None:
    """Uploads and removals of the partnership's papers are events people look for."""
    if action == AuditEntry.Action.CREATE:
        return Kind.DOCUMENT_UPLOADED, f"uploaded {_document_words(d)}"
    if action == AuditEntry.Action.DELETE:
        return Kind.DOCUMENT_REMOVED, f"removed {_document_words(d)}"
    return None


def _unknown_keys_shown(kept: Any) -> str:
    """Keys of the file the format does not know, as the file writes them: "ages.note: ''; colour: green"."""
    if not isinstance(kept, list):
        return str(kept)
    return "; ".join(
        f"{at(path, str(key))}: {value}"  # the value as its JSON text
        for path, key, value in (item for item in kept if isinstance(item, list) and len(item) == 3)
    )


def _statement(noun: str) -> Wording:
    return Wording(noun=noun, name=lambda s: s.text, skip=_PART)


# Bookkeeping for every partnership record: the partnership a part belongs to is the trail it is on. A
# date's precision column (day or month) is part of how the date is written, not a change people look for
# on its own: the trail shows the date.
_PART = frozenset(
    {
        "partnership",
        "due_precision",
        "date_precision",
        "signed_off_on_precision",
        "review_date_precision",
    }
)

WORDINGS: dict[type[Any], Wording] = {
    models.Partnership: Wording(
        noun="partnership",
        name=_partnership_name,
        subject=_partnership_name,
        labels={"overspend_rule": "overspend rule", "underspend_rule": "underspend rule", "area": "area"},
        skip=frozenset({"agreement_date_precision", "start_date_precision", "review_date_precision"}),
    ),
    models.Partner: Wording(noun="partner", skip=_PART, labels={"org_code": "organisation code"}),
    models.FundingStream: Wording(noun="funding stream", skip=_PART, labels={"ring_fenced": "ring fence"}),
    models.Contribution: Wording(
        noun="planned contribution",
        name=_contribution_subject,
        ref=lambda c: f"the planned contribution of {_contribution_subject(c)}",
        subject=_contribution_subject,
        labels={"amount_pence": "planned contribution", "stream": "funding stream", "year": "financial year"},
        skip=_PART,
    ),
    models.StatedTotal: Wording(
        noun="stated total",
        name=lambda t: str(t.financial_year),
        ref=lambda t: f"the stated total for {t.financial_year}",
        labels={"amount_pence": "amount", "year": "financial year"},
        skip=_PART,
    ),
    models.Provider: Wording(noun="provider", skip=_PART),
    models.Modality: Wording(noun="modality", skip=_PART),
    models.Aim: _statement("aim"),
    models.Outcome: _statement("outcome"),
    models.Milestone: Wording(noun="milestone", name=lambda m: m.text, skip=_PART),
    models.GovernanceItem: Wording(
        noun="governance item",
        name=lambda g: g.get_item_display(),
        labels={"signed_off_by": "signed off by", "signed_off_on": "signed off on"},
        skip=_PART,
    ),
    models.Approval: Wording(
        noun="approval",
        name=lambda a: f"{a.body}, {day(a.date)}" if a.date and a.date_precision == "day" else str(a),
        labels={"body": "approving body"},
        skip=_PART,
    ),
    models.ConsultationEntry: Wording(
        noun="consultation entry",
        name=lambda c: f"{c.get_who_display()}: {c.how}",
        labels={"who": "who was consulted", "how": "how"},
        skip=_PART,
    ),
    models.BoardMember: Wording(noun="board member", name=lambda b: b.name, skip=_PART),
    models.OptionsAppraisal: Wording(noun="options appraisal", name=lambda o: o.title, skip=_PART),
    models.Document: Wording(
        noun="document",
        name=lambda d: d.title,
        event=_document_event,
        labels={
            "attached_collection": "evidence for (list)",
            "attached_key": "evidence for (entry)",
            "original_name": "file name",
            "content_type": "type",
            "size": "size in bytes",
            "sha256": "SHA-256",
            "uploaded_by": "uploaded by",
            "uploaded_at": "uploaded at",
        },
        skip=frozenset({"partnership", "file"}),
    ),
    models.Risk: Wording(
        noun="risk",
        name=lambda r: r.description,
        labels={"review_date": "review date"},
        skip=_PART,
    ),
    models.Signatory: Wording(
        noun="signatory",
        name=lambda s: s.name,
        labels={
            "partner": "partner signed for",
            "date": "date signed",
            "date_precision": "precision of the date",
        },
        skip=_PART,
    ),
    models.Membership: Wording(
        noun="role",
        name=lambda m: f"{person_name(m.user)}, {_role_words(m)}",
        event=_membership_event,
        skip=frozenset({"partnership", "user"}),
    ),
}

for model, wording in WORDINGS.items():
    if any(f.name == UNKNOWN for f in model._meta.get_fields()):
        wording = replace(wording, values={**wording.values, UNKNOWN: _unknown_keys_shown})
    describe(model, wording)
    auditlog.register(model, exclude_fields=untracked_fields(model))


# --- account events -------------------------------------------------------------------------------------


def _trails_of(user: Any) -> list[str]:
    """The partnerships whose trails an event about `user` goes on; [""] when none."""
    slugs = sorted(
        set(models.Membership.objects.filter(user=user).values_list("partnership__slug", flat=True))
    )
    return slugs or [""]


def record_account_event(
    *, kind: str, user: Any, summary: str, actor: Any = None, actor_name: str = ""
) -> None:
    for slug in _trails_of(user):
        record_event(
            kind=kind,
            actor=actor,
            partnership_slug=slug,
            summary=summary,
            obj=user,
            actor_name=actor_name,
        )


@receiver(user_logged_in, dispatch_uid="concordat-audit-signed-in")
def _signed_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record_account_event(kind=Kind.SIGNED_IN, user=user, actor=user, summary="signed in")


@receiver(user_logged_out, dispatch_uid="concordat-audit-signed-out")
def _signed_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None and user.is_authenticated:
        record_account_event(kind=Kind.SIGNED_OUT, user=user, actor=user, summary="signed out")


@receiver(user_login_failed, dispatch_uid="concordat-audit-sign-in-failed")
def _sign_in_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    """Recorded without the password (Django masks it) and, for a username nobody has, without the username
    either: what was typed may be someone's password, or a probe of which usernames exist."""
    User = get_user_model()
    username = credentials.get(User.USERNAME_FIELD) or credentials.get("username")
    user = User._default_manager.filter(**{User.USERNAME_FIELD: username}).first() if username else None
    if user is None:
        record_event(
            kind=Kind.SIGN_IN_FAILED,
            actor=None,
            partnership_slug="",
            summary="failed to sign in with a username that belongs to no one",
            actor_name="Someone not signed in",
        )
        return
    record_account_event(
        kind=Kind.SIGN_IN_FAILED,
        user=user,
        summary=f"failed to sign in as {person_name(user)}",
        actor_name="Someone not signed in",
    )


@receiver(post_save, sender=get_user_model(), dispatch_uid="concordat-audit-password-changed")
def _password_changed(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    # set_password() keeps the new password in `_password` until the save; Django's own rehashing of a
    # password on sign-in clears it first, so a stronger hash of the same password is not a change.
    if created or getattr(instance, "_password", None) is None:
        return
    record_account_event(
        kind=Kind.PASSWORD_CHANGED, user=instance, summary=f"changed the password of {person_name(instance)}"
    )
