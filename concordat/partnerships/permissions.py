"""Who may do what with a partnership's agreement: the one place these rules live.

Views, API and templates ask `user.has_perm("partnerships.<name>", partnership)`. Least privilege: a user
with no membership sees nothing of a partnership, and auditors read everything and change nothing.
"""

from __future__ import annotations

from typing import Any

import rules
from django.core.exceptions import PermissionDenied
from django.http import Http404

from concordat.core.roles import Role

from .models import Membership, Partnership

_CACHE = "_concordat_roles"


def roles_of(user: Any, partnership: Partnership | None) -> frozenset[str]:
    """The roles `user` holds in `partnership`, read once per user object (one request)."""
    if partnership is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cache: dict[int, frozenset[str]] = user.__dict__.setdefault(_CACHE, {})
    if partnership.pk not in cache:
        cache[partnership.pk] = frozenset(
            Membership.objects.filter(user=user, partnership=partnership).values_list("role", flat=True)
        )
    return cache[partnership.pk]


def _holds(*wanted: Role) -> Any:
    names = frozenset(wanted)

    @rules.predicate(name="holds " + " or ".join(sorted(names)))
    def predicate(user: Any, partnership: Partnership | None) -> bool:
        return bool(roles_of(user, partnership) & names)

    return predicate


is_member = rules.predicate(lambda user, partnership: bool(roles_of(user, partnership)), name="is member")
is_lead_commissioner = _holds(Role.LEAD_COMMISSIONER)
is_pool_manager = _holds(Role.POOL_MANAGER)
is_auditor = _holds(Role.AUDITOR)

rules.add_perm("partnerships.view_partnership", is_member)
rules.add_perm("partnerships.change_agreement", is_lead_commissioner)
rules.add_perm("partnerships.change_contributions", is_lead_commissioner | is_pool_manager)
rules.add_perm("partnerships.view_audit_trail", is_lead_commissioner | is_auditor)
rules.add_perm("partnerships.export_agreement", is_lead_commissioner | is_auditor)
rules.add_perm("partnerships.view_members", is_lead_commissioner | is_auditor)
rules.add_perm("partnerships.manage_members", is_lead_commissioner)
# Uploading and removing the partnership's papers: the lead commissioner only, as for the agreement they
# evidence (finance papers too: the pool manager may ask the lead to file one). Every member downloads.
rules.add_perm("partnerships.manage_documents", is_lead_commissioner)


def partnership_for(user: Any, slug: str, permission: str = "partnerships.view_partnership") -> Partnership:
    """The partnership, if `user` may see it: Http404 for non-members (its existence is not disclosed),
    PermissionDenied for members whose role lacks `permission`. For views and the API alike."""
    partnership = Partnership.objects.filter(slug=slug).first()
    if partnership is None or not user.has_perm("partnerships.view_partnership", partnership):
        raise Http404("No such partnership")
    if not user.has_perm(permission, partnership):
        raise PermissionDenied
    return partnership
