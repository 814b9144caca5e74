"""Who may do what with the performance pages: the one place these rules live (django-rules, as the other
apps). Views and templates ask `user.has_perm("performance.<name>", partnership)`.

- `performance.view_performance`: every member of the partnership (the dashboard, the targets, the national
  comparison): figures only, no person in them.
- `performance.change_targets`: the lead commissioner, who keeps the agreement the targets are part of.
- `performance.drill_down`: a provider's staff (data officers and key workers), who may open the records
  behind a count — and then only those the record's rules let them see (treatment/visibility.py: their own
  provider's clients, and those who consented to share with it). Everyone else sees counts only.
- `performance.view_money`: the pool's readers (`pool.view_pool`): payments beside activity and outcomes.
"""

from __future__ import annotations

import rules

from concordat.partnerships.permissions import is_lead_commissioner, is_member
from concordat.pool.permissions import is_pool_reader
from concordat.treatment.permissions import is_provider_staff

VIEW = "performance.view_performance"
CHANGE_TARGETS = "performance.change_targets"
DRILL_DOWN = "performance.drill_down"
VIEW_MONEY = "performance.view_money"

rules.add_perm(VIEW, is_member)
rules.add_perm(CHANGE_TARGETS, is_lead_commissioner)
rules.add_perm(DRILL_DOWN, is_provider_staff)
rules.add_perm(VIEW_MONEY, is_pool_reader)
