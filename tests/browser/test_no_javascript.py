"""Every page works without JavaScript: with it switched off in the browser, the lead commissioner signs in
and changes the agreement through the ordinary forms."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from concordat.demo.services import DEMO_PASSWORD
from concordat.partnerships.models import Approval, GovernanceItem

SALFORD = "Salford Drug Action Team"


@pytest.fixture
def page_without_javascript(demo: Any, live_server: Any, new_context: Callable[..., BrowserContext]) -> Page:
    """Signed in as the demo's lead commissioner through the real form, in a context with JavaScript off,
    on Salford DAT's overview."""
    page = new_context(java_script_enabled=False).new_page()
    page.goto(live_server.url + "/sign-in/")
    # GOV.UK Frontend's module marks the body when it runs: it must not have.
    expect(page.locator("body.govuk-frontend-supported")).to_have_count(0)
    page.get_by_label("Username").fill("lead")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(live_server.url + "/partnerships/")
    page.get_by_role("link", name=SALFORD, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Overview")
    return page


def go_to(page: Page, section: str) -> None:
    page.get_by_role("navigation", name="Menu").get_by_role("link", name=section, exact=True).click()


def test_the_lead_commissioner_adds_an_approval_without_javascript(page_without_javascript: Page) -> None:
    page = page_without_javascript
    go_to(page, "Approvals")
    before = Approval.objects.filter(partnership__slug="salford-dat").count()
    page.get_by_role("button", name="Add an approval").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add an approval")
    page.get_by_label("Body", exact=True).fill("Salford City Council Cabinet")
    date = page.get_by_role("group", name="Date of the decision")
    date.get_by_label("Day").fill("2")
    date.get_by_label("Month").fill("3")
    date.get_by_label("Year").fill("2004")
    page.get_by_label("Decision", exact=True).fill("approved")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Approvals")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Approval added")
    row = page.get_by_role("row").filter(has_text="Salford City Council Cabinet")
    expect(row).to_contain_text("2 March 2004")
    expect(row).to_contain_text("Approved")
    assert Approval.objects.filter(partnership__slug="salford-dat").count() == before + 1


def test_the_lead_commissioner_completes_a_governance_item_without_javascript(
    page_without_javascript: Page,
) -> None:
    page = page_without_javascript
    go_to(page, "Governance")
    page.get_by_role(
        "link", name="Whether the partnership arrangement has been discussed with the relevant auditors"
    ).click()
    page.get_by_role("radio", name="Confirmed").check()
    page.get_by_role("button", name="Save").click()
    # The error summary is the server's: it needs no script to show or to link to the field.
    expect(page.locator(".govuk-error-summary")).to_contain_text("There is a problem")
    page.get_by_role("link", name="Enter the evidence that this is robust").click()
    expect(page).to_have_url(page.url.split("#")[0] + "#id_evidence")
    page.get_by_label("Evidence", exact=True).fill("Discussed with the Audit Commission's district auditor")
    page.get_by_label("Signed off by", exact=True).fill("Lena Lead")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Governance item saved")
    row = page.locator(".govuk-task-list__item").filter(has_text="discussed with the relevant auditors")
    expect(row.locator(".govuk-task-list__status")).to_have_text("Confirmed")
    item = GovernanceItem.objects.get(partnership__slug="salford-dat", item="auditors-consulted")
    assert (item.status, item.signed_off_by) == ("confirmed", "Lena Lead")
