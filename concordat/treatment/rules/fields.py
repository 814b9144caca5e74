"""Each value of a row on its own: its format, its vocabulary, and the values that need or forbid another.

`parse_row` reads one row's values into a `Parsed` row (dates as dates, initials upper case, surrounding
spaces dropped, each with a warning `trimmed`); a value that breaks a rule is reported and left None, so
later rules skip it rather than report the same mistake twice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from concordat.core.csvfile import RowReport

from .columns import DISCHARGE_REASONS, QUOTABLE, REFERRAL_SOURCES, SEXES, SUBSTANCES

REF = re.compile(r"[A-Za-z0-9_-]{1,32}")
_INITIALS = re.compile(r"[A-Za-z]{2}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_GSS = re.compile(r"[ENSW][0-9]{8}")


@dataclass(frozen=True)
class Context:
    """What the rules need to know beyond the file: from the command line and the partnership file."""

    period_end: date
    modalities: frozenset[str]  # the eight of the spec and the partnership's own
    min_age: int | None = None  # eligibility (warnings)
    max_age: int | None = None
    area: frozenset[str] | None = None  # the partnership's area when residence in it is required


class Parsed(NamedTuple):
    """One row, read. Text columns hold the text as written (stripped); dates are dates; None: missing
    or wrong (and reported)."""

    client_ref: str | None
    initials: str | None
    date_of_birth: date | None
    sex: str | None
    la_of_residence: str | None
    episode_ref: str | None
    referral_date: date | None
    referral_source: str | None
    primary_substance: str | None
    triage_date: date | None
    modality: str | None  # "" for a row with no modality
    modality_referral_date: date | None
    modality_start_date: date | None
    modality_end_date: date | None
    discharge_date: date | None
    discharge_reason: str | None  # "" when not discharged


def quoted(column: str, value: str) -> str:
    """How a message shows what was written: vocabulary words quoted, anything about a person not."""
    if column in QUOTABLE:
        shown = value if len(value) <= 40 else value[:40] + "…"
        return f" {shown!r}"
    return ""


# Surrounding spaces are what str.strip() drops: spaces, tabs, line breaks and the other Unicode white
# space, the non-breaking space (U+00A0) among them, which a spreadsheet pads a cell with unseen. The value
# is read without them, whatever the other values of its row, and the provider told: a system that pads
# one value may pad what it should not. The message does not quote the value (it may identify a person).
TRIMMED = "the value has spaces before or after it; it was read without them"

# Dates repeat a great deal in a file (a few thousand distinct days in a million rows): each is read once.
# Only right values are kept here and in KNOWN_AREAS: rules/clean.py takes membership as "right".
KNOWN_DAYS: dict[str, date] = {}
_DAYS_KEPT = 200_000
# Right GSS codes seen: a file has a few dozen.
KNOWN_AREAS: set[str] = set()


def read_date(value: str) -> date | None:
    """A date written YYYY-MM-DD (only that form: date.fromisoformat takes others too), or None."""
    known = KNOWN_DAYS.get(value)
    if known is not None:
        return known
    if len(value) != 10 or not _DATE.fullmatch(value):
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return None
    if len(KNOWN_DAYS) < _DAYS_KEPT:
        KNOWN_DAYS[value] = day
    return day


def _ref(row: int, column: str, value: str, report: RowReport) -> str | None:
    if not value:
        report.error(row, column, "required", f"{column} is required")
        return None
    if not REF.fullmatch(value):
        report.error(row, column, "invalid-ref", f"{column} must be 1 to 32 letters, digits, - or _")
        return None
    return value


def _day(row: int, column: str, value: str, required: bool, report: RowReport) -> date | None:
    if not value:
        if required:
            report.error(row, column, "required", f"{column} is required")
        return None
    day = read_date(value)
    if day is None:
        report.error(row, column, "invalid-date", f"{column} is not a date written YYYY-MM-DD")
    return day


def _word(
    row: int, column: str, value: str, allowed: frozenset[str], required: bool, report: RowReport
) -> str | None:
    if value in allowed:
        return value
    if not value:
        if required:
            report.error(row, column, "required", f"{column} is required")
            return None
        return ""
    report.error(
        row,
        column,
        "invalid-choice",
        f"{column}{quoted(column, value)} is not one of: {', '.join(sorted(allowed))}",
    )
    return None


def parse_row(row: int, values: dict[str, str], context: Context, report: RowReport) -> tuple[Parsed, bool]:
    """The row read, and whether every value in it was right (problems are in `report`). Surrounding
    spaces are dropped from every value (`values` is changed in place), each value trimmed a warning.

    Written for speed (it runs for every row of a million-row file): each value's common case — a right
    value — is decided inline; the helpers above run only for what is missing or wrong."""
    for column, value in values.items():
        trimmed = value.strip()
        if trimmed != value:
            values[column] = trimmed
            report.warn(row, column, "trimmed", TRIMMED)
    errors_before = report.error_count
    days = KNOWN_DAYS
    v = values["client_ref"]
    client_ref = v if REF.fullmatch(v) else _ref(row, "client_ref", v, report)
    initials: str | None = values["initials"]
    if initials and len(initials) == 2 and initials.isascii() and initials.isalpha():
        initials = initials.upper()
    elif not initials:
        report.error(row, "initials", "required", "initials is required")
        initials = None
    else:
        report.error(row, "initials", "invalid-initials", "initials must be two letters A to Z")
        initials = None
    v = values["date_of_birth"]
    date_of_birth = days.get(v) or _day(row, "date_of_birth", v, True, report)
    v = values["sex"]
    sex = v if v in SEXES else _word(row, "sex", v, SEXES, True, report)
    la: str | None = values["la_of_residence"]
    if la not in KNOWN_AREAS:
        if not la:
            report.error(row, "la_of_residence", "required", "la_of_residence is required")
            la = None
        elif not _GSS.fullmatch(la):
            report.error(
                row,
                "la_of_residence",
                "invalid-gss-code",
                "la_of_residence must be an ONS GSS code: E, N, S or W and eight digits",
            )
            la = None
        elif len(KNOWN_AREAS) < 1000:
            KNOWN_AREAS.add(la)
    v = values["episode_ref"]
    episode_ref = v if REF.fullmatch(v) else _ref(row, "episode_ref", v, report)
    v = values["referral_date"]
    referral_date = days.get(v) or _day(row, "referral_date", v, True, report)
    v = values["referral_source"]
    referral_source = (
        v if v in REFERRAL_SOURCES else _word(row, "referral_source", v, REFERRAL_SOURCES, True, report)
    )
    v = values["primary_substance"]
    primary_substance = v if v in SUBSTANCES else _word(row, "primary_substance", v, SUBSTANCES, True, report)
    v = values["triage_date"]
    triage_date = (days.get(v) or _day(row, "triage_date", v, False, report)) if v else None

    modality: str | None = values["modality"]
    if modality and modality not in context.modalities:
        report.error(
            row,
            "modality",
            "unknown-modality",
            f"modality{quoted('modality', modality)} is not a modality of the partnership",
        )
        modality = None
    v = values["modality_referral_date"]
    modality_referral_date = days.get(v) or _day(row, "modality_referral_date", v, bool(modality), report)
    started = values["modality_start_date"]
    modality_start_date = (
        (days.get(started) or _day(row, "modality_start_date", started, False, report)) if started else None
    )
    ended = values["modality_end_date"]
    modality_end_date = (
        (days.get(ended) or _day(row, "modality_end_date", ended, False, report)) if ended else None
    )
    if modality == "":
        for column in ("modality_referral_date", "modality_start_date", "modality_end_date"):
            if values[column]:
                report.error(
                    row, column, "modality-date-without-modality", f"{column} is given but modality is empty"
                )
    if ended and not started:
        report.error(
            row, "modality_end_date", "end-without-start", "modality_end_date needs a modality_start_date"
        )

    discharged = values["discharge_date"]
    reason = values["discharge_reason"]
    if discharged:
        discharge_date = days.get(discharged) or _day(row, "discharge_date", discharged, False, report)
        discharge_reason = (
            reason
            if reason in DISCHARGE_REASONS
            else _word(row, "discharge_reason", reason, DISCHARGE_REASONS, False, report)
        )
        if discharge_reason == "":
            report.error(
                row, "discharge_reason", "required", "discharge_reason is required with a discharge_date"
            )
    else:
        discharge_date = None
        discharge_reason = ""
        if reason:
            if reason not in DISCHARGE_REASONS:
                _word(row, "discharge_reason", reason, DISCHARGE_REASONS, False, report)
            report.error(
                row,
                "discharge_reason",
                "discharge-reason-without-date",
                "discharge_reason is given but discharge_date is empty",
            )
            discharge_reason = None

    parsed = Parsed(
        client_ref,
        initials,
        date_of_birth,
        sex,
        la,
        episode_ref,
        referral_date,
        referral_source,
        primary_substance,
        triage_date,
        modality,
        modality_referral_date,
        modality_start_date,
        modality_end_date,
        discharge_date,
        discharge_reason,
    )
    return parsed, report.error_count == errors_before
