"""The Section 31 notification form as a form to send: who it goes to, whether it is still a draft, and
the signature block, one line a partner."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings

from concordat.core import clock

from . import models
from .rules.agreement import check_agreement
from .selectors import GovernanceRow, PartnerRow
from .shape import export_agreement

# The papers' notification forms went to the Department of Health (Health Act 1999 section 31
# partnerships were notified to it; for section 75 of the NHS Act 2006, to the Department of Health and
# Social Care). A deployment may name another recipient in the NOTIFICATION_FORM_RECIPIENT setting.
RECIPIENT = "Department of Health"


def recipient() -> str:
    return str(getattr(settings, "NOTIFICATION_FORM_RECIPIENT", RECIPIENT))


def draft_reasons(
    partnership: models.Partnership, governance: Iterable[GovernanceRow], *, today: date | None = None
) -> list[str]:
    """Why the form is not ready to send, in words; empty when it is. The form is a draft while the
    agreement has errors or warnings (the checker's, as `concordat partnership check` shows them) or any
    of the ten governance arrangements of item 13 is still open."""
    report = check_agreement(export_agreement(partnership), today=today or clock.today()).report
    reasons = []
    if report.errors:
        reasons.append(_count(len(report.errors), "error") + " in the agreement")
    if report.warnings:
        reasons.append(_count(len(report.warnings), "warning") + " about the agreement")
    still_open = sum(not row.confirmed for row in governance)
    if still_open:
        reasons.append(f"{_count(still_open, 'governance arrangement')} of item 13 still open")
    return reasons


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


@dataclass
class SignatureLine:
    """One partner's line of the signature block: blank lines to sign on, or who signed and when."""

    partner: models.Partner | None  # None: signed for the partnership as a whole
    name: str = ""
    role: str = ""
    signed_on: Any = None  # a date or a core.days.PartialDate (a month where only the month is known)

    @property
    def signed(self) -> bool:
        return bool(self.name)


def _field(signatory: Any, name: str) -> Any:
    return signatory.get(name) if isinstance(signatory, Mapping) else getattr(signatory, name, None)


def _signed_on(signatory: Any) -> Any:
    """The date signed, as precise as recorded (a row's date with its precision)."""
    if hasattr(signatory, "partial_date"):
        return signatory.partial_date("date")
    return _field(signatory, "date") or _field(signatory, "signed_on")


def _partner_code(value: Any) -> str:
    return str(getattr(value, "code", value) or "")


def signature_lines(partners: Iterable[PartnerRow], signatories: Iterable[Any]) -> list[SignatureLine]:
    """A line for each partner, in the agreement's order. `signatories` are the recorded signatures, each
    a mapping or an object with `partner` (a Partner or its code), `name`, `role` and `date` (or
    `signed_on`): a partner with one has its line filled in, the others keep blank lines to sign on."""
    signatories = list(signatories)
    by_partner = {_partner_code(_field(s, "partner")): s for s in signatories}
    lines = [
        SignatureLine(None, str(_field(s, "name") or ""), str(_field(s, "role") or ""), _signed_on(s))
        for s in signatories
        if not _partner_code(_field(s, "partner"))
    ]
    for row in partners:
        signed = by_partner.get(row.partner.code)
        if signed is None:
            lines.append(SignatureLine(row.partner))
            continue
        lines.append(
            SignatureLine(
                row.partner,
                str(_field(signed, "name") or ""),
                str(_field(signed, "role") or ""),
                _signed_on(signed),
            )
        )
    return lines
