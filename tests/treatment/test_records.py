"""Consent-based visibility, the access log on every read path, the key workers' steps and the provider
API's tokens."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from concordat.core.models import AuditEntry
from concordat.core.roles import Role
from concordat.treatment.consent import consent_give, consent_withdraw
from concordat.treatment.handles import ensure_handles, handle_for
from concordat.treatment.models import Episode, EpisodeModality, Submission
from concordat.treatment.sharing import AccessEntry, ApiToken, ClientHandle, Consent, WebEntry
from concordat.treatment.tokens import api_token_create, api_token_revoke
from concordat.treatment.visibility import visible_clients
from tests.factories import member
from tests.treatment.conftest import submit
from tests.treatment.submissions import DOB, a_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(partnership: Any) -> dict[str, Any]:
    assert submit(partnership, a_file()).report.accepted
    p1, p2 = partnership.providers.get(code="P1"), partnership.providers.get(code="P2")
    people = {
        "worker1": member(partnership, Role.KEY_WORKER, p1, username="worker1"),
        "officer1": member(partnership, Role.PROVIDER_DATA_OFFICER, p1, username="officer1"),
        "worker2": member(partnership, Role.KEY_WORKER, p2, username="worker2"),
        "officer2": member(partnership, Role.PROVIDER_DATA_OFFICER, p2, username="officer2"),
    }
    for role in (
        Role.LEAD_COMMISSIONER,
        Role.AUDITOR,
        Role.BOARD_MEMBER,
        Role.PARTNER_REPRESENTATIVE,
        Role.POOL_MANAGER,
    ):
        people[role] = member(partnership, role, username=f"as-{role}")
    ensure_handles(partnership)
    record = ClientHandle.objects.get(provider=p1, client_ref="C0")
    return {"p": partnership, "p1": p1, "p2": p2, "people": people, "record": record}


def timeline_url(world: dict[str, Any]) -> str:
    return reverse("treatment:timeline", args=[world["p"].slug, world["record"].handle])


# --- visibility -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["worker1", "officer1"])
def test_own_providers_staff_see_their_clients(client: Any, world: dict[str, Any], who: str) -> None:
    client.force_login(world["people"][who])
    response = client.get(timeline_url(world))
    assert response.status_code == 200
    assert "C0" in response.content.decode()
    assert visible_clients(world["people"][who], world["p"]).filter(client_ref="C0").exists()


@pytest.mark.parametrize("who", ["worker2", "officer2"])
def test_another_providers_staff_are_refused_without_consent(
    client: Any, world: dict[str, Any], who: str
) -> None:
    client.force_login(world["people"][who])
    assert client.get(timeline_url(world)).status_code == 404
    assert not visible_clients(world["people"][who], world["p"]).exists()


@pytest.mark.parametrize(
    "role",
    [Role.LEAD_COMMISSIONER, Role.AUDITOR, Role.BOARD_MEMBER, Role.PARTNER_REPRESENTATIVE, Role.POOL_MANAGER],
)
def test_everyone_else_sees_counts_only(client: Any, world: dict[str, Any], role: str) -> None:
    client.force_login(world["people"][role])
    counts = client.get(reverse("treatment:counts", args=[world["p"].slug]))
    assert counts.status_code == 200
    html = counts.content.decode()
    # The ref as a word: a random CSRF token may hold the letters "C0".
    assert DOB not in html and not re.search(r"(?<![A-Za-z0-9_-])C0(?![A-Za-z0-9_-])", html)
    assert client.get(timeline_url(world)).status_code == 403
    assert client.get(reverse("treatment:caseload", args=[world["p"].slug])).status_code == 403
    assert not visible_clients(world["people"][role], world["p"]).exists()


def test_consent_lets_the_named_provider_see_and_withdrawal_stops_it(
    client: Any, world: dict[str, Any]
) -> None:
    worker2 = world["people"]["worker2"]
    consent, report = consent_give(
        record=world["record"],
        shared_with=world["p2"],
        scope=Consent.Scope.RECORD,
        given_on=date(2005, 1, 1),
        actor=world["people"]["worker1"],
    )
    assert not report.errors and consent is not None
    assert list(visible_clients(worker2, world["p"]).values_list("client_ref", flat=True)) == ["C0"]
    client.force_login(worker2)
    # Opening a shared record asks why; the answer goes into the access log.
    assert "Why are you opening" in client.get(timeline_url(world)).content.decode()
    response = client.post(timeline_url(world), {"reason": "transfer"})
    assert response.status_code == 200 and "Started pharmacological" in response.content.decode()
    entry = AccessEntry.objects.get(user=worker2)
    assert (entry.handle, entry.reason, entry.channel) == (world["record"].handle, "transfer", "page")

    assert not consent_withdraw(consent=consent, withdrawn_on=date(2005, 2, 1), actor=None).errors
    assert client.get(timeline_url(world)).status_code == 404
    assert Consent.objects.filter(pk=consent.pk, withdrawn_on=date(2005, 2, 1)).exists()  # kept, not deleted


def test_opening_a_shared_record_without_a_reason_says_so_in_the_title(
    client: Any, world: dict[str, Any]
) -> None:
    """The reason question sent unanswered showed its error summary under a title without "Error:", the
    first thing a screen reader says of the page; and nothing is logged."""
    consent_give(
        record=world["record"],
        shared_with=world["p2"],
        scope=Consent.Scope.RECORD,
        given_on=date(2005, 1, 1),
        actor=world["people"]["worker1"],
    )
    client.force_login(world["people"]["worker2"])
    html = client.post(timeline_url(world), {}).content.decode()
    assert re.search(r"<title>\s*Error: Client record", html)
    assert "Select why you are opening this record" in html
    assert not AccessEntry.objects.filter(user=world["people"]["worker2"]).exists()


def test_the_modality_questions_name_modalities_as_key_workers_know_them(
    client: Any, world: dict[str, Any]
) -> None:
    """The choices were the codes ("psychosocial", "day-programme")."""
    client.force_login(world["people"]["worker1"])
    handle = world["record"].handle
    refer = client.get(reverse("treatment:step", args=[world["p"].slug, handle, "modality"])).content.decode()
    assert "Structured psychosocial intervention or counselling" in refer
    assert not re.search(r"govuk-radios__label[^>]*>\s*psychosocial\s*<", refer)
    end = client.get(reverse("treatment:step", args=[world["p"].slug, handle, "end"])).content.decode()
    assert "Prescribing (specialist or GP shared care)" in end


def test_consent_survives_a_resubmission_that_replaces_the_rows(world: dict[str, Any]) -> None:
    consent_give(
        record=world["record"], shared_with=world["p2"], scope="record", given_on=date(2005, 1, 1), actor=None
    )
    before = Episode.objects.filter(provider=world["p1"]).values_list("id", flat=True).first()
    assert submit(world["p"], a_file()).report.accepted
    assert Episode.objects.filter(provider=world["p1"]).values_list("id", flat=True).first() != before
    assert handle_for(world["p"], world["p1"].pk, "C0").handle == world["record"].handle
    assert visible_clients(world["people"]["worker2"], world["p"]).filter(client_ref="C0").exists()


def test_referral_scope_hides_modalities(client: Any, world: dict[str, Any]) -> None:
    consent_give(
        record=world["record"],
        shared_with=world["p2"],
        scope="referral",
        given_on=date(2005, 1, 1),
        actor=None,
    )
    client.force_login(world["people"]["worker2"])
    page = client.post(timeline_url(world), {"reason": "transfer"}).content.decode()
    assert "Referred (GP" in page and "pharmacological" not in page


def test_consent_is_refused_for_the_clients_own_provider(world: dict[str, Any]) -> None:
    consent, report = consent_give(
        record=world["record"], shared_with=world["p1"], scope="record", given_on=date(2005, 1, 1), actor=None
    )
    assert consent is None and [p.code for p in report.errors] == ["own-provider"]


# --- the access log on every read path ------------------------------------------------------------------


def test_timeline_read_is_logged(client: Any, world: dict[str, Any]) -> None:
    client.force_login(world["people"]["worker1"])
    client.get(timeline_url(world))
    entry = AccessEntry.objects.get()
    assert (entry.user, entry.handle, entry.what, entry.channel) == (
        world["people"]["worker1"],
        world["record"].handle,
        "client timeline",
        "page",
    )


def test_caseload_read_is_logged_per_record_shown(client: Any, world: dict[str, Any]) -> None:
    client.force_login(world["people"]["worker1"])
    response = client.get(reverse("treatment:caseload", args=[world["p"].slug]))
    assert response.status_code == 200
    logged = set(AccessEntry.objects.filter(what="caseload").values_list("handle", flat=True))
    assert world["record"].handle in logged


def test_a_step_question_page_read_is_logged(client: Any, world: dict[str, Any]) -> None:
    client.force_login(world["people"]["worker1"])
    url = reverse("treatment:step", args=[world["p"].slug, world["record"].handle, "start"])
    assert client.get(url).status_code == 200
    entry = AccessEntry.objects.get()
    assert (entry.handle, entry.what) == (world["record"].handle, "record a start question")


def test_the_caseload_export_is_logged_and_names_records_by_handle_only(
    client: Any, world: dict[str, Any]
) -> None:
    client.force_login(world["people"]["worker1"])
    response = client.get(reverse("treatment:caseload-export", args=[world["p"].slug]))
    text = response.content.decode()
    assert text.splitlines()[0] == "record,provider,waiting_for,referral_date,days_waiting"
    assert world["record"].handle in text
    for secret in ("C0", "C1", DOB, "QZ"):
        assert secret not in text
    exported = AccessEntry.objects.filter(channel="export", what="caseload CSV")
    assert world["record"].handle in set(exported.values_list("handle", flat=True))


def test_api_reads_are_logged(client: Any, world: dict[str, Any]) -> None:
    made = api_token_create(partnership=world["p"], provider=world["p1"], name="case system", actor=None)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {made.secret}"}
    listing = client.get("/api/v1/treatment/provider/clients", **auth)
    assert listing.status_code == 200, listing.content
    assert listing.json()["count"] == 4
    assert AccessEntry.objects.filter(channel="api", what="API: client list").count() == 4
    one = client.get(f"/api/v1/treatment/provider/clients/{world['record'].handle}", **auth)
    assert one.status_code == 200 and one.json()["client_ref"] == "C0"
    entry = AccessEntry.objects.filter(what="API: client record").get()
    assert (
        entry.handle == world["record"].handle and entry.user is None and made.token.prefix in entry.user_name
    )


def test_access_log_page_filters_and_exports(client: Any, world: dict[str, Any]) -> None:
    client.force_login(world["people"]["worker1"])
    client.get(timeline_url(world))
    client.force_login(world["people"]["worker2"])
    client.get(reverse("treatment:caseload", args=[world["p"].slug]))
    auditor = world["people"][Role.AUDITOR]
    client.force_login(auditor)
    url = reverse("treatment:access-log", args=[world["p"].slug])
    page = client.get(url, {"person": world["people"]["worker1"].pk}).content.decode()
    assert world["record"].handle in page and "client timeline" in page and "caseload" not in page
    csv = b"".join(
        client.get(
            reverse("treatment:access-log-export", args=[world["p"].slug]), {"record": world["record"].handle}
        ).streaming_content
    ).decode()
    assert csv.splitlines()[0] == "at,person,record,provider,channel,what,reason"
    assert len(csv.splitlines()) == 2 and "C0" not in csv
    today = date.today().strftime("%d/%m/%Y")
    assert client.get(url, {"since": today, "until": today}).status_code == 200
    assert "No entries" in client.get(url, {"until": "01/01/2000"}).content.decode()
    # The last day a date can hold has no next day to stop before: it is no limit, not a 500
    assert world["record"].handle in client.get(url, {"until": "31/12/9999"}).content.decode()


def test_access_log_page_queries_do_not_grow_with_entries(client: Any, world: dict[str, Any]) -> None:
    client.force_login(world["people"]["worker1"])
    client.get(reverse("treatment:caseload", args=[world["p"].slug]))
    client.force_login(world["people"][Role.AUDITOR])
    url = reverse("treatment:access-log", args=[world["p"].slug])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    AccessEntry.objects.bulk_create(
        [
            AccessEntry(
                partnership=world["p"],
                user_name="x",
                at=AccessEntry.objects.first().at,
                handle=world["record"].handle,
                provider=world["p1"],
                channel="page",
                what="w",
            )
            for _ in range(40)
        ]
    )
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_caseload_queries_do_not_grow_with_clients(client: Any, world: dict[str, Any]) -> None:
    client.force_login(world["people"]["worker1"])
    url = reverse("treatment:caseload", args=[world["p"].slug])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    assert submit(world["p"], a_file(clients=9)).report.accepted
    client.get(url)  # the new records get their handles
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_prune_removes_older_entries_and_says_how_many(world: dict[str, Any]) -> None:
    from concordat.core import clock

    now = clock.now()
    for age in (1, 10, 400):
        AccessEntry.objects.create(
            partnership=world["p"],
            user_name="x",
            at=now - timedelta(days=age),
            handle=world["record"].handle,
            provider=world["p1"],
            channel="page",
            what="w",
        )
    out = io.StringIO()
    call_command("treatment", "prune-access-log", "--older-than", "5", stdout=out)
    assert "Removed 2 access log entries older than 5 days" in out.getvalue()
    assert AccessEntry.objects.count() == 1


# --- key workers' steps -----------------------------------------------------------------------------------


def _through_check(client: Any, url: str, data: dict[str, str]) -> Any:
    """Answer every page of the step (each takes the fields it asks from `data`) up to the check page."""
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    while "?part=" in response["Location"]:
        query = dict(item.split("=") for item in response["Location"].split("?")[1].split("&"))
        page = client.get(response["Location"])
        assert page.status_code == 200
        response = client.post(url, {**data, **query})
        assert response.status_code == 302, response.content.decode()[:3000]
    check = response["Location"]
    assert "/check/" in check
    page = client.get(check)
    assert "Check your answers" in page.content.decode()
    return check


REFERRAL = {
    "client_ref": "NEW-1",
    "initials": "xy",
    "date_of_birth_0": "2",
    "date_of_birth_1": "3",
    "date_of_birth_2": "1980",
    "sex": "F",
    "la_of_residence": "E08000006",
    "episode_ref": "NEW-EP-1",
    "referral_date_0": "1",
    "referral_date_1": "2",
    "referral_date_2": "2005",
    "referral_source": "self",
    "primary_substance": "alcohol",
}


def test_a_referral_saved_twice_adds_one_episode(client: Any, world: dict[str, Any]) -> None:
    client.force_login(world["people"]["worker1"])
    check = _through_check(client, reverse("treatment:refer", args=[world["p"].slug]), REFERRAL)
    before = Episode.objects.count()
    saved = client.post(check)
    assert saved.status_code == 302 and "/clients/" in saved["Location"]
    again = client.post(check)
    assert again.status_code == 302
    assert Episode.objects.count() == before + 1
    episode = Episode.objects.get(episode_ref="NEW-EP-1")
    assert episode.client.initials == "XY" and episode.submission_id is None
    assert "NEW-1" not in saved["Location"] and "1980" not in saved["Location"]


def test_the_check_pages_change_links_keep_the_labels_capitals(client: Any, world: dict[str, Any]) -> None:
    """A screen reader read "Change local authority of residence (ons code)": "ons" as a word."""
    client.force_login(world["people"]["worker1"])
    check = _through_check(client, reverse("treatment:refer", args=[world["p"].slug]), REFERRAL)
    html = client.get(check).content.decode()
    assert "(ONS code)</span>" in html and "(ons code)" not in html


def test_a_referral_is_asked_over_two_pages(client: Any, world: dict[str, Any]) -> None:
    client.force_login(world["people"]["worker1"])
    url = reverse("treatment:refer", args=[world["p"].slug])
    first = client.get(url).content.decode()
    assert "About the client" in first and 'name="episode_ref"' not in first
    response = client.post(url, REFERRAL)
    assert "?part=1&draft=" in response["Location"]
    second = client.get(response["Location"]).content.decode()
    assert "About the referral" in second and 'name="client_ref"' not in second


def test_a_date_too_large_for_a_date_is_an_error_not_a_500(client: Any, world: dict[str, Any]) -> None:
    client.force_login(world["people"]["worker1"])
    url = reverse("treatment:refer", args=[world["p"].slug])
    response = client.post(url, {**REFERRAL, "date_of_birth_2": "9" * 20})
    assert (
        response.status_code == 200 and "Enter the date of birth as a real date" in response.content.decode()
    )


@pytest.mark.parametrize(
    ("day", "month", "year"), [("30", "2", "1990"), ("1", "13", "1990"), ("1", "1", "0"), ("1", "1", "99999")]
)
def test_a_date_that_does_not_exist_is_asked_again_in_plain_words(
    client: Any, world: dict[str, Any], day: str, month: str, year: str
) -> None:
    """30 February was answered with Python's own words ("day is out of range for month")."""
    client.force_login(world["people"]["worker1"])
    url = reverse("treatment:refer", args=[world["p"].slug])
    dob = {"date_of_birth_0": day, "date_of_birth_1": month, "date_of_birth_2": year}
    html = client.post(url, {**REFERRAL, **dob}).content.decode()
    assert "Enter the date of birth as a real date" in html
    assert "out of range" not in html and "must be in" not in html


def test_a_referral_breaking_a_file_rule_is_refused_on_its_field(client: Any, world: dict[str, Any]) -> None:
    client.force_login(world["people"]["worker1"])
    future = {**REFERRAL, "referral_date_2": "2099"}
    check = _through_check(client, reverse("treatment:refer", args=[world["p"].slug]), future)
    response = client.post(check)
    assert response.status_code == 200
    assert "referral_date is after the period end" in response.content.decode(), re.findall(
        r"govuk-error-message.{0,200}|error-summary__list.{0,400}", response.content.decode(), re.S
    )
    assert not Episode.objects.filter(episode_ref="NEW-EP-1").exists()
    assert not WebEntry.objects.exists()


def test_refer_to_a_modality_then_start_then_a_stale_second_start_adds_nothing(
    client: Any, world: dict[str, Any]
) -> None:
    client.force_login(world["people"]["worker1"])
    slug, handle = world["p"].slug, world["record"].handle
    step = lambda name: reverse("treatment:step", args=[slug, handle, name])  # noqa: E731
    check = _through_check(
        client,
        step("modality"),
        {
            "episode_ref": "W0",
            "modality": "psychosocial",
            "modality_referral_date_0": "12",
            "modality_referral_date_1": "1",
            "modality_referral_date_2": "2005",
        },
    )
    assert client.post(check).status_code == 302
    waiting = EpisodeModality.objects.get(episode__episode_ref="W0")
    assert waiting.start_date is None
    start = {
        "episode_ref": "W0",
        "which": "psychosocial:2005-01-12",
        "modality_start_date_0": "20",
        "modality_start_date_1": "1",
        "modality_start_date_2": "2005",
    }
    first = _through_check(client, step("start"), start)
    # A second form for the same start, opened before the first was saved:
    second = client.post(step("start"), start)["Location"]
    assert client.post(first).status_code == 302
    assert EpisodeModality.objects.get(episode__episode_ref="W0").start_date == date(2005, 1, 20)
    stale = client.post(second)
    assert stale.status_code == 200
    assert "already recorded" in stale.content.decode()
    assert EpisodeModality.objects.filter(episode__episode_ref="W0").count() == 1
    assert EpisodeModality.objects.get(episode__episode_ref="W0").start_date == date(2005, 1, 20)


def test_a_start_before_the_modality_referral_is_refused_by_the_files_rule(world: dict[str, Any]) -> None:
    from concordat.treatment.casework import modality_start

    outcome = modality_start(
        partnership=world["p"],
        record=world["record"],
        token="t" * 20,
        actor=None,
        episode_ref="E0",
        which="psychosocial:2004-07-01",
        start_date=date(2004, 6, 1),
    )
    assert [p.code for p in outcome.report.errors] == ["start-before-modality-referral"]
    assert EpisodeModality.objects.get(episode__episode_ref="E0", modality="psychosocial").start_date is None


def test_another_providers_key_worker_cannot_record_for_a_client(client: Any, world: dict[str, Any]) -> None:
    consent_give(
        record=world["record"], shared_with=world["p2"], scope="record", given_on=date(2005, 1, 1), actor=None
    )
    client.force_login(world["people"]["worker2"])
    url = reverse("treatment:step", args=[world["p"].slug, world["record"].handle, "triage"])
    assert client.get(url).status_code == 404


# --- provider API tokens ----------------------------------------------------------------------------------


def test_only_a_digest_is_kept_and_the_token_is_shown_once(client: Any, world: dict[str, Any]) -> None:
    client.force_login(world["people"]["officer1"])
    response = client.post(
        reverse("treatment:add-token", args=[world["p"].slug]), {"provider": "P1", "name": "case system"}
    )
    secret = re.search(r"cct_[A-Za-z0-9_-]+", response.content.decode()).group(0)
    token = ApiToken.objects.get()
    assert token.digest != secret and secret not in token.digest and token.prefix == secret[:12]
    listing = client.get(reverse("treatment:tokens", args=[world["p"].slug])).content.decode()
    assert secret not in listing and token.prefix in listing


def test_submitting_the_token_form_twice_makes_one_token(client: Any, world: dict[str, Any]) -> None:
    # A double click or Back and resubmit would otherwise leave a live token whose secret nobody saw.
    client.force_login(world["people"]["officer1"])
    url = reverse("treatment:add-token", args=[world["p"].slug])
    draft = re.search(r'name="draft" value="([^"]+)"', client.get(url).content.decode()).group(1)
    first = client.post(url, {"provider": "P1", "name": "case system", "draft": draft})
    assert re.search(r"cct_[A-Za-z0-9_-]+", first.content.decode())
    second = client.post(url, {"provider": "P1", "name": "case system", "draft": draft})
    assert second.status_code == 302 and second["Location"] == reverse(
        "treatment:tokens", args=[world["p"].slug]
    )
    assert ApiToken.objects.count() == 1


def test_one_form_makes_one_token_even_from_two_sessions_at_once(world: dict[str, Any]) -> None:
    # Two requests in flight with the same form (a double click racing itself): the form's key is unique
    # in the database, not only remembered in a session, so the second makes nothing and writes no event.
    from django.test import Client as Browser

    from concordat.core.models import AuditEntry

    url = reverse("treatment:add-token", args=[world["p"].slug])
    first, second = Browser(), Browser()
    for browser in (first, second):
        browser.force_login(world["people"]["officer1"])
    draft = re.search(r'name="draft" value="([^"]+)"', first.get(url).content.decode()).group(1)
    made = first.post(url, {"provider": "P1", "name": "case system", "draft": draft})
    events = AuditEntry.objects.count()
    again = second.post(url, {"provider": "P1", "name": "case system", "draft": draft})
    assert made.status_code == 200 and again.status_code == 302
    assert ApiToken.objects.count() == 1 and AuditEntry.objects.count() == events


def test_an_officer_cannot_make_a_token_for_another_provider(client: Any, world: dict[str, Any]) -> None:
    client.force_login(world["people"]["officer1"])
    response = client.post(
        reverse("treatment:add-token", args=[world["p"].slug]), {"provider": "P2", "name": "x"}
    )
    assert response.status_code == 200 and not ApiToken.objects.exists()


def test_a_revoked_token_is_refused(client: Any, world: dict[str, Any]) -> None:
    made = api_token_create(partnership=world["p"], provider=world["p1"], name="x", actor=None)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {made.secret}"}
    assert client.get("/api/v1/treatment/provider/clients", **auth).status_code == 200
    assert api_token_revoke(token=made.token, actor=None)
    refused = client.get("/api/v1/treatment/provider/clients", **auth)
    assert refused.status_code == 401 and refused.json()["title"] == "API token refused"
    assert refused["WWW-Authenticate"].startswith("Bearer")
    assert (
        client.get("/api/v1/treatment/provider/clients", HTTP_AUTHORIZATION="Bearer cct_nonsense").status_code
        == 401
    )


def test_a_token_reads_only_its_own_provider(client: Any, world: dict[str, Any]) -> None:
    made = api_token_create(partnership=world["p"], provider=world["p2"], name="x", actor=None)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {made.secret}"}
    assert (
        client.get(f"/api/v1/treatment/provider/clients/{world['record'].handle}", **auth).status_code == 404
    )
    submission = (
        world["p"]
        and __import__("concordat.treatment.models", fromlist=["Submission"])
        .Submission.objects.filter(provider=world["p1"])
        .first()
    )
    assert client.get(f"/api/v1/treatment/provider/submissions/{submission.pk}", **auth).status_code == 404
    assert client.get("/api/v1/treatment/provider/clients", **auth).json()["count"] == 0
    assert not AccessEntry.objects.exists()


def test_over_the_rate_answers_429_with_retry_after(
    client: Any, world: dict[str, Any], settings: Any
) -> None:
    settings.TREATMENT_API_RATE_PER_MINUTE = 2
    from django.core.cache import cache

    cache.clear()
    made = api_token_create(partnership=world["p"], provider=world["p1"], name="x", actor=None)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {made.secret}"}
    url = "/api/v1/treatment/provider/submissions/999999"
    assert [client.get(url, **auth).status_code for _ in range(2)] == [404, 404]
    limited = client.get(url, **auth)
    assert limited.status_code == 429
    assert 1 <= int(limited["Retry-After"]) <= 60
    assert limited["Content-Type"] == "application/problem+json" and limited.json()["status"] == 429


def test_a_file_submitted_through_the_api_is_imported(client: Any, world: dict[str, Any]) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.treatment.submissions import csv_bytes

    made = api_token_create(partnership=world["p"], provider=world["p2"], name="x", actor=None)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {made.secret}"}
    upload = SimpleUploadedFile("p2.csv", csv_bytes(a_file(1)), content_type="text/csv")
    response = client.post(
        "/api/v1/treatment/provider/submissions", {"file": upload, "period_end": "2005-03-31"}, **auth
    )
    assert response.status_code == 202, response.content
    body = response.json()
    assert response["Location"] == f"/api/v1/treatment/provider/submissions/{body['id']}"
    assert body["accepted"] and body["provider"] == "P2" and body["errors"] == []
    assert body["submitted_by"] == f"API token {made.token.prefix}… (x)"
    read = client.get(f"/api/v1/treatment/provider/submissions/{body['id']}", **auth).json()
    assert read["accepted"] and read["rows"] == body["rows"]
    assert Episode.objects.filter(provider=world["p2"]).exists()


def test_no_answer_of_the_provider_api_may_be_stored(client: Any, world: dict[str, Any]) -> None:
    # A bearer token is no session: its answers (initials, dates of birth) were sent cacheable.
    made = api_token_create(partnership=world["p"], provider=world["p1"], name="x", actor=None)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {made.secret}"}
    submission = Submission.objects.filter(provider=world["p1"]).get()
    responses = [
        client.get(f"/api/v1/treatment/provider/submissions/{submission.pk}", **auth),
        client.get("/api/v1/treatment/provider/clients", **auth),
        client.get(f"/api/v1/treatment/provider/clients/{world['record'].handle}", **auth),
        client.get("/api/v1/treatment/provider/clients/nobody", **auth),
        client.get("/api/v1/treatment/provider/clients?offset=-1", **auth),
        client.get("/api/v1/treatment/provider/clients"),  # no token: 401
    ]
    assert [r.status_code for r in responses] == [200, 200, 200, 404, 422, 401]
    assert [r.get("Cache-Control") for r in responses] == ["no-store"] * len(responses)


CLIENTS = "/api/v1/treatment/provider/clients"


@pytest.mark.parametrize(
    ("query", "path", "code"),
    [
        ("offset=5", "query.offset", "beyond-the-list"),  # the provider has 4 clients
        ("offset=99999999999999999999", "query.offset", "beyond-the-list"),  # more than 64 bits
        ("offset=-1", "query.offset", "greater_than_equal"),
        ("offset=x", "query.offset", "int_parsing"),
        ("offset=1.5", "query.offset", "int_parsing"),
        ("limit=-5", "query.limit", "greater_than_equal"),
        ("limit=0", "query.limit", "greater_than_equal"),
        ("limit=ten", "query.limit", "int_parsing"),
    ],
)
def test_an_offset_or_limit_the_list_cannot_have_is_a_problem_at_the_parameter(
    client: Any, world: dict[str, Any], query: str, path: str, code: str
) -> None:
    made = api_token_create(partnership=world["p"], provider=world["p1"], name="x", actor=None)
    response = client.get(f"{CLIENTS}?{query}", HTTP_AUTHORIZATION=f"Bearer {made.secret}")
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert [(e["path"], e["code"]) for e in response.json()["errors"]] == [(path, code)]
    assert not AccessEntry.objects.exists()


def test_a_page_of_the_client_list_may_end_at_the_end_and_a_large_limit_is_the_largest_page(
    client: Any, world: dict[str, Any]
) -> None:
    made = api_token_create(partnership=world["p"], provider=world["p1"], name="x", actor=None)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {made.secret}"}
    end = client.get(f"{CLIENTS}?offset=4", **auth)
    assert end.status_code == 200 and end.json()["clients"] == [] and end.json()["count"] == 4
    last = client.get(f"{CLIENTS}?offset=3&limit=1", **auth).json()
    assert [c["client_ref"] for c in last["clients"]] == ["DONE"]
    assert client.get(f"{CLIENTS}?limit=10000", **auth).json()["limit"] == 500


def test_the_openapi_document_lists_the_provider_endpoints(client: Any, world: dict[str, Any]) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"/api/v1/treatment/provider/submissions", "/api/v1/treatment/provider/clients"} <= set(paths)


def test_audit_entries_name_records_by_handle_only(client: Any, world: dict[str, Any]) -> None:
    client.force_login(world["people"]["worker1"])
    check = _through_check(client, reverse("treatment:refer", args=[world["p"].slug]), REFERRAL)
    client.post(check)
    consent_give(
        record=world["record"], shared_with=world["p2"], scope="record", given_on=date(2005, 1, 1), actor=None
    )
    text = " ".join(AuditEntry.objects.values_list("summary", flat=True)) + " ".join(
        AuditEntry.objects.values_list("object_repr", flat=True)
    )
    for secret in ("NEW-1", "1980-03-02", "XY", "C0", DOB):
        assert secret not in text


def test_consent_and_token_changes_are_in_the_audit_trail_without_the_digest(world: dict[str, Any]) -> None:
    consent_give(
        record=world["record"], shared_with=world["p2"], scope="record", given_on=date(2005, 1, 1), actor=None
    )
    made = api_token_create(partnership=world["p"], provider=world["p1"], name="x", actor=None)
    api_token_revoke(token=made.token, actor=None)
    entries = AuditEntry.objects.filter(partnership=world["p"].slug)
    assert entries.filter(object_repr__startswith="consent").exists()
    trail = " ".join(str(v) for v in entries.values_list("changes", "summary", "object_repr"))
    assert made.token.prefix in trail
    assert made.token.digest not in trail and made.secret not in trail


def test_consent_given_and_withdrawn_through_the_pages(client: Any, world: dict[str, Any]) -> None:
    client.force_login(world["people"]["worker1"])
    slug, handle = world["p"].slug, world["record"].handle
    response = client.post(
        reverse("treatment:consent", args=[slug, handle]),
        {"shared_with": "P2", "scope": "record", "given_on_0": "1", "given_on_1": "1", "given_on_2": "2005"},
    )
    assert response.status_code == 302
    consent = Consent.objects.get()
    assert (consent.shared_with, consent.given_on, consent.withdrawn_on) == (
        world["p2"],
        date(2005, 1, 1),
        None,
    )
    again = client.post(
        reverse("treatment:consent", args=[slug, handle]),
        {"shared_with": "P2", "scope": "record", "given_on_0": "1", "given_on_1": "1", "given_on_2": "2005"},
    )
    assert again.status_code == 200 and "in force" in again.content.decode() and Consent.objects.count() == 1
    withdraw = reverse("treatment:withdraw-consent", args=[slug, handle, consent.pk])
    early = client.post(withdraw, {"withdrawn_on_0": "1", "withdrawn_on_1": "12", "withdrawn_on_2": "2004"})
    assert early.status_code == 200 and Consent.objects.get().withdrawn_on is None
    assert (
        client.post(
            withdraw, {"withdrawn_on_0": "2", "withdrawn_on_1": "2", "withdrawn_on_2": "2005"}
        ).status_code
        == 302
    )
    assert Consent.objects.get().withdrawn_on == date(2005, 2, 2)


def test_a_token_revoked_through_the_page_stays_listed(client: Any, world: dict[str, Any]) -> None:
    made = api_token_create(partnership=world["p"], provider=world["p1"], name="case system", actor=None)
    client.force_login(world["people"]["officer1"])
    url = reverse("treatment:revoke-token", args=[world["p"].slug, made.token.pk])
    assert "Revoke the token" in client.get(url).content.decode()
    assert ApiToken.objects.get().revoked_at is None  # asking revoked nothing
    assert client.post(url).status_code == 302
    token = ApiToken.objects.get()
    assert token.revoked_at is not None and token.revoked_by == world["people"]["officer1"]
    assert "Revoked" in client.get(reverse("treatment:tokens", args=[world["p"].slug])).content.decode()


def test_an_officer_cannot_revoke_another_providers_token(client: Any, world: dict[str, Any]) -> None:
    made = api_token_create(partnership=world["p"], provider=world["p2"], name="x", actor=None)
    client.force_login(world["people"]["officer1"])
    assert (
        client.post(reverse("treatment:revoke-token", args=[world["p"].slug, made.token.pk])).status_code
        == 404
    )
    assert ApiToken.objects.get().revoked_at is None


def test_the_caseload_shows_a_shared_clients_modalities_only_with_a_whole_record_consent(
    client: Any, world: dict[str, Any]
) -> None:
    consent, _ = consent_give(
        record=world["record"],
        shared_with=world["p2"],
        scope="referral",
        given_on=date(2005, 1, 1),
        actor=None,
    )
    client.force_login(world["people"]["worker2"])
    url = reverse("treatment:caseload", args=[world["p"].slug])
    page = client.get(url).content.decode()
    assert "psychosocial" not in page and "C0" in page  # waiting for triage (W0) shows; the modality not
    assert consent is not None
    consent_withdraw(consent=consent, withdrawn_on=date(2005, 1, 2), actor=None)
    consent_give(
        record=world["record"], shared_with=world["p2"], scope="record", given_on=date(2005, 1, 3), actor=None
    )
    assert "psychosocial" in client.get(url).content.decode()


def test_the_counts_page_queries_do_not_grow_with_providers_or_clients(
    client: Any, world: dict[str, Any]
) -> None:
    from concordat.partnerships.models import Provider

    client.force_login(world["people"][Role.LEAD_COMMISSIONER])
    url = reverse("treatment:counts", args=[world["p"].slug])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(5):
        Provider.objects.create(partnership=world["p"], code=f"Q{n}", name=f"Provider {n}")
    assert submit(world["p"], a_file(clients=6), provider="P2").report.accepted
    with CaptureQueriesContext(connection) as many:
        page = client.get(url)
    assert len(many) == len(few)
    assert "Provider 4" in page.content.decode()


def test_the_access_log_export_writes_a_formula_like_name_as_text(client: Any, world: dict[str, Any]) -> None:
    worker = world["people"]["worker1"]
    worker.first_name, worker.last_name = "=HYPERLINK(1)", ""
    worker.save()
    client.force_login(worker)
    client.get(timeline_url(world))
    client.force_login(world["people"][Role.AUDITOR])
    url = reverse("treatment:access-log-export", args=[world["p"].slug])
    csv = b"".join(client.get(url, {"record": world["record"].handle}).streaming_content).decode()
    assert ",'=HYPERLINK(1)" in csv and ",=HYPERLINK" not in csv
