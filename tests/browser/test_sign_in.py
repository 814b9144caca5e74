"""Signing in through the real form, in a real browser."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.conftest import describe_violations
from tests.factories import PASSWORD


def test_the_sign_in_page_loads_and_passes_axe(page: Page, live_server: Any, axe_check: Any) -> None:
    page.goto(live_server.url + "/sign-in/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sign in")
    expect(page.get_by_label("Username")).to_be_visible()
    expect(page.get_by_label("Password")).to_be_visible()
    violations = axe_check(page)
    assert violations == [], describe_violations(violations)


def test_a_wrong_password_shows_the_error_summary(
    page: Page, live_server: Any, lead: Any, axe_check: Any
) -> None:
    page.goto(live_server.url + "/sign-in/")
    page.fill("#id_username", lead.username)
    page.fill("#id_password", "not-the-password")
    page.get_by_role("button", name="Sign in").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    expect(page).to_have_url(re.compile(r"/sign-in/$"))
    violations = axe_check(page)
    assert violations == [], describe_violations(violations)


def test_the_right_password_lands_on_the_partnerships(
    signed_in_page: Any, lead: Any, live_server: Any
) -> None:
    page = signed_in_page(lead, PASSWORD)
    expect(page).to_have_url(live_server.url + "/partnerships/")
    expect(page.get_by_role("link", name="Salford Drug Action Team")).to_be_visible()


def test_axe_check_does_find_serious_violations(page: Page, axe_check: Any) -> None:
    # The harness proves itself: an image without alternative text and an unlabelled field are caught.
    page.set_content(
        '<html lang="en"><title>t</title><main><img src="x.png"><input type="text"></main></html>'
    )
    assert {violation["id"] for violation in axe_check(page)} >= {"image-alt", "label"}
