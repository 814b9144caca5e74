"""Load the demo: the source papers' partnerships and one user for each role."""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import transaction

from concordat.core.problems import Report
from concordat.core.roles import PROVIDER_ROLES, Role
from concordat.partnerships import services as partnership_services
from concordat.partnerships.document import read_file
from concordat.partnerships.models import Membership, Partnership

FILES = Path(__file__).resolve().parent / "partnerships"
# A demo password, printed by `make demo`: demo accounts are for a machine that serves 127.0.0.1 only.
DEMO_PASSWORD = "concordat-demo"
DEMO_USERS = [
    ("lead", "Lena Lead", Role.LEAD_COMMISSIONER),
    ("finance", "Femi Finance", Role.POOL_MANAGER),
    ("partner", "Pat Partner", Role.PARTNER_REPRESENTATIVE),
    ("provider", "Priya Provider", Role.PROVIDER_DATA_OFFICER),
    ("keyworker", "Kit Keyworker", Role.KEY_WORKER),
    ("board", "Bea Board", Role.BOARD_MEMBER),
    ("auditor", "Aud Auditor", Role.AUDITOR),
]


@dataclass
class DemoLogin:
    """A demo user as `make demo` lists it: the role it holds and where."""

    username: str
    role: str  # the role's words, "Lead commissioner"
    partnerships: list[str]  # "Salford Drug Action Team (salford-dat)", by name
    acts_for: list[str]  # for a provider role: the provider in each partnership, "Name (partnership slug)"


@dataclass
class DemoResult:
    files: list[tuple[str, partnership_services.Outcome]]
    users: list[DemoLogin]


def demo_load() -> DemoResult:
    """Load every demo partnership file and the demo users. Idempotent; all or nothing."""
    results = []
    with transaction.atomic():
        for path in sorted(FILES.glob("*.yaml")):
            report = Report()
            document = read_file(path, report)
            outcome = (
                partnership_services.partnership_load(document=document)
                if report.valid
                else partnership_services.Outcome(report, partnership_services.Changes())
            )
            if not outcome.report.valid:
                raise ValueError(
                    f"demo file {path.name} is not valid: "
                    + "; ".join(f"{p.path}: {p.message}" for p in outcome.report.errors)
                )
            results.append((path.name, outcome))
        users = _demo_users()
        for load in _app_demos():
            load()
    return DemoResult(results, users)


def _app_demos() -> list[Callable[[], None]]:
    """Each app's own demo data (the pool's postings, the treatment record, contracts): a `demo_data`
    module with a `load()` that is idempotent, run after the partnerships and users in the order of
    INSTALLED_APPS, so the demo grows without this module knowing the apps."""
    loads = []
    for config in apps.get_app_configs():
        if config.name.startswith("concordat.") and importlib.util.find_spec(f"{config.name}.demo_data"):
            loads.append(importlib.import_module(f"{config.name}.demo_data").load)
    return loads


def _demo_users() -> list[DemoLogin]:
    User = get_user_model()
    logins = []
    for username, full_name, role in DEMO_USERS:
        first, last = full_name.split(" ", 1)
        user, created = User.objects.get_or_create(
            username=username, defaults={"first_name": first, "last_name": last}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        for partnership in Partnership.objects.all():
            provider = None
            if role in PROVIDER_ROLES:
                provider = partnership.providers.order_by("id").first()
                if provider is None:
                    continue
            # The demo's partner representative speaks for the partnership's first partner.
            partner = (
                partnership.partners.order_by("id").first() if role == Role.PARTNER_REPRESENTATIVE else None
            )
            Membership.objects.get_or_create(
                user=user,
                partnership=partnership,
                role=role,
                defaults={"provider": provider, "partner": partner},
            )
        memberships = (
            Membership.objects.filter(user=user, role=role)
            .select_related("partnership", "provider")
            .order_by("partnership__name")
        )
        logins.append(
            DemoLogin(
                username=username,
                role=str(role.label),
                partnerships=[f"{m.partnership.name} ({m.partnership.slug})" for m in memberships],
                acts_for=[f"{m.provider.name} ({m.partnership.slug})" for m in memberships if m.provider],
            )
        )
    return logins
