"""concordat report quarterly|treatment-plan --partnership SLUG --from D --to D [--as-of D] --out FILE —
the board's quarterly performance report or annual treatment plan (treatment-data.md, "The national table,
published figures and the board's reports"), in the format of FILE's suffix: .pdf, .xlsx or .json.

The figures are the record's as they are now, through the same code path as `concordat kpi` (the JSON's
`kpis` is exactly what `concordat kpi` prints for the same arguments); the narrative, risks and sign-off
are those written on the web for that period, if any. A quarterly report is for one financial quarter, a
treatment plan reports one financial year (and plans the next). Bad arguments: a message naming the option
and exit 2, and nothing is written.
"""

from __future__ import annotations

import os
import re
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from concordat.core.cli import INVALID
from concordat.partnerships.models import Partnership
from concordat.performance.models import BoardReport
from concordat.performance.reports import document, rules
from concordat.performance.reports.data import report_data
from concordat.performance.reports.services import find


class Command(BaseCommand):
    help = "The board's quarterly performance report or annual treatment plan, as PDF, XLSX or JSON."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=rules.KINDS, metavar="quarterly|treatment-plan")
        parser.add_argument("--partnership", required=True, metavar="SLUG")
        parser.add_argument("--from", required=True, metavar="YYYY-MM-DD", dest="from_")
        parser.add_argument("--to", required=True, metavar="YYYY-MM-DD")
        parser.add_argument("--as-of", metavar="YYYY-MM-DD", dest="as_of")
        parser.add_argument("--out", required=True, metavar="FILE", help="ends in .pdf, .xlsx or .json")

    def handle(self, *args: Any, **options: Any) -> None:
        problems: list[str] = []
        partnership = Partnership.objects.filter(slug=options["partnership"]).first()
        if partnership is None:
            problems.append(f"--partnership: no partnership has the slug '{options['partnership']}'")
        start = _day(problems, options["from_"], "--from")
        end = _day(problems, options["to"], "--to")
        as_of = _day(problems, options["as_of"], "--as-of") if options["as_of"] is not None else None
        out = Path(options["out"])
        fmt = None
        try:
            fmt = document.format_of(options["out"])
        except document.FormatError as error:
            problems.append(str(error))
        if fmt and not out.parent.is_dir():
            problems.append(f"--out: there is no folder {out.parent}")
        period = None
        if start and end:
            if start > end:
                problems.append(f"--from {start} is after --to {end}")
            else:
                try:
                    period = rules.report_period(options["kind"], start, end)
                except rules.PeriodError as error:
                    problems.append(str(error))
        if problems:
            raise CommandError("; ".join(problems), returncode=INVALID)
        assert partnership is not None and period is not None and fmt is not None
        year, quarter = period
        kind = options["kind"]
        draft = find(partnership, rules.report_key(kind, year, quarter))
        data = report_data(partnership, kind, year, quarter, as_of=as_of, draft=draft)
        if draft is not None and draft.status == BoardReport.Status.ISSUED:
            # The figures are recomputed (the contract: as `concordat kpi` for these arguments); the issued
            # report, with the figures it was issued with, is the one on the web.
            data["status"] = "draft"
        content = document.render(data, fmt, extra={"partnership": partnership})
        # Written whole or not at all: a temporary file beside it, renamed over it.
        with tempfile.NamedTemporaryFile(dir=out.parent or ".", prefix=".report-", delete=False) as temporary:
            temporary.write(content)
        os.replace(temporary.name, out)
        self.stdout.write(
            f"Wrote the {data['title'][:1].lower()}{data['title'][1:]} of {partnership.slug} to {out}"
        )


def _day(problems: list[str], text: str, option: str) -> date | None:
    if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    problems.append(f"{option} must be a date written YYYY-MM-DD, not '{text}'")
    return None
