"""The agreement as the papers wrote it, in a browser: a lead commissioner records an approval that is only
requested, attaches the signed agreement to it, marks it approved once the body has decided, and downloads
the notification form, which carries the signature block and no "Draft" marker; a board member then reads
the same on a 375 px screen, with nothing running off the side of the page."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

from concordat.core.roles import Role
from concordat.partnerships.models import Approval
from tests.documents.samples import PDF
from tests.factories import load_partnership, member
from tests.partnerships.test_notification_form_document import ready_document

CABINET = "Salford Primary Care Trust Board"


def pdf_text(path: str) -> str:
    text = subprocess.run(["pdftotext", "-raw", path, "-"], capture_output=True, check=True).stdout.decode()
    return " ".join(text.split())


def approvals(page: Page, live_server: Any) -> None:
    page.goto(live_server.url + "/partnerships/salford-dat/")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Approvals", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Approvals")


def test_a_requested_approval_is_approved_with_its_signed_agreement_and_the_form_is_ready_to_send(
    transactional_db: None, signed_in_page: Callable[..., Page], live_server: Any, tmp_path: Path
) -> None:
    partnership = load_partnership(ready_document())
    lead = member(partnership, Role.LEAD_COMMISSIONER, username="lena", first_name="Lena", last_name="Lead")
    board = member(partnership, Role.BOARD_MEMBER, username="bob", first_name="Bob", last_name="Board")
    page = signed_in_page(lead)
    approvals(page, live_server)

    page.get_by_role("button", name="Add an approval").click()
    page.get_by_label("Body", exact=True).fill(CABINET)
    page.get_by_label("Requested").check()
    page.get_by_role("textbox", name="Decision", exact=True).fill("to approve the Section 31 agreement")
    page.get_by_label("Reference (optional)").fill("forward plan ref E645")
    page.get_by_role("button", name="Save").click()
    row = page.get_by_role("row").filter(has_text=CABINET)
    expect(row).to_contain_text("Requested")
    expect(row).to_contain_text("No date set")

    signed = tmp_path / "Signed agreement.pdf"
    signed.write_bytes(PDF)
    row.get_by_role("link", name="Attach a document").click()
    page.get_by_label("File").set_input_files(str(signed))
    page.get_by_label("Title").fill("Section 31 agreement, signed")
    page.get_by_label("Signed agreement").check()
    page.get_by_role("button", name="Upload").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Document uploaded")

    approvals(page, live_server)
    page.get_by_role("row").filter(has_text=CABINET).get_by_role("link", name="Change").click()
    page.get_by_label("Approved").check()
    page.locator("#id_date_0").fill("16")
    page.locator("#id_date_1").fill("3")
    page.locator("#id_date_2").fill("2004")
    page.get_by_role("button", name="Save").click()
    row = page.get_by_role("row").filter(has_text=CABINET)
    expect(row).to_contain_text("Approved")
    expect(row).to_contain_text("16 March 2004")
    expect(row).to_contain_text("Section 31 agreement, signed")
    assert Approval.objects.get(body=CABINET).state == "approved"

    page.get_by_role("navigation", name="Menu").get_by_role(
        "link", name="Notification form", exact=True
    ).click()
    with page.expect_download() as downloading:
        page.get_by_role("link", name="Download the notification form (PDF)").click()
    text = pdf_text(downloading.value.path())
    assert "Signatures" in text and "Signed for each partner" in text and "Draft" not in text

    # The board member, on a phone.
    phone = signed_in_page(board)
    phone.set_viewport_size({"width": 375, "height": 800})
    phone.goto(live_server.url + "/partnerships/salford-dat/")
    phone.get_by_role("button", name="Menu").click()  # the navigation folds away on a small screen
    phone.get_by_role("link", name="Approvals", exact=True).click()
    row = phone.get_by_role("row").filter(has_text=CABINET)
    expect(row).to_contain_text("Approved")
    expect(row).to_contain_text("Section 31 agreement, signed")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    phone.get_by_role("button", name="Menu").click()
    phone.get_by_role("link", name="Notification form", exact=True).click()
    phone.wait_for_load_state()  # measured on the new page, not while the old one is going
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    expect(phone.locator("main")).not_to_contain_text("This form is a draft")
    with phone.expect_download() as downloading:
        phone.get_by_role("link", name="Download the notification form (PDF)").click()
    assert "Draft" not in pdf_text(downloading.value.path())
