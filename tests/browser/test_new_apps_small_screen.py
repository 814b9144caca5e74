"""The pooled fund, commissioning and the treatment record on a 375 px screen, as a new user goes and as a
hurried one does: forms sent empty (the error summary's links move focus to the field, a date's day box, a
radio), impossible dates, then Back after saving and the same answers sent again (saved once). Every page
fits the screen and passes axe."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from concordat.commissioning.models import Procurement, Service, StageRecord
from concordat.core.roles import Role
from concordat.pool import services as pool_services
from concordat.pool.models import Transaction
from concordat.treatment.models import Episode
from tests.browser.test_small_screen import MEASURE, WIDTH
from tests.commissioning.conftest import PROVIDERS
from tests.factories import load_partnership, member

pytestmark = pytest.mark.browser
Axe = Callable[[Page], list[dict[str, Any]]]
# One long word, as a title pasted from a notice can be: it must wrap, not push the page sideways.
LONG_TITLE = "Integrated-drug-and-alcohol-treatment-service-for-adults-and-young-people-2025"


def small(page: Page) -> Page:
    page.set_viewport_size({"width": WIDTH, "height": 800})
    return page


def looks_right(page: Page, axe_check: Axe) -> None:
    """One h1, a title naming the page, nothing wider than the screen, no serious axe violation."""
    expect(page.locator("h1")).to_have_count(1)
    assert page.title().endswith(" – Concordat") and page.title() != " – Concordat"
    measured = page.evaluate(MEASURE)
    assert measured["scrollWidth"] <= WIDTH and measured["overflowing"] == [], (page.url, measured)
    assert axe_check(page) == [], page.url


def follow_error_link(page: Page, text: str, focused_id: str) -> None:
    page.locator(".govuk-error-summary").get_by_role("link", name=text).click()
    expect(page.locator(f"#{focused_id}")).to_be_focused()


def test_a_payment_posted_then_back_and_posted_again_is_posted_once(
    transactional_db: None, signed_in_page: Callable[..., Page], live_server: Any, axe_check: Axe
) -> None:
    partnership = load_partnership()
    pool_services.contribution_post(
        partnership=partnership, ref="C-1", date=date(2003, 4, 15), stream="NTA-PTB", amount_pence=30000000
    )
    page = small(signed_in_page(member(partnership, Role.POOL_MANAGER, username="finance")))
    page.goto(live_server.url + "/partnerships/salford-dat/pool/ledger/")
    page.get_by_role("link", name="Post a payment").click()
    looks_right(page, axe_check)
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_title("Error: Post a payment – Concordat")
    looks_right(page, axe_check)
    follow_error_link(page, "Enter the date paid", "id_date_0")

    page.get_by_label("Day").fill("30")
    page.get_by_label("Month").fill("2")
    page.get_by_label("Year").fill("2004")
    page.get_by_label("Contract reference or spend line").fill("CDT-2003")
    page.get_by_label("Purpose").select_option("treatment")
    page.get_by_label("Amount").fill("1e5")
    page.get_by_role("button", name="Continue").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter a real date")
    expect(summary).to_contain_text("Enter an amount in pounds")

    # Afresh (Back into a page that answered a POST would ask to send that POST again).
    page.goto(live_server.url + "/partnerships/salford-dat/pool/ledger/")
    page.get_by_role("link", name="Post a payment").click()
    page.get_by_label("Day").fill("1")
    page.get_by_label("Month").fill("8")
    page.get_by_label("Year").fill("2003")
    page.get_by_label("Contract reference or spend line").fill("CDT-2003")
    page.get_by_label("Purpose").select_option("treatment")
    page.get_by_label("Amount").fill("£12,000")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers before posting")
    looks_right(page, axe_check)
    page.get_by_role("button", name="Post the payment").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Posted payment")
    looks_right(page, axe_check)

    page.go_back()  # the check page
    page.go_back()  # the question page, its answers kept under the same token
    expect(page.get_by_label("Amount")).to_have_value("£12,000")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Post the payment").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("was already posted")
    assert Transaction.objects.filter(kind="payment").count() == 1


def test_a_service_and_a_procurement_added_and_a_stage_recorded_once_each(
    transactional_db: None, signed_in_page: Callable[..., Page], live_server: Any, axe_check: Axe
) -> None:
    partnership = load_partnership(providers=PROVIDERS)
    page = small(signed_in_page(member(partnership, Role.LEAD_COMMISSIONER, username="lena")))
    page.goto(live_server.url + f"/partnerships/{partnership.slug}/services/")
    looks_right(page, axe_check)
    page.get_by_role("link", name="Add a service").click()
    page.get_by_role("button", name="Save").click()
    looks_right(page, axe_check)
    follow_error_link(page, "Select the Models of Care tier", "id_tier_1")
    page.goto(live_server.url + f"/partnerships/{partnership.slug}/services/")
    page.get_by_role("link", name="Add a service").click()
    page.get_by_label("Name").fill("Street outreach")
    page.get_by_label("Tier 2").check()
    page.get_by_label("Modality").select_option("advice")
    page.get_by_label("Adults", exact=True).check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Added the service Street outreach")
    page.go_back()
    page.get_by_role("button", name="Save").click()  # the browser kept the answers: sent again
    expect(page.locator(".govuk-notification-banner")).to_contain_text("already saved")
    assert Service.objects.filter(partnership=partnership).count() == 1

    page.goto(live_server.url + f"/partnerships/{partnership.slug}/procurements/")
    page.get_by_role("link", name="Start a procurement").click()
    page.get_by_label("Title").fill(LONG_TITLE)
    page.get_by_label("Estimated annual value (optional)").fill("£100,000")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(LONG_TITLE)
    looks_right(page, axe_check)
    page.go_back()
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("already saved")
    assert Procurement.objects.get(partnership=partnership).estimated_annual_pence == 10000000

    page.goto(live_server.url + f"/partnerships/{partnership.slug}/procurements/")
    page.get_by_role("link", name=LONG_TITLE).click()
    page.locator(".govuk-task-list__link").click()  # strategy approved
    looks_right(page, axe_check)
    page.get_by_label("Date").fill("2024-03-04")
    page.get_by_label("Who decided (for example, the Cabinet)").fill("Cabinet")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Recorded: Strategy approved")
    page.go_back()  # the form again, now for the next stage: send it as a second tab left on the strategy would
    page.evaluate("document.querySelector('input[name=stage]').value = 'strategy-approved'")
    page.get_by_label("Date").fill("2024-03-04")
    page.get_by_label("Who decided (for example, the Cabinet)").fill("Cabinet")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Strategy approved was already recorded"
    )
    assert list(StageRecord.objects.values_list("stage", flat=True)) == ["strategy-approved"]


def test_a_key_worker_refers_a_client_on_a_small_screen_and_saving_twice_adds_one(
    transactional_db: None, signed_in_page: Callable[..., Page], live_server: Any, axe_check: Axe
) -> None:
    partnership = load_partnership()
    page = small(signed_in_page(member(partnership, Role.KEY_WORKER, username="kit")))
    page.goto(live_server.url + "/partnerships/salford-dat/treatment/caseload/")
    looks_right(page, axe_check)
    page.get_by_role("link", name="Refer a client").click()
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_title("Error: About the client – Concordat")
    looks_right(page, axe_check)
    follow_error_link(page, "Enter the date of birth", "id_date_of_birth_0")
    follow_error_link(page, "Select the sex", "id_sex_1")

    page.get_by_label("Your service's client reference").fill("KIT-1")
    page.get_by_label("Client's initials").fill("ab")
    page.fill("#id_date_of_birth_0", "30")
    page.fill("#id_date_of_birth_1", "2")
    page.fill("#id_date_of_birth_2", "1980")
    page.get_by_label("Female").check()
    page.get_by_label("Local authority of residence (ONS code)").fill("E08000006")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the date of birth as a real date")
    page.fill("#id_date_of_birth_0", "28")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("About the referral")
    looks_right(page, axe_check)
    page.get_by_label("Your service's episode reference").fill("KIT-EP-1")
    page.fill("#id_referral_date_0", "1")
    page.fill("#id_referral_date_1", "2")
    page.fill("#id_referral_date_2", "2005")
    page.get_by_label("Self", exact=True).check()
    page.get_by_label("Alcohol").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers")
    looks_right(page, axe_check)
    check_page = page.url
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Referral saved")
    looks_right(page, axe_check)

    page.goto(check_page)  # Back to the check page, Save again
    if page.get_by_role("button", name="Save").count():
        page.get_by_role("button", name="Save").click()
    assert Episode.objects.filter(episode_ref="KIT-EP-1").count() == 1
