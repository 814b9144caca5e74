"""A key worker refers a client, refers them to a modality, records the start and sees the caseload; an
auditor finds those reads in the access log. axe on every new page on the way."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page, expect

from concordat.core.roles import Role
from concordat.treatment.models import EpisodeModality
from concordat.treatment.sharing import AccessEntry
from tests.factories import load_partnership, member


def fill_date(page: Page, name: str, day: str, month: str, year: str) -> None:
    page.fill(f"#id_{name}_0", day)
    page.fill(f"#id_{name}_1", month)
    page.fill(f"#id_{name}_2", year)


def save_through_check(page: Page, axe_check: Callable[[Page], list[Any]]) -> None:
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers")
    assert axe_check(page) == []
    page.get_by_role("button", name="Save").click()


def test_a_key_worker_records_a_client_and_an_auditor_finds_the_reads(
    transactional_db: None,
    signed_in_page: Callable[..., Page],
    live_server: Any,
    axe_check: Callable[[Page], list[Any]],
) -> None:
    partnership = load_partnership()
    worker = member(partnership, Role.KEY_WORKER, username="kit", first_name="Kit", last_name="Keyworker")
    auditor = member(partnership, Role.AUDITOR, username="aud", first_name="Aud", last_name="Auditor")

    page = signed_in_page(worker)
    page.goto(live_server.url + "/partnerships/salford-dat/")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Caseload", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Caseload")
    assert axe_check(page) == []

    page.get_by_role("link", name="Refer a client").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("About the client")
    assert axe_check(page) == []
    page.get_by_label("Your service's client reference").fill("KIT-1")
    page.get_by_label("Client's initials").fill("ab")
    fill_date(page, "date_of_birth", "2", "3", "1980")
    page.get_by_label("Female").check()
    page.get_by_label("Local authority of residence (ONS code)").fill("E08000006")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("About the referral")
    assert axe_check(page) == []
    page.get_by_label("Your service's episode reference").fill("KIT-EP-1")
    fill_date(page, "referral_date", "1", "2", "2005")
    page.get_by_label("Self", exact=True).check()
    page.get_by_label("Alcohol").check()
    save_through_check(page, axe_check)
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Referral saved")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Client record")
    assert axe_check(page) == []
    timeline = page.url
    assert "KIT-1" not in timeline and "1980" not in timeline

    page.get_by_role("link", name="Referral to a modality").click()
    page.get_by_role("radio", name="Episode KIT-EP-1, referred 1 February 2005").check()
    page.get_by_label("Structured psychosocial intervention or counselling", exact=True).check()
    fill_date(page, "modality_referral_date", "3", "2", "2005")
    save_through_check(page, axe_check)
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Referral to the modality saved")

    page.get_by_role("link", name="Start of a modality").click()
    page.get_by_role("radio", name="Episode KIT-EP-1, referred 1 February 2005").check()
    page.get_by_label(
        "Structured psychosocial intervention or counselling, referred 3 February 2005", exact=False
    ).check()
    fill_date(page, "modality_start_date", "10", "2", "2005")
    save_through_check(page, axe_check)
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Start saved")
    expect(page.get_by_role("row").filter(has_text="Started psychosocial")).to_have_count(1)
    assert EpisodeModality.objects.get(episode__episode_ref="KIT-EP-1").start_date.isoformat() == "2005-02-10"

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Caseload", exact=True).click()
    waiting_triage = page.get_by_role("table").filter(has_text="Waiting for triage")
    expect(waiting_triage.get_by_role("link", name="KIT-1")).to_have_count(1)

    reads = AccessEntry.objects.filter(user=worker).count()
    assert reads >= 4  # the timeline after each step, and the caseload
    audit = signed_in_page(auditor)
    audit.goto(live_server.url + "/partnerships/salford-dat/")
    audit.get_by_role("navigation", name="Menu").get_by_role("link", name="Access log", exact=True).click()
    expect(audit.get_by_role("heading", level=1)).to_have_text("Access log")
    audit.get_by_label("Person").select_option(label="Kit Keyworker")
    audit.get_by_role("button", name="Show entries").click()
    rows = audit.locator("tbody tr")
    expect(rows).to_have_count(reads)
    expect(rows.filter(has_text="client timeline").first).to_contain_text("Kit Keyworker")
    expect(rows.filter(has_text="caseload")).to_have_count(1)
    assert axe_check(audit) == []


def test_a_data_officer_uploads_a_file_with_errors_reads_the_report_and_uploads_it_corrected(
    transactional_db: None,
    signed_in_page: Callable[..., Page],
    live_server: Any,
    axe_check: Callable[[Page], list[Any]],
    tmp_path: Any,
) -> None:
    from tests.treatment.submissions import a_file, csv_bytes

    partnership = load_partnership()
    officer = member(partnership, Role.PROVIDER_DATA_OFFICER, username="priya")
    rows = a_file(2)
    wrong = [dict(r) for r in rows]
    wrong[1]["sex"] = "Q"
    bad, good = tmp_path / "bad.csv", tmp_path / "good.csv"
    bad.write_bytes(csv_bytes(wrong))
    good.write_bytes(csv_bytes(rows))

    page = signed_in_page(officer)
    for path, outcome in (
        (bad, "Rejected: nothing was changed"),
        (good, "What replacing the record would change"),
    ):
        page.goto(live_server.url + "/partnerships/salford-dat/treatment/submissions/new/")
        assert axe_check(page) == []
        page.set_input_files("#id_file", str(path))
        fill_date(page, "period_end", "31", "3", "2005")
        page.get_by_role("button", name="Check and submit").click()
        expect(page.get_by_text(outcome, exact=True)).to_be_visible()
        assert axe_check(page) == []
        if path is bad:
            # The report: the error counted by its column and code, and at its row and column.
            expect(page.get_by_role("cell", name="sex", exact=True)).to_have_count(2)
            expect(page.get_by_role("row").filter(has_text="is not one of")).to_contain_text("3")
    page.get_by_role("button", name="Replace the record with this file").click()
    expect(page.get_by_text("Accepted", exact=True)).to_be_visible()
    from concordat.treatment.models import Client

    assert Client.objects.filter(provider__code="P1").count() == 3  # two clients and the discharged one


def test_the_counts_token_and_consent_pages_have_no_serious_accessibility_violations(
    transactional_db: None,
    signed_in_page: Callable[..., Page],
    live_server: Any,
    axe_check: Callable[[Page], list[Any]],
) -> None:
    from tests.treatment.conftest import submit
    from tests.treatment.submissions import a_file

    partnership = load_partnership(
        providers=[
            {"code": "P1", "name": "Example Community Drug Service", "tiers": [2, 3]},
            {"code": "P2", "name": "Second Street Project", "tiers": [2, 3]},
        ]
    )
    assert submit(partnership, a_file(2)).report.accepted
    officer = member(partnership, Role.PROVIDER_DATA_OFFICER, username="priya")
    lead = member(partnership, Role.LEAD_COMMISSIONER, username="lena")
    base = live_server.url + "/partnerships/salford-dat/treatment/"

    page = signed_in_page(lead)
    page.goto(base)
    expect(page.get_by_role("heading", level=1)).to_have_text("Treatment record")
    assert axe_check(page) == []

    page = signed_in_page(officer)
    page.goto(base + "tokens/")
    assert axe_check(page) == []
    page.get_by_role("link", name="Make a token").click()
    page.get_by_role("button", name="Make the token").click()  # nothing filled in: the errors
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert axe_check(page) == []
    page.get_by_label("What is the token for").fill("Case system")
    page.get_by_role("button", name="Make the token").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your new API token")
    assert axe_check(page) == []
    page.get_by_role("link", name="Back to API tokens").click()
    page.get_by_role("link", name="Revoke", exact=False).first.click()
    assert axe_check(page) == []

    page.goto(base + "caseload/")
    page.get_by_role("link", name="C0").first.click()
    page.get_by_role("link", name="Consent to share with another provider").click()
    page.get_by_role("button", name="Save consent").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert axe_check(page) == []
    page.get_by_label("Second Street Project (P2)").check()
    page.get_by_label("Their treatment record", exact=False).check()
    fill_date(page, "given_on", "1", "3", "2005")
    page.get_by_role("button", name="Save consent").click()
    expect(page.get_by_role("row").filter(has_text="Second Street Project")).to_have_count(1)
    assert axe_check(page) == []


def test_a_job_page_without_javascript_shows_the_check_going_then_the_changes_then_the_replaced_record(
    demo: Any,
    live_server: Any,
    new_context: Callable[..., Any],
    settings: Any,
    tmp_path: Any,
) -> None:
    """The upload queued for a worker (not run at once, as in the other tests): with JavaScript off its page
    says it waits and refreshes itself until the worker has checked the file, then shows what replacing the
    record would change, and the data officer replaces it."""
    from concordat.core import jobs
    from concordat.core.models import Job
    from concordat.demo.services import DEMO_PASSWORD
    from concordat.partnerships.models import Provider
    from concordat.treatment.export import record_csv
    from concordat.treatment.models import Client
    from concordat.treatment.selectors import latest_period_end

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    provider = Provider.objects.get(partnership__slug="salford-dat", members__user__username="provider")
    exported = "".join(record_csv(provider))
    extra = "NEW-C1,ZZ,1977-07-07,F,E08000006,NEW-E1,2005-01-05,self,alcohol,,,,,,,\r\n"
    path = tmp_path / "record.csv"
    path.write_text(exported + extra, encoding="utf-8")

    page = new_context(java_script_enabled=False).new_page()
    page.goto(live_server.url + "/sign-in/")
    page.get_by_label("Username").fill("provider")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(live_server.url + "/partnerships/salford-dat/treatment/submissions/new/")
    page.set_input_files("#id_file", str(path))
    day = latest_period_end(provider.partnership)
    fill_date(page, "period_end", str(day.day), str(day.month), str(day.year))
    page.get_by_role("button", name="Check and submit").click()
    expect(page.get_by_role("heading", name="Waiting to be checked")).to_be_visible()
    assert page.locator('meta[http-equiv="refresh"]').count() == 1  # (axe would race the refresh)
    expect(page.locator("progress")).to_have_count(0)  # no total yet: not counted before the worker starts

    # What the worker does, with the page away meanwhile (its refreshes would reach the live server, which
    # shares the test's database connection with the job's writer thread).
    waiting = page.url
    page.goto("about:blank")
    jobs.job_run(Job.objects.get(state="queued"))
    page.goto(waiting)
    expect(page.get_by_text("What replacing the record would change")).to_be_visible()
    assert page.locator('meta[http-equiv="refresh"]').count() == 0  # (axe needs JavaScript: the test above)
    page.get_by_role("button", name="Replace the record with this file").click()
    expect(page.get_by_text("Accepted", exact=True)).to_be_visible()
    assert Client.objects.filter(provider=provider, client_ref="NEW-C1").exists()
