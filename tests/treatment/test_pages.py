"""The submission pages: a data officer uploads, reads the report, downloads it, corrects and submits again;
leads and auditors read the history and the counts, never the problems of a row."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from concordat.treatment.models import Episode, Submission
from tests.factories import member
from tests.treatment.conftest import submit
from tests.treatment.submissions import DOB, a_file, csv_bytes, row

pytestmark = pytest.mark.django_db


def upload(client, rows, name="march.csv", day=("31", "3", "2005"), provider="P1", action="submit"):
    data = {
        "file": SimpleUploadedFile(name, rows if isinstance(rows, bytes) else csv_bytes(rows), "text/csv"),
        "provider": provider,
        "period_end_0": day[0],
        "period_end_1": day[1],
        "period_end_2": day[2],
        "action": action,
    }
    return client.post(reverse("treatment:submit", args=["salford-dat"]), data)


def text(response):
    """A page's or a download's text, streamed or not."""
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def replace(client, submission):
    """The data officer's decision on the submission's page, as the page sends it."""
    submission.refresh_from_db()
    changes = submission.changes
    return client.post(
        reverse("treatment:replace-record", args=["salford-dat", submission.pk]),
        {"against": changes.get("against") or "", "against_changes": changes.get("against_changes", 0)},
    )


@pytest.fixture
def officer(partnership):
    return member(partnership, "provider-data-officer", "P1", first_name="Olive", last_name="Officer")


def test_an_officer_uploads_a_file_with_errors_reads_the_report_and_then_submits_the_corrected_file(
    client, partnership, officer
):
    client.force_login(officer)
    response = upload(client, [row(), row(episode_ref="E2", sex="Q")])
    rejected = Submission.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("treatment:submission", args=["salford-dat", rejected.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Rejected: nothing was changed" in page
    assert "invalid-choice" in page and "sex" in page
    assert DOB not in page and "CLIENT-ALPHA-1" not in page
    assert Episode.objects.count() == 0

    report = client.get(reverse("treatment:submission-report-csv", args=["salford-dat", rejected.pk]))
    lines = list(csv.reader(io.StringIO(text(report))))
    assert lines[0] == ["kind", "row", "column", "code", "message"]
    assert lines[1][:4] == ["error", "3", "sex", "invalid-choice"]

    response = upload(client, [row(), row(episode_ref="E2")])
    accepted = Submission.objects.latest("id")
    assert accepted.accepted and accepted.channel == "web" and accepted.submitted_by == officer
    assert accepted.state == "staged" and Episode.objects.count() == 0  # a decision, not a surprise
    page = client.get(response["Location"]).content.decode()
    assert "What replacing the record would change" in page and "Replace the record with this file" in page
    assert replace(client, accepted).status_code == 302
    accepted.refresh_from_db()
    assert accepted.state == "current"
    assert "Accepted" in client.get(response["Location"]).content.decode()
    assert Episode.objects.count() == 2

    history = client.get(reverse("treatment:submissions", args=["salford-dat"])).content.decode()
    assert "Olive Officer" in history and "Rejected" in history and "The record" in history


def test_a_wrong_period_end_is_a_form_error_and_nothing_is_submitted(client, partnership, officer):
    client.force_login(officer)
    response = upload(client, [row()], day=("31", "2", "2005"))
    assert response.status_code == 200 and Submission.objects.count() == 0


def test_an_upload_over_the_limit_is_refused_as_it_arrives(client, partnership, officer, settings):
    settings.TREATMENT_UPLOAD_MAX_BYTES = 200
    client.force_login(officer)
    response = upload(client, a_file(3))
    assert response.status_code == 200
    assert "must be smaller than" in response.content.decode()
    assert Submission.objects.count() == 0


def test_leads_read_counts_but_not_the_problems_of_rows(client, partnership):
    rejected = submit(partnership, [row(sex="Q")]).submission
    client.force_login(member(partnership, "lead-commissioner"))
    page = client.get(reverse("treatment:submission", args=["salford-dat", rejected.pk])).content.decode()
    assert "invalid-choice" in page  # the count by kind
    assert "Download every problem" not in page and "is not one of" not in page
    assert (
        client.get(reverse("treatment:submission-report-csv", args=["salford-dat", rejected.pk])).status_code
        == 404
    )


def test_an_officer_sees_only_their_own_providers_submissions(client, partnership):
    theirs = submit(partnership, [row()], provider="P2").submission
    mine = submit(partnership, [row()]).submission
    client.force_login(member(partnership, "provider-data-officer", "P1"))
    history = client.get(reverse("treatment:submissions", args=["salford-dat"])).content.decode()
    assert reverse("treatment:submission", args=["salford-dat", mine.pk]) in history
    assert reverse("treatment:submission", args=["salford-dat", theirs.pk]) not in history
    assert client.get(reverse("treatment:submission", args=["salford-dat", theirs.pk])).status_code == 404


def test_the_history_page_takes_the_same_number_of_queries_for_1_or_20_submissions(client, partnership):
    client.force_login(member(partnership, "auditor"))
    url = reverse("treatment:submissions", args=["salford-dat"])
    submit(partnership, [row()])
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for n in range(19):
        submit(partnership, [row()], provider="P1" if n % 2 else "P2")
    with CaptureQueriesContext(connection) as twenty:
        response = client.get(url)
    assert response.content.decode().count('<strong class="govuk-tag govuk-tag--') == 20
    assert len(twenty.captured_queries) == len(one.captured_queries)


def test_the_submission_event_is_on_the_audit_trail_in_words(client, partnership):
    submit(partnership, a_file(1))
    client.force_login(member(partnership, "auditor"))
    page = client.get(reverse("partnerships:audit", args=["salford-dat"])).content.decode()
    assert "submitted the treatment record of Example Community Drug Service (P1)" in page
    assert "4 rows accepted" in page


def test_a_report_of_many_problems_lists_the_first_hundred_and_the_csv_has_every_one(
    client, partnership, officer
):
    """A file of 5,000 errors made a page of 5,000 table rows (1.4 MB; thousands of cards on a phone)."""
    client.force_login(officer)
    rows = [row(client_ref=f"C{n}", episode_ref=f"E{n}", sex="Q") for n in range(150)]
    page = client.get(upload(client, rows)["Location"]).content.decode()
    assert page.count("[invalid-choice]") == 100
    assert "The first 100 of 150 errors" in page
    submission = Submission.objects.get()
    report = client.get(reverse("treatment:submission-report-csv", args=["salford-dat", submission.pk]))
    assert len(text(report).strip().splitlines()) == 1 + 150


def test_an_upload_on_disk_is_moved_into_the_private_folder_and_gone_when_its_job_ends(
    client, partnership, officer, settings
):
    # A big upload arrives as a temporary file on disk (Django's TemporaryUploadedFile, written in the
    # private folder, never the system's temporary one); its job's file goes when the job ends.
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0  # every upload goes to disk, as a big one does
    client.force_login(officer)
    response = upload(client, a_file(4))
    staged = Submission.objects.get()
    assert staged.accepted and staged.state == "staged" and staged.rows == len(a_file(4))
    assert response["Location"] == reverse("treatment:submission", args=["salford-dat", staged.pk])
    private = settings.PRIVATE_DIR
    assert not any(private.glob("jobs/*")) and not any(private.glob("incoming/*"))
    assert staged.job.state == "done" and staged.job.stored_file == ""


def test_a_file_of_only_its_header_says_on_its_page_that_the_record_is_now_empty(
    client, partnership, officer
):
    client.force_login(officer)
    upload(client, a_file(2))
    header = SimpleUploadedFile("empty.csv", csv_bytes([row()]).split(b"\n", 1)[0] + b"\n", "text/csv")
    response = client.post(
        reverse("treatment:submit", args=["salford-dat"]),
        {"file": header, "provider": "P1", "period_end_0": "31", "period_end_1": "3", "period_end_2": "2005"},
    )
    replace(client, Submission.objects.latest("id"))
    page = client.get(response["Location"]).content.decode()
    assert "Accepted" in page and "treatment record is now empty" in page
    assert Episode.objects.count() == 0
