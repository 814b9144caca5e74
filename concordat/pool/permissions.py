"""Who may do what with a partnership's pooled fund: the one place these rules live.

The pooled fund manager (finance) posts and closes; the lead commissioner, partner representatives, board
members and auditors read the ledger and statements; provider roles see nothing of the pool.
"""

from __future__ import annotations

import rules

from concordat.core.roles import Role
from concordat.partnerships.permissions import _holds

is_pool_reader = _holds(
    Role.POOL_MANAGER, Role.LEAD_COMMISSIONER, Role.PARTNER_REPRESENTATIVE, Role.BOARD_MEMBER, Role.AUDITOR
)
is_pool_manager = _holds(Role.POOL_MANAGER)

VIEW = "pool.view_pool"
POST = "pool.post_transactions"
CLOSE = "pool.close_year"

rules.add_perm(VIEW, is_pool_reader)
rules.add_perm(POST, is_pool_manager)
rules.add_perm(CLOSE, is_pool_manager)
