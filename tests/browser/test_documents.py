"""A lead commissioner files the signed agreement and gets it back: upload through the GOV.UK form, see it
listed on the Documents tab, download it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

from concordat.core.roles import Role
from tests.documents.samples import PDF
from tests.factories import load_partnership, member


def test_a_lead_uploads_the_signed_agreement_sees_it_listed_and_downloads_it(
    transactional_db: None,
    signed_in_page: Callable[..., Page],
    live_server: Any,
    tmp_path: Path,
    axe_check: Callable[[Page], list[dict[str, Any]]],
) -> None:
    lead = member(load_partnership(), Role.LEAD_COMMISSIONER, username="lena")
    signed = tmp_path / "Signed agreement.pdf"
    signed.write_bytes(PDF)
    page = signed_in_page(lead)
    page.goto(live_server.url + "/partnerships/salford-dat/")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Documents", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Documents")
    page.get_by_role("button", name="Upload a document").click()

    page.get_by_label("File").set_input_files(str(signed))
    page.get_by_label("Title").fill("Section 31 agreement, signed")
    page.get_by_label("Signed agreement").check()
    page.get_by_label("Reference (optional)").fill("forward plan ref E645")
    assert axe_check(page) == []
    page.get_by_role("button", name="Upload").click()

    expect(page.locator(".govuk-notification-banner")).to_contain_text("Document uploaded")
    row = page.get_by_role("row").filter(has_text="Section 31 agreement, signed")
    expect(row).to_contain_text("forward plan ref E645")
    expect(row).to_contain_text("Signed agreement.pdf")
    assert axe_check(page) == []
    with page.expect_download() as downloading:
        row.get_by_role("link", name="Section 31 agreement, signed", exact=True).click()
    download = downloading.value
    assert download.suggested_filename == "Signed agreement.pdf"
    assert Path(download.path()).read_bytes() == PDF


def test_a_file_that_only_claims_to_be_a_pdf_is_refused_with_the_reason_at_the_field(
    transactional_db: None, signed_in_page: Callable[..., Page], live_server: Any, tmp_path: Path
) -> None:
    lead = member(load_partnership(), Role.LEAD_COMMISSIONER, username="lena")
    fake = tmp_path / "agreement.pdf"
    fake.write_text("<html><body>not a pdf</body></html>")
    page = signed_in_page(lead)
    page.goto(live_server.url + "/partnerships/salford-dat/documents/upload/")
    page.get_by_label("File").set_input_files(str(fake))
    page.get_by_label("Title").fill("Agreement")
    page.get_by_label("Other document").check()
    page.get_by_role("button", name="Upload").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("The selected file must be")
    expect(page.locator("#div_id_file .govuk-error-message")).to_contain_text(
        "its contents show none of these"
    )
