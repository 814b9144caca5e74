"""Changing one's password and being locked out, in a real browser, checked with axe."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.conftest import describe_violations
from tests.factories import PASSWORD

NEW = "a-longer-passphrase-for-2004"


def test_a_lead_changes_their_password_from_the_header_then_signs_in_with_it(
    signed_in_page: Any, lead: Any, live_server: Any, axe_check: Any
) -> None:
    page: Page = signed_in_page(lead)
    page.get_by_role("link", name="Change password").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change your password")
    page.get_by_label("Current password").fill("not-my-password")
    page.get_by_label("New password", exact=True).fill("short")
    page.get_by_label("Confirm new password").fill("short")
    page.get_by_role("button", name="Change password").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Your current password is not correct")
    expect(summary).to_contain_text("This password is too short")
    violations = axe_check(page)
    assert violations == [], describe_violations(violations)

    page.get_by_label("Current password").fill(PASSWORD)
    page.get_by_label("New password", exact=True).fill(NEW)
    page.get_by_label("Confirm new password").fill(NEW)
    page.get_by_role("button", name="Change password").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Your password has been changed")

    page.get_by_role("button", name="Sign out").click()
    page.fill("#id_username", lead.username)
    page.fill("#id_password", NEW)
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(re.compile(r"/sign-in/"))


def test_a_locked_out_user_is_told_when_to_try_again(
    page: Page, live_server: Any, lead: Any, settings: Any, axe_check: Any
) -> None:
    settings.AXES_ENABLED = True
    page.goto(live_server.url + "/sign-in/")
    for _ in range(10):
        page.fill("#id_username", lead.username)
        page.fill("#id_password", "not-the-password")
        page.get_by_role("button", name="Sign in").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text(re.compile(r"You can try again after \d{1,2}:\d\d(am|pm)"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Concordat")
    violations = axe_check(page)
    assert violations == [], describe_violations(violations)
