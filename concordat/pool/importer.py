"""The transactions file (spec: pooled-fund.md, "Transactions file"): a CSV of postings loaded all or
nothing, every problem reported at its row (the header is row 1) and column, idempotent by `ref`.

`postings_import(partnership=, binary=, actor=, filename=)` reads the file as a stream (core.csvfile),
turns each row into a Draft and hands them all to services.postings_post, which checks each against the
ledger as the rows before it left it. Any error anywhere: nothing is written, and the report still holds
the problems of every row that could be read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import IO, Any

from django.db import transaction

from concordat.core.audit import record_event
from concordat.core.csvfile import RowReport, read_rows
from concordat.partnerships.models import Partnership

from . import audit as words
from .models import Transaction
from .rules.postings import NEEDS, POSTABLE, Draft, parse_amount
from .services import actor_name, postings_post

COLUMNS = ("ref", "date", "kind", "stream", "contract", "purpose", "amount", "reverses", "description")
REQUIRED = ("ref", "date", "kind")
DESCRIPTION = 500


@dataclass
class Imported:
    report: RowReport
    created: list[Transaction] = field(default_factory=list)
    skipped: list[Transaction] = field(default_factory=list)


def _draft(row: int, values: dict[str, str], report: RowReport) -> Draft | None:
    """The row as a draft, or None (its problems in `report`) when a value cannot be read."""
    ok = True
    ref = values.get("ref", "").strip()
    kind = values.get("kind", "").strip()
    if not ref:
        report.error(row, "ref", "missing-value", "Every row needs a ref")
        ok = False
    day: date | None = None
    text = values.get("date", "").strip()
    try:
        day = date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        day = None
    if day is None:
        report.error(row, "date", "bad-date", f"'{text}' is not a date: write it YYYY-MM-DD")
        ok = False
    if kind not in POSTABLE:
        report.error(row, "kind", "unknown-kind", f"The kind '{kind}' is not one of {', '.join(POSTABLE)}")
        ok = False  # the row's other values are still read, so the report has every error of the row
    for column in NEEDS.get(kind, ()):
        if column not in values:
            report.error(
                row, column, "missing-column", f"A {kind} needs the column {column}, which the file lacks"
            )
            ok = False
        elif not values[column].strip():
            report.error(row, column, "missing-value", f"A {kind} needs a {column}")
            ok = False
    amount = None
    if values.get("amount", "").strip():
        amount, issue = parse_amount(values["amount"])
        if issue:
            report.error(row, issue.column, issue.code, issue.message)
            ok = False
    description = values.get("description", "")
    if len(description) > DESCRIPTION:
        report.error(row, "description", "too-long", f"A description is at most {DESCRIPTION} characters")
        ok = False
    if "\x00" in "".join(values.values()):
        report.error(row, "", "bad-character", "The row holds a NUL character")
        ok = False
    if not ok or day is None:
        return None
    return Draft(
        ref,
        kind,
        day,
        amount,
        stream=values.get("stream", ""),
        contract=values.get("contract", ""),
        purpose=values.get("purpose", ""),
        reverses=values.get("reverses", ""),
        description=description.strip(),
    )


def _in_file_order(problem: Any) -> tuple[int, int]:
    return problem.row, COLUMNS.index(problem.column) if problem.column in COLUMNS else -1


def postings_import(
    *,
    partnership: Partnership,
    binary: IO[bytes],
    actor: Any = None,
    filename: str = "a file",
    progress: Callable[[int], None] | None = None,
    dry_run: bool = False,
    report: RowReport | None = None,
) -> Imported:
    """Load a transactions file, all or nothing; see the module's docstring. With `dry_run` every row is
    checked against the ledger as the import would, and nothing is written (`concordat pool check`, the
    web's "check only")."""
    report = report if report is not None else RowReport()
    drafts: list[Draft] = []
    rows: list[int] = []
    for row, values in read_rows(binary, columns=COLUMNS, required=REQUIRED, report=report):
        draft = _draft(row, values, report)
        if draft is not None:
            drafts.append(draft)
            rows.append(row)
        if progress and report.rows % 500 == 0:
            progress(report.rows)
    result = Imported(report)
    if not drafts:
        return result
    with transaction.atomic():
        batch = postings_post(
            partnership=partnership, drafts=drafts, actor=actor, dry_run=dry_run or not report.accepted
        )
        for index, issues in batch.issues.items():
            for issue in issues:
                report.error(rows[index], issue.column, issue.code, issue.message)
        for index, issues in batch.warnings.items():
            for issue in issues:
                report.warn(rows[index], issue.column, issue.code, issue.message)
        report.errors.sort(key=_in_file_order)
        report.warnings.sort(key=_in_file_order)
        if not report.accepted or dry_run:
            transaction.set_rollback(True)
            return result
        result.created, result.skipped = batch.created, batch.skipped
        if batch.created:
            record_event(
                kind=words.IMPORTED,
                actor=actor,
                partnership_slug=partnership.slug,
                summary=words.import_summary(len(batch.created), len(batch.skipped), filename),
                obj=partnership,
                actor_name="" if getattr(actor, "is_authenticated", False) else actor_name(actor),
            )
    return result
