"""The audit trail's row changes for consents and API tokens (beside their business events in consent.py
and tokens.py). Not the access log, the handles (they hold client_ref) or the one-time form tokens: the
access log is its own record, and the rest is bookkeeping."""

from __future__ import annotations

from auditlog.registry import auditlog

from concordat.core.audit import Wording, describe, untracked_fields

from .sharing import ApiToken, Consent

WORDINGS = {
    Consent: Wording(
        noun="consent to share",
        name=lambda c: f"{c.client.handle} with {c.shared_with.code}",
        skip=frozenset({"partnership"}),
    ),
    ApiToken: Wording(
        noun="API token", name=lambda t: f"{t.prefix}… ({t.name})", skip=frozenset({"partnership"})
    ),
}


def register() -> None:
    for model, wording in WORDINGS.items():
        describe(model, wording)
        if model not in auditlog.get_models():
            # The digest is a credential's fingerprint; last use and the form key are bookkeeping: none goes
            # in the trail.
            excluded = untracked_fields(model) + (
                ["digest", "last_used_at", "form_key"] if model is ApiToken else []
            )
            auditlog.register(model, exclude_fields=excluded)
