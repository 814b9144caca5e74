"""Each value of a row on its own: its format, its vocabulary, and the values that need or forbid another.

`parse_row` reads one row's values into a `Parsed` row (dates as dates, initials upper case, surrounding
spaces dropped); a value that breaks a rule is reported and left None, so later rules skip it rather than
report the same mistake twice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from concordat.core.csvfile import RowReport

from .columns import DISCHARGE_REASONS, QUOTABLE, REFERRAL_SOURCES, SEXES, SUBSTANCES

_REF = re.compile(r"[A-Za-z0-9_-]{1,32}")
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


# Dates repeat a great deal in a file (a few thousand distinct days in a million rows): each is read once.
_DAYS: dict[str, date] = {}
_DAYS_KEPT = 200_000


def read_date(value: str) -> date | None:
    """A date written YYYY-MM-DD (only that form: date.fromisoformat takes others too), or None."""
    known = _DAYS.get(value)
    if known is not None:
        return known
    if len(value) != 10 or not _DATE.fullmatch(value):
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return None
    if len(_DAYS) < _DAYS_KEPT:
        _DAYS[value] = day
    return day


def _ref(row: int, column: str, value: str, report: RowReport) -> str | None:
    if not value:
        report.error(row, column, "required", f"{column} is required")
        return None
    if not _REF.fullmatch(value):
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
    spaces are dropped from every value (`values` is changed in place)."""
    for column, value in values.items():
        if value and (value[0] == " " or value[-1] == " " or value[0] == "\t" or value[-1] == "\t"):
            values[column] = value.strip()
    errors_before = len(report.errors)
    client_ref = _ref(row, "client_ref", values["client_ref"], report)
    initials: str | None = values["initials"]
    if not initials:
        report.error(row, "initials", "required", "initials is required")
        initials = None
    elif not _INITIALS.fullmatch(initials):
        report.error(row, "initials", "invalid-initials", "initials must be two letters A to Z")
        initials = None
    else:
        initials = initials.upper()
    date_of_birth = _day(row, "date_of_birth", values["date_of_birth"], True, report)
    sex = _word(row, "sex", values["sex"], SEXES, True, report)
    la: str | None = values["la_of_residence"]
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
    episode_ref = _ref(row, "episode_ref", values["episode_ref"], report)
    referral_date = _day(row, "referral_date", values["referral_date"], True, report)
    referral_source = _word(row, "referral_source", values["referral_source"], REFERRAL_SOURCES, True, report)
    primary_substance = _word(row, "primary_substance", values["primary_substance"], SUBSTANCES, True, report)
    triage_date = _day(row, "triage_date", values["triage_date"], False, report)

    modality: str | None = values["modality"]
    if modality and modality not in context.modalities:
        report.error(
            row,
            "modality",
            "unknown-modality",
            f"modality{quoted('modality', modality)} is not a modality of the partnership",
        )
        modality = None
    modality_referral_date = _day(
        row, "modality_referral_date", values["modality_referral_date"], bool(modality), report
    )
    modality_start_date = _day(row, "modality_start_date", values["modality_start_date"], False, report)
    modality_end_date = _day(row, "modality_end_date", values["modality_end_date"], False, report)
    if modality == "":
        for column in ("modality_referral_date", "modality_start_date", "modality_end_date"):
            if values[column]:
                report.error(
                    row, column, "modality-date-without-modality", f"{column} is given but modality is empty"
                )
    if values["modality_end_date"] and not values["modality_start_date"]:
        report.error(
            row, "modality_end_date", "end-without-start", "modality_end_date needs a modality_start_date"
        )

    discharge_date = _day(row, "discharge_date", values["discharge_date"], False, report)
    discharge_reason = _word(
        row, "discharge_reason", values["discharge_reason"], DISCHARGE_REASONS, False, report
    )
    if values["discharge_date"] and discharge_reason == "":
        report.error(
            row, "discharge_reason", "required", "discharge_reason is required with a discharge_date"
        )
    elif not values["discharge_date"] and values["discharge_reason"]:
        report.error(
            row,
            "discharge_reason",
            "discharge-reason-without-date",
            "discharge_reason is given but discharge_date is empty",
        )

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
    return parsed, len(report.errors) == errors_before
