"""concordat security prune [--days N]: remove sign-in and lock-out records older than the retention."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from concordat.core.signin import sign_in_records_prune


class Command(BaseCommand):
    help = (
        "Remove sign-in and lock-out records (which hold client addresses) older than LOCKOUT_RETENTION_DAYS. "
        "Every sign-in also does this; run it from a daily timer where sign-ins are rare."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, parser_class=CommandParser)
        prune = actions.add_parser("prune", help="remove sign-in and lock-out records past their retention")
        prune.add_argument(
            "--days", type=int, default=None, help="keep this many days (default: LOCKOUT_RETENTION_DAYS)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"] if options["days"] is not None else settings.LOCKOUT_RETENTION_DAYS
        removed = sign_in_records_prune(older_than_days=days)
        self.stdout.write(f"Removed {removed} sign-in records older than {days} days.")
