"""Random and mutated files thrown at the importer: never an unhandled exception, never a half-write."""

from __future__ import annotations

import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from concordat.treatment.models import Client, Episode, EpisodeModality, Submission
from concordat.treatment.services import submission_import
from tests.factories import load_partnership
from tests.treatment.conftest import record
from tests.treatment.submissions import PERIOD_END, a_file, csv_bytes

VALID = csv_bytes(a_file(2))
# Bytes that matter to a CSV reader and to the rules: separators, quotes, line ends, BOMs, bad UTF-8.
TRICKY = [
    b",",
    b'"',
    b"\n",
    b"\r\n",
    b"\r",
    b"\xef\xbb\xbf",
    b"\xff",
    b"\xe9",
    b"\x00",
    b"-",
    b"2004-02-30",
    b" ",
    b"\t",
    "\u00a0".encode(),  # a non-breaking space: surrounding space, trimmed with a warning
]


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(VALID)
    for _ in range(draw(st.integers(1, 6))):
        where = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["insert", "delete", "replace", "truncate"]))
        if action == "insert":
            data[where:where] = draw(st.sampled_from(TRICKY) | st.binary(max_size=8))
        elif action == "delete":
            del data[where : where + draw(st.integers(1, 20))]
        elif action == "replace" and where < len(data):
            data[where] = draw(st.integers(0, 255))
        else:
            del data[where:]
    return bytes(data)


@pytest.mark.django_db(transaction=False)
@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.one_of(mutated(), st.binary(max_size=400), st.just(VALID)))
def test_any_file_is_accepted_whole_or_changes_nothing(data: bytes) -> None:
    partnership = (
        load_partnership() if not Submission.objects.exists() else Submission.objects.first().partnership
    )
    provider = partnership.providers.first()
    before = record()
    outcome = submission_import(
        partnership=partnership,
        provider=provider,
        file=io.BytesIO(data),
        period_end=PERIOD_END,
        file_name="fuzz.csv",
        actor=None,
        channel="command-line",
    )
    submission = outcome.submission
    if outcome.report.accepted:
        assert submission.outcome == "accepted"
        counts = (Client.objects.count(), Episode.objects.count(), EpisodeModality.objects.count())
        assert counts == (submission.clients, submission.episodes, submission.modalities)
    else:
        assert submission.outcome == "rejected" and outcome.report.errors
        assert record() == before
