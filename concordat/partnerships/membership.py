"""Who holds which role in a partnership: giving and taking roles, with the rules that keep the roles
trustworthy. The web pages, the API and the `concordat member` command all come here.

The rules:
- Separation of duties: an auditor checks what others did, so the auditor role is not held, in the same
  partnership, together with a role that changes the partnership's records (lead commissioner, pooled
  fund manager, provider data officer, key worker) or takes its decisions (board member: the board
  approves the agreement and its decisions are what an auditor examines). A partner representative only
  reads and decides nothing in Concordat, so an auditor may be one: partner bodies' own auditors often are.
- No one gives a role to themselves (`actor` is the person acting; the command line acts as the operator
  and passes none).
- A partnership always keeps at least one lead commissioner who can sign in: the last one cannot be removed.

Refusals are problems in a Report (path "username", "role" or "provider"), never exceptions.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from concordat.core.audit import acting_as, person_name
from concordat.core.problems import Report
from concordat.core.roles import PROVIDER_ROLES, Role

from . import models

AUDITOR_EXCLUDES = frozenset(
    {
        Role.LEAD_COMMISSIONER,
        Role.POOL_MANAGER,
        Role.PROVIDER_DATA_OFFICER,
        Role.KEY_WORKER,
        Role.BOARD_MEMBER,
    }
)


def _label(role: str) -> str:
    return Role(role).label.lower()


def separation_problem(role: str, held: set[str]) -> str | None:
    """Why `role` cannot be added to the roles `held` in the same partnership, or None when it can."""
    if role == Role.AUDITOR:
        clash = sorted(held & AUDITOR_EXCLUDES)
    elif role in AUDITOR_EXCLUDES and Role.AUDITOR in held:
        clash = [role]
    else:
        return None
    if not clash:
        return None
    return (
        f"an auditor cannot also be {' or '.join(_label(r) for r in clash)} in the same partnership: "
        "the auditor checks what those roles do"
    )


def membership_add(
    *,
    partnership: models.Partnership,
    user: Any,
    role: str,
    provider_code: str | None = None,
    partner_code: str | None = None,
    actor: Any = None,
) -> Report:
    """Give `user` a role in `partnership`. Provider roles need one of the partnership's providers; other
    roles take none. Adding a role the user already holds changes nothing. Refused (nothing written): a
    role given to oneself, and a role that breaks the separation of duties."""
    report = Report()
    if role not in Role.values:
        report.error("role", "invalid-choice", f"role '{role}' is not one of {', '.join(Role.values)}")
        return report
    if actor is not None and getattr(actor, "pk", None) == user.pk:
        report.error(
            "username",
            "self-grant",
            "You cannot give yourself a role: ask another lead commissioner to do it",
        )
        return report
    provider = None
    if role in PROVIDER_ROLES:
        provider = partnership.providers.filter(code=provider_code or "").first()
        if provider is None:
            report.error(
                "provider",
                "unknown-provider" if provider_code else "required",
                f"a {_label(role)} acts for one provider: give one of "
                f"{', '.join(partnership.providers.values_list('code', flat=True)) or '(none defined)'}",
            )
            return report
    elif provider_code:
        report.error("provider", "not-allowed", f"a {_label(role)} is not tied to a provider")
        return report
    partner = None
    if partner_code:
        # A partner representative may name the partner they speak for: the pool shows them its share.
        if role != Role.PARTNER_REPRESENTATIVE:
            report.error("partner", "not-allowed", f"a {_label(role)} does not speak for a partner")
            return report
        partner = partnership.partners.filter(code=partner_code).first()
        if partner is None:
            report.error(
                "partner",
                "unknown-partner",
                f"give one of the partners: {', '.join(partnership.partners.values_list('code', flat=True))}",
            )
            return report
    with transaction.atomic(), acting_as(actor):
        # Locked, so that two requests cannot each add one half of a forbidden pair.
        models.Partnership.objects.select_for_update().filter(pk=partnership.pk).first()
        held = set(
            models.Membership.objects.filter(user=user, partnership=partnership).values_list(
                "role", flat=True
            )
        )
        problem = separation_problem(role, held - {role})
        if problem:
            report.error(
                "role", "separation-of-duties", f"{person_name(user)} is not given this role: {problem}"
            )
            return report
        models.Membership.objects.get_or_create(
            user=user, partnership=partnership, role=role, defaults={"provider": provider, "partner": partner}
        )
    return report


def removal_problems(membership: models.Membership) -> Report:
    """Why `membership` may not be removed (the last lead commissioner who can sign in), as a Report."""
    report = Report()
    if membership.role == Role.LEAD_COMMISSIONER:
        others = (
            models.Membership.objects.filter(
                partnership_id=membership.partnership_id, role=Role.LEAD_COMMISSIONER, user__is_active=True
            )
            .exclude(pk=membership.pk)
            .exists()
        )
        if not others:
            report.error(
                "role",
                "last-lead-commissioner",
                f"{person_name(membership.user)} is the partnership's only lead commissioner: give someone else "
                "the role first, so that someone can still manage the partnership",
            )
    return report


def membership_remove(*, partnership: models.Partnership, user: Any, role: str, actor: Any = None) -> Report:
    """Take a role away. Refused (an error, nothing written) for the last lead commissioner; a role that is
    already gone changes nothing and says so (a warning with the code "already-removed")."""
    with transaction.atomic(), acting_as(actor):
        # Locked, so that two lead commissioners removing each other at once cannot leave none.
        models.Partnership.objects.select_for_update().filter(pk=partnership.pk).first()
        membership = (
            models.Membership.objects.filter(user=user, partnership=partnership, role=role)
            .select_related("user")
            .first()
        )
        if membership is None:
            report = Report()
            report.warn(
                "role",
                "already-removed",
                f"{person_name(user)} does not hold the role of {_label(role) if role in Role.values else role}: "
                "nothing was changed",
            )
            return report
        report = removal_problems(membership)
        if report.valid:
            membership.delete()
        return report
