"""Writing the board's reports: the lead commissioner's draft (narrative, risks, sign-off, whether it is
for publication) and issuing it. Keyword-only, one transaction each, the partnership row locked.

- `report_save(partnership=, kind=, year=, quarter=, values=, seen=, user=)`: the draft's written parts,
  made on the first save. `seen` is `report_seen` of what the writer was shown (of None when there was no
  draft): a draft changed since raises StaleEdit, unless it already holds these values. Refused carries
  every problem at its field; an issued report raises ReportIssued and is never changed.
- `report_issue(partnership=, kind=, year=, quarter=, seen=, user=)`: freezes the draft: every figure it
  shows is computed now and stored with it (`BoardReport.figures`, the KPI object in it, published
  figures when it is for publication), and it is rendered from those ever after.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from concordat.core import clock
from concordat.core.audit import acting_as
from concordat.core.problems import Report
from concordat.core.years import FinancialYear
from concordat.partnerships.errors import Refused, StaleEdit
from concordat.partnerships.models import Partnership
from concordat.partnerships.services import fingerprint, writer_name

from ..models import BoardReport
from . import rules
from .data import report_data

NARRATIVE_LIMIT = 20_000
NAME_LIMIT = 200
RISKS_LIMIT = 30


class ReportIssued(Exception):
    """The report was issued: it is never changed again."""

    def __init__(self, report: BoardReport) -> None:
        super().__init__(f"This report was issued by {report.issued_by or 'someone'}: it cannot be changed")
        self.report = report


def report_values(report: BoardReport | None) -> dict[str, Any] | None:
    """The parts people write, as a form shows them (None: not written yet)."""
    if report is None:
        return None
    return {
        "narrative": report.narrative,
        "risk_keys": list(report.risk_keys),
        "sign_off_name": report.sign_off_name,
        "sign_off_role": report.sign_off_role,
        "for_publication": report.for_publication,
        "status": report.status,
    }


def report_seen(report: BoardReport | None) -> str:
    return fingerprint(report_values(report))


def find(partnership: Partnership, key: str) -> BoardReport | None:
    return BoardReport.objects.filter(partnership=partnership, key=key).first()


def _lock(partnership: Partnership) -> Partnership:
    return Partnership.objects.select_for_update().get(pk=partnership.pk)


def check_values(values: dict[str, Any], register: set[str]) -> tuple[Report, dict[str, Any]]:
    """The written parts checked, each problem at its field: texts within their limits, risks of the
    register (each once, at most 30)."""
    report = Report()
    narrative = str(values.get("narrative") or "").replace("\r\n", "\n").strip()
    if len(narrative) > NARRATIVE_LIMIT:
        report.error(
            "narrative",
            "too-long",
            f"The narrative must be at most {NARRATIVE_LIMIT:,} characters, not {len(narrative):,}",
        )
    cleaned = {"narrative": narrative}
    for name, words in (
        ("sign_off_name", "name of who signs it off"),
        ("sign_off_role", "role of who signs it off"),
    ):
        text = str(values.get(name) or "").strip()
        if len(text) > NAME_LIMIT:
            report.error(
                name, "too-long", f"The {words} must be at most {NAME_LIMIT} characters, not {len(text)}"
            )
        cleaned[name] = text
    keys = list(dict.fromkeys(str(k) for k in values.get("risk_keys") or []))
    if len(keys) > RISKS_LIMIT:
        report.error("risk_keys", "too-many", f"Choose at most {RISKS_LIMIT} risks, not {len(keys)}")
    for key in keys:
        if key not in register:
            report.error(
                "risk_keys",
                "unknown-risk",
                f"The risk {key} is not in the register (it may have been removed)",
            )
    return report, {**cleaned, "risk_keys": keys, "for_publication": bool(values.get("for_publication"))}


@transaction.atomic
def report_save(
    *,
    partnership: Partnership,
    kind: str,
    year: FinancialYear,
    quarter: int | None,
    values: dict[str, Any],
    seen: str | None,
    user: Any,
) -> BoardReport:
    """Save the draft's written parts (see the module's docstring)."""
    with acting_as(user):
        locked = _lock(partnership)
        key = rules.report_key(kind, year, quarter)
        existing = find(locked, key)
        if existing is not None and existing.status == BoardReport.Status.ISSUED:
            raise ReportIssued(existing)
        report, cleaned = check_values(values, set(locked.risks.values_list("key", flat=True)))
        if not report.valid:
            raise Refused(report)
        wanted = {**cleaned, "status": BoardReport.Status.DRAFT.value}
        current = report_values(existing)
        if seen is not None and seen != report_seen(existing) and current != wanted:
            raise StaleEdit(
                changed_by=existing.prepared_by if existing else "",
                changed_at=existing.prepared_at if existing else None,
                current=current,
            )
        if existing is not None and current == wanted:
            return existing
        start, end = rules.bounds(year, quarter)
        draft = existing or BoardReport(partnership=locked, key=key, kind=kind, start=start, end=end)
        for name, value in cleaned.items():
            setattr(draft, name, value)
        draft.prepared_by, draft.prepared_at = writer_name(user), clock.now()
        draft.save()
        return draft


def issue_problems(draft: BoardReport | None) -> Report:
    """What stops a draft being issued: it needs its narrative and who signs it off."""
    report = Report()
    if draft is None or not draft.narrative:
        report.error("narrative", "missing-narrative", "Write the narrative before issuing the report")
    if draft is None or not draft.sign_off_name:
        report.error("sign_off_name", "missing-sign-off", "Say who signs the report off before issuing it")
    return report


@transaction.atomic
def report_issue(
    *,
    partnership: Partnership,
    kind: str,
    year: FinancialYear,
    quarter: int | None,
    seen: str | None,
    user: Any,
) -> BoardReport:
    """Issue the draft as the writer saw it (see the module's docstring)."""
    with acting_as(user):
        locked = _lock(partnership)
        draft = find(locked, rules.report_key(kind, year, quarter))
        if draft is not None and draft.status == BoardReport.Status.ISSUED:
            raise ReportIssued(draft)
        if seen is not None and seen != report_seen(draft):
            raise StaleEdit(
                changed_by=draft.prepared_by if draft else "",
                changed_at=draft.prepared_at if draft else None,
                current=report_values(draft),
            )
        problems = issue_problems(draft)
        if not problems.valid:
            raise Refused(problems)
        assert draft is not None
        figures = report_data(locked, kind, year, quarter, published=draft.for_publication, draft=draft)
        draft.status = BoardReport.Status.ISSUED
        draft.issued_by, draft.issued_at = writer_name(user), clock.now()
        figures.update(
            status=draft.status.value, issued_by=draft.issued_by, issued_at=draft.issued_at.isoformat()
        )
        draft.figures = figures
        draft.save()
        return draft
