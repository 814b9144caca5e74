"""concordat kpi --partnership SLUG | --all-partnerships --from D --to D [--as-of D] [--published]
[--json | --format csv] — the KPIs of treatment-data.md for a period.

Bad arguments (an unknown partnership, a bad date, --from after --to, both or neither of --partnership
and --all-partnerships): a message naming the option and exit 2; with --json the report
{"valid": false, "errors": [...], "warnings": []} is all that stdout gets, as every command's.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from concordat.core.cli import INVALID, emit
from concordat.core.csvfile import spreadsheet_safe
from concordat.core.problems import Report
from concordat.partnerships.models import Partnership
from concordat.performance import selectors
from concordat.performance.rules.shaping import csv_rows

CSV_HEADER = ("partnership", "from", "to", "as_of", "kpi", "value")


class Command(BaseCommand):
    help = "The treatment KPIs of a partnership, or of every partnership, for a period (treatment-data.md)."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--partnership", metavar="SLUG")
        parser.add_argument("--all-partnerships", action="store_true", dest="all_partnerships")
        parser.add_argument("--from", metavar="YYYY-MM-DD", dest="from_")
        parser.add_argument("--to", metavar="YYYY-MM-DD")
        parser.add_argument("--as-of", metavar="YYYY-MM-DD", dest="as_of")
        parser.add_argument("--published", action="store_true", help="apply disclosure control")
        parser.add_argument("--json", action="store_true", help="print the KPIs as JSON")
        parser.add_argument("--format", metavar="FORMAT", help="csv: one row per partnership and KPI")

    def handle(self, *args: Any, **options: Any) -> None:
        report = Report()
        slug, every = options["partnership"], options["all_partnerships"]
        if slug is not None and every:
            report.error(
                "--partnership",
                "partnership-and-all",
                "Give --partnership SLUG or --all-partnerships, not both",
            )
        elif slug is None and not every:
            report.error("--partnership", "no-partnership", "Give --partnership SLUG or --all-partnerships")
        partnership = None
        if slug is not None and not every:
            partnership = Partnership.objects.filter(slug=slug).first()
            if partnership is None:
                report.error("--partnership", "unknown-partnership", f"No partnership has the slug {slug!r}")
        start = _day(report, options["from_"], "--from", required=True)
        end = _day(report, options["to"], "--to", required=True)
        as_of = _day(report, options["as_of"], "--as-of", required=False)
        if start and end and start > end:
            report.error("--from", "from-after-to", f"--from {start} is after --to {end}")
        fmt = options["format"]
        if fmt is not None and fmt != "csv":
            report.error("--format", "unknown-format", f"--format must be csv, not {fmt!r}")
        if fmt is not None and options["json"]:
            report.error("--format", "json-and-format", "Give --json or --format csv, not both")
        if report.errors:
            if options["json"]:
                emit(self.stdout, report, as_json=True)
            raise CommandError("; ".join(p.message for p in report.errors), returncode=INVALID)
        assert start is not None and end is not None
        published = options["published"]
        if every:
            chosen = list(Partnership.objects.order_by("slug"))
            objects = selectors.compute(
                [
                    selectors.Request(p, start, end, as_of or selectors.default_as_of(p), published)
                    for p in chosen
                ]
            )
            if fmt == "csv":
                self._csv(objects)
            elif options["json"]:
                payload = {"from": start.isoformat(), "to": end.isoformat(), "partnerships": objects}
                self.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False))
            else:
                self.stdout.write("\n\n".join(readable(obj) for obj in objects) or "No partnerships.")
            return
        assert partnership is not None
        obj = selectors.kpis(partnership, start, end, as_of, published)
        if fmt == "csv":
            self._csv([obj])
        elif options["json"]:
            self.stdout.write(json.dumps(obj, indent=2, ensure_ascii=False))
        else:
            self.stdout.write(readable(obj))

    def _csv(self, objects: list[dict[str, Any]]) -> None:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(CSV_HEADER)
        for obj in objects:
            head = [obj["partnership"], obj["from"], obj["to"], obj["as_of"]]
            for path, value in csv_rows(obj):
                writer.writerow([spreadsheet_safe(cell) for cell in (*head, path, _cell(value))])
        self.stdout.write(out.getvalue(), ending="")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _day(report: Report, text: str | None, option: str, *, required: bool) -> date | None:
    if text is None:
        if required:
            report.error(option, "missing-option", f"{option} YYYY-MM-DD is required")
        return None
    if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    report.error(option, "bad-date", f"{option} must be a date written YYYY-MM-DD, not {text!r}")
    return None


def _shown(value: Any, suffix: str = "") -> str:
    return "—" if value is None else f"{value:,}{suffix}" if isinstance(value, int) else f"{value}{suffix}"


def readable(obj: dict[str, Any]) -> str:
    """The object as a plain-text table for people."""
    lines = [f"{obj['partnership']}: {obj['from']} to {obj['to']}, data as of {obj['as_of']}"]
    completions, retention = obj["successful_completions"], obj["retention_12wk"]
    rows = [
        ("In treatment", _shown(obj["in_treatment"])),
        ("Accessing services", _shown(obj["accessing_services"])),
        ("New starts", _shown(obj["new_starts"])),
        (
            "Retained 12 weeks",
            f"{_shown(retention['retained'])} of {_shown(retention['cohort'])} ({_shown(retention['pct'], '%')})",
        ),
        (
            "Successful completions",
            f"{_shown(completions['completed'])} of {_shown(completions['denominator'])} "
            f"({_shown(completions['pct'], '%')}){', provisional' if completions['provisional'] else ''}",
        ),
        ("Growth on baseline", _shown(obj["baseline_growth_pct"], "%")),
        ("Accessing services against target", _shown(obj["accessing_target_pct"], "%")),
    ]
    width = max(len(name) for name, _ in rows)
    lines += [f"  {name.ljust(width)}  {value}" for name, value in rows]
    lines.append("  Waiting times:")
    heads = (
        "modality",
        "started",
        "mean days",
        "median days",
        "within %",
        "threshold",
        "still waiting",
        "target met",
    )
    table = [heads] + [
        (
            code,
            _shown(w["count"]),
            _shown(w["mean_days"]),
            _shown(w["median_days"]),
            _shown(w["within_threshold_pct"]),
            _shown(w["threshold_days"]),
            _shown(w["still_waiting"]),
            {True: "yes", False: "no", None: "—"}[w["target_met"]],
        )
        for code, w in obj["waiting"].items()
    ]
    widths = [max(len(row[i]) for row in table) for i in range(len(heads))]
    for row in table:
        lines.append(
            "    "
            + "  ".join(
                cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(row)
            )
        )
    if obj.get("suppressed"):
        lines.append(f"  Suppressed (1 to 4): {', '.join(obj['suppressed'])}")
    return "\n".join(lines)
