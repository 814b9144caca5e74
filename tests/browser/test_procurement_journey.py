"""Commissioning in a browser: a lead commissioner starts a procurement, records every stage from the
strategy to the signed contract through the task list (a stage dated before the one before it is refused
at its field), records the contract, then a variation; the contract page shows the new value beside the
original. Each page passes axe."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page, expect

from concordat.commissioning import selectors
from concordat.commissioning.models import Procurement
from concordat.core.roles import Role
from tests.commissioning.conftest import PROVIDERS
from tests.factories import load_partnership, member


def next_stage(page: Page) -> None:
    page.locator(".govuk-task-list__link").click()


def test_a_procurement_from_strategy_to_signed_contract_then_a_variation(
    transactional_db: None, signed_in_page: Callable[..., Page], live_server: Any, axe_check: Any
) -> None:
    partnership = load_partnership(providers=PROVIDERS)
    lead = member(partnership, Role.LEAD_COMMISSIONER, username="lena", first_name="Lena", last_name="Lead")
    page = signed_in_page(lead)
    page.goto(live_server.url + f"/partnerships/{partnership.slug}/")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Procurements", exact=True).click()
    page.get_by_role("link", name="Start a procurement").click()
    page.get_by_label("Title").fill("Integrated drug and alcohol treatment service")
    page.get_by_label("Estimated annual value (optional)").fill("2984360.00")
    page.get_by_label("Estimated whole-life value (optional)").fill("20890520.00")
    page.get_by_label("Maximum term in years, with extensions (optional)").fill("7")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Integrated drug and alcohol treatment service")
    assert axe_check(page) == []

    next_stage(page)  # strategy approved
    page.get_by_label("Date").fill("2024-03-04")
    page.get_by_label("Who decided (for example, the Cabinet)").fill("Cabinet")
    page.get_by_role("button", name="Save").click()

    next_stage(page)  # process chosen: a date before the strategy is refused at the field
    page.get_by_label("Date").fill("2024-03-01")
    page.get_by_label("Who decided (for example, the Cabinet)").fill("Director of Public Health")
    page.get_by_label("Competitive process").check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-message")).to_contain_text("before the previous stage")
    assert axe_check(page) == []
    page.get_by_label("Date").fill("2024-03-04")
    page.get_by_role("button", name="Save").click()

    for stage_date in ("2024-03-11", "2024-04-15"):  # notice published, bids received
        next_stage(page)
        page.get_by_label("Date").fill(stage_date)
        page.get_by_role("button", name="Save").click()

    next_stage(page)  # evaluated
    page.get_by_label("Date").fill("2024-05-01")
    page.get_by_label("Criteria, weights and how each was assessed").fill(
        "Quality and innovation | 60 | Method statements scored 0-5\nValue | 30 | Price\nSocial value | 10 | Commitments scored 0-5"
    )
    page.get_by_label("Conflicts of interest declared, and how they were managed").fill("None declared")
    page.get_by_role("button", name="Save").click()

    next_stage(page)  # intention to award
    page.get_by_label("Date").fill("2024-05-02")
    page.get_by_label("Provider").select_option("P1")
    page.get_by_role("button", name="Save").click()

    procurement = Procurement.objects.get(partnership=partnership)
    _, end = selectors.standstill_of(procurement)
    assert end is not None
    next_stage(page)  # standstill ended
    page.get_by_label("Date").fill(end.isoformat())
    page.get_by_role("button", name="Save").click()

    next_stage(page)  # awarded
    page.get_by_label("Date").fill(end.isoformat())
    page.get_by_label("Who decided (for example, the Cabinet)").fill("Cabinet")
    page.get_by_role("button", name="Save").click()

    page.get_by_role("link", name="Record the contract").click()
    page.get_by_label("Start date").fill("2024-07-01")
    page.get_by_label("End date").fill("2031-06-30")
    page.get_by_label("Annual value").fill("2984360.00")
    page.get_by_label("Whole-life value (optional)").fill("20890520.00")
    page.get_by_role("button", name="Save").click()

    next_stage(page)  # contract signed
    page.get_by_label("Date").fill(end.isoformat())
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#stages")).not_to_contain_text("Cannot start yet")
    expect(page.locator(".govuk-task-list__link")).to_have_count(0)

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Contracts", exact=True).click()
    page.get_by_role("link", name="Integrated drug and alcohol treatment service").click()
    assert axe_check(page) == []
    page.get_by_role("link", name="Record a variation").click()
    page.get_by_label("Date of the variation").fill("2025-04-01")
    page.get_by_label("Reason").fill("Inflation uplift")
    page.get_by_label("New annual value (optional)").fill("3050000.00")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#annual-value")).to_contain_text("£3,050,000.00")
    expect(page.locator("#annual-value")).to_contain_text("originally £2,984,360.00")
    expect(page.locator("#variations")).to_contain_text("Inflation uplift")
