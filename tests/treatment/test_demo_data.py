"""The treatment record's demo data: each demo partnership's providers get an accepted synthetic
submission, and loading the demo twice changes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from concordat.core.models import AuditEntry
from concordat.demo.services import demo_load
from concordat.partnerships.models import Partnership, Provider
from concordat.treatment import demo_data
from concordat.treatment.models import Client, Episode, EpisodeModality, Submission


def _record_state() -> dict[str, Any]:
    """What a second load must leave as it was: every submission, the rows by natural key and ids, the
    trail's treatment events."""
    return {
        "submissions": list(
            Submission.objects.order_by("id").values_list("id", "provider_id", "file_sha256")
        ),
        "clients": list(Client.objects.order_by("id").values_list("id", "provider_id", "client_ref")),
        "episodes": Episode.objects.count(),
        "modalities": EpisodeModality.objects.count(),
        "events": AuditEntry.objects.filter(kind="treatment-submission").count(),
    }


@pytest.fixture
def loaded(db: None, fixed_today: Any) -> None:
    demo_load()


def test_every_provider_of_a_demo_partnership_has_an_accepted_submission_with_rows(loaded: None) -> None:
    providers = Provider.objects.filter(partnership__in=Partnership.objects.all())
    assert providers.count() >= 8  # Salford's three, B&NES's four, Croydon's one
    for provider in providers:
        submission = Submission.objects.get(provider=provider)
        assert submission.accepted, (provider.code, submission.report["errors"][:3])
        assert submission.channel == Submission.Channel.COMMAND_LINE
        assert submission.submitted_by_name.endswith("(command line)")
        assert submission.rows > 0 and submission.clients > 0 and submission.episodes > 0
        assert Client.objects.filter(provider=provider).count() == submission.clients
        assert Episode.objects.filter(provider=provider).count() == submission.episodes


def test_the_period_end_is_two_years_after_the_partnerships_start(loaded: None) -> None:
    salford = Submission.objects.filter(partnership__slug="salford-dat")
    assert {s.period_end.isoformat() for s in salford} == {"2005-03-31"}


def test_partnerships_without_providers_get_nothing(loaded: None) -> None:
    assert not Submission.objects.filter(partnership__slug__in=["salford-ld", "trafford-ld"]).exists()


def test_loading_twice_changes_nothing(loaded: None) -> None:
    before = _record_state()
    assert before["submissions"] and before["events"] == len(before["submissions"])
    demo_load()
    assert _record_state() == before


def test_a_changed_record_is_submitted_again(loaded: None) -> None:
    """Idempotent by content: a provider whose latest accepted file is not the demo's gets it again."""
    provider = Provider.objects.get(partnership__slug="salford-dat", code="P1")
    latest = Submission.objects.filter(provider=provider).get()
    Submission.objects.filter(pk=latest.pk).update(file_sha256="0" * 64)
    demo_data.load()
    assert Submission.objects.filter(provider=provider).count() == 2
    assert Submission.objects.filter(partnership__slug="bnes-dat").count() == 4
