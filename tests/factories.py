"""Shared test factories: a valid Salford-like agreement as a document, users with roles in it, and the
two measures tests share (rows in the database, the `concordat` command in a process of its own).

Every partnership a test needs is built the way real ones are: a partnership file's content passed through
`partnership_load`, so tests exercise the one write path the product has.
"""

from __future__ import annotations

import copy
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import factory
from django.apps import apps
from django.contrib.auth import get_user_model

from concordat.core.models import ACCOUNT_KINDS
from concordat.core.models import AuditEntry as LogEntry
from concordat.core.roles import PROVIDER_ROLES, Role
from concordat.partnerships import services
from concordat.partnerships.models import Membership, Partnership, Provider

PASSWORD = "correct-horse-battery-staple"

# The Salford Drug Action Team's notification form, trimmed: three contribution lines summing to
# £2,001,500.00 against a stated total of £2,150,000.00 (the papers' own mismatch). Every milestone is met
# and every governance item confirmed, so that the only warning is the stated-total mismatch.
_SALFORD: dict[str, Any] = {
    "slug": "salford-dat",
    "name": "Salford Drug Action Team",
    "client_group": "drugs",
    "area": ["E08000006"],
    "flexibilities": ["pooled-fund", "lead-commissioning"],
    "agreement_date": date(2002, 3, 1),
    "start_date": date(2003, 4, 1),
    "responsible_officer": "Anne Williams, Chair of the Salford Drug Action Team",
    "host_partner": "SCC",
    "lead_commissioner": "SCC",
    "partners": [
        {
            "code": "SCC",
            "name": "Salford City Council",
            "kind": "local-authority",
            "org_code": "E08000006",
            "address": "Salford Civic Centre, Chorley Road, Swinton",
        },
        {"code": "PCT", "name": "Salford Primary Care Trust", "kind": "nhs"},
        {"code": "GMP", "name": "Greater Manchester Police, Salford Division", "kind": "police"},
        {"code": "PROB", "name": "Salford Probation", "kind": "probation"},
    ],
    "funding_streams": [
        {
            "code": "NTA-PTB",
            "name": "NTA pooled treatment budget",
            "partner": "PCT",
            "ring_fenced": "treatment",
        },
        {"code": "MAINSTREAM-HEALTH", "name": "Mainstream health", "partner": "PCT"},
        {"code": "SOCIAL-SERVICES", "name": "Social services budgets", "partner": "SCC"},
    ],
    "contributions": [
        {"stream": "NTA-PTB", "year": "2003-04", "amount": "1200000.00"},
        {"stream": "MAINSTREAM-HEALTH", "year": "2003-04", "amount": "597500.00"},
        {"stream": "SOCIAL-SERVICES", "year": "2003-04", "amount": "204000.00"},
    ],
    "stated_totals": [{"year": "2003-04", "amount": "2150000.00", "source": "notification form item 12"}],
    "risk_share": {"overspend": "proportional", "underspend": "carry-forward", "fixed_shares": {}},
    "eligibility": {"min_age": 18, "max_age": None, "residence_in_area": True},
    "targets": {
        "baseline": {"kpi": "in_treatment", "year": "1998-99", "value": 600},
        "accessing_services": {"year": "2004-05", "value": 1100},
        "waiting_time_days": 21,
        "waiting_within_threshold_pct": 90,
        "modality_thresholds": {"inpatient-detox": 21},
        "modality_mean_wait_days": {"inpatient-detox": 14},
    },
    "modalities": [{"code": "gp-prescribing", "name": "GP prescribing", "tier": 3, "structured": True}],
    "aims": ["To commission adult drug treatment services to meet local and national targets."],
    "outcomes": ["An agreed strategy for service commissioning and development"],
    "milestones": [
        {
            "text": "Consolidate a DAT Joint Commissioning Group with wide representation",
            "due": date(2003, 3, 31),
            "status": "met",
        },
        {
            "text": "Identify and ring-fence the resources for inclusion",
            "due": date(2002, 10, 31),
            "status": "met",
        },
        {
            "text": "Consult service users, carers, staff and other organisations",
            "due": date(2003, 2, 28),
            "status": "met",
        },
    ],
    "governance": [
        {"item": "governance-arrangements", "status": "confirmed", "evidence": "Draft partnership agreement"},
        {"item": "review", "status": "confirmed", "evidence": "Annual review each March"},
        {"item": "complaints", "status": "confirmed"},
    ],
    "approvals": [
        {"body": "Salford Drug Action Team", "date": date(2004, 1, 15), "decision": "supported"},
        {"body": "Salford City Council Cabinet", "date": date(2004, 2, 24), "decision": "approved"},
    ],
    "providers": [{"code": "P1", "name": "Example Community Drug Service", "tiers": [2, 3]}],
}

STATED_TOTAL = "£2,150,000.00"
CONTRIBUTIONS_SUM = "£2,001,500.00"
DIFFERENCE = "£148,500.00"


def agreement_document(**overrides: Any) -> dict[str, Any]:
    """A fresh, valid Salford-like partnership file's content; top-level keys replaced by `overrides`.

    A value of None removes the key. Nested changes: take the document and edit it, it is a deep copy.
    """
    document = copy.deepcopy(_SALFORD)
    for key, value in overrides.items():
        if value is None:
            document.pop(key, None)
        else:
            document[key] = copy.deepcopy(value)
    return document


def load_partnership(document: dict[str, Any] | None = None, **overrides: Any) -> Partnership:
    """Load `document` (default: agreement_document(**overrides)) and return the partnership; it must be valid."""
    outcome = services.partnership_load(
        document=document if document is not None else agreement_document(**overrides)
    )
    assert outcome.report.valid, [p.as_dict() for p in outcome.report.errors]
    assert outcome.partnership is not None
    return outcome.partnership


def entry_key(partnership: Partnership | str, collection: str, n: int = 0) -> str:
    """The stable key of the `n`-th entry, in the agreement's order, of a keyed collection (a related name
    of Partnership: "approvals", "milestones", "board" …): keys are generated when loaded, so a test reads
    them from the database instead of writing them down."""
    if isinstance(partnership, str):
        partnership = Partnership.objects.get(slug=partnership)
    return str(getattr(partnership, collection).order_by("position")[n].key)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"User {n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")

    @factory.post_generation
    def password(user, create: bool, extracted: str | None, **kwargs: Any) -> None:
        user.set_password(extracted or PASSWORD)
        if create:
            user.save(update_fields=["password"])


class PartnershipFactory(factory.Factory):
    """`PartnershipFactory(slug="x", name="Y")` loads agreement_document(slug="x", name="Y")."""

    class Meta:
        model = Partnership

    slug = factory.Sequence(lambda n: f"partnership-{n}")
    name = factory.Sequence(lambda n: f"Partnership {n}")

    @classmethod
    def _create(cls, model_class: type[Partnership], *args: Any, **kwargs: Any) -> Partnership:
        return load_partnership(**kwargs)

    @classmethod
    def _build(cls, model_class: type[Partnership], *args: Any, **kwargs: Any) -> dict[str, Any]:  # type: ignore[override]
        return agreement_document(**kwargs)


def _provider_for(partnership: Partnership, role: str, provider: Provider | str | None) -> Provider | None:
    if role not in PROVIDER_ROLES:
        return None
    if isinstance(provider, Provider):
        return provider
    providers = partnership.providers.order_by("id")
    return providers.get(code=provider) if provider else providers.first()


class MembershipFactory(factory.django.DjangoModelFactory):
    """A role in a partnership. Provider roles get the partnership's first provider unless one is given."""

    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    partnership = factory.SubFactory(PartnershipFactory)
    role = Role.LEAD_COMMISSIONER
    provider = factory.LazyAttribute(lambda m: _provider_for(m.partnership, m.role, None))


def member(
    partnership: Partnership, role: str, provider: Provider | str | None = None, **user_fields: Any
) -> Any:
    """A new user holding `role` in `partnership` (through the membership service); provider roles act for
    `provider` (a Provider or its code), by default the partnership's first provider."""
    user = UserFactory(**user_fields)
    chosen = _provider_for(partnership, role, provider)
    report = services.membership_add(
        partnership=partnership, user=user, role=role, provider_code=chosen.code if chosen else None
    )
    assert report.valid, [p.as_dict() for p in report.errors]
    return user


def row_counts() -> dict[str, int]:
    """Rows in every partnerships table, the audit log and users: what "nothing changed" is measured by."""
    rows = {
        model.__name__: model.objects.count() for model in apps.get_app_config("partnerships").get_models()
    }
    # The pooled fund's ledger too (its model names do not clash with the agreement's).
    rows.update(
        {
            f"pool.{model.__name__}": model.objects.count()
            for model in apps.get_app_config("pool").get_models()
        }
    )
    # The board's reports and the workforce's figures (the KPI cache is not data people write).
    rows.update(
        {
            f"performance.{model.__name__}": model.objects.count()
            for model in apps.get_app_config("performance").get_models()
            if model.__name__ != "KpiResult"
        }
    )
    # Audit entries of changes and reads; signing in (as a test client does) changes nothing.
    rows["LogEntry"] = LogEntry.objects.exclude(kind__in=ACCOUNT_KINDS).count()
    rows["User"] = get_user_model().objects.count()
    return rows


CONCORDAT = Path(sys.executable).parent / "concordat"
# What the test run itself sets and a separate `concordat` process must not inherit: the browser harness's
# DJANGO_ALLOW_ASYNC_UNSAFE, for one, fails `check --deploy` (async.E001).
_NOT_INHERITED = {
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "DJANGO_SETTINGS_MODULE",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "CSRF_TRUSTED_ORIGINS",
    "AXES_ENABLED",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "TRUSTED_PROXY_COUNT",
    "LOCKOUT_RETENTION_DAYS",
    "SESSION_IDLE_MINUTES",
    "MEDIA_ROOT",
    "DOCUMENT_MAX_MB",
    "DOCUMENT_STORAGE_BACKEND",
    "DOCUMENT_STORAGE_OPTIONS",
    "PRIVATE_DATA_DIR",
    "TASKS_BACKEND",
}


def concordat_env(var_dir: Path, **values: str) -> dict[str, str]:
    """An environment for a `concordat` process with its own var dir (and so its own SQLite file)."""
    env = {key: value for key, value in os.environ.items() if key not in _NOT_INHERITED}
    env["CONCORDAT_VAR_DIR"] = str(var_dir)
    env.update(values)
    return env


def run_concordat(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The `concordat` console script in a process of its own: exit status as a shell sees it."""
    return subprocess.run(
        [str(CONCORDAT), *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def separate_databases(tmp_path: Path) -> Iterator[dict[str, str]]:
    """Environments for `concordat` processes sharing a database of their own: a SQLite file always; and
    a PostgreSQL database made for the test on DATABASE_URL's server (dropped after) when it names one."""
    yield concordat_env(tmp_path / "sqlite", DEBUG="1")
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        import uuid

        import psycopg

        name = f"concordat_processes_{uuid.uuid4().hex[:8]}"
        base = url.rsplit("/", 1)[0]
        # CREATE DATABASE runs outside a transaction: a connection of its own, not the test's.
        with psycopg.connect(url.replace("postgres://", "postgresql://", 1), autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
            try:
                yield concordat_env(tmp_path / "pg", DEBUG="1", DATABASE_URL=f"{base}/{name}")
            finally:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
