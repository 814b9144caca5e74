"""concordat treatment import FILE --partnership SLUG --provider CODE --period-end YYYY-MM-DD [--json]"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from concordat.core.audit import command_line
from concordat.core.cli import emit_rows
from concordat.core.csvfile import RowReport
from concordat.core.progress import Progress
from concordat.partnerships.management.commands.partnership import acting_user
from concordat.partnerships.models import Partnership, Provider
from concordat.treatment.models import Submission
from concordat.treatment.services import submission_import


class Command(BaseCommand):
    help = "Import a provider's treatment submission file (see treatment-data.md), all or nothing."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, parser_class=CommandParser)
        load = actions.add_parser(
            "import", help="check a submission file and, with no error, make it the provider's whole record"
        )
        load.add_argument("file", type=Path)
        load.add_argument("--partnership", required=True, metavar="SLUG")
        load.add_argument("--provider", required=True, metavar="CODE")
        load.add_argument("--period-end", required=True, metavar="YYYY-MM-DD", dest="period_end")
        load.add_argument("--json", action="store_true", help="print the report as JSON")
        load.add_argument(
            "--as",
            dest="as_user",
            metavar="USERNAME",
            help="the person the submission and the audit trail name (default: the operating-system user)",
        )

        prune = actions.add_parser(
            "prune-access-log",
            help="remove access log entries older than DAYS (default: the retention setting)",
        )
        prune.add_argument("--older-than", type=int, metavar="DAYS", dest="older_than")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "prune-access-log":
            from concordat.treatment.access import prune_command

            prune_command(self, options.get("older_than"))
            return
        as_json = options["json"]
        report = RowReport()
        path: Path = options["file"]
        period_end = _day(options["period_end"])
        if period_end is None:
            report.error(0, "", "bad-period-end", "--period-end must be a date written YYYY-MM-DD")
        partnership = Partnership.objects.filter(slug=options["partnership"]).first()
        provider = None
        if partnership is None:
            report.error(
                0, "", "unknown-partnership", f"No partnership has the slug {options['partnership']!r}"
            )
        else:
            provider = Provider.objects.filter(partnership=partnership, code=options["provider"]).first()
            if provider is None:
                report.error(
                    0,
                    "",
                    "unknown-provider",
                    f"{partnership.name} has no provider with the code {options['provider']!r}",
                )
        if not path.is_file():
            report.error(0, "", "no-file", f"No file at {path}")
        if report.errors:
            emit_rows(self.stdout, report, as_json=as_json)
            return
        assert partnership is not None and provider is not None and period_end is not None
        as_user = acting_user(options.get("as_user"))
        with (
            command_line(as_user),
            path.open("rb") as file,
            Progress(f"Checking {path.name}", path.stat().st_size, unit=" bytes") as progress,
        ):
            outcome = submission_import(
                partnership=partnership,
                provider=provider,
                file=file,
                period_end=period_end,
                file_name=path.name,
                actor=as_user,
                channel=Submission.Channel.COMMAND_LINE,
                progress=progress.update,
            )
        submission = outcome.submission
        summary = (
            [
                f"{path.name}: accepted, {submission.rows:,} rows — {submission.clients:,} clients, "
                f"{submission.episodes:,} episodes, {submission.modalities:,} modalities of {provider.code} "
                f"replace its earlier record"
                if submission.rows
                else f"{path.name}: accepted, no rows — {provider.code}'s record is now empty"
            ]
            if outcome.report.accepted
            else []
        )
        emit_rows(self.stdout, outcome.report, as_json=as_json, summary=summary)


def _day(text: str) -> date | None:
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text or ""):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None
