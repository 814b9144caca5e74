"""The treatment API: a provider's system submits a file and reads its result."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from concordat.treatment.models import Episode, Submission
from tests.factories import member
from tests.treatment.submissions import DOB, csv_bytes, row

pytestmark = pytest.mark.django_db
URL = "/api/v1/partnerships/salford-dat/treatment/providers/P1/submissions"


def post(client, rows, period_end="2005-03-31", url=URL):
    data = {
        "file": SimpleUploadedFile("march.csv", csv_bytes(rows), content_type="text/csv"),
        "period_end": period_end,
    }
    return client.post(url, data)


def test_a_provider_system_submits_and_reads_the_result(client, partnership):
    client.force_login(member(partnership, "provider-data-officer", "P1"))
    response = post(client, [row(), row(episode_ref="E2", sex="Q")])
    assert response.status_code == 202
    body = response.json()
    assert response["Location"] == f"/api/v1/partnerships/salford-dat/treatment/submissions/{body['id']}"
    assert body["state"] == "rejected" and body["progress"]["percent"] == 100
    assert (body["accepted"], body["rows"], body["error_count"], body["channel"]) == (False, 2, 1, "api")
    assert [(e["row"], e["column"], e["code"]) for e in body["errors"]] == [(3, "sex", "invalid-choice")]
    assert DOB not in response.content.decode()

    good = post(client, [row(), row(episode_ref="E2")]).json()
    assert good["accepted"] is True and good["episodes"] == 2 and good["state"] == "current"
    assert Episode.objects.count() == 2
    read = client.get(f"/api/v1/partnerships/salford-dat/treatment/submissions/{body['id']}")
    assert read.status_code == 200 and read.json()["errors"][0]["code"] == "invalid-choice"


def test_a_missing_file_or_period_end_is_a_problem_body(client, partnership):
    client.force_login(member(partnership, "provider-data-officer", "P1"))
    response = client.post(URL, {"period_end": "2005-03-31"})
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert [e["path"] for e in response.json()["errors"]] == ["$.file"]
    assert Submission.objects.count() == 0


def test_an_officer_cannot_submit_for_another_provider(client, partnership):
    client.force_login(member(partnership, "provider-data-officer", "P1"))
    response = post(client, [row()], url=URL.replace("/P1/", "/P2/"))
    assert response.status_code == 404 and Submission.objects.count() == 0


def test_a_lead_reads_the_counts_without_the_problems(client, partnership):
    officer = member(partnership, "provider-data-officer", "P1")
    client.force_login(officer)
    submitted = post(client, [row(sex="Q")]).json()
    client.force_login(member(partnership, "lead-commissioner"))
    read = client.get(f"/api/v1/partnerships/salford-dat/treatment/submissions/{submitted['id']}").json()
    assert read["error_count"] == 1 and read["errors"] == []
