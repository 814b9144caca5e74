"""The pool's transactions file and the partnership file as jobs: uploaded on the web, checked only or
loaded by the worker (here at once: the tests' tasks backend), their page and report; `pool check` and
`--queue` on the command line; who may see a job; files kept under the job's own name and swept."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from concordat.core import clock, jobs
from concordat.core.models import Job
from concordat.partnerships.document import dump_yaml, export_agreement
from concordat.pool.models import Transaction
from tests.factories import member, row_counts
from tests.pool.test_import import GOOD, HEADER

pytestmark = pytest.mark.django_db


def post_file(client: Any, url: str, name: str, content: bytes, action: str = "load") -> Any:
    return client.post(url, {"file": SimpleUploadedFile(name, content), "action": action})


def test_a_transactions_file_checked_only_posts_nothing_and_its_page_says_so(
    client: Any, partnership: Any, pool_manager: Any
) -> None:
    client.force_login(pool_manager)
    url = reverse("pool:import", args=[partnership.slug])
    assert client.get(url).status_code == 200
    counts = row_counts()
    response = post_file(client, url, "postings.csv", GOOD.encode(), action="check")
    job = Job.objects.get()
    assert response["Location"] == reverse("partnerships:job", args=[partnership.slug, job.pk])
    assert row_counts() == counts and Transaction.objects.count() == 0
    page = client.get(response["Location"]).content.decode()
    assert "No errors" in page and "only checked: nothing was posted" in page
    assert job.state == "done" and job.result["report"]["rows"] == 4


def test_a_transactions_file_loaded_is_posted_and_a_bad_one_reported_at_its_row(
    client: Any, partnership: Any, pool_manager: Any
) -> None:
    client.force_login(pool_manager)
    url = reverse("pool:import", args=[partnership.slug])
    page = client.get(post_file(client, url, "postings.csv", GOOD.encode())["Location"]).content.decode()
    assert "4 posted, 0 already posted" in page and Transaction.objects.count() == 4
    bad = HEADER + "X-1,2003-05-01,contribution,NOPE,,,1.00,,\n"
    page = client.get(post_file(client, url, "bad.csv", bad.encode())["Location"]).content.decode()
    assert "Rejected: nothing was posted" in page and "Row 2, stream" in page and "unknown-stream" in page
    assert Transaction.objects.count() == 4


def test_a_job_is_seen_by_whom_its_kind_allows_and_no_one_else(
    client: Any, partnership: Any, pool_manager: Any
) -> None:
    client.force_login(pool_manager)
    location = post_file(client, reverse("pool:import", args=[partnership.slug]), "p.csv", GOOD.encode())[
        "Location"
    ]
    for role, seen in (("board-member", False), ("auditor", False), ("pool-manager", True)):
        client.force_login(member(partnership, role))
        assert (client.get(location).status_code == 200) is seen, role
    other = member(partnership, "lead-commissioner")
    client.force_login(other)
    assert client.get(location.replace(partnership.slug, "no-such-dat")).status_code == 404


def test_the_partnership_file_is_loaded_from_the_web_and_another_partnerships_file_refused(
    client: Any, partnership: Any, lead: Any
) -> None:
    client.force_login(lead)
    url = reverse("partnerships:upload-agreement", args=[partnership.slug])
    document = export_agreement(partnership)
    document["responsible_officer"] = "Jane Doe, Chair"
    page = client.get(post_file(client, url, "salford.yaml", dump_yaml(document).encode())["Location"])
    assert "Loaded: 0 created, 1 changed" in page.content.decode()
    partnership.refresh_from_db()
    assert partnership.responsible_officer == "Jane Doe, Chair"
    document["slug"] = "someone-else"
    page = client.get(
        post_file(client, url, "x.yaml", dump_yaml(document).encode())["Location"]
    ).content.decode()
    assert "another-partnership" in page and "nothing was changed" in page
    page = client.get(
        post_file(client, url, "x.yaml", b"slug: [", action="check")["Location"]
    ).content.decode()
    assert "error" in page.lower()


def test_pool_check_on_the_command_line_posts_nothing(tmp_path: Path, partnership: Any) -> None:
    path = tmp_path / "p.csv"
    path.write_text(GOOD, encoding="utf-8")
    out = io.StringIO()
    call_command("pool", "check", str(path), "--partnership", partnership.slug, "--json", stdout=out)
    report = json.loads(out.getvalue())
    assert (report["accepted"], report["rows"], report["errors"]) == (True, 4, [])
    # The check warns as the import would: CDT-2003 names no contract of the partnership (it has none).
    assert {w["code"] for w in report["warnings"]} == {"not-a-contract"}
    assert Transaction.objects.count() == 0
    path.write_text(HEADER + "X-1,2003-05-01,contribution,NOPE,,,1.00,,\n", encoding="utf-8")
    with pytest.raises(CommandError) as refused:
        call_command(
            "pool", "check", str(path), "--partnership", partnership.slug, "--json", stdout=io.StringIO()
        )
    assert refused.value.returncode == 2


def test_pool_import_queue_stores_the_file_for_the_worker(
    tmp_path: Path, partnership: Any, settings: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # a worker's, not at once
    path = tmp_path / "p.csv"
    path.write_text(GOOD, encoding="utf-8")
    out = io.StringIO()
    call_command(
        "pool", "import", str(path), "--partnership", partnership.slug, "--queue", "--json", stdout=out
    )
    job = Job.objects.get(pk=json.loads(out.getvalue())["job"])
    assert job.state == "queued" and job.task_id and Transaction.objects.count() == 0
    stored = jobs.stored_path(job)
    assert stored.read_text() == GOOD and oct(stored.stat().st_mode & 0o777) == "0o600"
    assert stored.name == f"{job.pk}.upload"
    jobs.job_run(job)  # what the worker does with it
    assert Transaction.objects.count() == 4 and not stored.exists()


def test_files_no_job_needs_are_swept(settings: Any, partnership: Any, monkeypatch: Any) -> None:
    folder = jobs.private_folder()
    orphan = folder / "not-a-job.upload"
    orphan.write_text("x")
    job = jobs.job_create(kind="pool-import", partnership=partnership.slug, actor=None)
    jobs.store_file(job, io.BytesIO(b"kept"))
    later = clock.now() + timedelta(hours=2)
    import os
    import time as clock_time

    old = clock_time.time() - 7200
    os.utime(orphan, (old, old))
    assert jobs.sweep_files() == 1  # the orphan, old enough not to be one being stored right now
    assert jobs.stored_path(job).exists()  # its job has not run yet
    monkeypatch.setattr(clock, "now", lambda: later)
    Job.objects.filter(pk=job.pk).update(state="done")
    jobs.sweep_files()
    assert list(folder.iterdir()) == []


def test_a_write_that_waited_too_long_for_a_lock_says_try_again(client: Any, partnership: Any) -> None:
    from django.db import OperationalError

    from concordat.core.middleware import ServicePages

    client.force_login(member(partnership, "key-worker", "P1"))
    request = client.get(reverse("partnerships:overview", args=[partnership.slug])).wsgi_request
    response = ServicePages(lambda r: None).process_exception(request, OperationalError("database is locked"))
    assert response is not None and response.status_code == 503 and response["Retry-After"] == "60"
    assert "Try again in a minute" in response.content.decode()
    other = ServicePages(lambda r: None).process_exception(request, OperationalError("disk I/O error"))
    assert other is None  # any other database error is the 500 it is
