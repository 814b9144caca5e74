"""concordat pool import|statement|close|verify — the pooled fund from the command line (spec:
pooled-fund.md). Exit 0 when done, 2 for invalid input (core.cli), 1 when `verify` finds the ledger bad."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from concordat.core.audit import command_line
from concordat.core.cli import INVALID, emit, emit_rows
from concordat.core.csvfile import RowReport
from concordat.core.money import format_pounds, pence_to_str
from concordat.core.problems import Report
from concordat.core.progress import Progress
from concordat.core.years import FinancialYear, YearError
from concordat.partnerships.management.commands.partnership import acting_user
from concordat.partnerships.models import Partnership
from concordat.pool import services
from concordat.pool.errors import PostingRefused
from concordat.pool.importer import postings_import
from concordat.pool.selectors import Statement, statement, statement_json
from concordat.pool.verify import verify

BROKEN = 1


class Command(BaseCommand):
    help = "The pooled fund: import postings, print a statement, close a year, verify the ledger."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, parser_class=CommandParser)
        load = actions.add_parser("import", help="post a CSV of transactions, all or nothing")
        load.add_argument("file", type=Path)
        load.add_argument(
            "--queue",
            action="store_true",
            help="store the file and let the worker (concordat worker) post it",
        )
        dry = actions.add_parser(
            "check", help="check a CSV of transactions against the ledger: nothing posted"
        )
        dry.add_argument("file", type=Path)
        dry.add_argument("--partnership", required=True, metavar="SLUG")
        dry.add_argument("--json", action="store_true", help="print the report as JSON")
        show = actions.add_parser("statement", help="the statement of a financial year")
        close = actions.add_parser(
            "close", help="close a financial year: post the risk share or carry-forward"
        )
        check = actions.add_parser("verify", help="re-check balance, hash chain and ring fences")
        report = actions.add_parser(
            "report", help="the pooled fund manager's quarterly report or annual return as PDF or XLSX"
        )
        report.add_argument("kind", choices=("quarterly", "annual"))
        report.add_argument("--partnership", required=True, metavar="SLUG")
        report.add_argument("--year", required=True, metavar="YYYY-YY")
        report.add_argument("--quarter", metavar="N")
        report.add_argument("--out", required=True, metavar="FILE", help="ends in .pdf or .xlsx")
        for sub in (load, show, close, check):
            sub.add_argument("--partnership", required=True, metavar="SLUG")
        for sub in (show, close):
            sub.add_argument("--year", required=True, metavar="YYYY-YY")
        show.add_argument("--quarter", type=int, choices=(1, 2, 3, 4))
        for sub in (load, show, close, check):
            sub.add_argument("--json", action="store_true", help="print the result as JSON")
        for sub in (load, close):
            sub.add_argument(
                "--as",
                dest="as_user",
                metavar="USERNAME",
                help="the person the ledger and audit trail name (default: the operating-system user)",
            )

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, "_" + options["action"])(options)

    def _partnership(self, slug: str) -> Partnership:
        partnership = Partnership.objects.filter(slug=slug).first()
        if partnership is None:
            raise CommandError(f"no partnership with slug '{slug}'", returncode=INVALID)
        return partnership

    def _year(self, text: str) -> FinancialYear:
        try:
            return FinancialYear.parse(text)
        except YearError as error:
            raise CommandError(f"--year: {error}", returncode=INVALID) from error

    def _check(self, options: dict[str, Any]) -> None:
        self._import({**options, "check_only": True, "queue": False})

    def _import(self, options: dict[str, Any]) -> None:
        check_only = options.get("check_only", False)
        partnership = Partnership.objects.filter(slug=options["partnership"]).first()
        path: Path = options["file"]
        if partnership is None or not path.is_file():
            report = RowReport()
            if partnership is None:
                report.error(
                    0, "", "unknown-partnership", f"There is no partnership '{options['partnership']}'"
                )
            if not path.is_file():
                report.error(0, "", "no-file", f"There is no file {path}")
            emit_rows(self.stdout, report, as_json=options["json"])
            return
        as_user = acting_user(options.get("as_user"))
        if options.get("queue"):
            from concordat.pool.jobs import import_queue

            with command_line(as_user):
                job = import_queue(
                    partnership=partnership, source=path, file_name=path.name, actor=as_user, check_only=False
                )
            if options["json"]:
                self.stdout.write(json.dumps({"queued": True, "job": str(job.pk)}))
            else:
                self.stdout.write(
                    f"{path.name}: queued as job {job.pk}; the worker (concordat worker) posts it"
                )
            return
        total = max(path.read_bytes().count(b"\n"), 1)
        with (
            Progress("Checking" if check_only else "Importing", total) as progress,
            command_line(as_user),
            path.open("rb") as binary,
        ):
            result = postings_import(
                partnership=partnership,
                binary=binary,
                actor=as_user,
                filename=path.name,
                progress=progress.update,
                dry_run=check_only,
            )
        if check_only:
            summary = (
                [f"{path.name}: no errors; nothing was posted (a check only)"]
                if result.report.accepted
                else []
            )
        else:
            summary = (
                [f"{path.name}: {len(result.created)} posted, {len(result.skipped)} already posted"]
                if result.report.accepted
                else []
            )
        emit_rows(
            self.stdout,
            result.report,
            as_json=options["json"],  # exactly the contract's four keys; the counts are in the summary
            summary=summary,
        )

    def _report(self, options: dict[str, Any]) -> None:
        from concordat.pool.report import ReportError, report_file

        partnership = self._partnership(options["partnership"])
        year = self._year(options["year"])
        quarter = options.get("quarter")
        if quarter is not None and quarter not in ("1", "2", "3", "4"):
            raise CommandError(f"--quarter: a quarter is 1, 2, 3 or 4, not '{quarter}'", returncode=INVALID)
        try:
            content = report_file(
                partnership, options["kind"], year, int(quarter) if quarter else None, options["out"]
            )
        except ReportError as error:
            raise CommandError(str(error), returncode=INVALID) from error
        Path(options["out"]).write_bytes(content)
        self.stdout.write(f"Wrote the {options['kind']} report of {partnership.slug} to {options['out']}")

    def _statement(self, options: dict[str, Any]) -> None:
        partnership = self._partnership(options["partnership"])
        result = statement(partnership, self._year(options["year"]), options.get("quarter"))
        if options["json"]:
            self.stdout.write(json.dumps(statement_json(result), indent=2, ensure_ascii=False))
            return
        self.stdout.write(readable(result))

    def _close(self, options: dict[str, Any]) -> None:
        partnership = self._partnership(options["partnership"])
        year = self._year(options["year"])
        as_user = acting_user(options.get("as_user"))
        try:
            with command_line(as_user):
                close = services.year_close(partnership=partnership, year=year, actor=as_user)
        except PostingRefused as refused:
            emit(self.stdout, refused.report, as_json=options["json"])
            return
        parts = []
        if close.transaction is not None:
            parts = [
                {"account": leg.account.code, "amount": pence_to_str(leg.amount_pence)}
                for leg in close.transaction.legs.select_related("account").order_by("id")
            ]
        extra = {
            "partnership": partnership.slug,
            "year": str(year),
            "budget": pence_to_str(close.budget_pence),
            "actual_spend": pence_to_str(close.outturn_pence),
            "variance": pence_to_str(close.variance_pence),
            "rule": close.rule,
            "carry_forward": pence_to_str(close.carry_forward_pence),
            "reserve_drawn": pence_to_str(close.reserve_drawn_pence),
            "transaction": close.transaction.ref if close.transaction else None,
            "legs": parts,
        }
        side = "underspend" if close.variance_pence >= 0 else "overspend"
        emit(
            self.stdout,
            Report(),
            as_json=options["json"],
            extra=extra,
            summary=[
                f"{partnership.slug} {year} closed: {side} {format_pounds(abs(close.variance_pence))} ({close.rule})"
            ]
            + [f"  {p['account']}: {p['amount']}" for p in parts],
        )

    def _verify(self, options: dict[str, Any]) -> None:
        partnership = self._partnership(options["partnership"])
        checked, failure = verify(partnership)
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "partnership": partnership.slug,
                        "valid": failure is None,
                        "transactions": checked,
                        "failure": None
                        if failure is None
                        else {
                            "sequence": failure.sequence,
                            "ref": failure.ref,
                            "code": failure.code,
                            "message": failure.message,
                        },
                    },
                    indent=2,
                )
            )
        elif failure is None:
            self.stdout.write(
                f"{partnership.slug}: {checked} transactions; balanced, chain whole, ring fences kept"
            )
        if failure is not None:
            raise CommandError(str(failure), returncode=BROKEN)


def readable(s: Statement) -> str:
    """The statement as a table for people."""
    period = f"{s.year}, to the end of quarter {s.quarter}" if s.quarter else str(s.year)
    lines = [f"{s.partnership}: statement for {period}", ""]
    for label, pence in (
        ("Budget", s.budget),
        ("Received", s.received),
        ("Actual spend", s.actual_spend),
        ("Committed", s.committed),
        ("Forecast outturn", s.forecast_outturn),
        ("Variance", s.variance),
    ):
        lines.append(f"  {label:<18}{format_pounds(pence):>18}")
    lines += [
        "",
        f"  {'Partner':<10}{'Planned':>18}{'Received':>18}{'Share':>9}{'Spend':>18}{'Variance':>18}",
    ]
    for p in s.partners:
        share = "" if p.share_pct is None else f"{p.share_pct:.2f}%"
        lines.append(
            f"  {p.code:<10}{format_pounds(p.planned):>18}{format_pounds(p.received):>18}{share:>9}"
            f"{format_pounds(p.attributed_spend):>18}{format_pounds(p.variance_share):>18}"
        )
    lines += ["", f"  {'Stream':<20}{'Planned':>18}{'Received':>18}  Ring-fenced"]
    for t in s.streams:
        lines.append(
            f"  {t.code:<20}{format_pounds(t.planned):>18}{format_pounds(t.received):>18}  {t.ring_fenced or ''}"
        )
    if s.schemes:
        lines += ["", f"  {'Scheme':<20}{'Maximum':>18}{'Spend':>18}{'Forecast':>18}"]
        for line in s.schemes:
            maximum = "" if line.maximum is None else format_pounds(line.maximum)
            lines.append(
                f"  {line.code:<20}{maximum:>18}{format_pounds(line.actual_spend):>18}{format_pounds(line.forecast):>18}"
            )
    if s.warnings:
        lines += ["", "Warnings:"] + [f"  {w.message} [{w.code}]" for w in s.warnings]
    return "\n".join(lines)
