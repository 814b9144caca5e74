"""The submission file's columns, in the spec's order, and the words each vocabulary column takes."""

from __future__ import annotations

COLUMNS: tuple[str, ...] = (
    "client_ref",
    "initials",
    "date_of_birth",
    "sex",
    "la_of_residence",
    "episode_ref",
    "referral_date",
    "referral_source",
    "primary_substance",
    "triage_date",
    "modality",
    "modality_referral_date",
    "modality_start_date",
    "modality_end_date",
    "discharge_date",
    "discharge_reason",
)
# Every column must be in the header, even one whose values are all empty: a missing column is more
# likely a mistake in the exporting system than a choice.
REQUIRED = COLUMNS

SEXES = frozenset({"M", "F", "X", "U"})
REFERRAL_SOURCES = frozenset(
    {
        "self",
        "gp",
        "criminal-justice",
        "hospital",
        "social-care",
        "other-treatment-provider",
        "family",
        "other",
    }
)
SUBSTANCES = frozenset(
    {
        "opiates",
        "crack",
        "cocaine",
        "cannabis",
        "amphetamines",
        "benzodiazepines",
        "alcohol",
        "new-psychoactive",
        "other",
    }
)
DISCHARGE_REASONS = frozenset(
    {
        "completed-drug-free",
        "completed-alcohol-free",
        "completed-occasional-user",
        "transferred",
        "dropped-out",
        "withdrawn-by-provider",
        "declined",
        "died",
        "other",
    }
)
# Columns whose values are vocabulary words, not about a person: a message may quote what was written.
QUOTABLE = frozenset({"sex", "referral_source", "primary_substance", "modality", "discharge_reason"})
