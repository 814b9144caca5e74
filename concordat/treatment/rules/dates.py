"""The dates of one row: against each other, against the period end, and the age they give."""

from __future__ import annotations

from datetime import date

from concordat.core.csvfile import RowReport

from .fields import Context, Parsed

MIN_AGE, MAX_AGE = 0, 110
_DATE_COLUMNS = (
    "date_of_birth",
    "referral_date",
    "triage_date",
    "modality_referral_date",
    "modality_start_date",
    "modality_end_date",
    "discharge_date",
)


def age_on(born: date, day: date) -> int:
    """Whole years from `born` to `day` (negative when `day` is before `born`); 29 February birthdays
    have their birthday on 1 March in other years."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def check_dates(row: int, parsed: Parsed, context: Context, report: RowReport) -> None:
    """Every date rule of the row that its readable dates allow."""
    end = context.period_end
    dates = _dates(parsed)
    if max(filter(None, dates), default=end) > end:
        for column, value in zip(_DATE_COLUMNS, dates, strict=True):
            if value is not None and value > end:
                report.error(row, column, "after-period-end", f"{column} is after the period end")

    referral = parsed.referral_date
    born = parsed.date_of_birth
    if born is not None and referral is not None:
        age = age_on(born, referral)
        if not MIN_AGE <= age <= MAX_AGE:
            report.error(
                row,
                "date_of_birth",
                "age-out-of-range",
                f"the age at referral must be {MIN_AGE} to {MAX_AGE}",
            )
    if referral is not None:
        if parsed.triage_date is not None and parsed.triage_date < referral:
            report.error(row, "triage_date", "triage-before-referral", "triage_date is before referral_date")
        if parsed.modality_referral_date is not None and parsed.modality_referral_date < referral:
            report.error(
                row,
                "modality_referral_date",
                "modality-referral-before-referral",
                "modality_referral_date is before referral_date",
            )
    start = parsed.modality_start_date
    if (
        start is not None
        and parsed.modality_referral_date is not None
        and start < parsed.modality_referral_date
    ):
        report.error(
            row,
            "modality_start_date",
            "start-before-modality-referral",
            "modality_start_date is before modality_referral_date",
        )
    if start is not None and parsed.modality_end_date is not None and parsed.modality_end_date < start:
        report.error(
            row, "modality_end_date", "end-before-start", "modality_end_date is before modality_start_date"
        )
    discharge = parsed.discharge_date
    if discharge is not None and discharge < max(filter(None, dates[1:-1]), default=discharge):
        # The discharge is the same on every row of the episode (consistency.py), so checking it against
        # each row's own dates checks it against every date of the episode.
        for column, value in zip(_DATE_COLUMNS[1:-1], dates[1:-1], strict=True):
            if value is not None and discharge < value:
                report.error(
                    row,
                    "discharge_date",
                    "discharge-before-episode-date",
                    f"discharge_date is before {column}",
                )
                break


def _dates(parsed: Parsed) -> tuple[date | None, ...]:
    return (
        parsed.date_of_birth,
        parsed.referral_date,
        parsed.triage_date,
        parsed.modality_referral_date,
        parsed.modality_start_date,
        parsed.modality_end_date,
        parsed.discharge_date,
    )
