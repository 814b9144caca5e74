"""Every write to an agreement goes through here: the file loader, the web forms and the API alike.

A write is: check the whole agreement with the file's rules, then bring the tables up to date with it in
one transaction, the audit entries written by the same transaction. Nothing is written when the check
finds an error.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import models as db
from django.db import transaction
from django.db.models.deletion import ProtectedError
from django.utils import timezone

from concordat.core.audit import acting_as, record_event
from concordat.core.models import Kind
from concordat.core.problems import Report

from . import models
from .document import export_agreement
from .rules.agreement import check_agreement


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
class Outcome:
    report: Report
    changes: Changes
    partnership: models.Partnership | None = None


class Refused(Exception):
    """The agreement is valid but cannot be applied, e.g. it would remove a stream that has postings."""

    def __init__(self, report: Report) -> None:
        super().__init__("; ".join(p.message for p in report.errors))
        self.report = report


def today() -> date:
    return timezone.localdate()


def partnership_load(*, document: Any, user: Any = None) -> Outcome:
    """Create the partnership the document describes, or bring the one with its slug up to date.

    Idempotent: loading the same document twice changes nothing the second time. All or nothing.
    """
    checked = check_agreement(document, today=today())
    if not checked.report.valid:
        return Outcome(checked.report, Changes())
    try:
        with transaction.atomic(), acting_as(user):
            partnership, changes = _apply(checked.agreement)
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
        return Outcome(checked.report, Changes())
    return Outcome(checked.report, changes, partnership)


def agreement_edit(
    *, partnership: models.Partnership, user: Any, edit: Callable[[dict[str, Any]], None]
) -> Outcome:
    """Apply `edit` to the agreement as a document, then check and load it as a whole.

    The partnership row is locked first, so two people editing at once are applied one after the other
    and neither edit is lost. The slug cannot be changed this way.
    """
    try:
        with transaction.atomic(), acting_as(user):
            locked = models.Partnership.objects.select_for_update().get(pk=partnership.pk)
            document = export_agreement(locked)
            edit(document)
            document["slug"] = locked.slug
            checked = check_agreement(document, today=today())
            if not checked.report.valid:
                return Outcome(checked.report, Changes(), locked)
            applied, changes = _apply(checked.agreement)
            return Outcome(checked.report, changes, applied)
    except Refused as refusal:
        return Outcome(refusal.report, Changes(), partnership)


# --- bringing the tables up to date -------------------------------------------------------------------


def _json_targets(targets: dict[str, Any]) -> dict[str, Any]:
    """Targets as stored: years as "YYYY-YY", percentages as decimal strings, empty parts left out."""
    stored: dict[str, Any] = {}
    for key, value in targets.items():
        if value in (None, {}):
            continue
        if isinstance(value, dict):
            value = {k: (str(v) if k == "year" and v is not None else v) for k, v in value.items()}
        elif key == "waiting_within_threshold_pct":
            value = str(value)
        stored[key] = value
    return stored


def _set_fields(obj: db.Model, values: dict[str, Any]) -> bool:
    dirty = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            dirty = True
    return dirty


def _sync(
    *,
    existing: Iterable[db.Model],
    key: Callable[[db.Model], Any],
    rows: list[tuple[Any, dict[str, Any]]],
    create: Callable[[dict[str, Any]], db.Model],
    label: Callable[[Any], str],
    changes: Changes,
) -> list[tuple[str, db.Model]]:
    """Make the objects match `rows` (key, field values): update, create, and return the stale ones
    with their labels, for the caller to remove when nothing depends on them any more."""
    by_key = {key(obj): obj for obj in existing}
    for row_key, values in rows:
        obj = by_key.pop(row_key, None)
        if obj is None:
            create(values).save()
            changes.created.append(label(row_key))
        elif _set_fields(obj, values):
            obj.save()
            changes.changed.append(label(row_key))
    return [(label(stale_key), obj) for stale_key, obj in by_key.items()]


def _remove(stale: list[tuple[str, db.Model]], changes: Changes) -> None:
    for label, obj in stale:
        try:
            with transaction.atomic():
                obj.delete()
        except ProtectedError:
            report = Report()
            report.error(
                "",
                "in-use",
                f"{label} is not in the file but other records depend on it, so it "
                "cannot be removed; keep it in the file",
            )
            raise Refused(report) from None
        changes.removed.append(label)


def _apply(agreement: dict[str, Any]) -> tuple[models.Partnership, Changes]:
    changes = Changes()
    a = agreement
    scalars = {
        "name": a["name"],
        "client_group": a["client_group"],
        "area": a["area"],
        "flexibilities": a["flexibilities"],
        "agreement_date": a["agreement_date"],
        "start_date": a["start_date"],
        "review_date": a["review_date"],
        "responsible_officer": a["responsible_officer"],
        "overspend_rule": a["risk_share"]["overspend"],
        "underspend_rule": a["risk_share"]["underspend"],
        "fixed_shares": a["risk_share"]["fixed_shares"],
        "eligibility": a["eligibility"],
        "targets": _json_targets(a["targets"]),
        "narrative": {
            key: a[key]
            for key in ("improvements", "health_outcomes", "joint_working", "staff_movement")
            if a[key]
        },
    }
    partnership = models.Partnership.objects.select_for_update().filter(slug=a["slug"]).first()
    if partnership is None:
        partnership = models.Partnership.objects.create(slug=a["slug"], **scalars)
        changes.created.append(f"partnership {a['slug']}")
    elif _set_fields(partnership, scalars):
        partnership.save()
        changes.changed.append(f"partnership {a['slug']}")
    p = partnership

    def keyed(
        manager: Any,
        name: str,
        rows: list[tuple[Any, dict[str, Any]]],
        model: type[db.Model],
        key: Callable[[db.Model], Any] = lambda obj: obj.code,
    ) -> list[tuple[str, db.Model]]:
        return _sync(
            existing=manager.all(),
            key=key,
            rows=rows,
            create=lambda v: model(partnership=p, **v),
            label=lambda k: f"{name} {k}",
            changes=changes,
        )

    def positional(
        manager: Any, name: str, rows: list[dict[str, Any]], model: type[db.Model]
    ) -> list[tuple[str, db.Model]]:
        return keyed(
            manager,
            name,
            [(i + 1, {"position": i + 1, **row}) for i, row in enumerate(rows)],
            model,
            key=lambda obj: obj.position,
        )

    stale_partners = keyed(p.partners, "partner", [(x["code"], x) for x in a["partners"]], models.Partner)
    partner = {x.code: x for x in p.partners.all()}
    roles = {
        "host_partner": partner.get(a["host_partner"] or ""),
        "lead_commissioner": partner.get(a["lead_commissioner"] or ""),
    }
    if _set_fields(p, roles):
        p.save()
        if f"partnership {p.slug}" not in changes.created + changes.changed:
            changes.changed.append(f"partnership {p.slug}")

    stale_streams = keyed(
        p.funding_streams,
        "funding stream",
        [(s["code"], {**s, "partner": partner[s["partner"]]}) for s in a["funding_streams"]],
        models.FundingStream,
    )
    stream = {s.code: s for s in p.funding_streams.all()}
    stale = keyed(
        p.contributions,
        "contribution",
        [
            (
                f"{c['stream']} {c['year']}",
                {
                    "stream": stream[c["stream"]],
                    "year": c["year"].start_year,
                    "amount_pence": c["amount_pence"],
                },
            )
            for c in a["contributions"]
        ],
        models.Contribution,
        key=lambda obj: f"{obj.stream.code} {obj.financial_year}",
    )
    _remove(stale, changes)
    _remove(
        positional(
            p.stated_totals,
            "stated total",
            [
                {"year": t["year"].start_year, "amount_pence": t["amount_pence"], "source": t["source"]}
                for t in a["stated_totals"]
            ],
            models.StatedTotal,
        ),
        changes,
    )
    _remove(
        keyed(p.modalities, "modality", [(m["code"], m) for m in a["modalities"]], models.Modality), changes
    )
    _remove(
        keyed(p.providers, "provider", [(x["code"], x) for x in a["providers"]], models.Provider), changes
    )
    for manager, name, rows, model in (
        (p.aims, "aim", [{"text": text} for text in a["aims"]], models.Aim),
        (p.outcomes, "outcome", [{"text": text} for text in a["outcomes"]], models.Outcome),
        (p.milestones, "milestone", a["milestones"], models.Milestone),
        (p.approvals, "approval", a["approvals"], models.Approval),
        (p.consultation, "consultation entry", a["consultation"], models.ConsultationEntry),
        (
            p.board,
            "board member",
            [{**b, "represents": partner.get(b["represents"] or "")} for b in a["board"]],
            models.BoardMember,
        ),
        (
            p.options_appraisals,
            "options appraisal",
            [
                {
                    **o,
                    "decision": {
                        k: (v.isoformat() if isinstance(v, date) else v)
                        for k, v in o["decision"].items()
                        if v not in (None, "")
                    },
                }
                for o in a["options_appraisals"]
            ],
            models.OptionsAppraisal,
        ),
    ):
        _remove(positional(manager, name, rows, model), changes)
    _remove(
        keyed(
            p.governance_items,
            "governance item",
            [(g["item"], g) for g in a["governance"]],
            models.GovernanceItem,
            key=lambda obj: obj.item,
        ),
        changes,
    )
    _remove(stale_streams, changes)  # after the contributions and board members that pointed at them
    _remove(stale_partners, changes)
    return p, changes


# --- memberships --------------------------------------------------------------------------------------


def membership_add(
    *,
    partnership: models.Partnership,
    user: Any,
    role: str,
    provider_code: str | None = None,
    actor: Any = None,
) -> Report:
    """Give `user` a role in `partnership`. Provider roles need one of the partnership's providers; other
    roles take none. Adding a role the user already holds changes nothing."""
    from concordat.core.roles import PROVIDER_ROLES, Role

    report = Report()
    if role not in Role.values:
        report.error("role", "invalid-choice", f"role '{role}' is not one of {', '.join(Role.values)}")
        return report
    provider = None
    if role in PROVIDER_ROLES:
        provider = partnership.providers.filter(code=provider_code or "").first()
        if provider is None:
            report.error(
                "provider",
                "unknown-provider" if provider_code else "required",
                f"a {Role(role).label.lower()} acts for one provider: give one of "
                f"{', '.join(partnership.providers.values_list('code', flat=True)) or '(none defined)'}",
            )
            return report
    elif provider_code:
        report.error("provider", "not-allowed", f"a {Role(role).label.lower()} is not tied to a provider")
        return report
    with transaction.atomic(), acting_as(actor):
        models.Membership.objects.get_or_create(
            user=user, partnership=partnership, role=role, defaults={"provider": provider}
        )
    return report


def membership_remove(*, partnership: models.Partnership, user: Any, role: str, actor: Any = None) -> bool:
    """Take a role away; True when there was one to take."""
    with transaction.atomic(), acting_as(actor):
        memberships = list(models.Membership.objects.filter(user=user, partnership=partnership, role=role))
        for membership in memberships:
            membership.delete()
    return bool(memberships)
