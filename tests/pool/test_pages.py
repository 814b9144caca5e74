"""The pool's pages and documents: the statement (page, PDF, workbook), the ledger and its CSV, a
transaction's reversal, the posting forms with check your answers, and the manager's report."""

from __future__ import annotations

import re
from datetime import date
from io import BytesIO
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from concordat.core.money import format_pounds
from concordat.core.roles import Role
from concordat.core.years import FinancialYear
from concordat.pool import selectors, services
from concordat.pool.charts import chart_svg
from concordat.pool.models import Transaction
from concordat.pool.workbook import POUNDS
from tests.factories import member, row_counts
from tests.partnerships.test_notification_form_document import pdf_pages_text

pytestmark = pytest.mark.django_db
SLUG = "salford-dat"
YEAR = {"year": "2003-04"}


@pytest.fixture
def ledger(post: Any) -> Any:
    post("contribution", "C-1", "2003-04-15", "300000.00", stream="NTA-PTB")
    post("contribution", "C-2", "2003-07-15", "100000.00", stream="SOCIAL-SERVICES")
    post("payment", "P-1", "2003-07-01", "12000.00", contract="CDT-2003", purpose="treatment")
    return post


def signed_in(client: Any, partnership: Any, role: str) -> Any:
    client.force_login(member(partnership, role, username=f"u-{role}"))
    return client


def url(name: str, *args: Any) -> str:
    return reverse(f"pool:{name}", args=[SLUG, *args])


def test_the_statement_page_shows_the_selectors_figures(client: Any, partnership: Any, ledger: Any) -> None:
    figures = selectors.statement(partnership, FinancialYear(2003))
    html = signed_in(client, partnership, Role.BOARD_MEMBER).get(url("statement"), YEAR).content.decode()
    for pence in (figures.budget, figures.received, figures.actual_spend, figures.variance):
        assert format_pounds(pence) in html
    assert "Best Value" in html and "Clinical Governance" in html
    assert "<svg" in html and "Line chart of the budget" in html


def test_a_quarter_counts_postings_to_its_end(client: Any, partnership: Any, ledger: Any) -> None:
    html = (
        signed_in(client, partnership, Role.AUDITOR)
        .get(url("statement"), {**YEAR, "quarter": "1"})
        .content.decode()
    )
    assert "to the end of Q1" in html
    assert format_pounds(30000000) in html and format_pounds(40000000) not in html


def test_the_chart_works_under_a_strict_csp(partnership: Any, ledger: Any) -> None:
    svg = chart_svg(selectors.statement(partnership, FinancialYear(2003)))
    assert not re.search(r"\sstyle=|<style|<script", svg)


def test_a_partner_sees_its_own_share_highlighted(client: Any, partnership: Any, ledger: Any) -> None:
    figures = selectors.statement(partnership, FinancialYear(2003))
    pct = next(p for p in figures.partners if p.code == "PCT")
    page = signed_in(client, partnership, Role.PARTNER_REPRESENTATIVE).get(
        url("statement"), {**YEAR, "partner": "PCT"}
    )
    html = page.content.decode()
    assert 'id="own-share"' in html and f"{pct.share_pct}%" in html
    assert format_pounds(pct.attributed_spend) in html
    assert "Post a payment" not in html


def test_the_statement_pdf_has_the_figures_and_the_chart(client: Any, partnership: Any, ledger: Any) -> None:
    response = signed_in(client, partnership, Role.POOL_MANAGER).get(url("statement-pdf"), YEAR)
    text = "\n".join(pdf_pages_text(response.content))
    assert "Pooled fund statement" in text and format_pounds(1200000) in text
    assert "Spend to date" in text  # the chart's legend


def test_the_workbook_holds_numbers_formatted_as_pounds(client: Any, partnership: Any, ledger: Any) -> None:
    response = signed_in(client, partnership, Role.LEAD_COMMISSIONER).get(url("statement-xlsx"), YEAR)
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == ["Summary", "Partners", "Streams", "Quarters", "Schemes"]
    summary = {row[0].value: row[1] for row in book["Summary"].iter_rows(min_row=1) if len(row) > 1}
    spend = summary["Actual spend"]
    assert spend.value == 12000 and spend.number_format == POUNDS
    partners = list(book["Partners"].iter_rows(min_row=2, values_only=True))
    assert all(isinstance(row[2], (int, float)) for row in partners)


def test_the_ledger_filters_and_exports_csv(client: Any, partnership: Any, ledger: Any) -> None:
    client = signed_in(client, partnership, Role.AUDITOR)
    html = client.get(url("ledger"), {"kind": "payment"}).content.decode()
    assert "P-1" in html and "C-1" not in html
    ledger(
        "payment",
        "F-1",
        "2003-08-01",
        "1.00",
        contract="CDT-2003",
        purpose="treatment",
        description="=SUM(A1)",
    )
    csv = client.get(url("ledger-csv")).content.decode()
    assert "'=SUM(A1)" in csv and "12000.00" in csv


def test_the_ledger_page_costs_the_same_queries_however_many_rows(
    client: Any, partnership: Any, ledger: Any, django_assert_max_num_queries: Any
) -> None:
    client = signed_in(client, partnership, Role.POOL_MANAGER)
    client.get(url("ledger"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url("ledger"))
    for n in range(20):
        ledger("payment", f"X-{n}", "2003-09-01", "1.00", contract="CDT-2003", purpose="treatment")
    with CaptureQueriesContext(connection) as many:
        client.get(url("ledger"))
    assert len(many) == len(few)
    with CaptureQueriesContext(connection) as first:
        client.get(url("statement"), YEAR)
    ledger("payment", "Y-1", "2003-09-01", "1.00", contract="OTHER", purpose="treatment")
    with CaptureQueriesContext(connection) as second:
        client.get(url("statement"), YEAR)
    assert len(first) == len(second)


def test_a_transaction_is_reversed_once(client: Any, partnership: Any, ledger: Any, fixed_today: Any) -> None:
    client = signed_in(client, partnership, Role.POOL_MANAGER)
    payment = Transaction.objects.get(ref="P-1")
    page = client.get(url("transaction", payment.sequence)).content.decode()
    assert "Reverse this transaction" in page and "spend:CDT-2003" in page
    confirm = client.get(url("reverse", payment.sequence)).content.decode()
    token = re.search(r'name="token" value="([a-z0-9]+)"', confirm).group(1)
    assert 'name="date_2" type="text" value="2004"' in confirm or 'value="2004"' in confirm  # today
    client.post(url("reverse", payment.sequence), {"token": token, **TODAY})
    assert Transaction.objects.filter(kind="reversal", reverses=payment).count() == 1
    before = row_counts(), Transaction.objects.count()
    again = client.post(
        url("reverse", payment.sequence), {"token": token, **TODAY}, follow=True
    ).content.decode()
    other = client.post(
        url("reverse", payment.sequence), {"token": "abcdefghij", **TODAY}, follow=True
    ).content.decode()
    assert "already reversed" in again and "already reversed" in other
    assert (row_counts(), Transaction.objects.count()) == before


TODAY = {"date_0": "1", "date_1": "2", "date_2": "2004"}  # fixed_today's


def test_a_reversal_takes_the_date_it_is_given_and_refuses_one_before_the_original(
    client: Any, partnership: Any, ledger: Any, fixed_today: Any
) -> None:
    client = signed_in(client, partnership, Role.POOL_MANAGER)
    payment = Transaction.objects.get(ref="P-1")
    before = row_counts(), Transaction.objects.count()
    early = client.post(
        url("reverse", payment.sequence),
        {"token": "abcdefghij", "date_0": "1", "date_1": "4", "date_2": "2003"},
    )
    assert early.status_code == 422 and "cannot be dated before" in early.content.decode()
    assert 'id="date-error"' in early.content.decode() or "govuk-error-message" in early.content.decode()
    missing = client.post(url("reverse", payment.sequence), {"token": "abcdefghij"})
    assert missing.status_code == 422 and "Enter the date of the reversal" in missing.content.decode()
    assert (row_counts(), Transaction.objects.count()) == before
    client.post(
        url("reverse", payment.sequence),
        {"token": "abcdefghij", "date_0": "31", "date_1": "12", "date_2": "2003"},
    )
    reversal = Transaction.objects.get(kind="reversal", reverses=payment)
    assert reversal.date == date(2003, 12, 31) and reversal.ref == "REV-abcdefghij"


def test_the_reverse_page_of_a_reversal_says_it_cannot_be_reversed_and_offers_no_form(
    client: Any, partnership: Any, ledger: Any, fixed_today: Any
) -> None:
    # Found in a browser trial: typing the URL of a reversal's reverse page offered a form that always failed.
    client = signed_in(client, partnership, Role.POOL_MANAGER)
    payment = Transaction.objects.get(ref="P-1")
    client.post(url("reverse", payment.sequence), {"token": "abcdefghij", **TODAY})
    reversal = Transaction.objects.get(kind="reversal", reverses=payment)
    page = client.get(url("reverse", reversal.sequence)).content.decode()
    assert "is a reversal, which cannot be reversed" in page
    assert 'name="date_0"' not in page and 'name="token"' not in page


def _answers(**values: str) -> dict[str, str]:
    data = {"date_0": "1", "date_1": "8", "date_2": "2003", "amount": "12,000.00", "contract": "CDT-2003",
            "purpose": "treatment", "reference": "", "description": "Q2 invoice"}  # fmt: skip
    data.update(values)
    return data


def test_a_payment_is_posted_once_through_check_your_answers(
    client: Any, partnership: Any, ledger: Any
) -> None:
    client = signed_in(client, partnership, Role.POOL_MANAGER)
    form = client.get(url("post", "payment"), follow=True).content.decode()
    token = re.search(r'name="token" value="([a-z0-9]+)"', form).group(1)
    check = client.post(url("post", "payment"), {**_answers(), "token": token}, follow=True).content.decode()
    assert "Check your answers" in check and "£12,000.00" in check
    count = Transaction.objects.count()
    client.post(url("post-check", "payment"), {"token": token})
    second = client.post(url("post-check", "payment"), {"token": token}, follow=True).content.decode()
    assert Transaction.objects.count() == count + 1
    assert Transaction.objects.get(ref=token).amount_pence == 1200000
    assert "was already posted" in second


def test_back_to_the_question_page_after_posting_and_posting_again_posts_once(
    client: Any, partnership: Any, ledger: Any
) -> None:
    """Back twice after posting reached the question page afresh, with a new token: Continue and Post
    then posted the same payment a second time under a new ref. The token is now in the page's address."""
    client = signed_in(client, partnership, Role.POOL_MANAGER)
    first = client.get(url("post", "payment"))
    assert first.status_code == 302 and "?token=" in first["Location"]
    question = first["Location"]
    token = question.split("?token=")[1]
    client.post(question, {**_answers(), "token": token})
    client.post(url("post-check", "payment"), {"token": token})
    count = Transaction.objects.count()
    back = client.get(question).content.decode()  # Back, twice: the same address
    assert f'name="token" value="{token}"' in back and "Q2 invoice" in back
    client.post(question, {**_answers(), "token": token})
    again = client.post(url("post-check", "payment"), {"token": token}, follow=True).content.decode()
    assert Transaction.objects.count() == count and "was already posted" in again


def test_only_the_forms_answers_wait_in_the_session(client: Any, partnership: Any, ledger: Any) -> None:
    """Everything sent with the question page was kept in the session: a field added to the page, of any
    size, rode along into every later request."""
    client = signed_in(client, partnership, Role.POOL_MANAGER)
    token = "abcdefghij"
    client.post(url("post", "payment"), {**_answers(), "token": token, "stuffing": "x" * 100_000})
    kept = client.session[f"pool-posting:{token}"]["data"]
    assert "stuffing" not in kept
    assert kept["date_0"] == "1" and kept["amount"] == "12,000.00" and kept["contract"] == "CDT-2003"
    check = client.post(url("post-check", "payment"), {"token": token}, follow=True).content.decode()
    assert Transaction.objects.filter(ref=token).exists(), check


def test_a_refused_posting_is_refused_on_the_question_page_at_the_field(
    client: Any, partnership: Any, ledger: Any
) -> None:
    client = signed_in(client, partnership, Role.POOL_MANAGER)
    token = "abcdefghij"
    before = row_counts(), Transaction.objects.count()
    # Harm reduction is not treatment: the NTA money is ring-fenced to treatment.
    response = client.post(
        url("post", "payment"), {**_answers(amount="900000", purpose="harm-reduction"), "token": token}
    )
    html = response.content.decode()
    assert response.status_code == 422 and "Check your answers" not in html
    assert 'id="amount-error"' in html or "govuk-error-message" in html
    assert "ring" in html.lower() and "£801,500.00" in html
    assert (row_counts(), Transaction.objects.count()) == before
    assert client.get(url("post-check", "payment") + f"?token={token}").status_code == 302  # nothing kept


def test_answers_the_ledger_refuses_after_they_were_checked_are_refused_at_the_field(
    client: Any, partnership: Any, ledger: Any
) -> None:
    client = signed_in(client, partnership, Role.POOL_MANAGER)
    token = "abcdefghij"
    answers = {**_answers(amount="500000", purpose="harm-reduction"), "token": token}
    assert client.post(url("post", "payment"), answers).status_code == 302  # within the room left
    # Meanwhile someone else spends most of what is not ring-fenced.
    services.payment_post(
        partnership=partnership, ref="OTHER-1", date=date(2003, 8, 2), contract="CDT-2003",
        purpose="harm-reduction", amount_pence=50_000_000,
    )  # fmt: skip
    before = row_counts(), Transaction.objects.count()
    response = client.post(url("post-check", "payment"), {"token": token})
    html = response.content.decode()
    assert response.status_code == 422
    assert "govuk-error-message" in html and "ring" in html.lower()
    assert (row_counts(), Transaction.objects.count()) == before


def test_money_is_read_as_pounds(client: Any, partnership: Any) -> None:
    client = signed_in(client, partnership, Role.POOL_MANAGER)
    bad = client.post(
        url("post", "contribution"),
        {
            "date_0": "1",
            "date_1": "5",
            "date_2": "2003",
            "stream": "NTA-PTB",
            "amount": "12.345",
            "token": "abcdefghij",
        },
    )
    assert bad.status_code == 422 and "Enter an amount in pounds" in bad.content.decode()


def test_a_partner_representative_cannot_post(client: Any, partnership: Any) -> None:
    client = signed_in(client, partnership, Role.PARTNER_REPRESENTATIVE)
    assert client.get(url("post", "payment")).status_code == 403


def test_the_quarterly_report_downloads(client: Any, partnership: Any, ledger: Any) -> None:
    client = signed_in(client, partnership, Role.POOL_MANAGER)
    pdf = client.get(url("report-pdf"), {**YEAR, "quarter": "2"})
    text = "\n".join(pdf_pages_text(pdf.content))
    assert "Quarterly report of the pooled fund, Q2 2003-04" in text and "CDT-2003" in text
    assert "No treatment record is held" in text
    book = load_workbook(BytesIO(client.get(url("report-xlsx"), YEAR).content))
    services = list(book["Services"].iter_rows(min_row=2))
    assert services[0][0].value == "CDT-2003" and services[0][2].number_format == POUNDS
    assert client.get(url("schedule")).status_code == 200
    assert "Financial schedule" in "\n".join(pdf_pages_text(client.get(url("schedule-pdf")).content))


def test_stored_text_is_escaped_on_the_pool_pages(client: Any, partnership: Any, ledger: Any) -> None:
    ledger(
        "payment", "M-1", "2003-08-01", "1.00", contract="CDT-2003", purpose="treatment",
        description='<script>alert("x")</script>',
    )  # fmt: skip
    client = signed_in(client, partnership, Role.AUDITOR)
    t = Transaction.objects.get(ref="M-1")
    for page in (client.get(url("ledger")), client.get(url("transaction", t.sequence))):
        html = page.content.decode()
        assert '<script>alert("x")' not in html and "&lt;script&gt;" in html


def test_the_statement_needs_no_script_and_no_inline_style(
    client: Any, partnership: Any, ledger: Any
) -> None:
    html = signed_in(client, partnership, Role.BOARD_MEMBER).get(url("statement"), YEAR).content.decode()
    assert '<form method="get"' in html and 'name="year"' in html and 'name="quarter"' in html
    assert not re.search(r"<script(?![^>]*\bsrc=)|\sstyle=|<style", html)


def test_a_representative_sees_the_share_of_the_partner_they_speak_for(
    client: Any, partnership: Any, ledger: Any
) -> None:
    from concordat.partnerships import services as partnership_services
    from tests.factories import UserFactory

    rep = UserFactory()
    report = partnership_services.membership_add(
        partnership=partnership, user=rep, role=Role.PARTNER_REPRESENTATIVE, partner_code="SCC"
    )
    assert report.valid
    scc = next(p for p in selectors.statement(partnership, FinancialYear(2003)).partners if p.code == "SCC")
    client.force_login(rep)
    html = client.get(url("statement"), YEAR).content.decode()
    own = html[html.index('id="own-share"') :]
    assert f"{scc.share_pct}%" in own[:2000] and format_pounds(scc.attributed_spend) in own[:2000]


def test_a_reversal_defaults_to_its_originals_year_warns_of_a_later_one_and_moves_no_default(
    client: Any, partnership: Any, ledger: Any, fixed_today: Any
) -> None:
    # Found in a trial: a 2003-04 payment reversed in 2026 was dated today by default, moving the
    # correction into 2026-27, which then became everyone's default statement.
    fixed_today(date(2026, 12, 7))
    client = signed_in(client, partnership, Role.POOL_MANAGER)
    payment = Transaction.objects.get(ref="P-1")
    page = client.get(url("reverse", payment.sequence)).content.decode()
    assert 'value="31"' in page and 'value="3"' in page and 'value="2004"' in page
    assert "reversal-in-another-year" not in page
    later = {"token": "abcdefghij", "date_0": "7", "date_1": "12", "date_2": "2026"}
    before = row_counts(), Transaction.objects.count()
    warned = client.post(url("reverse", payment.sequence), later)
    text = warned.content.decode()
    assert warned.status_code == 200 and 'id="reversal-in-another-year"' in text
    assert "a later year than the transaction it reverses (2003-04)" in text
    assert 'name="confirmed_year" value="2026-27"' in text
    assert (row_counts(), Transaction.objects.count()) == before
    # Confirmed for one year, another later year is asked about again.
    other = {**later, "date_2": "2025", "confirmed_year": "2026-27"}
    assert (
        'name="confirmed_year" value="2025-26"'
        in client.post(url("reverse", payment.sequence), other).content.decode()
    )
    assert Transaction.objects.count() == before[1]
    client.post(url("reverse", payment.sequence), {**later, "confirmed_year": "2026-27"})
    reversal = Transaction.objects.get(kind="reversal", reverses=payment)
    assert reversal.date == date(2026, 12, 7)
    # 2026-27 now has a posting but no budget: the statement still opens on the latest year with one.
    budgeted = sorted(partnership.contributions.values_list("year", flat=True).distinct())
    html = client.get(url("statement")).content.decode()
    chosen = re.search(r'<option value="([0-9-]+)" selected>', html)
    assert chosen is not None and chosen.group(1) == str(FinancialYear(budgeted[-1]))
    assert '<option value="2026-27"' in html  # still there to choose


def test_a_reversal_of_a_closed_years_transaction_is_offered_today_says_so_and_posts_in_one_step(
    client: Any, partnership: Any, ledger: Any, fixed_today: Any
) -> None:
    from tests.pool.test_close import close

    fixed_today(date(2026, 12, 7))
    close(partnership, "2003-04")
    client = signed_in(client, partnership, Role.POOL_MANAGER)
    payment = Transaction.objects.get(ref="P-1")
    page = client.get(url("reverse", payment.sequence)).content.decode()
    assert (
        'value="7"' in page and 'value="12"' in page and 'value="2026"' in page
    )  # today: its year is closed
    assert 'id="reversal-in-another-year"' in page and 'name="confirmed_year" value="2026-27"' in page
    client.post(
        url("reverse", payment.sequence),
        {"token": "abcdefghij", "date_0": "7", "date_1": "12", "date_2": "2026", "confirmed_year": "2026-27"},
    )
    assert Transaction.objects.get(kind="reversal", reverses=payment).date == date(2026, 12, 7)
