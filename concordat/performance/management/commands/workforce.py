"""concordat workforce import FILE --partnership SLUG [--json] [--as USER] — treatment staff (whole-time
equivalents) by provider and financial year from a CSV `provider,year,fte[,source]`, all or nothing.

The report is the house's `{"accepted", "rows", "errors", "warnings"}` (core.cli.emit_rows), every problem
at its row and column; exit 0 accepted, 2 not (nothing written). An unknown partnership or a missing file
is an error at row 0 of the same report.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from concordat.core.audit import command_line
from concordat.core.cli import emit_rows
from concordat.core.csvfile import RowReport
from concordat.partnerships.management.commands.partnership import acting_user
from concordat.partnerships.models import Partnership
from concordat.performance.workforce import figures_import


class Command(BaseCommand):
    help = "The treatment workforce: import figures by provider and year from a CSV file."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, parser_class=CommandParser)
        load = actions.add_parser("import", help="enter the figures of a CSV file, all or nothing")
        load.add_argument("file", type=Path)
        load.add_argument("--partnership", required=True, metavar="SLUG")
        load.add_argument("--json", action="store_true", help="print the report as JSON")
        load.add_argument(
            "--as",
            dest="as_user",
            metavar="USERNAME",
            help="the person the audit trail names (default: the operating-system user)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        partnership = Partnership.objects.filter(slug=options["partnership"]).first()
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
        user = acting_user(options.get("as_user"))
        with command_line(user), path.open("rb") as binary:
            outcome = figures_import(partnership=partnership, binary=binary, user=user, filename=path.name)
        summary = []
        if outcome.report.accepted:
            summary.append(
                f"{path.name}: {outcome.added} added, {outcome.changed} changed, {outcome.unchanged} unchanged"
            )
        emit_rows(self.stdout, outcome.report, as_json=options["json"], summary=summary)
