"""concordat treatment import|check|export|prune-access-log

- `import FILE --partnership SLUG --provider CODE --period-end YYYY-MM-DD [--json] [--as USER] [--queue]`:
  check a submission file and, with no error, make it the provider's whole record (treatment-data.md),
  here and now; with --queue the file is stored and checked by the worker (`concordat worker`) instead.
- `check FILE --partnership SLUG --provider CODE --period-end YYYY-MM-DD [--json]`: the same report,
  nothing written.
- `export --partnership SLUG --provider CODE [--out FILE] [--as USER]`: the provider's current record in the
  submission format (importing it gives the same record).
- `prune-access-log [--older-than DAYS]`.

Reports list every error and warning (`--json` as the contract's {"accepted", "rows", "errors", "warnings"}),
written as they are found rather than held. Exit 0 accepted, 2 not (or bad arguments, as errors at row 0).
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from concordat.core.audit import command_line
from concordat.core.cli import INVALID, StreamedRows, emit_rows
from concordat.core.csvfile import RowReport
from concordat.core.progress import Progress
from concordat.partnerships.management.commands.partnership import acting_user
from concordat.partnerships.models import Partnership, Provider
from concordat.treatment.models import Submission


class Command(BaseCommand):
    help = "The treatment record: import or check a provider's submission file, export a provider's record."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, parser_class=CommandParser)
        load = actions.add_parser(
            "import", help="check a submission file and, with no error, make it the provider's whole record"
        )
        check = actions.add_parser("check", help="check a submission file: the whole report, nothing written")
        for sub in (load, check):
            sub.add_argument("file", type=Path)
            sub.add_argument("--partnership", required=True, metavar="SLUG")
            sub.add_argument("--provider", required=True, metavar="CODE")
            sub.add_argument("--period-end", required=True, metavar="YYYY-MM-DD", dest="period_end")
            sub.add_argument("--json", action="store_true", help="print the report as JSON")
        load.add_argument(
            "--as",
            dest="as_user",
            metavar="USERNAME",
            help="the person the submission and the audit trail name (default: the operating-system user)",
        )
        load.add_argument(
            "--queue",
            action="store_true",
            help="store the file and let the worker (concordat worker) check it; prints the submission",
        )

        export = actions.add_parser("export", help="write a provider's current record as a submission file")
        export.add_argument("--partnership", required=True, metavar="SLUG")
        export.add_argument("--provider", required=True, metavar="CODE")
        export.add_argument("--out", type=Path, metavar="FILE", help="default: standard output")
        export.add_argument("--as", dest="as_user", metavar="USERNAME", help="who the access log names")

        prune = actions.add_parser(
            "prune-access-log",
            help="remove access log entries older than DAYS (default: the retention setting)",
        )
        prune.add_argument("--older-than", type=int, metavar="DAYS", dest="older_than")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "prune-access-log":
            from concordat.treatment.access import prune_command

            prune_command(self, options.get("older_than"))
            return
        if action == "export":
            self._export(options)
            return
        as_json = options["json"]
        report = RowReport()
        path: Path = options["file"]
        period_end = _day(options["period_end"])
        if period_end is None:
            report.error(0, "", "bad-period-end", "--period-end must be a date written YYYY-MM-DD")
        partnership, provider = _named(options, report)
        if not path.is_file():
            report.error(0, "", "no-file", f"No file at {path}")
        if report.errors:
            emit_rows(self.stdout, report, as_json=as_json)
            return
        assert partnership is not None and provider is not None and period_end is not None
        if action == "check":
            self._check(path, partnership, provider, period_end, as_json)
        elif options["queue"]:
            self._queue(path, partnership, provider, period_end, options)
        else:
            self._import(path, partnership, provider, period_end, options)

    def _check(
        self, path: Path, partnership: Partnership, provider: Provider, period_end: date, as_json: bool
    ) -> None:
        from concordat.treatment.services import file_check

        streamed = StreamedRows()
        with path.open("rb") as file:
            report = file_check(
                partnership=partnership, provider=provider, file=file, period_end=period_end, sink=streamed
            )
        summary = [f"{path.name}: no errors; nothing was written (a check only)"] if report.accepted else []
        emit_rows(self.stdout, report, as_json=as_json, streamed=streamed, summary=summary)

    def _import(
        self,
        path: Path,
        partnership: Partnership,
        provider: Provider,
        period_end: date,
        options: dict[str, Any],
    ) -> None:
        from concordat.treatment.services import submission_import

        as_user = acting_user(options.get("as_user"))
        streamed = StreamedRows()
        with (
            command_line(as_user),
            path.open("rb") as file,
            Progress(f"Checking {path.name}", 0, unit=" rows") as shown,
        ):

            def progress(rows: int, total: int) -> None:
                shown.total = max(total, 1)
                shown.update(rows)

            outcome = submission_import(
                partnership=partnership,
                provider=provider,
                file=file,
                period_end=period_end,
                file_name=path.name,
                actor=as_user,
                channel=Submission.Channel.COMMAND_LINE,
                sink=streamed,
                progress=progress,
            )
        submission, changes = outcome.submission, outcome.changes
        summary = []
        if outcome.report.accepted:
            summary.append(
                f"{path.name}: accepted, {submission.rows:,} rows — {submission.clients:,} clients, "
                f"{submission.episodes:,} episodes, {submission.modalities:,} modalities of {provider.code} "
                f"replace its earlier record"
                if submission.rows
                else f"{path.name}: accepted, no rows — {provider.code}'s record is now empty"
            )
            if changes is not None and changes.web_lost:
                summary.append(
                    f"{changes.web_lost:,} episodes entered or edited on the web were replaced or removed "
                    f"(restore the earlier record from its submission's page within the retention period)"
                )
        emit_rows(self.stdout, outcome.report, as_json=options["json"], summary=summary, streamed=streamed)

    def _queue(
        self,
        path: Path,
        partnership: Partnership,
        provider: Provider,
        period_end: date,
        options: dict[str, Any],
    ) -> None:
        from concordat.treatment.jobs import submission_queue
        from concordat.treatment.services import Replace

        as_user = acting_user(options.get("as_user"))
        with command_line(as_user):
            submission = submission_queue(
                partnership=partnership,
                provider=provider,
                source=path,
                file_size=path.stat().st_size,
                period_end=period_end,
                file_name=path.name,
                actor=as_user,
                channel=Submission.Channel.COMMAND_LINE,
                replace=Replace.NOW,
            )
        if options["json"]:
            queued = {"queued": True, "submission": submission.pk, "job": str(submission.job_id)}
            self.stdout.write(json.dumps(queued))
        else:
            self.stdout.write(
                f"{path.name}: queued as submission {submission.pk}; the worker (concordat worker) checks it "
                f"and, with no error, makes it {provider.code}'s record"
            )

    def _export(self, options: dict[str, Any]) -> None:
        from concordat.treatment.export import record_csv, record_export_logged

        report = RowReport()
        _, provider = _named(options, report)
        if report.errors:
            raise CommandError("; ".join(p.message for p in report.errors), returncode=INVALID)
        assert provider is not None
        as_user = acting_user(options.get("as_user"))
        out: Path | None = options.get("out")
        with command_line(as_user):
            if out is None:
                for piece in record_csv(provider):
                    self.stdout.write(piece, ending="")
            else:
                with out.open("w", encoding="utf-8", newline="") as file:
                    for piece in record_csv(provider):
                        file.write(piece)
            reader = None if as_user is not None else _command_line_reader()
            count = record_export_logged(provider=provider, user=as_user, reader=reader)
        if out is not None:
            self.stdout.write(f"{out}: {count:,} clients of {provider.code}")


def _command_line_reader() -> str:
    from concordat.core.audit import operating_system_user

    return f"{operating_system_user()} (command line)"


def _named(options: dict[str, Any], report: RowReport) -> tuple[Partnership | None, Provider | None]:
    partnership = Partnership.objects.filter(slug=options["partnership"]).first()
    provider = None
    if partnership is None:
        report.error(0, "", "unknown-partnership", f"No partnership has the slug {options['partnership']!r}")
    else:
        provider = Provider.objects.filter(partnership=partnership, code=options["provider"]).first()
        if provider is None:
            report.error(
                0,
                "",
                "unknown-provider",
                f"{partnership.name} has no provider with the code {options['provider']!r}",
            )
    return partnership, provider


def _day(text: str) -> date | None:
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text or ""):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None
