"""concordat member add|remove|list: who holds which role in a partnership.

The command acts as the operator, so it may give any user a role (no one is "giving themselves" one);
the other rules of membership.py hold here as on the web: the separation of duties, and the last lead
commissioner stays. A refusal prints its reasons and exits with status 2."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from concordat.core.audit import command_line
from concordat.core.problems import Report
from concordat.core.roles import Role
from concordat.partnerships import services
from concordat.partnerships.models import Membership, Partnership

from .partnership import acting_user


class Command(BaseCommand):
    help = "Add, remove or list the members of a partnership and their roles."
    requires_system_checks: list[str] = []  # data commands need no web layer; `concordat check` runs them

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, parser_class=CommandParser)
        add = actions.add_parser("add", help="give a user a role (creates the user if new, with no password)")
        remove = actions.add_parser("remove", help="take a role away from a user")
        for sub in (add, remove):
            sub.add_argument("username")
            sub.add_argument("--partnership", required=True, help="partnership slug")
            sub.add_argument("--role", required=True, choices=Role.values)
            sub.add_argument(
                "--as",
                dest="as_user",
                metavar="USERNAME",
                help="the person the audit trail names for this change (default: the operating-system user)",
            )
        add.add_argument("--provider", help="provider code, for provider data officers and key workers")
        add.add_argument("--name", default="", help="full name, for a new user")
        listing = actions.add_parser("list", help="list a partnership's members")
        listing.add_argument("--partnership", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        partnership = Partnership.objects.filter(slug=options["partnership"]).first()
        if partnership is None:
            raise CommandError(f"no partnership with slug '{options['partnership']}'", returncode=2)
        if options["action"] == "list":
            for m in (
                Membership.objects.filter(partnership=partnership)
                .select_related("user", "provider")
                .order_by("user__username", "role")
            ):
                provider = f" ({m.provider.code})" if m.provider else ""
                self.stdout.write(f"{m.user.username:<20} {m.get_role_display()}{provider}")
            return
        with command_line(acting_user(options.get("as_user"))):
            self.change(partnership, options)

    def change(self, partnership: Partnership, options: dict[str, Any]) -> None:
        User = get_user_model()
        if options["action"] == "remove":
            user = User.objects.filter(username=options["username"]).first()
            if user is None:
                raise CommandError(f"no user with username '{options['username']}'", returncode=2)
            report = services.membership_remove(partnership=partnership, user=user, role=options["role"])
            if not report.valid:
                raise CommandError(_problems(report), returncode=2)
            if report.warnings:  # already gone: nothing to do, which is what was asked
                self.stdout.write(f"{_problems(report, warnings=True)} in {partnership.slug}")
                return
            self.stdout.write(f"removed {options['role']} from {user.username} in {partnership.slug}")
            return
        with transaction.atomic():  # a refused role leaves no new account behind
            user, created = User.objects.get_or_create(username=options["username"])
            if created:
                user.first_name, _, user.last_name = options["name"].partition(" ")
                user.set_unusable_password()
                user.save()
            report = services.membership_add(
                partnership=partnership,
                user=user,
                role=options["role"],
                provider_code=options.get("provider"),
            )
            if not report.valid:
                transaction.set_rollback(True)
        if not report.valid:
            raise CommandError(_problems(report), returncode=2)
        self.stdout.write(f"{user.username} is {Role(options['role']).label.lower()} in {partnership.slug}")
        if created:
            self.stdout.write(f"new user: set a password with `concordat changepassword {user.username}`")


def _problems(report: Report, *, warnings: bool = False) -> str:
    return "; ".join(f"{p.path}: {p.message}" for p in (report.warnings if warnings else report.errors))
