"""concordat demo load: the source papers' partnerships and a user for each role.
concordat demo generate: synthetic partnerships and their providers' treatment submissions."""

import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from concordat.core.cli import emit
from concordat.core.problems import Report
from concordat.demo.generator import generate
from concordat.demo.generator.national import default_jobs
from concordat.demo.services import DEMO_PASSWORD, demo_load

# Bounds that keep a mistyped argument from filling the disk or making dates no calendar has.
MAX_PARTNERSHIPS = 1_000
MAX_YEARS = 50
YEARS_FROM, YEARS_TO = 1900, 2100


class Command(BaseCommand):
    help = "Load the demonstration partnerships and users (idempotent), or generate synthetic treatment data."
    requires_system_checks: list[str] = []  # data commands need no web layer; `concordat check` runs them

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, parser_class=CommandParser)
        actions.add_parser("load", help="load the demo partnerships and users")
        make = actions.add_parser(
            "generate",
            help="write synthetic partnership files and submission CSVs (deterministic; no real people)",
        )
        make.add_argument(
            "--partnerships", type=int, required=True, help="how many partnerships (150: national)"
        )
        make.add_argument(
            "--years", type=int, required=True, help="years of data from 1 April of --start-year"
        )
        make.add_argument("--seed", type=int, required=True, help="the same seed gives byte-identical files")
        make.add_argument(
            "--out", type=Path, default=None, help="folder (default: synthetic/ in CONCORDAT_VAR_DIR)"
        )
        make.add_argument("--start-year", type=int, default=2004, help="first financial year (default 2004)")
        make.add_argument("--jobs", type=int, default=None, help="processes (default: the number of cores)")
        make.add_argument("--json", action="store_true", help="print the manifest as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "generate":
            self.generate(options)
            return
        result = demo_load()
        for name, outcome in result.files:
            changes = outcome.changes
            warnings = outcome.report.warnings
            self.stdout.write(
                f"{name}: {len(changes.created)} created, {len(changes.changed)} changed, "
                f"{len(changes.removed)} removed; {len(warnings)} warning{'' if len(warnings) == 1 else 's'}"
            )
            # Each warning as the checker words it: the command line keeps the path.
            for problem in warnings:
                first = problem.message.split(" ", 1)[0].rstrip(":")
                where = "" if first and problem.path.startswith(first) else f"{problem.path}: "
                self.stdout.write(f"  warning: {where}{problem.message}")
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for login in result.users:
            self.stdout.write(
                f"  {login.username:<10} {login.role}, in {len(login.partnerships)} partnerships:"
            )
            for partnership in login.partnerships:
                self.stdout.write(f"    {partnership}")
            if login.acts_for:
                self.stdout.write(f"    acting for {'; '.join(login.acts_for)}")

    def generate(self, options: dict[str, Any]) -> None:
        report = Report()
        for name, value, low, high in (
            ("partnerships", options["partnerships"], 1, MAX_PARTNERSHIPS),
            ("years", options["years"], 1, MAX_YEARS),
            ("start-year", options["start_year"], YEARS_FROM, YEARS_TO),
            ("jobs", options["jobs"] if options["jobs"] is not None else 1, 1, 256),
        ):
            if not low <= value <= high:
                report.error(
                    f"--{name}", "out-of-range", f"--{name} must be from {low} to {high}, not {value}"
                )
        if options["seed"] < 0:
            report.error("--seed", "out-of-range", f"--seed must be 0 or more, not {options['seed']}")
        out: Path = options["out"] or Path(settings.VAR_DIR) / "synthetic"
        if out.exists() and not out.is_dir():
            report.error("--out", "not-a-folder", f"--out {out} is a file, not a folder")
        if not report.valid:
            emit(self.stdout, report, as_json=options["json"], extra={"manifest": None})
        manifest = generate(
            partnerships=options["partnerships"],
            years=options["years"],
            seed=options["seed"],
            out=out,
            start_year=options["start_year"],
            jobs=options["jobs"] or default_jobs(),
            progress=sys.stderr,
        )
        summary = [
            f"{len(manifest['partnerships'])} partnerships, {manifest['rows']:,} rows, {manifest['people']:,} people "
            f"in {out}; import each submission with --period-end {manifest['period_end']}",
            f"manifest: {out / 'manifest.json'}",
        ]
        emit(
            self.stdout,
            report,
            as_json=options["json"],
            extra={"manifest": str(out / "manifest.json"), **manifest},
            summary=summary,
        )
