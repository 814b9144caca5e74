"""The dashboard: every member's Performance tab; the KPI set of a quarter or year (the latest complete
quarter by default, a GET form for another) with value, target and RAG status, the rule written on the
page; trend charts with a title, a text alternative and their table; waiting times by modality against
their targets; the breakdowns. Read from the stored grid only, in a fixed number of queries, escaping
everything; while the grid is being brought up to date it says so and shows the last stored figures."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from concordat.core.models import Job
from concordat.core.roles import Role
from concordat.performance import engine, selectors
from concordat.performance.jobs import KIND
from concordat.performance.rules.rag import RULE
from tests.factories import agreement_document, load_partnership, member
from tests.performance.pages import in_treatment, p2_rows, queries, recorded, section, text
from tests.treatment.conftest import submit
from tests.treatment.submissions import a_file, row

pytestmark = pytest.mark.django_db
URL = reverse("performance:dashboard", args=["salford-dat"])


@pytest.fixture
def no_engine(monkeypatch: pytest.MonkeyPatch) -> Any:
    """`no_engine()` once the grid is stored: from then on an engine run (a page computing) fails the test."""

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a page ran the KPI engine")

    return lambda: monkeypatch.setattr(engine, "run", refuse)


def test_every_member_has_the_performance_tab(client: Any, partnership: Any) -> None:
    for role in Role:
        client.force_login(member(partnership, role, username=f"as-{role}"))
        overview = text(client.get(reverse("partnerships:overview", args=["salford-dat"])))
        assert f'href="{URL}"' in overview, role
        page = text(client.get(URL))
        assert f'href="{URL}" aria-current="page"' in page, role  # the tab, marked as the current one


def test_the_latest_complete_quarter_is_shown_with_values_targets_and_status(
    client: Any, partnership: Any, no_engine: Any
) -> None:
    recorded(partnership)
    no_engine()
    client.force_login(member(partnership, Role.BOARD_MEMBER))
    page = text(client.get(URL))
    assert "Performance: Q4 2004-05 (January to March 2005)" in page
    stored = {g.label: g.kpis for g in selectors.grid(partnership)}["2004-05 Q4"]
    assert stored["in_treatment"] == 6  # four at P1, two at P2
    in_treatment = section(page, 'id="kpi-in_treatment"', "</tr>")
    assert ">6<" in in_treatment
    assert "At least 600: the 1998-99 baseline" in in_treatment and "Target missed" in in_treatment
    accessing = section(page, 'id="kpi-accessing_services"', "</tr>")
    assert "At least 1,100: the target for 2004-05" in accessing
    assert "No target" in section(page, 'id="kpi-new_starts"', "</tr>")
    assert RULE in page  # the rule, in words, on the page


def test_a_period_is_chosen_with_a_get_form_and_a_wrong_one_is_said_at_the_field(
    client: Any, partnership: Any
) -> None:
    recorded(partnership)
    client.force_login(member(partnership, Role.PARTNER_REPRESENTATIVE))
    year = text(client.get(URL, {"period": "2004-05"}))
    assert "Performance: 2004-05 (April 2004 to March 2005)" in year
    assert '<option value="2004-05" selected>' in year
    wrong = text(client.get(URL, {"period": "1999-00"}))
    assert "Choose a quarter or financial year from the list" in wrong
    assert "Performance: Q4 2004-05" in wrong  # the default, shown


def test_a_quarter_the_data_does_not_reach_the_end_of_is_not_the_default(
    client: Any, partnership: Any
) -> None:
    submit(partnership, a_file(2), period_end=date(2005, 5, 15))
    selectors.recompute(partnership.pk)
    client.force_login(member(partnership, Role.AUDITOR))
    page = text(client.get(URL))
    assert "Performance: Q4 2004-05" in page
    q1 = text(client.get(URL, {"period": "2005-06-q1"}))
    assert "this period is not complete yet" in q1 and "15 May 2005" in q1


def test_each_trend_is_a_chart_with_its_title_a_text_alternative_and_its_table(
    client: Any, partnership: Any
) -> None:
    recorded(partnership)
    client.force_login(member(partnership, Role.LEAD_COMMISSIONER))
    page = text(client.get(URL))
    assert page.count('<svg aria-hidden="true" focusable="false"') == 4
    for title in (
        "People in treatment by quarter",
        "New starts in treatment by quarter",
        "Successful completions by quarter (%)",
        "Starting within the waiting-time threshold, by modality and quarter (%)",
    ):
        assert f"<title>{title}</title>" in page, title
    assert "<script" not in section(page, 'id="trends"', 'id="breakdowns"')
    grid = {g.label: g.kpis for g in selectors.grid(partnership)}
    first, last = grid["2004-05 Q1"]["new_starts"], grid["2004-05 Q4"]["new_starts"]
    caption = section(page, 'id="chart-new-starts-description"', "</figcaption>")
    assert f"New starts in treatment: fell from {first} in Q1 2004-05 to {last} in Q4 2004-05" in caption
    table = section(page, 'id="table-in-treatment"')
    assert table.count('<th scope="row"') == 4  # Q1 to Q4 2004-05
    for quarter in ("Q1", "Q2", "Q3", "Q4"):
        assert f">{quarter} 2004-05<" in table
    waiting = section(page, 'id="table-waiting"')
    assert "Prescribing (specialist or GP shared care), including supervised consumption (%)" in waiting
    assert "Structured psychosocial intervention or counselling (%)" in waiting


def test_waits_are_judged_against_the_average_wait_targets_of_2004(client: Any, db: None) -> None:
    document = agreement_document()
    document["targets"]["modality_mean_wait_days"] = {"inpatient-detox": 14, "psychosocial": 14}
    p = load_partnership(document)
    rows = [
        row(client_ref="D1", episode_ref="D1", modality="inpatient-detox", modality_referral_date="2004-06-03",
            modality_start_date="2004-06-13"),  # 10 days
        row(client_ref="D2", episode_ref="D2", date_of_birth="1980-01-01", modality="inpatient-detox",
            modality_referral_date="2004-06-03", modality_start_date="2004-06-20"),  # 17 days: mean 13.5
        row(client_ref="S1", episode_ref="S1", date_of_birth="1981-01-01", modality="psychosocial",
            modality_referral_date="2004-06-03", modality_start_date="2004-06-18"),  # 15 days
        row(client_ref="R1", episode_ref="R1", date_of_birth="1982-01-01", modality="pharmacological",
            modality_referral_date="2004-06-03", modality_start_date="2004-07-20"),  # 47 days: not within 21
    ]  # fmt: skip
    submit(p, rows)
    selectors.recompute(p.pk)
    client.force_login(member(p, Role.BOARD_MEMBER))
    page = text(client.get(URL, {"period": "2004-05"}))
    detox = section(page, 'id="waiting-inpatient-detox"', "</tr>")
    assert "13.5 days" in detox and "An average wait of at most 14 days" in detox and "Target met" in detox
    psychosocial = section(page, 'id="waiting-psychosocial"', "</tr>")
    assert "15.0 days" in psychosocial and "Close to the target" in psychosocial  # within 110% of 14
    prescribing = section(page, 'id="waiting-pharmacological"', "</tr>")
    assert "0.0%" in prescribing and "At least 90% starting within the threshold" in prescribing
    assert "Target missed" in prescribing


def test_the_breakdowns_by_provider_modality_age_sex_and_substance(client: Any, partnership: Any) -> None:
    recorded(partnership)
    client.force_login(member(partnership, Role.POOL_MANAGER))
    page = text(client.get(URL, {"period": "2004-05"}))
    providers = section(page, 'id="by-provider"')
    assert "Example Community Drug Service (P1)" in providers and "Second Street Project (P2)" in providers
    assert "Structured psychosocial intervention or counselling" in section(page, 'id="by-modality"')
    assert "25-34" in section(page, 'id="by-age-band"')
    sexes = section(page, 'id="by-sex"')
    assert "Male" in sexes and "Female" in sexes and "Not stated" in sexes
    assert "Alcohol" in section(page, 'id="by-substance"')
    assert "see who" not in page  # counts only: a pool manager opens no record


def test_stored_text_is_escaped(client: Any, db: None) -> None:
    document = agreement_document(
        providers=[{"code": "P1", "name": '<script>alert("p")</script>', "tiers": [3]}],
        modalities=[
            {"code": "gp-prescribing", "name": "<b>GP</b> prescribing", "tier": 3, "structured": True}
        ],
    )
    p = load_partnership(document)
    submit(p, [row(modality="gp-prescribing")])
    selectors.recompute(p.pk)
    client.force_login(member(p, Role.LEAD_COMMISSIONER))
    page = text(client.get(URL, {"period": "2004-05"}))
    assert "<script>alert" not in page and "&lt;script&gt;alert(&quot;p&quot;)&lt;/script&gt;" in page
    assert "<b>GP</b>" not in page and "&lt;b&gt;GP&lt;/b&gt; prescribing" in page


def test_while_the_figures_are_brought_up_to_date_the_last_stored_are_shown(
    client: Any, partnership: Any, settings: Any, no_engine: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # the job waits
    recorded(partnership)
    submit(partnership, a_file(6))  # a change of the record; its job is not run in this test
    no_engine()
    client.force_login(member(partnership, Role.BOARD_MEMBER))
    page = text(client.get(URL))
    assert "The figures are being brought up to date" in page
    assert "These are the figures last stored" in page
    assert "Performance: Q4 2004-05" in page and 'id="kpi-in_treatment"' in page
    assert Job.objects.filter(kind=KIND, partnership="salford-dat", state="queued").count() == 1
    text(client.get(URL))
    assert Job.objects.filter(kind=KIND, partnership="salford-dat").count() == 1  # one waits, not two


def test_a_partnership_with_no_record_yet_says_so(client: Any, partnership: Any, no_engine: Any) -> None:
    no_engine()
    client.force_login(member(partnership, Role.BOARD_MEMBER))
    page = text(client.get(URL))
    assert "No treatment data yet" in page
    assert not Job.objects.filter(kind=KIND).exists()


def test_nothing_stored_yet_for_a_record_says_it_is_being_computed(
    client: Any, partnership: Any, settings: Any, no_engine: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    submit(partnership, a_file(2))
    no_engine()
    client.force_login(member(partnership, Role.LEAD_COMMISSIONER))
    page = text(client.get(URL))
    assert "The figures are being brought up to date" in page and "No figures are stored yet" in page


@pytest.mark.parametrize("role", [Role.LEAD_COMMISSIONER, Role.PROVIDER_DATA_OFFICER])
def test_the_dashboard_makes_the_same_number_of_queries_whatever_the_record(
    client: Any, db: None, role: str
) -> None:
    small = load_partnership(
        providers=[{"code": "P1", "name": "One", "tiers": [3]}, {"code": "P2", "name": "Two", "tiers": [3]}]
    )
    recorded(small, clients=2, others=1)
    client.force_login(member(small, role, provider="P1"))
    few = queries(client, URL)
    periods = len(selectors.grid(small))
    big = load_partnership(  # the same partnership, grown: eight providers, a far longer record
        providers=[{"code": f"P{i}", "name": f"Provider {i}", "tiers": [3]} for i in range(1, 9)]
    )
    older = row(client_ref="OLD", episode_ref="OLD", date_of_birth="1960-01-01", referral_date="2002-05-01",
                triage_date="", modality_referral_date="2002-05-02", modality_start_date="2002-05-10")  # fmt: skip
    assert submit(big, [*a_file(4), *in_treatment(40), older]).report.accepted
    for i in range(2, 9):
        assert submit(big, p2_rows(5), provider=f"P{i}").report.accepted
    selectors.recompute(big.pk)
    assert len(selectors.grid(big)) > periods
    assert queries(client, URL) == few
    assert queries(client, URL + "?period=2004-05") == few


def test_the_chosen_period_links_to_its_board_report_for_those_who_read_the_reports(
    client: Any, partnership: Any
) -> None:
    from concordat.performance.report_permissions import READERS

    recorded(partnership)
    quarterly = reverse("performance-reports:report", args=["salford-dat", "quarterly-2004-05-q4"])
    plan = reverse("performance-reports:report", args=["salford-dat", "treatment-plan-2005-06"])
    for role in Role:
        client.force_login(member(partnership, role, username=f"as-{role}"))
        quarter, year = text(client.get(URL)), text(client.get(URL, {"period": "2004-05"}))
        if role in READERS:
            assert (
                f'href="{quarterly}">The board\'s report: Quarterly performance report, Q4 2004-05' in quarter
            )
            assert f'href="{plan}">The board\'s report: Annual treatment plan 2005-06' in year
            assert client.get(quarterly).status_code == 200, role
        else:
            assert quarterly not in quarter and plan not in year, role
