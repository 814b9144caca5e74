"""Submission files for tests: valid rows by default, changed one value at a time."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

from concordat.treatment.rules.columns import COLUMNS

PERIOD_END = date(2005, 3, 31)
# Identifying values used by the tests' clients: nothing of these may reach a log or the audit trail.
DOB = "1970-05-06"


def row(**values: str) -> dict[str, str]:
    """A valid row (one modality of one episode); `values` replace columns."""
    base = {
        "client_ref": "CLIENT-ALPHA-1",
        "initials": "QZ",
        "date_of_birth": DOB,
        "sex": "M",
        "la_of_residence": "E08000006",
        "episode_ref": "EPISODE-ALPHA-1",
        "referral_date": "2004-06-01",
        "referral_source": "gp",
        "primary_substance": "opiates",
        "triage_date": "2004-06-03",
        "modality": "pharmacological",
        "modality_referral_date": "2004-06-03",
        "modality_start_date": "2004-06-20",
        "modality_end_date": "",
        "discharge_date": "",
        "discharge_reason": "",
    }
    base.update(values)
    return base


def csv_bytes(rows: list[dict[str, Any]], columns: tuple[str, ...] = COLUMNS, newline: str = "\n") -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator=newline, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def a_file(clients: int = 3) -> list[dict[str, str]]:
    """Several clients, episodes and modalities: a waiting episode, a discharged one, two modalities."""
    rows: list[dict[str, str]] = []
    for n in range(clients):
        person = {"client_ref": f"C{n}", "initials": "QZ", "date_of_birth": f"197{n}-05-06"}
        rows.append(row(**person, episode_ref=f"E{n}"))
        rows.append(
            row(
                **person,
                episode_ref=f"E{n}",
                modality="psychosocial",
                modality_referral_date="2004-07-01",
                modality_start_date="",
            )
        )
        rows.append(
            row(
                **person,
                episode_ref=f"W{n}",
                referral_date="2005-01-10",
                triage_date="",
                modality="",
                modality_referral_date="",
                modality_start_date="",
            )
        )
    rows.append(
        row(
            client_ref="DONE",
            episode_ref="DONE-1",
            modality_end_date="2004-09-01",
            discharge_date="2004-09-02",
            discharge_reason="completed-drug-free",
        )
    )
    return rows


def check_and_stage(data: bytes, context: Any, secret: bytes = b"k" * 32, **options: Any) -> tuple[Any, Any]:
    """check_file over the bytes, staging into lists: (checked, [clients, episodes, modalities] as the
    text the database would be given, or None when the file has an error)."""
    from concordat.treatment.checking import Fixed, check_file

    pieces: list[list[str]] = [[], [], []]

    def stage(given: tuple[list[str], list[str], list[str]], rows: int) -> None:
        for held, lines in zip(pieces, given, strict=True):
            held.extend(lines)

    checked = check_file(
        io.BytesIO(data),
        context=context,
        secret=secret,
        fixed=Fixed(1, 2, 3, 4, 10, 20),
        stage=stage,
        **options,
    )
    return checked, ["".join(lines) for lines in pieces] if checked.report.accepted else None
