"""Memberships: who holds which role, through the service, the command line and the page."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from concordat.core.roles import PROVIDER_ROLES, Role
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


# --- separation of duties, no self-grant, the last lead commissioner (issue 13) --------------------------


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_lead_commissioner_cannot_make_themselves_auditor_through_the_form(lead: Any) -> None:
    response = _client(lead).post(
        "/partnerships/salford-dat/members/add/", {"username": "lead", "role": "auditor"}
    )
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert response.context["form"].errors["username"] == [
        "You cannot give yourself a role: ask another lead commissioner to do it"
    ]
    assert not Membership.objects.filter(user=lead, role="auditor").exists()


def test_no_one_gives_themselves_any_role_through_the_service(lead: Any, partnership: Any) -> None:
    for role in Role.values:
        report = services.membership_add(
            partnership=partnership, user=lead, role=role, provider_code="P1", actor=lead
        )
        assert [(p.path, p.code) for p in report.errors] == [("username", "self-grant")], role
    assert set(Membership.objects.filter(user=lead).values_list("role", flat=True)) == {"lead-commissioner"}


WRITERS = [Role.LEAD_COMMISSIONER, Role.POOL_MANAGER, Role.PROVIDER_DATA_OFFICER, Role.KEY_WORKER]


@pytest.mark.parametrize("other", [*WRITERS, Role.BOARD_MEMBER])
def test_an_auditor_cannot_also_hold_a_role_that_writes_or_decides(
    partnership: Any, lead: Any, other: Role
) -> None:
    for first, second in ((Role.AUDITOR, other), (other, Role.AUDITOR)):
        user = UserFactory(first_name="Ann", last_name="Auditor")
        provider = "P1" if first in PROVIDER_ROLES else None
        assert services.membership_add(
            partnership=partnership, user=user, role=first, provider_code=provider, actor=lead
        ).valid
        provider = "P1" if second in PROVIDER_ROLES else None
        report = services.membership_add(
            partnership=partnership, user=user, role=second, provider_code=provider, actor=lead
        )
        assert [(p.path, p.code) for p in report.errors] == [("role", "separation-of-duties")]
        assert report.errors[0].message.startswith("Ann Auditor is not given this role: an auditor cannot")
        assert list(Membership.objects.filter(user=user).values_list("role", flat=True)) == [first]


def test_an_auditor_may_be_a_partner_representative(partnership: Any, lead: Any) -> None:
    user = UserFactory()
    for role in (Role.AUDITOR, Role.PARTNER_REPRESENTATIVE):
        assert services.membership_add(partnership=partnership, user=user, role=role, actor=lead).valid


def test_an_auditor_of_one_partnership_may_lead_another(partnership: Any, lead: Any) -> None:
    from tests.factories import PartnershipFactory

    other = PartnershipFactory()
    user = UserFactory()
    assert services.membership_add(partnership=partnership, user=user, role=Role.AUDITOR, actor=lead).valid
    assert services.membership_add(partnership=other, user=user, role=Role.LEAD_COMMISSIONER).valid


def test_the_form_shows_a_separation_of_duties_refusal_on_the_role(lead: Any, auditor: Any) -> None:
    response = _client(lead).post(
        "/partnerships/salford-dat/members/add/", {"username": "auditor", "role": "pool-manager"}
    )
    assert response.status_code == 200
    assert response.context["form"].has_error("role")
    assert "There is a problem" in response.content.decode()
    assert not Membership.objects.filter(user=auditor, role="pool-manager").exists()


def test_the_command_acts_as_the_operator_but_keeps_the_separation_of_duties(auditor: Any) -> None:
    with pytest.raises(CommandError) as refused:
        call_command(
            "member", "add", "auditor", "--partnership", "salford-dat", "--role", "lead-commissioner"
        )
    assert refused.value.returncode == 2
    assert "role: " in str(refused.value) and "an auditor cannot also be lead commissioner" in str(
        refused.value
    )
    assert not Membership.objects.filter(user=auditor, role="lead-commissioner").exists()


def test_the_member_command_exits_non_zero_when_refused(tmp_path: Any) -> None:
    from tests.factories import concordat_env, run_concordat

    env = concordat_env(tmp_path)
    assert run_concordat("migrate", "--noinput", env=env).returncode == 0
    path = tmp_path / "p.yaml"
    from concordat.partnerships.document import dump_yaml
    from tests.factories import agreement_document

    path.write_text(dump_yaml(agreement_document()))
    assert run_concordat("partnership", "load", str(path), env=env).returncode == 0
    add = ("member", "add", "ann", "--partnership", "salford-dat", "--role")
    assert run_concordat(*add, "auditor", env=env).returncode == 0
    refused = run_concordat(*add, "pool-manager", env=env)
    assert refused.returncode == 2
    assert "an auditor cannot also be pooled fund manager" in refused.stderr


# --- the last lead commissioner, and removing with a confirmation ---------------------------------------


def test_the_only_lead_commissioner_cannot_remove_their_own_role(lead: Any) -> None:
    membership = Membership.objects.get(user=lead)
    client = _client(lead)
    page = client.get(f"/partnerships/salford-dat/members/{membership.pk}/remove/")
    assert page.status_code == 200
    assert "only lead commissioner" in page.content.decode()
    assert "Yes, remove" not in page.content.decode()
    response = client.post(f"/partnerships/salford-dat/members/{membership.pk}/remove/")
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert Membership.objects.filter(pk=membership.pk).exists()
    assert client.get("/partnerships/salford-dat/members/").status_code == 200


def test_the_last_lead_commissioner_is_kept_by_the_service_and_the_command(
    partnership: Any, lead: Any
) -> None:
    report = services.membership_remove(partnership=partnership, user=lead, role=Role.LEAD_COMMISSIONER)
    assert [(p.path, p.code) for p in report.errors] == [("role", "last-lead-commissioner")]
    with pytest.raises(CommandError) as refused:
        call_command(
            "member", "remove", "lead", "--partnership", "salford-dat", "--role", "lead-commissioner"
        )
    assert refused.value.returncode == 2
    assert Membership.objects.filter(user=lead, role="lead-commissioner").exists()


def test_a_lead_commissioner_who_cannot_sign_in_does_not_count(partnership: Any, lead: Any) -> None:
    from tests.factories import member

    former = member(partnership, Role.LEAD_COMMISSIONER, username="former")
    former.is_active = False
    former.save()
    report = services.membership_remove(partnership=partnership, user=lead, role=Role.LEAD_COMMISSIONER)
    assert [p.code for p in report.errors] == ["last-lead-commissioner"]


def test_with_a_second_lead_commissioner_one_may_step_down(partnership: Any, lead: Any) -> None:
    from tests.factories import member

    member(partnership, Role.LEAD_COMMISSIONER, username="second")
    membership = Membership.objects.get(user=lead)
    response = _client(lead).post(f"/partnerships/salford-dat/members/{membership.pk}/remove/")
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_removing_asks_first_and_removes_on_confirmation(lead: Any, partnership: Any) -> None:
    from tests.factories import member

    ann = member(partnership, Role.AUDITOR, username="ann", first_name="Ann", last_name="Auditor")
    membership = Membership.objects.get(user=ann)
    url = f"/partnerships/salford-dat/members/{membership.pk}/remove/"
    client = _client(lead)
    members_page = client.get("/partnerships/salford-dat/members/").content.decode()
    assert f'href="{url}"' in members_page  # a link to the question, not a button that removes at once
    page = client.get(url)
    html = page.content.decode()
    assert "Are you sure you want to remove Ann Auditor&#x27;s role of auditor?" in html
    assert 'method="post"' in html and 'href="/partnerships/salford-dat/members/"' in html
    assert Membership.objects.filter(pk=membership.pk).exists()  # asking changes nothing
    response = client.post(url, follow=True)
    assert "Removed Ann Auditor&#x27;s role of auditor" in response.content.decode()
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_removing_a_role_already_gone_changes_nothing_and_says_so(lead: Any, partnership: Any) -> None:
    from tests.factories import member, row_counts

    ann = member(partnership, Role.AUDITOR, username="ann")
    membership = Membership.objects.get(user=ann)
    url = f"/partnerships/salford-dat/members/{membership.pk}/remove/"
    client = _client(lead)
    assert client.post(url).status_code == 302
    before = row_counts()
    again = client.post(url, follow=True)
    assert "That role had already been removed: nothing was changed" in again.content.decode()
    assert row_counts() == before
    report = services.membership_remove(partnership=partnership, user=ann, role=Role.AUDITOR)
    assert report.valid and [p.code for p in report.warnings] == ["already-removed"]
    call_command("member", "remove", "ann", "--partnership", "salford-dat", "--role", "auditor")
    assert row_counts() == before


def test_the_confirmation_page_is_only_for_those_who_manage_members(lead: Any, auditor: Any) -> None:
    membership = Membership.objects.get(user=lead)
    url = f"/partnerships/salford-dat/members/{membership.pk}/remove/"
    assert _client(auditor).get(url).status_code == 403
    assert _client(auditor).post(url).status_code == 403
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_a_partner_is_named_only_for_a_partner_representative_and_must_exist(partnership: Any) -> None:
    user = UserFactory()
    refused = services.membership_add(
        partnership=partnership, user=user, role=Role.AUDITOR, partner_code="SCC"
    )
    assert [(p.path, p.code) for p in refused.errors] == [("partner", "not-allowed")]
    unknown = services.membership_add(
        partnership=partnership, user=user, role=Role.PARTNER_REPRESENTATIVE, partner_code="NOPE"
    )
    assert [(p.path, p.code) for p in unknown.errors] == [("partner", "unknown-partner")]
    assert not Membership.objects.filter(user=user).exists()
    assert services.membership_add(
        partnership=partnership, user=user, role=Role.PARTNER_REPRESENTATIVE, partner_code="SCC"
    ).valid
    assert Membership.objects.get(user=user).partner.code == "SCC"
