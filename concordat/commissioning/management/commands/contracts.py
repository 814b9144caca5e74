"""concordat contracts export-ocds --partnership SLUG [--out FILE]: the open contracting data."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from concordat.core.audit import command_line
from concordat.core.cli import INVALID
from concordat.partnerships.models import Partnership

from ... import ocds


class Command(BaseCommand):
    help = "Export a partnership's procurements and contracts as open contracting data."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, parser_class=CommandParser)
        export = actions.add_parser(
            "export-ocds", help="write an OCDS 1.1 release package (JSON) of procurements and contracts"
        )
        export.add_argument("--partnership", required=True, metavar="SLUG")
        export.add_argument(
            "--out", type=Path, metavar="FILE", help="write to FILE (default: standard output)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        partnership = Partnership.objects.filter(slug=options["partnership"]).first()
        if partnership is None:
            raise CommandError(f"no partnership with slug '{options['partnership']}'", returncode=INVALID)
        with command_line():
            package = ocds.exported(partnership, None)
        text = json.dumps(package, indent=2, ensure_ascii=False) + "\n"
        out: Path | None = options.get("out")
        if out is None:
            self.stdout.write(text, ending="")
        else:
            try:
                out.write_text(text, encoding="utf-8")
            except OSError as problem:
                raise CommandError(f"cannot write {out}: {problem.strerror}", returncode=INVALID) from problem
            self.stderr.write(f"wrote {len(package['releases'])} release(s) to {out}")
