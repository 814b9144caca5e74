"""What a submission is told but not refused for: a client outside the partnership's eligibility (age,
area), a wait over a year, and the same person in open episodes at two providers at once."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from concordat.core.csvfile import RowReport

from .fields import Context, Parsed

LONG_WAIT_DAYS = 365


def check_eligibility(row: int, parsed: Parsed, age: int, context: Context, report: RowReport) -> None:
    """Age at referral (`age`) within the partnership's min_age..max_age; residence in its area when
    required. Called for the first row of each episode."""
    if (context.min_age is not None and age < context.min_age) or (
        context.max_age is not None and age > context.max_age
    ):
        report.warn(
            row,
            "date_of_birth",
            "outside-eligible-age",
            "the age at referral is outside the partnership's eligibility",
        )
    if context.area is not None and parsed.la_of_residence not in context.area:
        report.warn(
            row,
            "la_of_residence",
            "outside-area",
            "the client lives outside the partnership's area, and its eligibility asks for residence in it",
        )


def check_waits(row: int, parsed: Parsed, context: Context, report: RowReport) -> None:
    """A wait over a year: referral to triage, or modality referral to start (or to the period end for
    someone still waiting in an open episode)."""
    triage, referral = parsed.triage_date, parsed.referral_date
    if triage is not None and referral is not None and (triage - referral).days > LONG_WAIT_DAYS:
        report.warn(row, "triage_date", "long-wait", f"the wait for triage is over {LONG_WAIT_DAYS} days")
    referred = parsed.modality_referral_date
    if referred is None:
        return
    if parsed.modality_start_date is not None:
        if (parsed.modality_start_date - referred).days > LONG_WAIT_DAYS:
            report.warn(
                row,
                "modality_start_date",
                "long-wait",
                f"the wait for the modality is over {LONG_WAIT_DAYS} days",
            )
    elif parsed.discharge_date is None and (context.period_end - referred).days > LONG_WAIT_DAYS:
        report.warn(
            row,
            "modality_referral_date",
            "long-wait",
            f"still waiting for the modality at the period end, over {LONG_WAIT_DAYS} days after referral",
        )


def overlaps(start: date, end: date | None, other_start: date, other_end: date | None) -> bool:
    """Whether two episodes, each open from referral to discharge (no discharge: still open), were open on
    a common day."""
    return (other_end is None or start <= other_end) and (end is None or other_start <= end)


def check_open_elsewhere(
    row: int,
    start: date,
    end: date | None,
    elsewhere: Iterable[tuple[str, date, date | None]],
    report: RowReport,
) -> None:
    """The episode at `row` against the same person's episodes at other providers (provider code,
    referral, discharge): one warning naming the first provider whose episode overlaps it."""
    for provider, other_start, other_end in elsewhere:
        if overlaps(start, end, other_start, other_end):
            report.warn(
                row,
                "episode_ref",
                "open-at-another-provider",
                f"the same person has an open episode at provider {provider} at the same time",
            )
            return
