"""Every item of the notification form can be changed in the browser, with the file's checks: items 7, 9
and 10 and the movement of staff (one form), the totals as stated and the providers (one entry each, by key)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from concordat.core.roles import Role
from concordat.partnerships.document import export_agreement
from concordat.partnerships.models import Partnership
from concordat.partnerships.rules.limits import COUNTS, PROSE, STATEMENT
from tests.factories import entry_key, member

SLUG = "salford-dat"


def state() -> dict[str, Any]:
    return export_agreement(Partnership.objects.get(slug=SLUG))


def url(name: str, *args: str) -> str:
    return reverse(f"partnerships:{name}", args=[SLUG, *args])


@pytest.fixture
def as_lead(client: Any, lead: Any) -> Any:
    client.force_login(lead)
    return client


NARRATIVE = {
    "improvements": "Faster access to treatment\n\n  More people retained in treatment  ",
    "staff_movement": "No staff move between the partners.",
    "health_outcomes": "Social care assessments for drug users",
    "joint_working": "Builds on the Drug Action Team\nShared commissioning group",
}


# --- items 7 to 10 ----------------------------------------------------------------------------------------


def test_the_statements_form_saves_items_7_to_10_one_a_line(as_lead: Any) -> None:
    response = as_lead.post(url("edit-narrative"), NARRATIVE)
    assert response.status_code == 302
    assert response["Location"] == url("notification-form")
    document = state()
    assert document["improvements"] == ["Faster access to treatment", "More people retained in treatment"]
    assert document["staff_movement"] == "No staff move between the partners."
    assert document["health_outcomes"] == ["Social care assessments for drug users"]
    assert document["joint_working"] == ["Builds on the Drug Action Team", "Shared commissioning group"]
    page = as_lead.get(url("notification-form")).content.decode()
    assert "More people retained in treatment" in page and "Shared commissioning group" in page


def test_the_statements_form_shows_what_the_agreement_says(as_lead: Any) -> None:
    as_lead.post(url("edit-narrative"), NARRATIVE)
    page = as_lead.get(url("edit-narrative")).content.decode()
    assert "Faster access to treatment\nMore people retained in treatment</textarea>" in page
    assert "No staff move between the partners.</textarea>" in page


def test_the_notification_form_links_each_narrative_item_to_its_field(as_lead: Any) -> None:
    page = as_lead.get(url("notification-form")).content.decode()
    for field in ("improvements", "staff_movement", "health_outcomes", "joint_working"):
        assert f'{url("edit-narrative")}#id_{field}"' in page


def test_the_notification_form_has_no_change_links_for_a_reader(client: Any, partnership: Any) -> None:
    client.force_login(member(partnership, Role.BOARD_MEMBER, username="board"))
    assert url("edit-narrative") not in client.get(url("notification-form")).content.decode()


@pytest.mark.parametrize(
    ("field", "text", "message"),
    [
        ("improvements", "\n".join(f"Line {n}" for n in range(COUNTS["improvements"] + 1)), "Enter at most"),
        ("joint_working", "x" * (STATEMENT + 1), "characters or fewer"),
        ("staff_movement", "x" * (PROSE + 1), f"{PROSE:,}"),
    ],
)
def test_the_statements_form_keeps_the_files_limits(
    as_lead: Any, field: str, text: str, message: str
) -> None:
    before = state()
    response = as_lead.post(url("edit-narrative"), {**NARRATIVE, field: text})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert state() == before


def test_a_stale_statements_form_is_refused_with_the_current_words(as_lead: Any) -> None:
    seen = as_lead.get(url("edit-narrative")).context["seen"]
    as_lead.post(url("edit-narrative"), {**NARRATIVE, "seen": seen})
    response = as_lead.post(
        url("edit-narrative"), {**NARRATIVE, "staff_movement": "Staff transfer under TUPE", "seen": seen}
    )
    assert response.status_code == 409
    assert state()["staff_movement"] == "No staff move between the partners."


def test_only_the_lead_commissioner_may_change_the_statements(client: Any, pool_manager: Any) -> None:
    client.force_login(pool_manager)
    assert client.post(url("edit-narrative"), NARRATIVE).status_code == 403


# --- totals as stated --------------------------------------------------------------------------------------


def test_a_total_as_stated_is_added_and_shown(as_lead: Any) -> None:
    data = {"year": "2004-05", "amount": "£1,300,000", "source": "Cabinet report, para 4"}
    response = as_lead.post(url("add-stated-total"), data)
    assert response.status_code == 302
    totals = state()["stated_totals"]
    assert {k: totals[-1][k] for k in ("year", "amount", "source")} == {
        "year": "2004-05",
        "amount": "1300000.00",
        "source": "Cabinet report, para 4",
    }
    page = as_lead.get(url("contributions")).content.decode()
    assert "Cabinet report, para 4" in page and "£1,300,000.00" in page


def test_a_total_as_stated_is_changed_by_its_key(as_lead: Any, partnership: Any) -> None:
    key = entry_key(partnership, "stated_totals")
    form = as_lead.get(url("edit-stated-total", key))
    assert form.context["form"].initial["amount"] == "2150000.00"
    data = {"year": "2003-04", "amount": "2,001,500.00", "source": "notification form item 12"}
    assert as_lead.post(url("edit-stated-total", key), data).status_code == 302
    assert state()["stated_totals"] == [
        {"key": key, "year": "2003-04", "amount": "2001500.00", "source": "notification form item 12"}
    ]
    # The lines now add up: the contributions page no longer warns.
    assert "is not the sum" not in as_lead.get(url("contributions")).content.decode()


def test_a_total_as_stated_is_removed_after_confirmation(as_lead: Any, partnership: Any) -> None:
    key = entry_key(partnership, "stated_totals")
    question = as_lead.get(url("remove-stated-total", key)).content.decode()
    assert "Are you sure you want to remove the stated total for 2003-04?" in question
    assert as_lead.post(url("remove-stated-total", key)).status_code == 302
    assert state().get("stated_totals", []) == []


def test_a_bad_total_as_stated_changes_nothing(as_lead: Any) -> None:
    before = state()
    response = as_lead.post(url("add-stated-total"), {"year": "2004", "amount": "lots", "source": ""})
    assert response.status_code == 200
    assert "Enter the financial year like 2003-04" in response.content.decode()
    assert state() == before


def test_the_pool_manager_may_change_totals_as_stated(client: Any, pool_manager: Any) -> None:
    client.force_login(pool_manager)
    data = {"year": "2005-06", "amount": "100", "source": ""}
    assert client.post(url("add-stated-total"), data).status_code == 302


# --- providers ---------------------------------------------------------------------------------------------


def test_a_provider_is_added_with_its_tiers(as_lead: Any) -> None:
    data = {"code": "SMHT", "name": "Substance misuse team", "tiers": ["3", "2"]}
    assert as_lead.post(url("add-provider"), data).status_code == 302
    assert state()["providers"][-1] == {"code": "SMHT", "name": "Substance misuse team", "tiers": [2, 3]}
    assert "Substance misuse team" in as_lead.get(url("overview")).content.decode()


def test_a_provider_is_changed_by_its_code_which_stays(as_lead: Any) -> None:
    data = {"code": "OTHER", "name": "Community Drug Service", "tiers": ["1", "2", "3", "4"]}
    assert as_lead.post(url("edit-provider", "P1"), data).status_code == 302
    assert state()["providers"] == [{"code": "P1", "name": "Community Drug Service", "tiers": [1, 2, 3, 4]}]


def test_a_provider_code_already_used_is_refused(as_lead: Any) -> None:
    response = as_lead.post(url("add-provider"), {"code": "P1", "name": "Again", "tiers": []})
    assert response.status_code == 200
    assert "There is already a provider with code P1" in response.content.decode()


def test_a_provider_someone_acts_for_cannot_be_removed(as_lead: Any, partnership: Any) -> None:
    member(partnership, Role.PROVIDER_DATA_OFFICER, username="officer")
    response = as_lead.post(url("remove-provider", "P1"))
    assert response.status_code == 409
    assert [p["code"] for p in state()["providers"]] == ["P1"]


def test_a_provider_no_one_acts_for_is_removed(as_lead: Any) -> None:
    assert as_lead.post(url("remove-provider", "P1")).status_code == 302
    assert state().get("providers", []) == []
