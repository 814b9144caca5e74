"""The notification form's PDF is rendered once per version of the agreement (and day), served from the
cache until the agreement changes, and never served stale; concurrent first requests render it once."""

from __future__ import annotations

import subprocess
import threading
import time
from datetime import date
from typing import Any

import pytest
from django.core.cache import cache
from django.urls import reverse

from concordat.core.roles import Role
from concordat.documents import cache as document_cache
from concordat.partnerships import services
from concordat.partnerships.models import Milestone, Partnership
from concordat.partnerships.signals import agreement_changed
from concordat.partnerships.views import documents
from tests.factories import member

OLD = "Consolidate a DAT Joint Commissioning Group with wide representation"
NEW = "Consolidate a joint commissioning group that meets monthly"


def pdf_text(content: bytes) -> str:
    text = subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True).stdout
    return " ".join(text.decode().split())


@pytest.fixture(autouse=True)
def _empty_cache() -> Any:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The slugs of the PDFs actually rendered (not served from the cache)."""
    rendered: list[str] = []
    real = documents.render_notification_form_pdf

    def counting(partnership: Partnership, *, today: date) -> bytes:
        rendered.append(partnership.slug)
        return real(partnership, today=today)

    monkeypatch.setattr(documents, "render_notification_form_pdf", counting)
    return rendered


@pytest.fixture
def signed_in(client: Any, partnership: Partnership) -> Any:
    client.force_login(member(partnership, Role.PARTNER_REPRESENTATIVE, username="representative"))
    return client


def download(client: Any) -> bytes:
    response = client.get(reverse("partnerships:notification-form-pdf", args=["salford-dat"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return bytes(response.content)


def rename_milestone(partnership: Partnership, text: str, *, was: str = OLD) -> None:
    milestone = Milestone.objects.filter(partnership=partnership, text=was).get()
    outcome = services.entry_save(
        partnership=partnership,
        user=None,
        collection="milestones",
        key=milestone.key,
        entry={"text": text, "due": milestone.due, "status": milestone.status},
    )
    assert outcome.report.valid and outcome.changes.any


def test_a_second_download_is_served_from_the_cache(signed_in: Any, renders: list[str]) -> None:
    first = download(signed_in)
    second = download(signed_in)
    assert second == first
    assert renders == ["salford-dat"]


def test_after_the_agreement_changes_the_pdf_is_rebuilt_and_the_old_one_never_served(
    signed_in: Any, partnership: Partnership, renders: list[str]
) -> None:
    before = download(signed_in)
    assert OLD in pdf_text(before)
    rename_milestone(partnership, NEW)
    after = download(signed_in)
    text = pdf_text(after)
    assert NEW in text
    assert OLD not in text
    assert renders == ["salford-dat", "salford-dat"]
    # And back: the agreement now reads as it did, but it is a new version, so a new render, not the old one.
    rename_milestone(partnership, OLD, was=NEW)
    assert OLD in pdf_text(download(signed_in))
    assert len(renders) == 3


def test_every_reader_gets_the_same_document_which_shows_nothing_of_them(
    client: Any, partnership: Partnership, renders: list[str]
) -> None:
    client.force_login(member(partnership, Role.LEAD_COMMISSIONER, username="lead", first_name="Lena"))
    as_lead = download(client)
    client.force_login(member(partnership, Role.AUDITOR, username="auditor", first_name="Aud"))
    as_auditor = download(client)
    assert as_auditor == as_lead
    assert renders == ["salford-dat"]
    text = pdf_text(as_lead)
    assert "Lena" not in text and "Signed in" not in text and "partnership file (YAML)" not in text


def test_a_new_day_renders_again_for_overdue_flags(
    signed_in: Any, fixed_today: Any, renders: list[str]
) -> None:
    fixed_today(date(2004, 2, 1))
    download(signed_in)
    download(signed_in)
    fixed_today(date(2004, 2, 2))
    download(signed_in)
    assert len(renders) == 2


def test_a_partnership_made_again_from_scratch_does_not_meet_the_old_ones_documents(
    partnership: Partnership,
) -> None:
    """A database made again (versions start at 1 again) has other keys: its documents are its own."""
    sources = "s"
    key = document_cache.document_key("form", partnership, today=date(2004, 2, 1), sources=sources)
    remade = Partnership.objects.get(pk=partnership.pk)
    remade.created_at = remade.created_at.replace(microsecond=(remade.created_at.microsecond + 1) % 10**6)
    assert document_cache.document_key("form", remade, today=date(2004, 2, 1), sources=sources) != key
    remade = Partnership.objects.get(pk=partnership.pk)
    remade.version += 1
    assert document_cache.document_key("form", remade, today=date(2004, 2, 1), sources=sources) != key
    assert document_cache.document_key("form", partnership, today=date(2004, 2, 1), sources="t") != key


def test_concurrent_first_requests_render_once() -> None:
    calls: list[int] = []
    results: list[bytes] = []

    def slow_render() -> bytes:
        calls.append(1)
        time.sleep(0.3)
        return b"%PDF-rendered"

    def ask() -> None:
        results.append(document_cache.cached_document("document:test:once", slow_render))

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert results == [b"%PDF-rendered"] * 8
    assert len(calls) == 1


def test_a_render_that_never_finishes_does_not_refuse_the_document(monkeypatch: pytest.MonkeyPatch) -> None:
    """A lock left by a process that died mid-render: the waiting request renders it itself."""
    monkeypatch.setattr(document_cache, "WAIT_SECONDS", 0.2)
    cache.add("document:test:orphan:rendering", 1, timeout=60)
    assert document_cache.cached_document("document:test:orphan", lambda: b"%PDF-mine") == b"%PDF-mine"
    assert cache.get("document:test:orphan") == b"%PDF-mine"


def test_a_committed_change_announces_the_new_version(
    partnership: Partnership, django_capture_on_commit_callbacks: Any
) -> None:
    heard: list[tuple[str, int]] = []

    def listener(sender: Any, *, slug: str, version: int, **kwargs: Any) -> None:
        heard.append((slug, version))

    agreement_changed.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            rename_milestone(partnership, NEW)
        assert heard == []  # nothing before the transaction commits
        for callback in callbacks:
            callback()
    finally:
        agreement_changed.disconnect(listener)
    partnership.refresh_from_db()
    assert heard == [("salford-dat", partnership.version)]


def test_after_a_change_the_new_pdf_is_rendered_before_anyone_asks(
    signed_in: Any,
    partnership: Partnership,
    renders: list[str],
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings.DOCUMENTS_WARM_AFTER_WRITE = True
    # The background thread, run in line: the test database's uncommitted rows are this thread's alone.
    monkeypatch.setattr(documents, "warm_in_background", lambda name, work: [job() for job in work])
    rename_milestone(partnership, NEW)
    documents.warm_notification_form(Partnership, slug="salford-dat", version=0)
    assert renders == ["salford-dat"]
    assert NEW in pdf_text(download(signed_in))
    assert renders == ["salford-dat"]  # the download was served what the warm-up rendered


def test_warming_in_the_background_runs_off_the_request_and_survives_a_failure(
    caplog: pytest.LogCaptureFixture,
) -> None:
    done = threading.Event()

    def fails() -> None:
        raise RuntimeError("no fonts")

    thread = document_cache.warm_in_background("test", [fails])
    thread.join(5)
    assert not thread.is_alive()
    assert "warming documents after a change (test) failed" in caplog.text
    thread = document_cache.warm_in_background("test", [done.set])
    assert thread is not threading.current_thread()
    thread.join(5)
    assert done.is_set()


def test_a_process_that_ends_mid_render_lets_its_lock_go(tmp_path: Any) -> None:
    """`concordat demo load` warms documents in background threads and then ends: its locks must not make
    the next request wait for a render that died with it."""
    import subprocess
    import sys
    import textwrap

    from django.core.cache.backends.filebased import FileBasedCache

    script = textwrap.dedent(
        f"""
        import os, threading, time
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
        import django
        django.setup()
        from django.core.cache.backends.filebased import FileBasedCache
        from concordat.documents.cache import cached_document
        cache = FileBasedCache({str(tmp_path)!r}, {{}})
        threading.Thread(
            target=lambda: cached_document("k", lambda: time.sleep(30) or b"x", cache=cache), daemon=True
        ).start()
        time.sleep(1)
        assert cache.get("k:rendering") == 1, "the render holds its lock while it runs"
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert FileBasedCache(str(tmp_path), {}).get("k:rendering") is None
