"""How the audit trail names the workforce's figures and the board's reports: every row change is an entry
on its partnership's trail ("changed the whole-time equivalent staff of BADAS 2004-05 from 12.00 FTE to
13.50 FTE", "changed the status of the quarterly performance report, Q4 2004-05 from Draft to Issued").
An issued report's stored figures are not copied into the trail (they are the report itself)."""

from __future__ import annotations

from typing import Any

from auditlog.registry import auditlog

from concordat.core.audit import Wording, describe, untracked_fields

from ..models import BoardReport, WorkforceFigure
from .rules import fte_text, parse_report_key, title


def _report_name(report: BoardReport) -> str:
    parsed = parse_report_key(report.key)
    if parsed is None:
        return report.key
    words = title(*parsed)
    return words[:1].lower() + words[1:]


WORDINGS: dict[type[Any], Wording] = {
    WorkforceFigure: Wording(
        noun="workforce figure",
        ref=lambda f: f"the workforce figure of {f}",
        subject=lambda f: str(f),
        skip=frozenset({"partnership", "provider", "year", "changed_by", "changed_at"}),
        labels={"fte_hundredths": "whole-time equivalent staff"},
        values={"fte_hundredths": lambda v: f"{fte_text(int(v))} FTE"},
    ),
    BoardReport: Wording(
        noun="board report",
        name=_report_name,
        ref=lambda r: f"the {_report_name(r)}",
        skip=frozenset(
            {"partnership", "key", "kind", "start", "end", "prepared_by", "prepared_at", "issued_by"}
        ),
        labels={
            "risk_keys": "risks reported",
            "sign_off_name": "signed off by",
            "sign_off_role": "role of who signs off",
            "for_publication": "for publication",
            "issued_at": "issue date",
        },
    ),
}


def register() -> None:
    for model, wording in WORDINGS.items():
        describe(model, wording)
        excluded = untracked_fields(model) + (["figures"] if model is BoardReport else [])
        auditlog.register(model, exclude_fields=excluded)
