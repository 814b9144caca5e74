"""The auditor reads everything of the partnerships they audit and changes nothing; only auditors and lead
commissioners see the audit trail. Demo users, Salford Drug Action Team."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from concordat.core.models import AuditEntry as LogEntry
from concordat.partnerships.models import GovernanceItem

SALFORD = "Salford Drug Action Team"
FORBIDDEN = "You do not have permission to do that"


def open_salford(demo_page: Callable[[str], Page], username: str) -> Page:
    page = demo_page(username)
    page.get_by_role("link", name=SALFORD, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Overview")
    return page


def menu(page: Page) -> Locator:
    return page.get_by_role("navigation", name="Menu")


def go_to(page: Page, section: str) -> None:
    menu(page).get_by_role("link", name=section, exact=True).click()
    expect(menu(page).locator("[aria-current=page]")).to_contain_text(section)


def ways_to_change(page: Page) -> Locator:
    """Everything in the page's main content that leads to a change: "Change" links, buttons (add buttons
    are links styled as buttons), the governance items' links to their forms, and forms that post."""
    main = page.locator("main")
    return (
        main.get_by_role("link", name="Change")
        .or_(main.locator(".govuk-button"))
        .or_(main.locator("a.govuk-task-list__link"))
        .or_(main.locator("form[method=post i]"))
    )


SECTIONS = ["Overview", "Contributions", "Governance"]


@pytest.mark.parametrize("section", SECTIONS)
def test_the_auditor_sees_no_way_to_change_the_agreement(
    demo_page: Callable[[str], Page], section: str
) -> None:
    page = open_salford(demo_page, "auditor")
    go_to(page, section)
    expect(ways_to_change(page)).to_have_count(0)
    # The only form that posts on the whole page is signing out.
    expect(page.locator("form[method=post i]")).to_have_count(1)
    expect(page.locator("form[method=post i]").get_by_role("button")).to_have_text("Sign out")


@pytest.mark.parametrize("section", SECTIONS)
def test_the_lead_commissioner_sees_ways_to_change_the_same_pages(
    demo_page: Callable[[str], Page], section: str
) -> None:
    # The control for the test above: the locator does find the ways to change when there are some.
    page = open_salford(demo_page, "lead")
    go_to(page, section)
    assert ways_to_change(page).count() > 0


@pytest.mark.parametrize(
    "path",
    [
        "governance/review/",
        "approvals/add/",
        "contributions/add/",
        "details/",
        "members/add/",
    ],
)
def test_a_form_address_requested_by_the_auditor_shows_the_permission_page(
    demo_page: Callable[[str], Page], live_server: Any, path: str
) -> None:
    page = demo_page("auditor")
    response = page.goto(f"{live_server.url}/partnerships/salford-dat/{path}")
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text(FORBIDDEN)
    expect(page.locator("form").filter(has_not=page.get_by_role("button", name="Sign out"))).to_have_count(0)


def test_a_forged_post_from_the_auditor_is_refused_and_changes_nothing(
    demo_page: Callable[[str], Page], live_server: Any
) -> None:
    # Past the UI: a POST with a valid CSRF token from the auditor's own session is still refused.
    page = open_salford(demo_page, "auditor")
    go_to(page, "Governance")
    token = page.locator("input[name=csrfmiddlewaretoken]").first.get_attribute("value")
    assert token
    entries_before = LogEntry.objects.count()
    response = page.request.post(
        f"{live_server.url}/partnerships/salford-dat/governance/charging-and-vat/",
        form={"status": "confirmed", "evidence": "Forged", "signed_off_by": "Aud Auditor"},
        headers={"X-CSRFToken": token, "Referer": page.url},
    )
    assert response.status == 403
    assert FORBIDDEN in response.text()
    item = GovernanceItem.objects.get(partnership__slug="salford-dat", item="charging-and-vat")
    assert (item.status, item.evidence) == ("open", "")
    assert LogEntry.objects.count() == entries_before


def test_the_auditor_reaches_the_audit_trail_from_the_navigation_and_it_lists_entries(
    demo_page: Callable[[str], Page], live_server: Any
) -> None:
    page = open_salford(demo_page, "auditor")
    go_to(page, "Audit trail")
    expect(page).to_have_url(live_server.url + "/partnerships/salford-dat/audit/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit trail")
    rows = page.get_by_role("table").locator("tbody tr")
    expect(rows.first).to_be_visible()
    assert rows.count() > 0
    expect(page.locator("main")).to_contain_text("Showing entries 1 to")


def test_a_lead_commissioner_reads_the_audit_trail_in_plain_english(
    demo_page: Callable[[str], Page], live_server: Any
) -> None:
    page = open_salford(demo_page, "lead")
    go_to(page, "Audit trail")
    expect(page).to_have_url(live_server.url + "/partnerships/salford-dat/audit/")
    expect(page.locator("main")).to_contain_text("Lena Lead signed in")


def test_a_pool_manager_has_no_audit_trail_and_gets_the_permission_page(
    demo_page: Callable[[str], Page], live_server: Any
) -> None:
    page = open_salford(demo_page, "finance")
    expect(menu(page).get_by_role("link", name="Audit trail")).to_have_count(0)
    response = page.goto(f"{live_server.url}/partnerships/salford-dat/audit/")
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text(FORBIDDEN)
