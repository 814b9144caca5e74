"""The agreement's reading pages: who may see them, and what they show."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from concordat.core.roles import Role
from concordat.partnerships.rules import vocabulary as words
from tests.factories import (
    CONTRIBUTIONS_SUM,
    DIFFERENCE,
    STATED_TOTAL,
    agreement_document,
    load_partnership,
    member,
)

PAGES = ["overview", "contributions", "aims", "governance", "approvals", "consultation", "board"]


def page(client: Any, user: Any, name: str, slug: str = "salford-dat") -> Any:
    client.force_login(user)
    return client.get(reverse(f"partnerships:{name}", args=[slug]))


@pytest.fixture
def representative(partnership: Any) -> Any:
    return member(partnership, Role.PARTNER_REPRESENTATIVE, username="representative")


@pytest.mark.parametrize("name", PAGES)
def test_page_renders_for_a_member_with_the_partnership_as_caption(
    client: Any, representative: Any, name: str
) -> None:
    response = page(client, representative, name)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<span class="govuk-caption-l">Salford Drug Action Team</span>' in html
    assert '<h1 class="govuk-heading-l">' in html


@pytest.mark.parametrize("name", PAGES)
def test_page_is_not_found_for_a_user_who_is_not_a_member(
    client: Any, outsider: Any, partnership: Any, name: str
) -> None:
    assert page(client, outsider, name).status_code == 404


@pytest.mark.parametrize("name", PAGES)
def test_page_is_readable_by_an_auditor(client: Any, auditor: Any, name: str) -> None:
    assert page(client, auditor, name).status_code == 200


@pytest.mark.parametrize("name", PAGES)
def test_page_sends_a_signed_out_visitor_to_sign_in(client: Any, partnership: Any, name: str) -> None:
    response = client.get(reverse(f"partnerships:{name}", args=["salford-dat"]))
    assert response.status_code == 302
    assert reverse("core:sign-in") in response["Location"]


@pytest.mark.parametrize("name", PAGES)
def test_page_shows_no_change_or_add_links_to_a_member_who_may_not_change(
    client: Any, representative: Any, name: str
) -> None:
    html = page(client, representative, name).content.decode()
    assert ">Change<" not in html
    assert "govuk-button--secondary" not in html


@pytest.mark.parametrize("name", [name for name in PAGES if name != "contributions"])
def test_page_offers_the_lead_commissioner_a_way_to_change_it(client: Any, lead: Any, name: str) -> None:
    html = page(client, lead, name).content.decode()
    assert "govuk-button--secondary" in html or "govuk-task-list__link" in html


def test_unknown_partnership_is_not_found(client: Any, lead: Any) -> None:
    assert page(client, lead, "overview", slug="no-such-partnership").status_code == 404


def test_overview_shows_partners_with_the_host_and_lead_marked(client: Any, lead: Any) -> None:
    html = page(client, lead, "overview").content.decode()
    for text in (
        "Salford City Council",
        "Salford Primary Care Trust",
        "Greater Manchester Police, Salford Division",
        "Salford Probation",
        "E08000006",
        "Salford Civic Centre, Chorley Road, Swinton",
        "NHS body",
        "Host partner",
        "Lead commissioner",
    ):
        assert text in html


def test_overview_shows_the_agreement_details_with_dates_written_out(client: Any, lead: Any) -> None:
    html = page(client, lead, "overview").content.decode()
    for text in (
        "1 March 2002",
        "1 April 2003",
        "Anne Williams, Chair of the Salford Drug Action Team",
        "Pooled fund",
        "Lead commissioning",
        "Drugs",
        "18 or over",
        "Carried forward into next year",
    ):
        assert text in html


def test_overview_shows_change_links_to_the_lead_commissioner(client: Any, lead: Any) -> None:
    html = page(client, lead, "overview").content.decode()
    assert reverse("partnerships:edit-details", args=["salford-dat"]) in html
    assert reverse("partnerships:edit-partner", args=["salford-dat", "SCC"]) in html
    assert reverse("partnerships:add-partner", args=["salford-dat"]) in html


@pytest.mark.parametrize("role", ["auditor", "representative", "pool_manager"])
def test_overview_hides_change_links_from_those_who_may_not_change_the_agreement(
    client: Any, request: Any, role: str
) -> None:
    html = page(client, request.getfixturevalue(role), "overview").content.decode()
    assert reverse("partnerships:edit-details", args=["salford-dat"]) not in html
    assert ">Change<" not in html


def test_contributions_warn_of_the_stated_total_that_the_lines_do_not_add_up_to(
    client: Any, lead: Any
) -> None:
    html = page(client, lead, "contributions").content.decode()
    assert "govuk-warning-text" in html
    assert STATED_TOTAL in html
    assert CONTRIBUTIONS_SUM in html
    assert DIFFERENCE in html
    assert "notification form item 12" in html


def test_contributions_show_no_warning_when_the_stated_total_matches(client: Any, db: None) -> None:
    partnership = load_partnership(stated_totals=[{"year": "2003-04", "amount": "2001500.00"}])
    user = member(partnership, Role.AUDITOR)
    html = page(client, user, "contributions").content.decode()
    assert "govuk-warning-text" not in html


def test_contributions_show_each_stream_line_and_the_year_total(client: Any, lead: Any) -> None:
    html = page(client, lead, "contributions").content.decode()
    for text in (
        "2003-04",
        "NTA pooled treatment budget",
        "£1,200,000.00",
        "£597,500.00",
        "£204,000.00",
        "Total for 2003-04",
        "Treatment",
    ):
        assert text in html
    assert "<caption" in html


def test_contributions_show_each_partners_total_and_share(client: Any, lead: Any) -> None:
    html = page(client, lead, "contributions").content.decode()
    assert "£1,797,500.00" in html  # the PCT's two streams
    assert "89.81%" in html
    assert "10.19%" in html


def test_contributions_are_grouped_by_financial_year(client: Any, db: None) -> None:
    document = agreement_document()
    document["contributions"].append({"stream": "NTA-PTB", "year": "2004-05", "amount": "1300000.00"})
    partnership = load_partnership(document)
    html = page(client, member(partnership, Role.AUDITOR), "contributions").content.decode()
    assert html.index("Planned contributions by funding stream, 2003-04") < html.index(
        "Planned contributions by funding stream, 2004-05"
    )
    assert "Total for 2004-05" in html
    assert "£1,300,000.00" in html


def test_pool_manager_sees_links_to_change_contributions(client: Any, pool_manager: Any) -> None:
    html = page(client, pool_manager, "contributions").content.decode()
    assert reverse("partnerships:edit-contribution", args=["salford-dat", "NTA-PTB", "2003-04"]) in html
    assert reverse("partnerships:add-stream", args=["salford-dat"]) in html


def test_auditor_sees_no_links_to_change_contributions(client: Any, auditor: Any) -> None:
    html = page(client, auditor, "contributions").content.decode()
    assert reverse("partnerships:add-contribution", args=["salford-dat"]) not in html
    assert ">Change<" not in html


def test_aims_page_shows_aims_outcomes_and_milestones(client: Any, lead: Any) -> None:
    html = page(client, lead, "aims").content.decode()
    assert "To commission adult drug treatment services" in html
    assert "An agreed strategy for service commissioning and development" in html
    assert "Consolidate a DAT Joint Commissioning Group" in html
    assert "31 March 2003" in html
    assert "govuk-tag--green" in html


def test_milestone_past_due_and_not_met_is_marked_overdue(client: Any, db: None, fixed_today: Any) -> None:
    fixed_today(date(2004, 2, 1))
    document = agreement_document()
    document["milestones"].append(
        {"text": "Pooled budget structures in place", "due": date(2003, 4, 1), "status": "in-progress"}
    )
    user = member(load_partnership(document), Role.AUDITOR)
    html = page(client, user, "aims").content.decode()
    assert html.count("concordat-overdue") == 1
    assert '<strong class="govuk-tag concordat-status govuk-tag--red">Overdue</strong>' in html


def test_met_milestones_are_not_overdue(client: Any, lead: Any, fixed_today: Any) -> None:
    fixed_today(date(2010, 1, 1))
    html = page(client, lead, "aims").content.decode()
    assert "concordat-overdue" not in html
    assert "Overdue" not in html


def test_governance_lists_all_ten_items_in_the_notification_forms_order(client: Any, lead: Any) -> None:
    html = page(client, lead, "governance").content.decode()
    assert "govuk-task-list" in html
    positions = [html.index(label) for label in words.GOVERNANCE_ITEMS.values()]
    assert positions == sorted(positions)


def test_governance_shows_items_the_agreement_does_not_mention_as_open(client: Any, lead: Any) -> None:
    html = page(client, lead, "governance").content.decode()
    assert html.count('<strong class="govuk-tag concordat-status govuk-tag--grey">Open</strong>') == 7
    assert "3 of 10" in html


def test_governance_links_each_item_to_its_form_for_the_lead_commissioner(client: Any, lead: Any) -> None:
    html = page(client, lead, "governance").content.decode()
    for item in words.GOVERNANCE_ITEMS:
        assert reverse("partnerships:edit-governance", args=["salford-dat", item]) in html


def test_governance_has_no_links_to_forms_for_an_auditor(client: Any, auditor: Any) -> None:
    html = page(client, auditor, "governance").content.decode()
    assert reverse("partnerships:edit-governance", args=["salford-dat", "review"]) not in html


def test_approvals_trail_shows_body_date_and_decision(client: Any, lead: Any) -> None:
    html = page(client, lead, "approvals").content.decode()
    assert "Salford City Council Cabinet" in html
    assert "24 February 2004" in html
    assert "Approved" in html
    assert "<caption" in html


def test_consultation_log_shows_who_was_consulted_and_how(client: Any, db: None) -> None:
    partnership = load_partnership(
        consultation=[
            {
                "who": "service-users",
                "how": "Focus groups through existing services",
                "date": date(2003, 2, 1),
            }
        ]
    )
    html = page(client, member(partnership, Role.AUDITOR), "consultation").content.decode()
    assert "Service users" in html
    assert "Focus groups through existing services" in html
    assert "1 February 2003" in html


def test_board_shows_service_user_and_carer_members_and_whom_members_represent(client: Any, db: None) -> None:
    partnership = load_partnership(
        board=[
            {"name": "Anne Williams", "role": "Chair", "kind": "officer", "represents": "SCC"},
            {"name": "Sam Smith", "kind": "service-user"},
            {"name": "Jo Jones", "kind": "carer"},
        ]
    )
    html = page(client, member(partnership, Role.AUDITOR), "board").content.decode()
    for text in ("Anne Williams", "Chair", "Salford City Council", "Service user", "Carer"):
        assert text in html
