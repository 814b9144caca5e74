"""The lead commissioner's journey through the demo's Salford Drug Action Team, every step by clicking.

Sign in → partnerships → Salford DAT → Contributions (the stated-total mismatch) → Governance → an open item:
confirm it without evidence (the error summary), then with evidence and sign-off (saved, confirmed) →
Notification form → the PDF, which shows the evidence. Each test replays the steps it needs through the
pages, and checks one thing.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.contrib.contenttypes.models import ContentType
from playwright.sync_api import Locator, Page, expect

from concordat.core.models import AuditEntry as LogEntry
from concordat.partnerships.models import GovernanceItem

SALFORD = "Salford Drug Action Team"
OPEN_ITEM = "Financial issues such as charging and VAT"  # charging-and-vat: open in the demo
EVIDENCE = "Clause 14 VAT ruling of 12 March 2004"
SIGNED_OFF_BY = "Lena Lead"


def open_salford(demo_page: Callable[[str], Page], live_server: Any) -> Page:
    """Signed in as the lead commissioner, from the partnerships list to Salford DAT's overview."""
    page = demo_page("lead")
    expect(page).to_have_url(live_server.url + "/partnerships/")
    page.get_by_role("link", name=SALFORD, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Overview")
    return page


def go_to(page: Page, section: str) -> None:
    """Follow a link of the service navigation."""
    page.get_by_role("navigation", name="Menu").get_by_role("link", name=section, exact=True).click()
    expect(page.get_by_role("navigation", name="Menu").locator("[aria-current=page]")).to_contain_text(
        section
    )


def governance_row(page: Page, name: str) -> Locator:
    return page.locator(".govuk-task-list__item").filter(has_text=name)


def open_the_open_item(page: Page) -> None:
    """From the overview to the form of an item whose status tag reads Open."""
    go_to(page, "Governance")
    open_items = page.locator(".govuk-task-list__item").filter(
        has=page.locator(".govuk-task-list__status .govuk-tag", has_text=re.compile(r"^\s*Open\s*$"))
    )
    item = open_items.filter(has_text=OPEN_ITEM)
    expect(item).to_have_count(1)
    item.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(OPEN_ITEM)


def submit_confirmed_without_evidence(page: Page) -> None:
    page.get_by_role("radio", name="Confirmed").check()
    page.get_by_role("button", name="Save").click()


def confirm_with_evidence(page: Page) -> None:
    """The journey's way: the empty submission first, then the form completed and saved."""
    submit_confirmed_without_evidence(page)
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page.get_by_role("radio", name="Confirmed")).to_be_checked()
    page.get_by_label("Evidence", exact=True).fill(EVIDENCE)
    page.get_by_label("Signed off by", exact=True).fill(SIGNED_OFF_BY)
    date = page.get_by_role("group", name="Date signed off")
    date.get_by_label("Day").fill("12")
    date.get_by_label("Month").fill("3")
    date.get_by_label("Year").fill("2004")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Governance checklist")


def test_the_lead_commissioner_opens_salford_from_the_partnerships_list(
    demo_page: Callable[[str], Page], live_server: Any
) -> None:
    page = open_salford(demo_page, live_server)
    expect(page).to_have_url(live_server.url + "/partnerships/salford-dat/")
    expect(page.locator(".govuk-caption-l")).to_have_text(SALFORD)


def test_contributions_warn_that_the_stated_total_is_not_the_sum_of_the_lines(
    demo_page: Callable[[str], Page], live_server: Any
) -> None:
    page = open_salford(demo_page, live_server)
    go_to(page, "Contributions")
    warning = page.locator(".govuk-warning-text").filter(has_text="stated total")
    expect(warning).to_have_count(1)
    expect(warning).to_contain_text("£2,150,000.00")
    expect(warning).to_contain_text("£2,001,500.00")
    expect(warning).to_contain_text("the difference is £148,500.00")
    figures = page.locator(".concordat-stated-total")
    expect(figures.locator(".govuk-summary-list__row").filter(has_text="Difference")).to_contain_text(
        "£148,500.00"
    )


def test_confirming_an_open_item_without_evidence_shows_the_error_summary(
    demo_page: Callable[[str], Page], live_server: Any
) -> None:
    page = open_salford(demo_page, live_server)
    open_the_open_item(page)
    submit_confirmed_without_evidence(page)
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    expect(summary.get_by_role("link", name="Enter the evidence that this is robust")).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Error: "))
    assert (
        GovernanceItem.objects.get(partnership__slug="salford-dat", item="charging-and-vat").status == "open"
    )


def test_the_error_summary_link_moves_focus_to_the_evidence_field(
    demo_page: Callable[[str], Page], live_server: Any
) -> None:
    page = open_salford(demo_page, live_server)
    open_the_open_item(page)
    submit_confirmed_without_evidence(page)
    page.locator(".govuk-error-summary").get_by_role(
        "link", name="Enter the evidence that this is robust"
    ).click()
    expect(page.get_by_label("Evidence", exact=True)).to_be_focused()


def test_confirming_with_evidence_and_sign_off_marks_the_item_confirmed(
    demo_page: Callable[[str], Page], live_server: Any
) -> None:
    page = open_salford(demo_page, live_server)
    open_the_open_item(page)
    confirm_with_evidence(page)
    expect(page).to_have_url(live_server.url + "/partnerships/salford-dat/governance/")
    banner = page.locator(".govuk-notification-banner--success")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("Governance item saved")
    row = governance_row(page, OPEN_ITEM)
    expect(row.locator(".govuk-task-list__status")).to_have_text("Confirmed")
    expect(row.locator(".govuk-task-list__hint")).to_contain_text(EVIDENCE)
    expect(row.locator(".govuk-task-list__hint")).to_contain_text(
        f"Signed off by {SIGNED_OFF_BY} on 12 March 2004"
    )


def test_the_confirmation_is_recorded_in_the_audit_trail_as_the_lead(
    demo_page: Callable[[str], Page], live_server: Any
) -> None:
    page = open_salford(demo_page, live_server)
    open_the_open_item(page)
    confirm_with_evidence(page)
    item = GovernanceItem.objects.get(partnership__slug="salford-dat", item="charging-and-vat")
    entries = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(GovernanceItem),
        object_pk=str(item.pk),
        action=LogEntry.Action.UPDATE,
        actor__username="lead",
    )
    assert entries.count() == 1
    changes = entries.get().changes_dict
    assert changes["status"] == ["open", "confirmed"]
    assert changes["evidence"][1] == EVIDENCE
    assert changes["signed_off_by"][1] == SIGNED_OFF_BY


def test_the_notification_form_pdf_shows_the_confirmed_evidence(
    demo_page: Callable[[str], Page], live_server: Any, tmp_path: Path
) -> None:
    page = open_salford(demo_page, live_server)
    open_the_open_item(page)
    confirm_with_evidence(page)
    go_to(page, "Notification form")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the notification form (PDF)").click()
    download = download_info.value
    assert download.suggested_filename == "salford-dat-notification-form.pdf"
    pdf = tmp_path / "notification-form.pdf"
    download.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    words = " ".join(text.split())
    assert "Governance arrangements" in words
    assert EVIDENCE in words
