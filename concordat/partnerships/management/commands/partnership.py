"""concordat partnership check|load FILE [--json]; concordat partnership export SLUG."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from concordat.core import clock
from concordat.core.audit import command_line
from concordat.core.cli import emit
from concordat.core.problems import Report
from concordat.partnerships import services
from concordat.partnerships.document import dump_yaml, export_agreement, read_file
from concordat.partnerships.models import Partnership
from concordat.partnerships.rules.agreement import check_agreement


class Command(BaseCommand):
    help = "Check, load or export a partnership agreement file (see docs/partnership-file.md)."
    requires_system_checks: list[str] = []  # data commands need no web layer; `concordat check` runs them

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, parser_class=CommandParser)
        check = actions.add_parser("check", help="validate a partnership file without writing anything")
        load = actions.add_parser("load", help="create or update the partnership from a file, all or nothing")
        for sub in (check, load):
            sub.add_argument("file", type=Path)
            sub.add_argument("--json", action="store_true", help="print the report as JSON")
        load.add_argument(
            "--as",
            dest="as_user",
            metavar="USERNAME",
            help="the person the audit trail names for this load (default: the operating-system user)",
        )
        export = actions.add_parser("export", help="print a partnership as a partnership file")
        export.add_argument("slug")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "export":
            partnership = Partnership.objects.filter(slug=options["slug"]).first()
            if partnership is None:
                raise CommandError(f"no partnership with slug '{options['slug']}'", returncode=2)
            self.stdout.write(dump_yaml(export_agreement(partnership)), ending="")
            return
        report = Report()
        document = read_file(options["file"], report)
        if not report.valid:
            # load's JSON has the same keys whether the file could not be read or did not pass the checks
            nothing = (
                {"partnership": None, "created": [], "changed": [], "removed": []}
                if action == "load"
                else None
            )
            emit(self.stdout, report, as_json=options["json"], extra=nothing)
        if action == "check":
            checked = check_agreement(document, today=clock.today())
            verdict = "valid" if checked.report.valid else "not valid"
            emit(
                self.stdout,
                checked.report,
                as_json=options["json"],
                summary=[f"{options['file']}: {verdict}"],
            )
            return
        as_user = acting_user(options.get("as_user"))
        with command_line(as_user):
            outcome = services.partnership_load(document=document)
        changes = outcome.changes
        slug = outcome.partnership.slug if outcome.partnership else None
        summary = [
            f"{verb} {name}"
            for verb, names in (
                ("created", changes.created),
                ("changed", changes.changed),
                ("removed", changes.removed),
            )
            for name in names
        ]
        if outcome.report.valid and not changes.any:
            summary.append(f"{slug}: already up to date, nothing changed")
        elif outcome.report.valid:
            summary.append(
                f"{slug}: {len(changes.created)} created, {len(changes.changed)} changed, "
                f"{len(changes.removed)} removed"
            )
        emit(
            self.stdout,
            outcome.report,
            as_json=options["json"],
            extra={"partnership": slug, **changes.as_dict()},
            summary=summary,
        )


def acting_user(username: str | None) -> Any:
    """The user named by --as, or None (the operating-system user) when none is given."""
    if not username:
        return None
    user = get_user_model()._default_manager.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"--as: no active user '{username}'", returncode=2)
    return user
