"""The submission file explained where its users are: every column and rule (the help page, in the words
of treatment-data.md), every code a report can give, and a template of the header with two example rows.
The rules themselves live in rules/; this module only says them."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from concordat.partnerships.models import Partnership
from concordat.partnerships.rules.vocabulary import BUILT_IN_MODALITIES

from .rules.columns import COLUMNS, DISCHARGE_REASONS, REFERRAL_SOURCES, SUBSTANCES


@dataclass(frozen=True)
class Column:
    name: str
    meaning: str
    rule: str
    example: str


def _words(values: frozenset[str]) -> str:
    return ", ".join(sorted(values))


COLUMNS_EXPLAINED = (
    Column("client_ref", "Your own id of the client", "1 to 32 letters, digits, _ or -. The same person has the "
           "same initials, date of birth, sex and local authority on every row", "C000123"),
    Column("initials", "First letter of forename and of surname", "Two letters A-Z (lower case is accepted "
           "and kept upper case)", "JS"),
    Column("date_of_birth", "Date of birth", "A date written YYYY-MM-DD; age at referral 0 to 110", "1980-02-14"),
    Column("sex", "Sex", "M, F, X (another term) or U (not stated)", "F"),
    Column("la_of_residence", "Local authority of residence", "Its ONS GSS code: a letter E, N, S or W and "
           "8 digits", "E08000006"),
    Column("episode_ref", "Your own id of the treatment episode", "1 to 32 letters, digits, _ or -; belongs to "
           "one client", "E0000123"),
    Column("referral_date", "Date referred to the service", "YYYY-MM-DD; the same on every row of the episode",
           "2004-06-01"),
    Column("referral_source", "Who referred", _words(REFERRAL_SOURCES), "gp"),
    Column("primary_substance", "The main substance", _words(SUBSTANCES), "opiates"),
    Column("triage_date", "Date triaged", "Optional; not before referral_date", "2004-06-03"),
    Column("modality", "The intervention of this row", "A modality code (below), or empty for an episode with "
           "no modality yet (referred, waiting for triage): then the next three are empty too",
           "pharmacological"),
    Column("modality_referral_date", "Date referred to the modality", "With a modality; not before "
           "referral_date", "2004-06-03"),
    Column("modality_start_date", "Date the modality started", "Optional (empty: still waiting); not before "
           "modality_referral_date", "2004-06-20"),
    Column("modality_end_date", "Date the modality ended", "Optional; needs a start; not before "
           "modality_start_date", "2004-09-01"),
    Column("discharge_date", "Date discharged from the episode", "Optional; the same on every row of the "
           "episode; not before any other date of the episode", "2004-09-02"),
    Column("discharge_reason", "Why the episode ended", "Required with discharge_date, empty otherwise: "
           + _words(DISCHARGE_REASONS), "completed-drug-free"),
)  # fmt: skip
assert tuple(c.name for c in COLUMNS_EXPLAINED) == COLUMNS, "every column of the file is explained, in order"

FILE_RULES = (
    "A CSV file: UTF-8, a header row naming the sixteen columns, values separated by commas, quoted as RFC "
    "4180 says where needed.",
    "One row for each modality of an episode; an episode with no modality yet has one row with the modality "
    "columns empty.",
    "The file is your provider's full current record: every episode open at any time since the "
    "partnership's start. Once it replaces the record, everything your provider sent before is gone "
    "(a replaced submission can be restored for a while from its page).",
    "It is accepted whole or rejected whole: with any error nothing changes and the report lists every "
    "problem at its row (the header is row 1) and column.",
    "No date may be after the period end you give with the file.",
    "A value with spaces around it is read without them, and the report says so (trimmed).",
    "Warnings do not stop the file: a client outside the partnership's eligibility (age, area), a wait of "
    "over 365 days, the same person open at another provider at the same time.",
)

CODES_EXPLAINED = (
    ("required", "A value the column needs is empty"),
    ("invalid-ref", "Not 1 to 32 letters, digits, _ or -"),
    ("invalid-initials", "Not two letters"),
    ("invalid-date", "Not a date written YYYY-MM-DD"),
    ("invalid-choice", "Not one of the column's words"),
    ("invalid-gss-code", "Not an ONS GSS code"),
    ("unknown-modality", "Not a modality of the partnership"),
    ("after-period-end", "A date after the period end"),
    ("age-out-of-range", "Age at referral outside 0 to 110"),
    ("triage-before-referral", "Triage before the referral"),
    ("modality-referral-before-referral", "Modality referral before the episode's referral"),
    ("start-before-modality-referral", "Start before the modality referral"),
    ("end-before-start", "Modality end before its start"),
    ("end-without-start", "A modality end with no start"),
    ("discharge-before-episode-date", "Discharge before another date of the episode"),
    ("discharge-reason-without-date", "A discharge reason without its date, or the other way round"),
    ("modality-date-without-modality", "Modality dates with no modality"),
    ("client-differs", "The client's values differ from its first row"),
    ("episode-client-differs", "The episode belongs to another client_ref on another row"),
    ("discharge-differs", "The episode's discharge differs between its rows"),
    ("episode-differs", "The episode's referral, source, substance or triage differ between its rows"),
    ("wrong-number-of-values", "The row has more or fewer values than the header"),
    ("too-long", "A value longer than 64 KiB (a quote left open, for example)"),
    ("encoding", "Not UTF-8 text"),
    ("unreadable-row", "The row cannot be read as CSV (a quote left open, for example)"),
    ("empty-file", "The file is empty: it needs a header row"),
    ("missing-column", "The header lacks a column"),
    ("duplicate-column", "A column appears twice in the header"),
    ("unknown-column", "Warning: a column the format does not have (it is not read)"),
    ("byte-order-mark", "Warning: the file starts with a byte-order mark (it was read as UTF-8)"),
    ("trimmed", "Warning: spaces around the value were removed"),
    ("outside-eligible-age", "Warning: outside the partnership's eligible ages"),
    ("outside-area", "Warning: lives outside the partnership's area"),
    ("long-wait", "Warning: a wait of over 365 days"),
    ("open-at-another-provider", "Warning: the same person is open at another provider at the same time"),
)


def modalities_of(partnership: Partnership) -> list[tuple[str, str, int, bool]]:
    """(code, name, tier, structured) of every modality the partnership's files may use."""
    found = [(code, name, tier, structured) for code, (name, tier, structured) in BUILT_IN_MODALITIES.items()]
    found += [(m.code, m.name, m.tier, m.structured) for m in partnership.modalities.all()]
    return found


_EXAMPLE = (
    ["C000001", "JS", "1980-02-14", "F", "E08000006", "E0000001", "2004-06-01", "gp", "opiates",
     "2004-06-03", "pharmacological", "2004-06-03", "2004-06-20", "", "", ""],
    ["C000002", "AB", "1975-11-30", "M", "E08000006", "E0000002", "2004-07-12", "self", "alcohol",
     "", "", "", "", "", "", ""],
)  # fmt: skip


def template_csv() -> str:
    """The header and two example rows of invented people: one in treatment, one waiting for triage."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerows(_EXAMPLE)
    return out.getvalue()
