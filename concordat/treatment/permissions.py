"""Who may do what with the treatment record; views, API and templates ask
`user.has_perm("treatment.<name>", partnership)`.

Least privilege: a provider data officer submits for their own provider and reads that provider's
submissions and reports; lead commissioners and auditors read every provider's submission history and the
counts of its reports (never a client's identifiers); everyone else nothing.
"""

from __future__ import annotations

from typing import Any

import rules

from concordat.core.roles import Role
from concordat.partnerships.models import Membership, Partnership
from concordat.partnerships.permissions import is_auditor, is_lead_commissioner, roles_of

_PROVIDERS = "_concordat_treatment_providers"


def providers_of(
    user: Any, partnership: Partnership | None, role: str = Role.PROVIDER_DATA_OFFICER
) -> frozenset[int]:
    """Ids of the providers `user` acts for in `partnership` with `role`, read once per user object."""
    if partnership is None or role not in roles_of(user, partnership):
        return frozenset()
    cache: dict[tuple[int, str], frozenset[int]] = user.__dict__.setdefault(_PROVIDERS, {})
    if (partnership.pk, role) not in cache:
        cache[(partnership.pk, role)] = frozenset(
            Membership.objects.filter(user=user, partnership=partnership, role=role).values_list(
                "provider_id", flat=True
            )
        )
    return cache[(partnership.pk, role)]


@rules.predicate(name="is provider data officer")
def is_provider_data_officer(user: Any, partnership: Partnership | None) -> bool:
    return Role.PROVIDER_DATA_OFFICER in roles_of(user, partnership)


# Submitting a file, for one's own provider (the view checks the provider: providers_of).
rules.add_perm("treatment.submit", is_provider_data_officer)
# The submissions page and history: data officers see their own provider's; leads and auditors all.
rules.add_perm("treatment.view_submissions", is_provider_data_officer | is_lead_commissioner | is_auditor)
rules.add_perm("treatment.view_all_submissions", is_lead_commissioner | is_auditor)


def may_read_submission(user: Any, partnership: Partnership, provider_id: int) -> bool:
    """A submission's report: its provider's data officers, and the partnership's leads and auditors."""
    if user.has_perm("treatment.view_all_submissions", partnership):
        return True
    return provider_id in providers_of(user, partnership)


# --- client records, consent, the access log and API tokens (visibility.py has the per-record rule) ------


@rules.predicate(name="is key worker")
def is_key_worker(user: Any, partnership: Partnership | None) -> bool:
    return Role.KEY_WORKER in roles_of(user, partnership)


is_provider_staff = is_provider_data_officer | is_key_worker

# The record's counts (clients, episodes, who waits for what): every member; no person in them.
rules.add_perm("treatment.view_counts", rules.predicate(lambda u, p: bool(roles_of(u, p)), name="is member"))
# Client records — caseload, timeline, the API's reads: a provider's staff, each record as visibility.py says.
rules.add_perm("treatment.view_clients", is_provider_staff)
# Recording referrals, triage, modalities, discharges and consent: the key workers and data officers of the
# client's own provider (the views check the provider: visibility.sight_of(...).own).
rules.add_perm("treatment.record_casework", is_provider_staff)
# The access log: the partnership's auditors.
rules.add_perm("treatment.view_access_log", is_auditor)
# API tokens: a provider data officer for their own provider, the lead commissioner for any.
rules.add_perm("treatment.manage_tokens", is_provider_data_officer | is_lead_commissioner)


def token_providers(user: Any, partnership: Partnership) -> frozenset[int] | None:
    """The providers whose tokens `user` may manage: None for every provider (lead commissioner)."""
    if is_lead_commissioner(user, partnership):
        return None
    return providers_of(user, partnership)
