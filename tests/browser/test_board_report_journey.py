"""The board's quarterly report in a browser: the lead commissioner opens the quarter's report from the
Board reports tab, writes its narrative, chooses risks from the register, names who signs it off, issues
it and downloads its PDF and spreadsheet, which carry what was written. No serious accessibility
violations on the way."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from datetime import date
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from concordat.core.roles import Role
from concordat.performance.models import BoardReport
from tests.factories import load_partnership, member
from tests.treatment.conftest import submit
from tests.treatment.submissions import a_file

pytestmark = pytest.mark.browser
NARRATIVE = "Waiting times for prescribing fell in the quarter."


@pytest.fixture
def salford(transactional_db: None) -> Any:
    from concordat.pool import services as pool
    from tests.performance.reports.conftest import document

    partnership = load_partnership(document())
    submit(partnership, a_file(3))
    pool.contribution_post(
        partnership=partnership, ref="C-1", date=date(2004, 4, 15), stream="NTA-PTB", amount_pence=65_000_000
    )
    return partnership


def test_the_lead_writes_issues_and_downloads_the_quarterly_report(
    salford: Any,
    signed_in_page: Callable[..., Page],
    live_server: Any,
    axe_check: Callable[[Page], list[dict[str, Any]]],
    tmp_path: Path,
) -> None:
    page = signed_in_page(
        member(salford, Role.LEAD_COMMISSIONER, username="lead", first_name="Lena", last_name="Lead")
    )
    page.goto(live_server.url + "/partnerships/salford-dat/")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Board reports").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Board reports")
    assert axe_check(page) == []
    page.get_by_label("Quarterly performance report").check()
    page.get_by_label("Financial year of its figures").select_option("2004-05")
    page.get_by_label("Quarter (for a quarterly report)").select_option("1")
    page.get_by_role("button", name="Open the report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Quarterly performance report, Q1 2004-05")
    expect(page.locator("#headline-in_treatment")).to_contain_text("People in structured treatment")
    assert axe_check(page) == []

    page.get_by_role("link", name="Write the narrative, risks and sign-off").click()
    assert axe_check(page) == []
    page.get_by_label("Narrative").fill(NARRATIVE)
    page.get_by_label("Recruitment of specialist staff", exact=False).check()
    page.get_by_label("Signed off by (optional until it is issued)").fill("Ann Chair")
    page.get_by_label("Their role (optional)").fill("Chair of the DAT board")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Saved the report")
    expect(page.locator("#narrative-text")).to_contain_text(NARRATIVE)
    expect(page.locator("#risk-list")).to_contain_text("Recruitment of specialist staff")

    page.get_by_role("link", name="Issue the report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Issue the quarterly performance report, Q1 2004-05"
    )
    assert axe_check(page) == []
    page.get_by_role("button", name="Issue the report").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Issued the report")
    expect(page.get_by_role("link", name="Write the narrative, risks and sign-off")).to_have_count(0)
    assert BoardReport.objects.get().status == "issued"
    assert axe_check(page) == []

    with page.expect_download() as pdf_download:
        page.get_by_role("link", name="Download the report as a PDF").click()
    assert pdf_download.value.suggested_filename == "salford-dat-quarterly-2004-05-q1.pdf"
    pdf = tmp_path / "report.pdf"
    pdf_download.value.save_as(pdf)
    words = " ".join(
        subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout.split()
    )
    assert (
        NARRATIVE in words and "Issued by Lena Lead" in words and "Ann Chair, Chair of the DAT board" in words
    )

    with page.expect_download() as xlsx_download:
        page.get_by_role("link", name="Download the report as a spreadsheet (XLSX)").click()
    xlsx = tmp_path / "report.xlsx"
    xlsx_download.value.save_as(xlsx)
    book = load_workbook(BytesIO(xlsx.read_bytes()))
    cells = [c.value for r in book["Narrative and risks"].iter_rows() for c in r]
    assert NARRATIVE in cells and "Recruitment of specialist staff" in cells and "Ann Chair" in cells
