"""Who may do what with the board's reports and the workforce's figures: the one place these rules live.

- The board's reports (drafts and issued): the lead commissioner writes and issues them; the pooled fund
  manager, partner representatives, board members and auditors read them and download their documents.
  Provider roles do not: a report shows every provider's figures side by side.
- The workforce: the lead commissioner enters any provider's figures, a provider data officer their own
  provider's (`workforce_providers`); partnership-wide readers read every provider's, a data officer their
  own provider's; key workers nothing.
"""

from __future__ import annotations

from typing import Any

import rules

from concordat.core.roles import Role
from concordat.partnerships.models import Partnership
from concordat.partnerships.permissions import _holds, roles_of

VIEW_REPORTS = "performance.view_reports"
WRITE_REPORTS = "performance.write_reports"
VIEW_WORKFORCE = "performance.view_workforce"
CHANGE_WORKFORCE = "performance.change_workforce"

READERS = (
    Role.LEAD_COMMISSIONER,
    Role.POOL_MANAGER,
    Role.PARTNER_REPRESENTATIVE,
    Role.BOARD_MEMBER,
    Role.AUDITOR,
)
reads_reports = _holds(*READERS)
writes_reports = _holds(Role.LEAD_COMMISSIONER)
is_data_officer = _holds(Role.PROVIDER_DATA_OFFICER)

rules.add_perm(VIEW_REPORTS, reads_reports)
rules.add_perm(WRITE_REPORTS, writes_reports)
rules.add_perm(VIEW_WORKFORCE, reads_reports | is_data_officer)
rules.add_perm(CHANGE_WORKFORCE, writes_reports | is_data_officer)


def workforce_providers(
    user: Any, partnership: Partnership, *, change: bool = False
) -> frozenset[int] | None:
    """The providers whose figures `user` may read (or, with `change`, enter): None for every provider."""
    held = roles_of(user, partnership)
    if Role.LEAD_COMMISSIONER in held or (not change and held & set(READERS)):
        return None
    from concordat.treatment.permissions import providers_of

    return providers_of(user, partnership)
