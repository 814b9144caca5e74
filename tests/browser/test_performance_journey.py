"""Performance in a browser, as the board's question is answered: a provider's data officer opens the
Performance tab, reads a trend chart (its title, its words and its table), follows a count in the chart's
table to the records behind it, each written to the access log; the lead commissioner chooses a quarter,
follows the dashboard's link to that quarter's board report (written and issued in
test_board_report_journey.py), and compares the partnership with the others on the national page, its own
row marked. No serious accessibility violations on the way."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from concordat.core.roles import Role
from concordat.performance import selectors
from concordat.treatment.sharing import AccessEntry
from tests.factories import load_partnership, member
from tests.performance.pages import p2_rows
from tests.treatment.conftest import submit
from tests.treatment.submissions import a_file

pytestmark = pytest.mark.browser


@pytest.fixture
def salford(transactional_db: None) -> Any:
    from tests.performance.reports.conftest import document

    partnership = load_partnership(document())
    assert submit(partnership, a_file(4)).report.accepted
    assert submit(partnership, p2_rows(2), provider="P2").report.accepted
    selectors.recompute(partnership.pk)
    return partnership


def test_a_count_leads_to_its_records_and_the_quarter_to_its_report_and_the_national_table(
    salford: Any,
    signed_in_page: Callable[..., Page],
    live_server: Any,
    axe_check: Callable[[Page], list[dict[str, Any]]],
) -> None:
    officer = signed_in_page(member(salford, Role.PROVIDER_DATA_OFFICER, provider="P1", username="pat"))
    officer.goto(live_server.url + "/partnerships/salford-dat/")
    officer.get_by_role("navigation", name="Menu").get_by_role("link", name="Performance").click()
    expect(officer.get_by_role("heading", level=1)).to_contain_text("Performance: Q4 2004-05")
    assert axe_check(officer) == []

    chart = officer.locator("figure.concordat-chart").first
    expect(chart.locator("svg")).to_have_count(1)
    expect(chart.locator("figcaption")).not_to_be_empty()  # the trend in words
    table = officer.locator("table[id^=table-]").first
    expect(table.locator("caption")).to_contain_text("the figures")
    link = table.locator("tbody a.govuk-link").first
    figure = link.inner_text().split()[0]
    link.click()

    expect(officer.get_by_role("heading", level=1)).to_contain_text("People in treatment: ")
    expect(officer.locator("#who-you-see")).to_contain_text(
        f"The dashboard's figure, for everyone, is {figure}"
    )
    assert axe_check(officer) == []
    shown = officer.locator("#episodes tbody a.govuk-link")
    handles = {href.rstrip("/").rsplit("/", 1)[1] for href in shown.evaluate_all("a => a.map(x => x.href)")}
    assert handles
    logged = set(AccessEntry.objects.filter(what__startswith="performance").values_list("handle", flat=True))
    assert logged == handles  # every record on the page, and no other, is in the access log
    officer.get_by_role("link", name="Back to the figures for").click()
    expect(officer.get_by_role("heading", level=1)).to_contain_text("Performance:")

    lead = signed_in_page(member(salford, Role.LEAD_COMMISSIONER, username="lead"))
    lead.goto(live_server.url + "/partnerships/salford-dat/performance/")
    lead.locator("#id_period").select_option("2004-05-q1")
    lead.get_by_role("button", name="Show the figures").click()
    expect(lead.get_by_role("heading", level=1)).to_contain_text("Performance: Q1 2004-05")
    assert not lead.locator("#kpi-in_treatment a").count()  # counts only: the lead sees no client records
    lead.get_by_role("link", name="The board's report: Quarterly performance report, Q1 2004-05").click()
    expect(lead.get_by_role("heading", level=1)).to_have_text("Quarterly performance report, Q1 2004-05")
    expect(lead.locator("#headline-in_treatment")).to_contain_text("People in structured treatment")

    lead.go_back()
    lead.get_by_role("link", name="Compare with other partnerships (published figures)").click()
    expect(lead.get_by_role("heading", level=1)).to_contain_text("partnerships")
    own = lead.locator("tr", has_text=salford.name).first
    expect(own).to_be_visible()
    assert axe_check(lead) == []
