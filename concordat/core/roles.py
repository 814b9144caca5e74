"""The roles a member of a partnership can hold. What each may do is decided in each app's permissions."""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    LEAD_COMMISSIONER = "lead-commissioner", "Lead commissioner"
    POOL_MANAGER = "pool-manager", "Pooled fund manager"
    PARTNER_REPRESENTATIVE = "partner-representative", "Partner representative"
    PROVIDER_DATA_OFFICER = "provider-data-officer", "Provider data officer"
    KEY_WORKER = "key-worker", "Key worker"
    BOARD_MEMBER = "board-member", "Board member"
    AUDITOR = "auditor", "Auditor"


# These roles act for one provider and see only that provider's clients.
PROVIDER_ROLES = frozenset({Role.PROVIDER_DATA_OFFICER, Role.KEY_WORKER})
