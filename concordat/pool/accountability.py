"""Whose accountability regime each partner's money stays under in the pool: the one place the words live.

Money put into the pool loses its partner's identity for spending, but the partner stays accountable for
it under its own regime (the papers: Best Value for council money, Clinical Governance for NHS money); the
police and probation answer to their own bodies. By the partner's kind (partnerships' PARTNER_KINDS)."""

from __future__ import annotations

REGIMES = {
    "local-authority": "Best Value",
    "nhs": "Clinical Governance",
    "police": "The police authority's own accountability",
    "probation": "The probation board's own accountability",
    "other": "The contributing body's own accountability",
}


def regime(partner_kind: str) -> str:
    """The regime for a partner of `partner_kind` (an unknown kind: the body's own)."""
    return REGIMES.get(partner_kind, REGIMES["other"])
