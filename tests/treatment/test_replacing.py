"""Replacing a provider's record is a decision: what it would change (episodes added, changed, removed, and
how many of those key workers entered or edited on the web), confirmed on the page or asked for with
`replace=true` on the API; a check only writes nothing; a superseded submission can be restored; the
provider's record can be downloaded in the submission format, and importing that file gives the same
record; a file wrong on every row keeps only its first problems and the counts."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from concordat.core import clock
from concordat.core.models import AuditEntry
from concordat.treatment import casework
from concordat.treatment.changes import changes_between
from concordat.treatment.models import Episode, Generation, Submission
from concordat.treatment.services import (
    NotStaged,
    RecordMoved,
    changes_if_made_current,
    record_replace,
    remove_unneeded_generations,
    submission_restore,
)
from concordat.treatment.sharing import AccessEntry, ClientHandle
from tests.factories import member, row_counts
from tests.treatment.conftest import record, submit, treatment_counts
from tests.treatment.submissions import DOB, a_file, csv_bytes, row
from tests.treatment.test_pages import replace, text, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(partnership):
    return member(partnership, "provider-data-officer", "P1", first_name="Olive", last_name="Officer")


def refer_on_the_web(partnership, ref="WEB-1"):
    outcome = casework.episode_refer(
        partnership=partnership,
        provider=partnership.providers.get(code="P1"),
        token=f"token-{ref}-0000000000",
        actor=None,
        client_ref=ref,
        initials="WB",
        date_of_birth=date(1981, 2, 3),
        sex="F",
        la_of_residence="E08000006",
        episode_ref=f"EP-{ref}",
        referral_date=date(2005, 1, 10),
        referral_source="self",
        primary_substance="alcohol",
    )
    assert outcome.saved, outcome.report.errors


def test_the_changes_count_added_changed_removed_and_unchanged_episodes(partnership):
    submit(partnership, a_file(3))  # C0..C2 with E0..E2 and their waiting and discharged episodes
    rows = a_file(3)
    kept = [r for r in rows if r["episode_ref"] != "E1"]  # E1 removed
    for r in kept:
        if r["episode_ref"] == "E2":
            r["triage_date"] = "2004-06-04"  # E2 changed
    kept.append(row(client_ref="NEW", episode_ref="NEW-1"))  # one added
    web = upload_staged(partnership, kept)
    changes = changes_if_made_current(web)
    episodes_before = 7
    assert (changes.added, changes.changed, changes.removed) == (1, 1, 1)
    assert changes.unchanged == episodes_before - 2
    assert changes.web_lost == 0


def upload_staged(partnership, rows):
    """A file checked and staged as the web does, without replacing the record."""
    from concordat.treatment.jobs import submission_queue
    from concordat.treatment.services import Replace

    return submission_queue(
        partnership=partnership,
        provider=partnership.providers.get(code="P1"),
        source=io.BytesIO(csv_bytes(rows)),
        file_size=len(csv_bytes(rows)),
        period_end=date(2005, 3, 31),
        file_name="staged.csv",
        actor=None,
        channel=Submission.Channel.WEB,
        replace=Replace.ASK,
    )


def test_a_modality_changed_in_place_counts_the_episode_as_changed(partnership):
    submit(partnership, [row()])
    staged = upload_staged(partnership, [row(modality_end_date="2004-12-01")])
    assert changes_if_made_current(staged).changed == 1


def test_a_web_upload_waits_for_the_decision_and_the_record_is_unchanged_meanwhile(
    client, partnership, officer
):
    submit(partnership, a_file(2))
    before = record()
    client.force_login(officer)
    page = client.get(upload(client, [row()])["Location"]).content.decode()
    staged = Submission.objects.latest("id")
    assert staged.state == "staged" and record() == before
    assert "Episodes removed" in page and "Do not use this file" in page
    assert DOB not in page


def test_episodes_entered_on_the_web_are_counted_and_the_page_warns(client, partnership, officer):
    submit(partnership, a_file(2))
    refer_on_the_web(partnership)
    client.force_login(officer)
    page = client.get(upload(client, a_file(2))["Location"]).content.decode()
    staged = Submission.objects.latest("id")
    assert staged.changes["web_removed"] == 1 and staged.changes["removed"] == 1
    assert "entered or edited on the web by key workers" in page


def test_a_web_edit_of_a_submitted_episode_is_counted_when_the_file_would_change_it(partnership):
    submit(partnership, [row()])
    handle = ClientHandle.objects.create(
        partnership=partnership, provider=partnership.providers.get(code="P1"), client_ref=row()["client_ref"],
        handle="h" * 16,
    )  # fmt: skip
    outcome = casework.episode_discharge(
        partnership=partnership,
        record=handle,
        token="token-discharge-000000",
        actor=None,
        episode_ref=row()["episode_ref"],
        discharge_date=date(2005, 2, 1),
        discharge_reason="dropped-out",
    )
    assert outcome.saved, outcome.report.errors
    assert Episode.objects.get().changed_on_web
    staged = upload_staged(partnership, [row()])
    changes = changes_if_made_current(staged)
    assert (changes.changed, changes.web_changed) == (1, 1)


def test_replacing_makes_the_staged_generation_the_record_in_one_step(client, partnership, officer):
    submit(partnership, a_file(2))
    first = Submission.objects.get()
    client.force_login(officer)
    upload(client, [row(client_ref="NEW", episode_ref="NEW-1")])
    staged = Submission.objects.latest("id")
    assert replace(client, staged).status_code == 302
    staged.refresh_from_db()
    first.refresh_from_db()
    assert (staged.state, first.state) == ("current", "superseded")
    assert [c[1] for c in record()["clients"]] == ["NEW"]
    assert Generation.objects.filter(current=True).count() == 1
    events = AuditEntry.objects.filter(kind="treatment-submission").order_by("-id")
    assert events[0].actor == officer and "1 added" in events[0].summary


def test_a_decision_on_a_record_changed_since_is_refused_and_counted_again(client, partnership, officer):
    submit(partnership, a_file(2))
    client.force_login(officer)
    upload(client, a_file(2))
    staged = Submission.objects.latest("id")
    seen = dict(staged.changes)
    refer_on_the_web(partnership)  # a key worker's entry after the page was shown
    response = client.post(
        reverse("treatment:replace-record", args=["salford-dat", staged.pk]),
        {"against": seen["against"], "against_changes": seen["against_changes"]},
    )
    staged.refresh_from_db()
    assert staged.state == "staged" and Episode.objects.filter(episode_ref="EP-WEB-1").exists()
    assert staged.changes["web_removed"] == 1  # counted again, to be decided again
    assert "The record changed since" in client.get(response["Location"]).content.decode()


def test_not_using_a_file_leaves_the_record_and_removes_its_rows(client, partnership, officer):
    submit(partnership, a_file(2))
    before = record()
    client.force_login(officer)
    upload(client, a_file(3))
    staged = Submission.objects.latest("id")
    client.post(reverse("treatment:discard-submission", args=["salford-dat", staged.pk]))
    staged.refresh_from_db()
    assert staged.state == "discarded" and record() == before
    remove_unneeded_generations()
    assert Episode.every_generation.count() == Episode.objects.count()
    with pytest.raises(NotStaged):
        record_replace(submission=staged, actor=None)


def test_only_the_providers_own_data_officer_decides(client, partnership):
    submit(partnership, a_file(1))
    staged = upload_staged(partnership, a_file(2))
    for who in (member(partnership, "lead-commissioner"), member(partnership, "provider-data-officer", "P2")):
        client.force_login(who)
        response = client.post(reverse("treatment:replace-record", args=["salford-dat", staged.pk]))
        assert response.status_code in (403, 404)
    staged.refresh_from_db()
    assert staged.state == "staged"


def test_a_superseded_submission_is_restored_for_thirty_days_then_its_rows_go(
    client, partnership, officer, monkeypatch
):
    submit(partnership, a_file(2))
    first_record = record()
    submit(partnership, [row(client_ref="NEW", episode_ref="NEW-1")])
    first = Submission.objects.order_by("id").first()
    client.force_login(officer)
    page = client.get(reverse("treatment:submission", args=["salford-dat", first.pk])).content.decode()
    assert "Restore this submission" in page
    confirm = client.get(reverse("treatment:restore-submission", args=["salford-dat", first.pk]))
    assert "Episodes added" in confirm.content.decode()
    changes = changes_if_made_current(first)
    client.post(
        reverse("treatment:restore-submission", args=["salford-dat", first.pk]),
        {"against": changes.against, "against_changes": changes.against_changes},
    )
    first.refresh_from_db()
    assert first.state == "current" and record() == first_record
    assert AuditEntry.objects.filter(summary__startswith="restored the treatment record").count() == 1

    # Thirty days after being replaced again, its rows go and it can no longer be restored.
    second = Submission.objects.order_by("id").last()
    assert second.state == "superseded"
    later = clock.now() + timedelta(days=31)
    monkeypatch.setattr(clock, "now", lambda: later)
    remove_unneeded_generations()
    assert Episode.every_generation.count() == Episode.objects.count()
    with pytest.raises(NotStaged):
        submission_restore(submission=second, actor=None)


def test_a_restore_over_a_record_changed_meanwhile_is_refused(partnership):
    submit(partnership, a_file(2))
    submit(partnership, a_file(1))
    first = Submission.objects.order_by("id").first()
    seen = changes_if_made_current(first)
    refer_on_the_web(partnership)
    with pytest.raises(RecordMoved):
        submission_restore(submission=first, actor=None, seen=seen)


def test_a_check_only_reports_everything_and_writes_no_row_of_the_record(client, partnership, officer):
    submit(partnership, a_file(2))
    before, counts = record(), treatment_counts()
    client.force_login(officer)
    response = upload(client, [row(), row(episode_ref="E9", sex="Q")], action="check")
    checked = Submission.objects.latest("id")
    assert checked.dry_run and checked.state == "checked" and checked.error_count == 1
    assert record() == before and treatment_counts() == counts
    assert Episode.every_generation.count() == Episode.objects.count()
    page = client.get(response["Location"]).content.decode()
    assert "It was only checked: nothing was changed" in page
    ok = client.get(upload(client, a_file(2), action="check")["Location"]).content.decode()
    assert "This file would be accepted" in ok and record() == before


def test_the_check_command_writes_nothing_at_all(partnership, tmp_path):
    path = tmp_path / "f.csv"
    path.write_bytes(csv_bytes([row(), row(episode_ref="E2", sex="Q")]))
    rows = row_counts()
    submissions = Submission.objects.count()
    out = StringIO()
    with pytest.raises(CommandError) as failed:
        call_command(
            "treatment", "check", str(path), "--partnership", "salford-dat", "--provider", "P1",
            "--period-end", "2005-03-31", "--json", stdout=out,
        )  # fmt: skip
    assert failed.value.returncode == 2
    report = json.loads(out.getvalue())
    assert report["accepted"] is False and [e["code"] for e in report["errors"]] == ["invalid-choice"]
    assert (
        row_counts() == rows
        and Submission.objects.count() == submissions
        and treatment_counts()["Episode"] == 0
    )


def test_a_page_of_a_job_in_progress_refreshes_itself_and_shows_how_far_it_has_got(
    client, partnership, officer
):
    from concordat.core.jobs import job_create

    job = job_create(kind="treatment-submission", partnership="salford-dat", actor=officer, unit="rows")
    job.total, job.done = 1000, 250
    job.save()
    submission = Submission.objects.create(
        partnership=partnership, provider=partnership.providers.get(code="P1"), submitted_by=officer,
        submitted_by_name="Olive Officer", submitted_at=clock.now(), channel="web", period_end=date(2005, 3, 31),
        file_sha256="", state="checking", job=job,
    )  # fmt: skip
    client.force_login(officer)
    page = client.get(reverse("treatment:submission", args=["salford-dat", submission.pk])).content.decode()
    assert '<meta http-equiv="refresh" content="3">' in page
    assert "250 of 1,000 rows checked (25%)" in page and '<progress id="progress"' in page


def test_the_exported_record_imports_as_the_same_record(client, partnership, officer, tmp_path):
    submit(partnership, a_file(3))
    refer_on_the_web(partnership)
    before = record()
    client.force_login(officer)
    response = client.get(reverse("treatment:record-download", args=["salford-dat", "P1"]))
    exported = text(response)
    from concordat.treatment.models import Client

    assert AccessEntry.objects.filter(channel="export").count() == Client.objects.count()  # one per client
    submit(partnership, exported.encode())
    assert record() == before
    out = StringIO()
    call_command("treatment", "export", "--partnership", "salford-dat", "--provider", "P1", stdout=out)
    assert out.getvalue() == exported  # a stable order: the same bytes twice
    assert exported.startswith("client_ref,initials,")


def test_the_template_and_the_format_page_explain_the_file(client, partnership, officer):
    client.force_login(officer)
    template = text(client.get(reverse("treatment:template", args=["salford-dat"])))
    submit(partnership, template.encode())
    assert Submission.objects.get().accepted  # the example rows are valid
    page = client.get(reverse("treatment:format", args=["salford-dat"])).content.decode()
    for column in ("client_ref", "la_of_residence", "discharge_reason", "modality_end_date"):
        assert f"<code>{column}</code>" in page
    assert "gp-prescribing" in page  # the partnership's own modalities


def test_a_file_wrong_on_every_row_keeps_its_first_problems_and_every_count(partnership, settings, tmp_path):
    settings.TREATMENT_KEPT_PROBLEMS = 50
    rows = [row(client_ref=f"C{n}", episode_ref=f"E{n}", sex="Q") for n in range(300)]
    outcome = submit(partnership, rows)
    submission = outcome.submission
    assert submission.error_count == 300 and len(submission.report["errors"]) == 50
    assert submission.error_counts == {"sex|invalid-choice": 300} and submission.report["truncated"]
    # The command line still lists every one.
    path = tmp_path / "wrong.csv"
    path.write_bytes(csv_bytes(rows))
    out = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "treatment", "import", str(path), "--partnership", "salford-dat", "--provider", "P1",
            "--period-end", "2005-03-31", "--json", stdout=out,
        )  # fmt: skip
    assert len(json.loads(out.getvalue())["errors"]) == 300


def test_the_api_replaces_unless_it_would_undo_web_work_then_waits_for_replace(client, partnership, officer):
    submit(partnership, a_file(1))
    refer_on_the_web(partnership)
    client.force_login(officer)
    url = "/api/v1/partnerships/salford-dat/treatment/providers/P1/submissions"

    def post(query=""):
        upload = io.BytesIO(csv_bytes(a_file(1)))
        upload.name = "api.csv"
        return client.post(url + query, {"file": upload, "period_end": "2005-03-31"})

    waiting = post().json()
    assert (
        waiting["state"] == "staged"
        and waiting["waiting_for_replace"]
        and waiting["changes"]["web_removed"] == 1
    )
    assert Episode.objects.filter(episode_ref="EP-WEB-1").exists()
    decided = client.post(f"/api/v1/partnerships/salford-dat/treatment/submissions/{waiting['id']}/replace")
    assert decided.status_code == 200 and decided.json()["state"] == "current"
    assert not Episode.objects.filter(episode_ref="EP-WEB-1").exists()
    again = client.post(f"/api/v1/partnerships/salford-dat/treatment/submissions/{waiting['id']}/replace")
    assert again.status_code == 409 and again["Content-Type"] == "application/problem+json"
    refer_on_the_web(partnership, "WEB-2")
    assert post("?replace=true").json()["state"] == "current"
    assert post("?dry_run=true").json()["state"] == "checked"


def test_changes_against_no_record_are_all_added(partnership):
    staged = upload_staged(partnership, a_file(2))
    generation = Generation.objects.get(submission=staged)
    assert changes_between(generation, None).added == 5


def test_a_problems_file_is_kept_with_a_rejected_file_and_both_go_after_their_keeping(
    client, partnership, officer, settings, monkeypatch
):
    client.force_login(officer)
    upload(client, [row(sex="Q")] * 3)
    submission = Submission.objects.get()
    job = submission.job
    names = sorted(p.name for p in Path(settings.PRIVATE_DIR, "jobs").iterdir())
    assert names == [f"{job.pk}.problems.csv", f"{job.pk}.upload"]
    csv_text = text(
        client.get(reverse("treatment:submission-report-csv", args=["salford-dat", submission.pk]))
    )
    assert csv_text.count("invalid-choice") == 3
    from concordat.core.jobs import sweep_files

    later = clock.now() + timedelta(days=settings.REJECTED_FILE_DAYS + 1)
    monkeypatch.setattr(clock, "now", lambda: later)
    sweep_files()
    assert list(Path(settings.PRIVATE_DIR, "jobs").iterdir()) == []
    # The CSV is then made of the problems kept with the submission.
    csv_text = text(
        client.get(reverse("treatment:submission-report-csv", args=["salford-dat", submission.pk]))
    )
    assert csv_text.count("invalid-choice") == 3


def test_a_provider_system_downloads_its_record_and_its_file_names_are_made_safe(client, partnership):
    from concordat.treatment.tokens import api_token_create

    submit(partnership, a_file(2))
    made = api_token_create(
        partnership=partnership, provider=partnership.providers.get(code="P1"), name="system", actor=None
    )
    auth = {"HTTP_AUTHORIZATION": f"Bearer {made.secret}"}
    response = client.get("/api/v1/treatment/provider/record.csv", **auth)
    assert response.status_code == 200
    exported = text(response)
    assert exported.startswith("client_ref,") and AccessEntry.objects.filter(channel="export").exists()
    upload = io.BytesIO(exported.encode())
    upload.name = "../../<b>record</b>.csv"
    body = client.post(
        "/api/v1/treatment/provider/submissions", {"file": upload, "period_end": "2005-03-31"}, **auth
    ).json()
    assert (
        "/" not in body["file_name"] and "<" not in body["file_name"] and body["file_name"].endswith(".csv")
    )
    assert body["state"] == "current"
