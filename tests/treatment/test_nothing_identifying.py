"""Nothing that identifies a client (initials with a date of birth, a date of birth, a client_ref) in logs,
command output, the audit trail or the kept report — by a full import, accepted and rejected, with every
log at DEBUG and Django logging its SQL."""

from __future__ import annotations

import json
import logging
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from concordat.core.models import AuditEntry
from concordat.treatment.models import Submission
from tests.treatment.submissions import csv_bytes, row

DOBS = ["1961-02-03", "1972-11-12", "1983-09-08"]
REFS = ["ZEBRA-CLIENT-17", "YAK-CLIENT-23", "XENOPS-CLIENT-31"]
INITIALS = ["QJ", "VX", "KW"]


def identifying_strings() -> list[str]:
    strings = [*REFS, *DOBS, "EPISODE-PRIVATE"]
    strings += [f"{i}|{d}" for i, d in zip(INITIALS, DOBS, strict=True)]
    strings += [f"{i},{d}" for i, d in zip(INITIALS, DOBS, strict=True)]
    return strings


def people(**changes: str) -> list[dict[str, str]]:
    return [
        row(
            client_ref=ref,
            initials=initials,
            date_of_birth=dob,
            episode_ref=f"EPISODE-PRIVATE-{n}",
            **changes,
        )
        for n, (ref, initials, dob) in enumerate(zip(REFS, INITIALS, DOBS, strict=True))
    ]


@pytest.mark.django_db
def test_an_import_leaves_nothing_identifying_in_logs_output_or_the_audit_trail(
    partnership, tmp_path, caplog, settings
):
    settings.DEBUG = True  # Django then logs every SQL statement with its parameters
    for name in ("", "django", "django.db.backends", "concordat"):
        caplog.set_level(logging.DEBUG, logger=name)
    accepted = tmp_path / "accepted.csv"
    accepted.write_bytes(csv_bytes(people()))
    # a rejected file whose rows break rules in every identifying column, and across rows
    bad_rows = people(sex="Q")
    bad_rows[1]["date_of_birth"] = "1972-13-12"
    bad_rows[2]["client_ref"] = "XENOPS CLIENT 31"
    bad_rows.append({**bad_rows[0], "initials": "Q1", "episode_ref": "EPISODE-PRIVATE-0"})
    bad_rows.append({**bad_rows[0], "la_of_residence": "E0", "date_of_birth": "1961-02-04"})
    rejected = tmp_path / "rejected.csv"
    rejected.write_bytes(csv_bytes(bad_rows))

    printed = []
    for path in (accepted, rejected, accepted):
        for extra in ([], ["--json"]):
            out, err = StringIO(), StringIO()
            args = [
                "import",
                str(path),
                "--partnership",
                "salford-dat",
                "--provider",
                "P1",
                "--period-end",
                "2005-03-31",
            ]
            try:
                call_command("treatment", *args, *extra, stdout=out, stderr=err)
            except CommandError as error:
                printed.append(str(error))
            printed += [out.getvalue(), err.getvalue()]

    assert Submission.objects.filter(outcome="rejected").exists()
    haystacks = {
        "logs": caplog.text,
        "output": "\n".join(printed),
        "audit trail": json.dumps(
            list(
                AuditEntry.objects.values(
                    "summary", "object_repr", "details", "additional_data", "changes", "actor_name"
                )
            ),
            default=str,
        ),
        "kept reports": json.dumps(list(Submission.objects.values("report", "file_name")), default=str),
    }
    assert "SELECT" in caplog.text  # the SQL was logged, so the check below looked at it
    for where, text in haystacks.items():
        for secret in identifying_strings():
            assert secret not in text, f"{secret!r} found in the {where}"
