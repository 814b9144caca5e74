"""axe-core finds no serious or critical accessibility problem on the service's key pages, as the demo's
users see them (the lead commissioner, who sees every change link and button, unless said otherwise)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import describe_violations
from tests.factories import entry_key


def show_sign_in_errors(page: Page) -> None:
    page.get_by_label("Username").fill("lead")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()


def show_governance_errors(page: Page) -> None:
    page.get_by_role("radio", name="Confirmed").check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()


@dataclass(frozen=True)
class Case:
    path: str  # "{appraisal}" in it: the key of salford-ld's first options appraisal, read when the test runs
    heading: str  # the page's h1, to be sure axe checks the page meant
    user: str | None = "lead"  # a demo user, or None: not signed in
    status: int = 200
    then: Callable[[Page], None] | None = None  # what to do on the page before checking it


SALFORD = "/partnerships/salford-dat"
CASES = {
    "sign-in": Case("/sign-in/", "Sign in", user=None),
    "sign-in-with-errors": Case("/sign-in/", "Sign in", user=None, then=show_sign_in_errors),
    "partnerships": Case("/partnerships/", "Partnerships"),
    "overview": Case(f"{SALFORD}/", "Overview"),
    "contributions": Case(f"{SALFORD}/contributions/", "Contributions"),
    "aims-and-milestones": Case(f"{SALFORD}/aims/", "Aims and milestones"),
    "governance": Case(f"{SALFORD}/governance/", "Governance checklist"),
    "governance-item-with-errors": Case(
        f"{SALFORD}/governance/charging-and-vat/", "Financial issues", then=show_governance_errors
    ),
    "approvals": Case(f"{SALFORD}/approvals/", "Approvals"),
    "consultation": Case(f"{SALFORD}/consultation/", "Consultation and involvement"),
    "board": Case(f"{SALFORD}/board/", "Board membership"),
    "appraisals": Case("/partnerships/salford-ld/appraisals/", "Options appraisals"),
    "appraisal": Case(
        "/partnerships/salford-ld/appraisals/{appraisal}/",
        "Model for integrated commissioning of learning difficulty services",
    ),
    "remove-confirmation": Case(
        f"{SALFORD}/streams/NTA-PTB/remove/", "Are you sure you want to remove the funding stream"
    ),
    "remove-refused": Case(f"{SALFORD}/partners/PCT/remove/", "You cannot remove the partner"),
    "notification-form": Case(f"{SALFORD}/notification-form/", "Section 31 notification form"),
    "notification-form-statements": Case(
        f"{SALFORD}/notification-form/statements/", "Change the notification form's statements"
    ),
    "add-stated-total": Case(f"{SALFORD}/stated-totals/add/", "Add a stated total"),
    "add-provider": Case(f"{SALFORD}/providers/add/", "Add a provider"),
    "audit-trail": Case(f"{SALFORD}/audit/", "Audit trail", user="auditor"),
    "members": Case(f"{SALFORD}/members/", "Members and roles"),
    "not-found": Case("/partnerships/no-such-partnership/", "Page not found", status=404),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_the_page_has_no_serious_accessibility_violations(
    case: Case, live_server: Any, axe_check: Any, request: pytest.FixtureRequest
) -> None:
    if case.user is None:
        page: Page = request.getfixturevalue("page")
    else:
        page = request.getfixturevalue("demo_page")(case.user)
    path = case.path
    if "{appraisal}" in path:
        path = path.format(appraisal=entry_key("salford-ld", "options_appraisals", 0))
    response = page.goto(live_server.url + path)
    assert response is not None and response.status == case.status
    if case.then is not None:
        case.then(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text(case.heading)
    violations = axe_check(page)
    assert violations == [], describe_violations(violations)
