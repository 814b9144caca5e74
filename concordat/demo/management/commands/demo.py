"""concordat demo load: the source papers' partnerships and a user for each role."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from concordat.demo.services import DEMO_PASSWORD, demo_load


class Command(BaseCommand):
    help = "Load the demonstration partnerships and users into the configured database (idempotent)."
    requires_system_checks: list[str] = []  # data commands need no web layer; `concordat check` runs them

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, parser_class=CommandParser)
        actions.add_parser("load", help="load the demo partnerships and users")

    def handle(self, *args: Any, **options: Any) -> None:
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
