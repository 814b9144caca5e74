"""`concordat demo load`: the source papers' five partnerships and a user for each role, idempotent."""

from __future__ import annotations

import json
from datetime import date
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from concordat.core.problems import Report
from concordat.core.roles import PROVIDER_ROLES, Role
from concordat.demo.services import DEMO_PASSWORD, DEMO_USERS, FILES, demo_load
from concordat.partnerships.document import read_file
from concordat.partnerships.models import Membership, Partnership
from concordat.partnerships.rules.agreement import check_agreement
from tests.factories import row_counts

SLUGS = {"salford-dat", "salford-ld", "trafford-ld", "croydon-dat", "bnes-dat"}

if not any(FILES.glob("*.yaml")):
    pytest.skip("the demo partnership files are not written yet", allow_module_level=True)


@pytest.fixture
def loaded(db: None, fixed_today: Any) -> str:
    out = StringIO()
    call_command("demo", "load", stdout=out)
    return out.getvalue()


def test_there_is_a_file_for_each_partnership_of_the_papers() -> None:
    assert {path.stem for path in FILES.glob("*.yaml")} == SLUGS


@pytest.mark.parametrize("slug", sorted(SLUGS))
def test_each_demo_file_is_valid(slug: str) -> None:
    report = Report()
    document = read_file(FILES / f"{slug}.yaml", report)
    checked = check_agreement(document, today=date(2004, 2, 1))
    assert checked.report.errors == []
    assert document["slug"] == slug


def test_demo_load_loads_all_five(loaded: str) -> None:
    assert set(Partnership.objects.values_list("slug", flat=True)) == SLUGS
    assert "Demo logins" in loaded and DEMO_PASSWORD in loaded


def test_demo_load_is_idempotent(loaded: str) -> None:
    before = row_counts()
    result = demo_load()
    assert [(name, outcome.changes.as_dict()) for name, outcome in result.files] == [
        (name, {"created": [], "changed": [], "removed": []}) for name, _ in result.files
    ]
    assert row_counts() == before


def test_demo_load_creates_the_seven_users_with_their_roles(loaded: str) -> None:
    User = get_user_model()
    assert len(DEMO_USERS) == 7
    salford = Partnership.objects.get(slug="salford-dat")
    for username, _, role in DEMO_USERS:
        user = User.objects.get(username=username)
        assert user.check_password(DEMO_PASSWORD)
        assert set(
            Membership.objects.filter(user=user, partnership=salford).values_list("role", flat=True)
        ) == {role}
    provider_memberships = Membership.objects.filter(role__in=list(PROVIDER_ROLES))
    assert provider_memberships.exists()
    assert not provider_memberships.filter(provider__isnull=True).exists()
    assert {role for _, _, role in DEMO_USERS} == set(Role)


def test_every_demo_user_is_a_member_of_every_partnership_with_providers(loaded: str) -> None:
    for partnership in Partnership.objects.all():
        roles = set(Membership.objects.filter(partnership=partnership).values_list("role", flat=True))
        expected = set(Role) if partnership.providers.exists() else set(Role) - PROVIDER_ROLES
        assert roles == expected, partnership.slug


def test_salford_dat_reports_the_stated_total_mismatch() -> None:
    out = StringIO()
    call_command("partnership", "check", str(FILES / "salford-dat.yaml"), "--json", stdout=out)
    report = json.loads(out.getvalue())
    assert report["valid"] is True
    [mismatch] = [w for w in report["warnings"] if w["code"] == "stated-total-mismatch"]
    assert mismatch["path"] == "stated_totals[0].amount"
    assert "£2,150,000.00" in mismatch["message"]
    assert "£2,001,500.00" in mismatch["message"]
    assert "£148,500.00" in mismatch["message"]


def test_salford_dat_contributions_are_the_notification_forms(loaded: str) -> None:
    salford = Partnership.objects.get(slug="salford-dat")
    assert {(c.stream.code, c.amount_pence) for c in salford.contributions.filter(year=2003)} == {
        ("NTA-PTB", 120_000_000),
        ("MAINSTREAM-HEALTH", 59_750_000),
        ("SOCIAL-SERVICES", 20_400_000),
    }
    assert salford.host_partner.code == "SCC"


def test_demo_load_prints_each_warning_with_its_path(loaded: str) -> None:
    result = demo_load()
    for name, outcome in result.files:
        line = next(line for line in loaded.splitlines() if line.startswith(f"{name}:"))
        count = len(outcome.report.warnings)
        assert line.endswith(f"{count} warning{'' if count == 1 else 's'}")
        for problem in outcome.report.warnings:
            assert any(
                text.startswith("  warning: ")
                and problem.message in text
                and problem.path.split(".")[0] in text
                for text in loaded.splitlines()
            ), problem


def test_demo_load_prints_each_logins_role_and_partnerships(loaded: str) -> None:
    lines = loaded.splitlines()
    start = lines.index(next(line for line in lines if line.startswith("Demo logins")))
    listing = "\n".join(lines[start:])
    for username, _, role in DEMO_USERS:
        count = Membership.objects.filter(user__username=username).count()
        assert f"  {username:<10} {role.label}, in {count} partnerships:" in listing
    for partnership in Partnership.objects.all():
        assert f"    {partnership.name} ({partnership.slug})" in listing
    # Provider roles are members only where there is a provider to act for, and say which.
    provider_block = listing[listing.index("  provider ") : listing.index("  keyworker ")]
    assert "acting for" in provider_block
    assert "salford-ld" not in provider_block
