"""Memberships: who holds which role, through the service, the command line and the page."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from concordat.core.roles import Role
from concordat.partnerships import services
from concordat.partnerships.models import Membership
from tests.factories import UserFactory


def test_provider_role_without_a_provider_is_refused(partnership: Any) -> None:
    user = UserFactory()
    report = services.membership_add(partnership=partnership, user=user, role=Role.KEY_WORKER)
    assert [p.path for p in report.errors] == ["provider"]
    assert not Membership.objects.filter(user=user).exists()


def test_provider_given_for_a_partnership_wide_role_is_refused(partnership: Any) -> None:
    user = UserFactory()
    report = services.membership_add(
        partnership=partnership, user=user, role=Role.AUDITOR, provider_code="P1"
    )
    assert report.errors[0].code == "not-allowed"
    assert not Membership.objects.filter(user=user).exists()


def test_adding_the_same_role_twice_keeps_one_membership(partnership: Any) -> None:
    user = UserFactory()
    for _ in range(2):
        assert services.membership_add(partnership=partnership, user=user, role=Role.BOARD_MEMBER).valid
    assert Membership.objects.filter(user=user, partnership=partnership).count() == 1


def test_member_add_command_creates_a_user_without_a_usable_password(partnership: Any) -> None:
    call_command(
        "member",
        "add",
        "newcomer",
        "--partnership",
        "salford-dat",
        "--role",
        "key-worker",
        "--provider",
        "P1",
        "--name",
        "New Comer",
    )
    membership = Membership.objects.get(user__username="newcomer")
    assert (membership.role, membership.provider.code) == ("key-worker", "P1")
    assert not membership.user.has_usable_password()


def test_refused_member_add_leaves_no_new_account(partnership: Any) -> None:
    from django.contrib.auth import get_user_model

    with pytest.raises(CommandError) as refused:
        call_command("member", "add", "newcomer", "--partnership", "salford-dat", "--role", "key-worker")
    assert refused.value.returncode == 2
    assert not get_user_model().objects.filter(username="newcomer").exists()


def test_members_page_is_for_lead_commissioners_and_auditors(
    lead: Any, auditor: Any, pool_manager: Any
) -> None:
    for user, status in ((lead, 200), (auditor, 200), (pool_manager, 403)):
        client = Client()
        client.force_login(user)
        assert client.get("/partnerships/salford-dat/members/").status_code == status


def test_auditor_cannot_give_roles(auditor: Any) -> None:
    client = Client()
    client.force_login(auditor)
    response = client.post(
        "/partnerships/salford-dat/members/add/", {"username": "auditor", "role": "lead-commissioner"}
    )
    assert response.status_code == 403
    assert not Membership.objects.filter(user=auditor, role="lead-commissioner").exists()


def test_lead_commissioner_gives_a_role_through_the_form(lead: Any) -> None:
    newcomer = UserFactory(username="newcomer")
    client = Client()
    client.force_login(lead)
    response = client.post(
        "/partnerships/salford-dat/members/add/", {"username": "newcomer", "role": "board-member"}
    )
    assert response.status_code == 302
    assert Membership.objects.filter(user=newcomer, role="board-member").exists()


def test_member_form_shows_the_service_refusal_on_the_provider_field(lead: Any) -> None:
    UserFactory(username="newcomer")
    client = Client()
    client.force_login(lead)
    response = client.post(
        "/partnerships/salford-dat/members/add/", {"username": "newcomer", "role": "key-worker"}
    )
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert response.context["form"].has_error("provider")
    assert not Membership.objects.filter(user__username="newcomer").exists()
