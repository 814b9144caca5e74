"""Who may do what with a partnership's commissioning: the one place these rules live.

The lead commissioner records procurements, contracts and variations. The pooled fund manager, partner
representatives, board members and auditors read everything. Provider roles (data officers, key workers)
see no procurement and read only the contracts of the provider they act for: a procurement holds other
bidders' positions, and a contract register shows what competitors are paid.
"""

from __future__ import annotations

from typing import Any

import rules

from concordat.core.roles import Role
from concordat.partnerships.models import Membership, Partnership
from concordat.partnerships.permissions import roles_of

READERS = frozenset(
    {Role.LEAD_COMMISSIONER, Role.POOL_MANAGER, Role.PARTNER_REPRESENTATIVE, Role.BOARD_MEMBER, Role.AUDITOR}
)


@rules.predicate(name="reads commissioning")
def reads_commissioning(user: Any, partnership: Partnership | None) -> bool:
    return bool(roles_of(user, partnership) & READERS)


@rules.predicate(name="reads contracts")
def reads_contracts(user: Any, partnership: Partnership | None) -> bool:
    """Every reader, and provider roles (for their own provider's contracts: see provider_scope)."""
    return bool(roles_of(user, partnership))


@rules.predicate(name="leads commissioning")
def leads_commissioning(user: Any, partnership: Partnership | None) -> bool:
    return Role.LEAD_COMMISSIONER in roles_of(user, partnership)


rules.add_perm("commissioning.view_commissioning", reads_commissioning)
rules.add_perm("commissioning.view_contracts", reads_contracts)
rules.add_perm("commissioning.change_commissioning", leads_commissioning)


def provider_scope(user: Any, partnership: Partnership) -> list[int] | None:
    """The providers whose contracts `user` may read: None for all (a partnership-wide reader), else the
    ids of the providers their provider roles act for."""
    if roles_of(user, partnership) & READERS:
        return None
    return list(
        Membership.objects.filter(user=user, partnership=partnership, provider__isnull=False).values_list(
            "provider_id", flat=True
        )
    )
