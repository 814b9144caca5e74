"""The board's reports: `concordat report` in each format (the JSON's kpis exactly `concordat kpi`'s), the
PDF's and the workbook's figures the JSON's, bad arguments, the lead commissioner writing, issuing and the
issued report never changing, published figures, downloads on the audit trail, and stored text escaped in
the page, the PDF and the workbook."""

from __future__ import annotations

import json
import re
import subprocess
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from concordat.core.models import AuditEntry, Kind
from concordat.core.roles import Role
from concordat.core.years import FinancialYear
from concordat.partnerships.errors import Refused
from concordat.performance.models import BoardReport
from concordat.performance.reports import rules, services
from concordat.performance.reports.workbook import CREATOR, PERCENT
from concordat.performance.templatetags.board_reports import figure, pct
from concordat.pool.workbook import POUNDS
from tests.factories import member
from tests.treatment.conftest import submit
from tests.treatment.submissions import row

from .conftest import Q1, YEAR, run

pytestmark = pytest.mark.django_db
Q1_KEY = "quarterly-2004-05-q1"
PAGE = f"/partnerships/salford-dat/performance/reports/{Q1_KEY}/"


def pdf_words(content: bytes) -> str:
    """The PDF's text in the order it was written, every run of white space one space."""
    text = subprocess.run(
        ["pdftotext", "-raw", "-", "-"], input=content, capture_output=True, check=True
    ).stdout
    return " ".join(text.decode().split())


def report(tmp_path: Path, kind: str, *period: str, suffix: str, extra: tuple[str, ...] = ()) -> Path:
    out = tmp_path / f"report.{suffix}"
    status, message = run("report", kind, "--partnership", "salford-dat", *period, *extra, "--out", str(out))
    assert status == 0, message
    return out


def kpi_json(*args: str) -> dict[str, Any]:
    status, out = run("kpi", "--partnership", "salford-dat", *args, "--json")
    assert status == 0
    return dict(json.loads(out))


def shown(value: Any, percent: bool) -> str:
    return pct(value) if percent else figure(value)


# --- the command -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "period", "extra"),
    [("quarterly", Q1, ()), ("quarterly", Q1, ("--as-of", "2005-12-31")), ("treatment-plan", YEAR, ())],
)
def test_the_json_holds_exactly_what_concordat_kpi_prints(
    record: Any, tmp_path: Path, kind: str, period: tuple[str, ...], extra: tuple[str, ...]
) -> None:
    data = json.loads(report(tmp_path, kind, *period, suffix="json", extra=extra).read_text())
    assert data["kpis"] == kpi_json(*period, *extra)
    assert data["report"] == kind and data["from"] == period[1] and data["to"] == period[3]
    assert data["kpis"]["in_treatment"] == 8 and data["published"] is False
    last = kpi_json("--from", data["last_year"]["from"], "--to", data["last_year"]["to"], *extra)
    assert data["last_year"]["kpis"] == last


def test_the_json_shows_the_pools_quarter_in_pounds(record: Any, tmp_path: Path) -> None:
    data = json.loads(report(tmp_path, "quarterly", *Q1, suffix="json").read_text())
    assert data["pool"] == {
        "year": "2004-05",
        "quarter": 1,
        "budget": "1300000.00",
        "received": "650000.00",
        "spend_in_quarter": "12345.67",
        "actual_spend": "12345.67",
        "committed": "0.00",
        "forecast_outturn": "12345.67",
        "variance": "1287654.33",
    }


def test_the_pdf_and_the_workbook_show_the_jsons_figures(record: Any, tmp_path: Path) -> None:
    data = json.loads(report(tmp_path, "quarterly", *Q1, suffix="json").read_text())
    kpis, last = data["kpis"], data["last_year"]["kpis"]
    words = pdf_words(report(tmp_path, "quarterly", *Q1, suffix="pdf").read_bytes())
    book = load_workbook(BytesIO(report(tmp_path, "quarterly", *Q1, suffix="xlsx").read_bytes()))
    summary = {r[0]: r[1:] for r in book["Summary"].iter_rows(min_row=4, values_only=True) if r[0]}
    for h in rules.HEADLINE:
        now, before = rules.value_at(kpis, h.path), rules.value_at(last, h.path)
        assert f"{h.label} {shown(now, h.percent)} {shown(before, h.percent)}" in words, h.label
        assert summary[h.label][:2] == (now, before), h.label
    waiting = {r[1]: r for r in book["Waiting times"].iter_rows(min_row=4, values_only=True)}
    for code, w in kpis["waiting"].items():
        assert waiting[code][3:7] == (w["count"], w["mean_days"], w["median_days"], w["within_threshold_pct"])
        assert waiting[code][8] == w["still_waiting"]
    pharmacological = kpis["waiting"]["pharmacological"]
    assert (
        f"{figure(pharmacological['count'])} {figure(pharmacological['mean_days'])} "
        f"{figure(pharmacological['median_days'])} {pct(pharmacological['within_threshold_pct'])} of 21 days "
        f"{figure(pharmacological['still_waiting'])}" in words
    )
    providers = {r[1]: r for r in book["Providers"].iter_rows(min_row=4, values_only=True)}
    for code, g in kpis["breakdowns"]["by_provider"].items():
        assert providers[code][2:5] == (g["in_treatment"], g["accessing_services"], g["new_starts"])
    pool = {r[0]: r[1] for r in book["Pooled fund"].iter_rows(min_row=4, values_only=True)}
    assert pool["Actual spend in Q1"] == 12345.67 and "£12,345.67" in words


def test_the_workbook_is_numbers_formatted_with_a_title_and_concordat_as_its_creator(
    record: Any, tmp_path: Path
) -> None:
    book = load_workbook(BytesIO(report(tmp_path, "quarterly", *Q1, suffix="xlsx").read_bytes()))
    assert book.properties.creator == CREATOR
    assert book.sheetnames == [
        "Summary",
        "Waiting times",
        "Providers",
        "Trend",
        "Pooled fund",
        "Narrative and risks",
    ]
    for sheet in book.worksheets:
        assert sheet["A1"].value and sheet["A1"].font.bold
    summary = book["Summary"]
    assert summary["B4"].value == 8 and isinstance(summary["B4"].value, int)
    retention = next(r for r in summary.iter_rows(min_row=4) if r[0].value == "Retained 12 weeks (%)")
    assert retention[1].value == 100.0 and retention[1].number_format == PERCENT  # the KPI's own 100.0
    budget = book["Pooled fund"]["B4"]
    assert budget.value == 1300000 and budget.number_format == POUNDS


def test_the_treatment_plan_shows_next_years_targets_workforce_and_money(record: Any, tmp_path: Path) -> None:
    from concordat.performance.workforce import figure_save

    for year, fte in (("2003-04", "10"), ("2004-05", "11"), ("2005-06", "12.1")):
        figure_save(partnership=record, provider="P1", year=year, fte=fte, seen=None, user=None)
    period = ("--from", "2003-04-01", "--to", "2004-03-31")
    data = json.loads(report(tmp_path, "treatment-plan", *period, suffix="json").read_text())
    assert data["plan_year"] == "2004-05" and data["key"] == "treatment-plan-2004-05"
    assert data["targets"]["accessing_services"] == 1100
    assert data["money"]["budget"] == "1300000.00"
    assert data["workforce"]["years"] == ["2002-03", "2003-04", "2004-05"]
    p1 = data["workforce"]["providers"][0]
    assert p1["fte"] == [None, "10.00", "11.00"] and p1["growth_pct"] == [None, None, 10.0]
    words = pdf_words(report(tmp_path, "treatment-plan", *period, suffix="pdf").read_bytes())
    assert "Targets for 2004-05" in words and "1,100 in 2004-05" in words
    assert "Example Community Drug Service — 10.00 — 11.00 10.0%" in words and "£1,300,000.00" in words
    book = load_workbook(BytesIO(report(tmp_path, "treatment-plan", *period, suffix="xlsx").read_bytes()))
    workforce = list(book["Workforce"].iter_rows(min_row=4, values_only=True))
    assert workforce[0][:6] == ("Example Community Drug Service", "P1", None, 10, None, 11)
    assert workforce[0][6] == 10.0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("quarterly", "--partnership", "nowhere", *Q1), "no partnership has the slug 'nowhere'"),
        (("quarterly", "--partnership", "salford-dat", "--from", "2004-04-01", "--to", "2004-6-30"), "--to must be a date"),
        (("quarterly", "--partnership", "salford-dat", "--from", "2004-06-30", "--to", "2004-04-01"), "is after --to"),
        (("quarterly", "--partnership", "salford-dat", *YEAR), "one financial quarter"),
        (("treatment-plan", "--partnership", "salford-dat", *Q1), "one financial year"),
        (("quarterly", "--partnership", "salford-dat", *Q1, "--as-of", "2005-02-30"), "--as-of must be a date"),
    ],
)  # fmt: skip
def test_bad_arguments_are_exit_2_and_nothing_is_written(
    record: Any, tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    out = tmp_path / "report.pdf"
    status, said = run("report", *args, "--out", str(out))
    assert status == 2 and message in said
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize(("out", "message"), [("report.docx", ".pdf, .xlsx or .json"), ("report", ".pdf, .xlsx or .json"),
                                              ("missing/report.pdf", "there is no folder")])  # fmt: skip
def test_a_file_the_report_cannot_be_is_exit_2(record: Any, tmp_path: Path, out: str, message: str) -> None:
    status, said = run(
        "report", "quarterly", "--partnership", "salford-dat", *Q1, "--out", str(tmp_path / out)
    )
    assert status == 2 and message in said and not list(tmp_path.iterdir())


def test_an_unknown_kind_is_refused_by_the_parser(record: Any, tmp_path: Path) -> None:
    status, said = run(
        "report", "annual", "--partnership", "salford-dat", *Q1, "--out", str(tmp_path / "r.pdf")
    )
    assert status != 0 and "annual" in said and not list(tmp_path.iterdir())


# --- writing, issuing, freezing ---------------------------------------------------------------------------


def write(client: Any, **values: Any) -> Any:
    seen = client.get(PAGE + "write/").context["seen"]
    return client.post(PAGE + "write/", {"seen": seen, **values})


def test_the_lead_writes_the_narrative_chooses_risks_and_issues_it(
    client: Any, record: Any, lead: Any
) -> None:
    client.force_login(lead)
    page = client.get(PAGE)
    assert page.status_code == 200 and page.context["data"]["kpis"]["in_treatment"] == 8
    risk = record.risks.order_by("position")[0]
    response = write(
        client, narrative="Waits fell.\n\nRetention held.", risk_keys=[risk.key], sign_off_name="Ann Chair",
        sign_off_role="Chair of the DAT board",
    )  # fmt: skip
    assert response.status_code == 302
    draft = BoardReport.objects.get(key=Q1_KEY)
    assert (draft.status, draft.risk_keys, draft.prepared_by) == ("draft", [risk.key], "Lena Lead")
    html = client.get(PAGE).content.decode()
    assert '<p class="govuk-body">Waits fell.</p>' in html and "Recruitment of specialist staff" in html
    issue = client.get(PAGE + "issue/")
    assert issue.status_code == 200 and not issue.context["problems"]
    done = client.post(PAGE + "issue/", {"seen": issue.context["seen"]})
    assert done.status_code == 302
    draft.refresh_from_db()
    assert (
        draft.status == "issued"
        and draft.issued_by == "Lena Lead"
        and draft.figures["kpis"]["in_treatment"] == 8
    )
    assert draft.figures["risks"][0]["description"] == "Recruitment of specialist staff"
    trail = AuditEntry.objects.filter(content_type__model="boardreport").order_by("id")
    assert "changed the quarterly performance report, Q1 2004-05" in trail.last().summary
    assert "Issued" in trail.last().summary


def test_an_issued_report_never_changes(client: Any, record: Any, lead: Any, tmp_path: Path) -> None:
    services.report_save(
        partnership=record, kind="quarterly", year=FinancialYear(2004), quarter=1,
        values={"narrative": "As issued.", "sign_off_name": "Ann Chair"}, seen=None, user=lead,
    )  # fmt: skip
    services.report_issue(
        partnership=record, kind="quarterly", year=FinancialYear(2004), quarter=1, seen=None, user=lead
    )
    client.force_login(lead)
    before = {fmt: client.get(PAGE + f"report.{fmt}").content for fmt in ("json", "xlsx")}
    pdf_before = pdf_words(client.get(PAGE + "report.pdf").content)
    # The record changes (a new person in treatment in the quarter), and so do the risks.
    submit(record, [row(client_ref="NEW", episode_ref="NEW1", date_of_birth="1990-01-02")], provider="P2")
    record.risks.all().delete()
    assert kpi_json(*Q1)["in_treatment"] == 7  # P2's record replaced: X and Y by NEW (8 when issued)
    assert client.get(PAGE + "report.json").content == before["json"]
    assert json.loads(before["json"])["risks"] == []  # none were chosen; the issued report keeps what it had
    book = load_workbook(BytesIO(client.get(PAGE + "report.xlsx").content))
    assert book["Summary"]["B4"].value == json.loads(before["json"])["kpis"]["in_treatment"]
    assert pdf_words(client.get(PAGE + "report.pdf").content) == pdf_before
    assert "Draft" not in pdf_before.split("Bath")[0][:40] and "Issued by Lena Lead" in pdf_before
    # Nothing changes it: the forms send the lead back, the services refuse.
    assert client.get(PAGE + "write/").status_code == 302
    assert client.post(PAGE + "write/", {"narrative": "Changed"}).status_code == 302
    assert client.post(PAGE + "issue/", {}).status_code == 302
    with pytest.raises(services.ReportIssued):
        services.report_save(
            partnership=record, kind="quarterly", year=FinancialYear(2004), quarter=1,
            values={"narrative": "Changed"}, seen=None, user=lead,
        )  # fmt: skip
    with pytest.raises(services.ReportIssued):
        services.report_issue(
            partnership=record, kind="quarterly", year=FinancialYear(2004), quarter=1, seen=None, user=lead
        )
    assert BoardReport.objects.get(key=Q1_KEY).narrative == "As issued."


def test_a_report_needs_its_narrative_and_sign_off_to_be_issued(client: Any, record: Any, lead: Any) -> None:
    client.force_login(lead)
    page = client.get(PAGE + "issue/")
    assert [p.code for p in page.context["problems"]] == ["missing-narrative", "missing-sign-off"]
    refused = client.post(PAGE + "issue/", {"seen": page.context["seen"]})
    assert refused.status_code == 400 and not BoardReport.objects.exists()
    write(client, narrative="Only the narrative.")
    with pytest.raises(Refused) as error:
        services.report_issue(
            partnership=record, kind="quarterly", year=FinancialYear(2004), quarter=1, seen=None, user=lead
        )
    assert [p.code for p in error.value.report.errors] == ["missing-sign-off"]
    assert BoardReport.objects.get().status == "draft"


def test_a_save_over_someone_elses_draft_is_refused_with_their_version(
    client: Any, record: Any, lead: Any
) -> None:
    client.force_login(lead)
    seen = client.get(PAGE + "write/").context["seen"]
    other = member(record, Role.LEAD_COMMISSIONER, username="other", first_name="Oli", last_name="Other")
    services.report_save(
        partnership=record, kind="quarterly", year=FinancialYear(2004), quarter=1,
        values={"narrative": "Their words"}, seen=None, user=other,
    )  # fmt: skip
    response = client.post(PAGE + "write/", {"seen": seen, "narrative": "My words"})
    assert response.status_code == 409
    html = response.content.decode()
    assert "This was changed by Oli Other" in html and "Their words" in html and "My words" in html
    assert BoardReport.objects.get().narrative == "Their words"
    again = client.post(PAGE + "write/", {"seen": response.context["seen"], "narrative": "My words"})
    assert again.status_code == 302 and BoardReport.objects.get().narrative == "My words"


def test_issuing_what_someone_changed_since_is_refused(client: Any, record: Any, lead: Any) -> None:
    client.force_login(lead)
    write(client, narrative="Mine", sign_off_name="Ann Chair")
    seen = client.get(PAGE + "issue/").context["seen"]
    services.report_save(
        partnership=record, kind="quarterly", year=FinancialYear(2004), quarter=1,
        values={"narrative": "Changed meanwhile", "sign_off_name": "Ann Chair"}, seen=None, user=lead,
    )  # fmt: skip
    response = client.post(PAGE + "issue/", {"seen": seen})
    assert response.status_code == 409 and BoardReport.objects.get().status == "draft"


def test_a_risk_no_longer_in_the_register_cannot_be_chosen(client: Any, record: Any, lead: Any) -> None:
    with pytest.raises(Refused) as error:
        services.report_save(
            partnership=record, kind="quarterly", year=FinancialYear(2004), quarter=1,
            values={"risk_keys": ["gone"]}, seen=None, user=lead,
        )  # fmt: skip
    assert [(p.path, p.code) for p in error.value.report.errors] == [("risk_keys", "unknown-risk")]
    client.force_login(lead)
    too_long = write(client, narrative="x" * (services.NARRATIVE_LIMIT + 1))
    assert too_long.status_code == 400 and "at most 20,000 characters" in too_long.content.decode()
    assert not BoardReport.objects.exists()


# --- published figures, downloads, readers --------------------------------------------------------------


def test_a_report_for_publication_has_published_figures_in_its_documents(
    client: Any, record: Any, lead: Any
) -> None:
    client.force_login(lead)
    write(client, narrative="For the public.", sign_off_name="Ann Chair", for_publication="on")
    data = json.loads(client.get(PAGE + "report.json").content)
    assert data["published"] is True and data["kpis"] == kpi_json(*Q1, "--published")
    assert data["kpis"]["in_treatment"] == 10  # 8, rounded to the nearest 5
    words = pdf_words(client.get(PAGE + "report.pdf").content)
    assert "People in structured treatment 10 " in words and "Published figures" in words
    book = load_workbook(BytesIO(client.get(PAGE + "report.xlsx").content))
    assert book["Summary"]["B4"].value == 10
    # The page, for the partnership's own officers, shows exact figures and says the documents do not.
    page = client.get(PAGE)
    assert (
        page.context["data"]["kpis"]["in_treatment"] == 8 and "use published figures" in page.content.decode()
    )
    client.post(PAGE + "issue/", {"seen": client.get(PAGE + "issue/").context["seen"]})
    assert BoardReport.objects.get().figures["kpis"] == kpi_json(*Q1, "--published")


def test_downloads_are_on_the_audit_trail(client: Any, record: Any, lead: Any) -> None:
    client.force_login(lead)
    for fmt in ("pdf", "xlsx", "json"):
        response = client.get(PAGE + f"report.{fmt}")
        assert response.status_code == 200
        assert response["Content-Disposition"] == f'attachment; filename="salford-dat-{Q1_KEY}.{fmt}"'
    entries = AuditEntry.objects.filter(kind=Kind.FORM_DOWNLOADED, partnership="salford-dat").order_by("id")
    assert [e.summary for e in entries] == [
        f"downloaded the quarterly performance report, Q1 2004-05 (draft) as {what}"
        for what in ("a PDF", "a workbook", "JSON")
    ]
    assert client.get(PAGE + "report.pdf").content.startswith(b"%PDF-")


def test_a_board_member_reads_but_does_not_write_and_a_provider_reads_nothing(
    client: Any, record: Any
) -> None:
    client.force_login(member(record, Role.BOARD_MEMBER, username="board"))
    page = client.get(PAGE)
    assert page.status_code == 200 and "Write the narrative" not in page.content.decode()
    assert client.get(PAGE + "write/").status_code == 403
    client.force_login(member(record, Role.PROVIDER_DATA_OFFICER, username="officer"))
    assert client.get(PAGE).status_code == 403 and client.get(PAGE + "report.pdf").status_code == 403


def test_the_list_opens_a_periods_report_and_lists_those_written(client: Any, record: Any, lead: Any) -> None:
    client.force_login(lead)
    listing = "/partnerships/salford-dat/performance/reports/"
    assert client.get(listing + "?kind=quarterly&year=2004-05&quarter=1")["Location"] == PAGE
    plan = client.get(listing + "?kind=treatment-plan&year=2004-05")
    assert plan["Location"].endswith("/reports/treatment-plan-2005-06/")
    missing = client.get(listing + "?kind=quarterly&year=2004-05")
    assert missing.status_code == 200 and "Choose the quarter" in missing.content.decode()
    write(client, narrative="A draft")
    assert "Quarterly performance report, Q1 2004-05" in client.get(listing).content.decode()
    assert (
        client.get("/partnerships/salford-dat/performance/reports/quarterly-2004-05-q5/").status_code == 404
    )


def test_the_charts_work_under_the_csp_and_say_what_they_show(client: Any, record: Any, lead: Any) -> None:
    client.force_login(lead)
    html = client.get(PAGE).content.decode()
    figures = re.findall(r"<figure.*?</figure>", html, re.S)
    assert len(figures) == 2
    for chart in figures:
        assert 'aria-hidden="true"' in chart and "<figcaption" in chart
        assert "style=" not in chart and "<script" not in chart.lower()
    assert "Line chart of the people in treatment" in figures[0]


# --- stored text is escaped everywhere ---------------------------------------------------------------------

MARKUP = '<script>alert("x")</script><b>bold</b>'
FORMULA = '=HYPERLINK("http://evil.example","x")'


def test_stored_text_stays_text_on_the_page_in_the_pdf_and_in_the_workbook(
    client: Any, partnership: Any, lead: Any
) -> None:
    from concordat.partnerships import services as agreement
    from tests.performance.reports.conftest import document

    doc = document()
    doc["providers"][0]["name"] = MARKUP
    doc["risks"][0]["description"] = FORMULA
    doc["risks"][0]["mitigation"] = MARKUP
    assert agreement.partnership_load(document=doc).report.valid
    risk = partnership.risks.order_by("position")[0]
    services.report_save(
        partnership=partnership, kind="quarterly", year=FinancialYear(2004), quarter=1,
        values={"narrative": f"{MARKUP}\n\n{FORMULA}", "risk_keys": [risk.key], "sign_off_name": MARKUP,
                "sign_off_role": FORMULA},
        seen=None, user=lead,
    )  # fmt: skip
    client.force_login(lead)
    for path in (PAGE, PAGE + "write/", PAGE + "issue/", "/partnerships/salford-dat/performance/workforce/"):
        html = client.get(path).content.decode()
        assert "<script>alert" not in html and "<b>bold</b>" not in html, path
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in client.get(PAGE).content.decode()
    words = pdf_words(client.get(PAGE + "report.pdf").content)
    assert '<script>alert("x")</script><b>bold</b>' in words  # as text: nothing ran, nothing bold
    book = load_workbook(BytesIO(client.get(PAGE + "report.xlsx").content))
    cells = [
        c.value for sheet in book.worksheets for r in sheet.iter_rows() for c in r if isinstance(c.value, str)
    ]
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@"))]
    assert "'" + FORMULA in cells and MARKUP in cells
    assert all(c.data_type != "f" for sheet in book.worksheets for r in sheet.iter_rows() for c in r)
