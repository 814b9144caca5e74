from __future__ import annotations

import io
from typing import Any

import pytest

from concordat.treatment.models import Client, Episode, EpisodeModality, Submission
from concordat.treatment.services import ImportOutcome, submission_import
from tests.factories import load_partnership
from tests.treatment.submissions import PERIOD_END, csv_bytes


@pytest.fixture
def partnership(db: Any) -> Any:
    """Salford, with two providers: P1 and P2."""
    return load_partnership(
        providers=[
            {"code": "P1", "name": "Example Community Drug Service", "tiers": [2, 3]},
            {"code": "P2", "name": "Second Street Project", "tiers": [2, 3]},
        ]
    )


def submit(
    partnership: Any, rows: list[dict[str, str]] | bytes, provider: str = "P1", **options: Any
) -> ImportOutcome:
    data = rows if isinstance(rows, bytes) else csv_bytes(rows)
    return submission_import(
        partnership=partnership,
        provider=partnership.providers.get(code=provider),
        file=io.BytesIO(data),
        period_end=options.pop("period_end", PERIOD_END),
        file_name=options.pop("file_name", "submission.csv"),
        actor=options.pop("actor", None),
        channel=options.pop("channel", Submission.Channel.COMMAND_LINE),
    )


def record(provider: str | None = None) -> dict[str, list[tuple[Any, ...]]]:
    """The treatment record's content, by natural keys (ids change with every accepted submission)."""
    clients = Client.objects.order_by("provider__code", "client_ref")
    episodes = Episode.objects.order_by("provider__code", "episode_ref")
    modalities = EpisodeModality.objects.order_by(
        "provider__code", "episode__episode_ref", "modality", "referral_date"
    )
    if provider:
        clients, episodes, modalities = (
            q.filter(provider__code=provider) for q in (clients, episodes, modalities)
        )
    return {
        "clients": list(
            clients.values_list(
                "provider__code",
                "client_ref",
                "client_key",
                "initials",
                "date_of_birth",
                "sex",
                "la_of_residence",
            )
        ),
        "episodes": list(
            episodes.values_list(
                "provider__code",
                "episode_ref",
                "client__client_ref",
                "client_key",
                "sex",
                "age_at_referral",
                "referral_date",
                "referral_source",
                "primary_substance",
                "triage_date",
                "discharge_date",
                "discharge_reason",
            )
        ),
        "modalities": list(
            modalities.values_list(
                "provider__code",
                "episode__episode_ref",
                "modality",
                "referral_date",
                "start_date",
                "end_date",
            )
        ),
    }


def treatment_counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in (Client, Episode, EpisodeModality)}
