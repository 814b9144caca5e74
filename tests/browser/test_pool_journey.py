"""The pooled fund in a browser: the finance officer posts a payment through check your answers, sees the
statement change, reverses it and downloads the quarterly report; a partner representative sees their
share and cannot post. No serious accessibility violations on the pool's pages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from concordat.core.roles import Role
from concordat.pool import services
from concordat.pool.models import Transaction
from tests.factories import load_partnership, member

pytestmark = pytest.mark.browser


@pytest.fixture
def salford(transactional_db: None) -> Any:
    partnership = load_partnership()
    services.contribution_post(
        partnership=partnership, ref="C-1", date=date(2003, 4, 15), stream="NTA-PTB", amount_pence=30000000
    )
    return partnership


def statement_page(page: Page, live_server: Any) -> Page:
    page.goto(live_server.url + "/partnerships/salford-dat/pool/?year=2003-04")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Pooled fund statement: 2003-04")
    return page


def test_the_finance_officer_posts_reverses_and_downloads_the_report(
    salford: Any,
    signed_in_page: Callable[..., Page],
    live_server: Any,
    axe_check: Callable[[Page], list[dict[str, Any]]],
) -> None:
    page = statement_page(signed_in_page(member(salford, Role.POOL_MANAGER, username="finance")), live_server)
    figures = page.locator("#figures")
    expect(figures).to_contain_text("£0.00")
    assert axe_check(page) == []

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Ledger", exact=True).click()
    assert axe_check(page) == []
    page.get_by_role("link", name="Post a payment").click()
    page.get_by_label("Day").fill("1")
    page.get_by_label("Month").fill("8")
    page.get_by_label("Year").fill("2003")
    page.get_by_label("Contract reference or spend line").fill("CDT-2003")
    page.get_by_label("Purpose").select_option("treatment")
    page.get_by_label("Amount").fill("12,000.00")
    assert axe_check(page) == []
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers before posting")
    expect(page.locator("#answers")).to_contain_text("£12,000.00")
    assert axe_check(page) == []
    page.get_by_role("button", name="Post the payment").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Posted payment")
    assert Transaction.objects.filter(kind="payment").count() == 1

    statement_page(page, live_server)
    expect(page.locator("#figures")).to_contain_text("£12,000.00")

    page.goto(live_server.url + "/partnerships/salford-dat/pool/ledger/")
    page.get_by_role("row").filter(has_text="Payment").get_by_role("link").click()
    page.get_by_role("link", name="Reverse this transaction").click()
    assert axe_check(page) == []
    page.get_by_role("button", name="Reverse").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("is reversed by")
    expect(page.locator("main")).to_contain_text("Reversed by REV-")
    expect(page.get_by_role("link", name="Reverse this transaction")).to_have_count(0)
    # The reversal is dated today: it counts in today's year, as every posting counts in its date's year.
    assert Transaction.objects.filter(kind="reversal").count() == 1

    page.goto(live_server.url + "/partnerships/salford-dat/pool/report/?year=2003-04&quarter=2")
    assert axe_check(page) == []
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the quarterly report as a PDF").click()
    assert download.value.suggested_filename == "salford-dat-quarterly-2003-04-q2.pdf"


def test_a_partner_representative_sees_their_share_and_cannot_post(
    salford: Any, signed_in_page: Callable[..., Page], live_server: Any
) -> None:
    page = signed_in_page(member(salford, Role.PARTNER_REPRESENTATIVE, username="partner"))
    page.goto(live_server.url + "/partnerships/salford-dat/pool/?year=2003-04")
    page.get_by_label("Highlight the figures of").select_option("PCT")
    page.get_by_role("button", name="Show the statement").click()
    expect(page.locator("#own-share")).to_contain_text("89.81%")
    page.goto(live_server.url + "/partnerships/salford-dat/pool/ledger/")
    expect(page.get_by_role("link", name="Post a payment")).to_have_count(0)
    response = page.goto(live_server.url + "/partnerships/salford-dat/pool/post/payment/")
    assert response is not None and response.status == 403
