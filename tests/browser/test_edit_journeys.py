"""Edits are never lost, misplaced or doubled, in a browser: removing goes through a confirmation page, and
a second lead commissioner's change made while the first had the form open is shown, not overwritten."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page, expect

from concordat.core.roles import Role
from concordat.partnerships.models import Approval, Partnership
from tests.factories import member

SALFORD = "Salford Drug Action Team"
PCT_GROUP = "Salford Primary Care Trust Executive Group"


def approvals_page(page: Page, live_server: Any) -> Page:
    page.goto(live_server.url + "/partnerships/salford-dat/")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Approvals", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Approvals")
    return page


def open_change_form(page: Page, body: str) -> None:
    page.get_by_role("row").filter(has_text=body).get_by_role("link", name="Change").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change the approval")


def test_removing_an_approval_asks_first_then_removes_only_it(
    demo_page: Callable[[str], Page], live_server: Any
) -> None:
    page = approvals_page(demo_page("lead"), live_server)
    open_change_form(page, PCT_GROUP)
    page.get_by_role("link", name="Remove this approval").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        f"Are you sure you want to remove the approval ‘{PCT_GROUP}’?"
    )
    assert Approval.objects.filter(body=PCT_GROUP).exists()  # asking removed nothing
    page.get_by_role("button", name="Yes, remove it").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Approval removed")
    expect(page.get_by_role("row").filter(has_text=PCT_GROUP)).to_have_count(0)
    # The Drug Action Team's own approval stays (its name is also in a signatory's role, so find it by date).
    expect(page.get_by_role("row").filter(has_text="15 January 2004")).to_contain_text(
        "Salford Drug Action Team"
    )
    assert Partnership.objects.get(slug="salford-dat").approvals.count() == 5  # of the six in the demo


def test_a_change_made_meanwhile_in_another_browser_is_shown_not_overwritten(
    demo_page: Callable[[str], Page], signed_in_page: Callable[..., Page], live_server: Any
) -> None:
    first = approvals_page(demo_page("lead"), live_server)
    other_lead = member(
        Partnership.objects.get(slug="salford-dat"),
        Role.LEAD_COMMISSIONER,
        username="olive",
        first_name="Olive",
        last_name="Other",
    )
    second = approvals_page(signed_in_page(other_lead), live_server)
    open_change_form(first, PCT_GROUP)
    open_change_form(second, PCT_GROUP)

    second.get_by_role("textbox", name="Decision", exact=True).fill("approved")
    second.get_by_role("button", name="Save").click()
    expect(second.locator(".govuk-notification-banner")).to_contain_text("Approval saved")

    first.get_by_role("textbox", name="Decision", exact=True).fill("deferred")
    first.get_by_role("button", name="Save").click()
    expect(first.locator(".govuk-error-summary")).to_contain_text("This was changed by Olive Other")
    expect(first.locator("#current-values")).to_contain_text("approved")
    expect(first.get_by_role("textbox", name="Decision", exact=True)).to_have_value(
        "deferred"
    )  # their own change is kept in the form
    assert Approval.objects.get(body=PCT_GROUP).decision == "approved"

    first.get_by_role("button", name="Save").click()  # having seen theirs, save theirs over it on purpose
    expect(first.locator(".govuk-notification-banner")).to_contain_text("Approval saved")
    assert Approval.objects.get(body=PCT_GROUP).decision == "deferred"
