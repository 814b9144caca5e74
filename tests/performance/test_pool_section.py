"""The pooled fund manager's annual return and quarterly report take the performance of the services
funded from the KPI engine: the board's headline figures, published, against the same period a year
before, on the page, in the PDF and in the workbook; a partnership with no treatment record is told so."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from django.urls import reverse
from openpyxl import load_workbook

from concordat.core.roles import Role
from concordat.core.years import FinancialYear
from concordat.performance import selectors
from concordat.pool.report import NOT_RECORDED, manager_report, report_file
from tests.factories import member
from tests.partnerships.test_notification_form_document import pdf_pages_text
from tests.performance.pages import in_treatment, recorded
from tests.treatment.conftest import submit

YEAR = FinancialYear(2004)


def _client(client: Any, partnership: Any) -> Any:
    client.force_login(member(partnership, Role.POOL_MANAGER, username="pool-manager"))
    return client


def test_the_annual_return_shows_the_years_published_figures(client: Any, partnership: Any) -> None:
    assert submit(partnership, in_treatment(23)).report.accepted
    selectors.recompute(partnership.pk)
    as_of = selectors.default_as_of(partnership)
    published = selectors.kpis(partnership, YEAR.start, YEAR.end, as_of, published=True)
    assert published["in_treatment"] == 25  # 23 people, published to the nearest 5

    found = manager_report(partnership, "annual", YEAR, None).performance
    assert found is not None
    lines = {line.label: line for line in found.lines}
    treated = lines["People in structured treatment"]
    assert (treated.value, treated.last_year, treated.change) == ("25", "0", "+25")
    assert "1 April 2004 to 31 March 2005" in found.caption

    # The documents of that year (the web's year choice is the agreement's years: 2003-04 here).
    pdf = "\n".join(pdf_pages_text(report_file(partnership, "annual", YEAR, None, "return.pdf")))
    assert "People in structured treatment 25 0 +25" in " ".join(pdf.split())
    book = load_workbook(BytesIO(report_file(partnership, "annual", YEAR, None, "return.xlsx")))
    rows = {r[0]: r[1:] for r in book["Performance"].iter_rows(values_only=True)}
    assert rows["People in structured treatment"] == ("25", "0", "+25")
    page = _client(client, partnership).get(reverse("pool:report", args=[partnership.slug]))
    html = page.content.decode()
    assert page.status_code == 200 and 'id="performance-figures"' in html and NOT_RECORDED not in html


def test_a_quarterly_report_takes_the_quarters_figures(partnership: Any) -> None:
    recorded(partnership, clients=4, others=0)
    as_of = selectors.default_as_of(partnership)
    q2 = selectors.kpis(partnership, YEAR.quarter_end(1).replace(day=1, month=7), YEAR.quarter_end(2), as_of)
    found = manager_report(partnership, "quarterly", YEAR, 2).performance
    assert found is not None and "Q2 2004-05 (1 July 2004 to 30 September 2004)" in found.caption
    lines = {line.label: line for line in found.lines}
    # 4 people: withheld in published figures, though the exact count is there to be withheld.
    assert q2["in_treatment"] == 4 and lines["People in structured treatment"].value == "—"


def test_without_a_treatment_record_the_return_says_so(client: Any, partnership: Any) -> None:
    assert manager_report(partnership, "annual", YEAR, None).performance is None
    page = _client(client, partnership).get(
        reverse("pool:report", args=[partnership.slug]), {"year": "2004-05"}
    )
    assert page.status_code == 200 and NOT_RECORDED in page.content.decode()
