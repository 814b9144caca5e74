"""Importing a submission: all or nothing, replacing the provider's record, the same file twice the same —
each test with the file staged in one piece and in pieces of two rows (staging.py), so the tests' small
files are written in many transactions and a late error finds rows already staged, which it removes."""

from __future__ import annotations

from datetime import date

import pytest

from concordat.core.models import AuditEntry
from concordat.treatment import checking, staging
from concordat.treatment.keys import client_key, secret_for
from concordat.treatment.models import Client, Episode, EpisodeModality, Generation, Submission
from tests.factories import member, row_counts
from tests.treatment.conftest import record, submit, treatment_counts
from tests.treatment.submissions import DOB, a_file, csv_bytes, row

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["in one piece", "in pieces of two rows"], autouse=True)
def where(request, monkeypatch):
    if request.param == "in pieces of two rows":
        monkeypatch.setattr(checking, "_FLUSH_EVERY", 2)
    return request.param


def staged_rows() -> dict[str, int]:
    """Rows of every generation, current or not: what a failed import must not leave behind."""
    return {m.__name__: m.every_generation.count() for m in (Client, Episode, EpisodeModality)}


def test_an_accepted_file_becomes_the_providers_record(partnership):
    outcome = submit(partnership, a_file(3))
    assert outcome.report.accepted and outcome.report.rows == 10
    assert treatment_counts() == {"Client": 4, "Episode": 7, "EpisodeModality": 7}
    episode = Episode.objects.get(episode_ref="DONE-1")
    assert (episode.discharge_date, episode.discharge_reason) == (date(2004, 9, 2), "completed-drug-free")
    assert episode.age_at_referral == 34 and episode.sex == "M"
    assert [m.modality for m in episode.modalities.all()] == ["pharmacological"]
    assert episode.submission_id == outcome.submission.pk
    assert episode.client.client_key == episode.client_key
    waiting = Episode.objects.get(episode_ref="W0")
    assert waiting.triage_date is None and not waiting.modalities.exists()


def test_the_client_key_is_the_hmac_of_the_four_values_under_the_partnerships_secret(partnership):
    submit(partnership, [row(initials="qz")])
    client = Client.objects.get()
    assert client.initials == "QZ"
    assert client.client_key == client_key(secret_for(partnership), "QZ", DOB, "M", "E08000006")


def test_the_same_file_twice_leaves_the_same_record(partnership):
    submit(partnership, a_file(3))
    before = record()
    outcome = submit(partnership, a_file(3))
    assert outcome.report.accepted
    assert record() == before
    assert Submission.objects.filter(outcome="accepted").count() == 2


def test_an_accepted_file_replaces_everything_the_provider_sent_before(partnership):
    submit(partnership, a_file(3))
    submit(partnership, [row(client_ref="NEW", episode_ref="NEW-1")])
    assert [c[1] for c in record()["clients"]] == ["NEW"]
    assert [e[1] for e in record()["episodes"]] == ["NEW-1"]


def test_another_providers_record_is_left_alone(partnership):
    submit(partnership, a_file(2), provider="P2")
    theirs = record("P2")
    submit(partnership, a_file(3))
    submit(partnership, [row(client_ref="NEW", episode_ref="NEW-1")])
    assert record("P2") == theirs


def test_a_late_error_changes_nothing_and_the_rejection_is_recorded(partnership):
    submit(partnership, a_file(3))
    before, counts, rows = record(), treatment_counts(), row_counts()
    bad = [*a_file(4), row(client_ref="LAST", episode_ref="LAST-1", sex="?")]
    outcome = submit(partnership, bad)
    assert not outcome.report.accepted
    assert [(e.row, e.column, e.code) for e in outcome.report.errors] == [
        (len(bad) + 1, "sex", "invalid-choice")
    ]
    assert record() == before and treatment_counts() == counts
    after = row_counts()
    assert after.pop("LogEntry") == rows.pop("LogEntry") + 1  # the one event of the rejected submission
    assert after == rows
    rejected = Submission.objects.latest("id")
    assert (rejected.outcome, rejected.rows, rejected.error_count) == ("rejected", len(bad), 1)
    assert rejected.report["errors"][0]["code"] == "invalid-choice"


def test_the_submission_records_who_when_what_and_the_outcome(partnership):
    officer = member(partnership, "provider-data-officer", "P1", first_name="Olive", last_name="Officer")
    outcome = submit(partnership, a_file(1), actor=officer, channel="web", file_name="march.csv")
    s = outcome.submission
    assert (s.submitted_by, s.submitted_by_name, s.channel, s.file_name) == (
        officer,
        "Olive Officer",
        "web",
        "march.csv",
    )
    assert (s.outcome, s.rows, s.clients, s.episodes, s.modalities) == ("accepted", 4, 2, 3, 3)
    assert len(s.file_sha256) == 64 and s.period_end == date(2005, 3, 31)


def test_one_audit_event_with_counts_only(partnership):
    before = AuditEntry.objects.count()
    submit(partnership, a_file(2))
    entries = list(AuditEntry.objects.order_by("id")[before:])
    assert [e.kind for e in entries] == ["treatment-submission"]
    assert entries[0].partnership == "salford-dat"
    assert "7 rows accepted" in entries[0].summary and "P1" in entries[0].summary


def test_the_same_person_open_at_two_providers_at_once_is_a_warning(partnership):
    submit(partnership, [row(client_ref="THEIRS-9", episode_ref="THEIRS-E")], provider="P2")
    outcome = submit(
        partnership, [row(), row(client_ref="OTHER", date_of_birth="1980-01-01", episode_ref="E2")]
    )
    assert outcome.report.accepted
    assert [(w.row, w.column, w.code) for w in outcome.report.warnings] == [
        (2, "episode_ref", "open-at-another-provider")
    ]
    assert "P2" in outcome.report.warnings[0].message


def test_episodes_at_two_providers_one_after_the_other_are_no_warning(partnership):
    done = {
        "modality_end_date": "2004-06-25",
        "discharge_date": "2004-06-30",
        "discharge_reason": "transferred",
    }
    submit(partnership, [row(**done)], provider="P2")
    later = row(
        referral_date="2004-07-01",
        triage_date="",
        modality_referral_date="2004-07-02",
        modality_start_date="",
    )
    assert submit(partnership, [later]).report.warnings == []


def test_a_partnerships_own_modality_is_accepted(partnership):
    assert submit(partnership, [row(modality="gp-prescribing")]).report.accepted
    assert not submit(partnership, [row(modality="acupuncture")]).report.accepted


def test_a_check_that_fails_half_way_changes_nothing_and_leaves_no_staged_rows(partnership, monkeypatch):
    submit(partnership, a_file(2))
    before, counts, rows, staged = record(), treatment_counts(), row_counts(), staged_rows()
    check_rows = checking.parse_row
    seen = []

    def breaking(row, *args, **kwargs):  # some rows staged, then a bug in a rule
        seen.append(row)
        if len(seen) > 5:
            raise ValueError(f"Invalid isoformat string: {DOB!r}")
        return check_rows(row, *args, **kwargs)

    monkeypatch.setattr(checking, "parse_row", breaking)
    monkeypatch.setattr(
        checking, "CleanRows", lambda *a: type("Never", (), {"see": lambda self, r, v: None})()
    )
    with pytest.raises(ValueError):
        submit(partnership, a_file(3))
    assert record() == before and treatment_counts() == counts and row_counts() == rows
    assert staged_rows() == staged
    assert Generation.objects.filter(current=False, removed_at__isnull=True).count() == 0


def test_a_file_of_only_its_header_empties_the_providers_record(partnership):
    # Accepted with no warning (the spec names its warnings); the page and the summary say so instead.
    submit(partnership, a_file(2))
    header = csv_bytes([row()]).split(b"\n", 1)[0] + b"\n"
    outcome = submit(partnership, header)
    assert outcome.report.accepted and outcome.report.rows == 0 and outcome.report.warnings == []
    assert record("P1") == {"clients": [], "episodes": [], "modalities": []}


def test_a_write_that_fails_while_the_file_is_checked_changes_nothing_and_stops_the_writer(
    partnership, monkeypatch
):
    import threading

    submit(partnership, a_file(2))
    before, counts, rows, staged = record(), treatment_counts(), row_counts(), staged_rows()
    write_lines = staging.write_lines
    calls = []

    def failing(table, lines):
        calls.append(1)
        if len(calls) > 2:
            raise OSError("the disk is full")
        write_lines(table, lines)

    monkeypatch.setattr(staging, "write_lines", failing)
    with pytest.raises(staging.WriterFailed) as failed:
        submit(partnership, a_file(6))
    assert isinstance(failed.value.__cause__, OSError)
    monkeypatch.setattr(staging, "write_lines", write_lines)
    assert record() == before and treatment_counts() == counts and row_counts() == rows
    assert staged_rows() == staged
    assert not [t for t in threading.enumerate() if t.name == "staging-writer"]
