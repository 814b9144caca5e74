"""`concordat treatment import FILE --partnership SLUG --provider CODE --period-end YYYY-MM-DD [--json]`:
the contract's report and exit status."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from concordat.treatment.models import Submission
from tests.factories import agreement_document, concordat_env, run_concordat
from tests.treatment.conftest import treatment_counts
from tests.treatment.submissions import a_file, csv_bytes, row


def run(*args: str) -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("treatment", *args, stdout=out)
    except CommandError as error:
        return error.returncode, out.getvalue()
    return 0, out.getvalue()


def write(tmp_path: Path, rows: list[dict[str, str]], name: str = "march.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(csv_bytes(rows))
    return path


def run_import(
    path: Path, *extra: str, provider: str = "P1", slug: str = "salford-dat", end: str = "2005-03-31"
) -> tuple[int, Any]:
    status, printed = run(
        "import",
        str(path),
        "--partnership",
        slug,
        "--provider",
        provider,
        "--period-end",
        end,
        "--json",
        *extra,
    )
    return status, json.loads(printed)


def test_an_accepted_file_exits_0_with_the_contracts_report(partnership, tmp_path):
    status, report = run_import(write(tmp_path, a_file(2)))
    assert status == 0
    assert report == {"accepted": True, "rows": 7, "errors": [], "warnings": []}
    assert treatment_counts()["Episode"] == 5


def test_a_rejected_file_exits_2_and_lists_every_error_with_row_column_code_and_message(
    partnership, tmp_path
):
    status, report = run_import(
        write(tmp_path, [row(), row(sex="Q"), row(episode_ref="E2", referral_date="")])
    )
    assert status == 2
    assert report["accepted"] is False and report["rows"] == 3 and report["warnings"] == []
    assert [(e["row"], e["column"], e["code"]) for e in report["errors"]] == [
        (3, "sex", "invalid-choice"),
        (4, "referral_date", "required"),
    ]
    assert all(set(e) == {"row", "column", "code", "message"} and e["message"] for e in report["errors"])
    assert treatment_counts()["Episode"] == 0


def test_warnings_are_in_the_report_of_an_accepted_file(partnership, tmp_path):
    status, report = run_import(write(tmp_path, [row(la_of_residence="W06000001")]))
    assert status == 0 and report["accepted"] is True
    assert [(w["row"], w["column"], w["code"]) for w in report["warnings"]] == [
        (2, "la_of_residence", "outside-area")
    ]


@pytest.mark.parametrize(
    ("options", "code"),
    [
        ({"slug": "nowhere"}, "unknown-partnership"),
        ({"provider": "P9"}, "unknown-provider"),
        ({"end": "31/03/2005"}, "bad-period-end"),
        ({"end": "2005-02-30"}, "bad-period-end"),
    ],
)
def test_unknown_partnership_or_provider_or_a_bad_period_end_exits_2_with_a_clear_message(
    partnership, tmp_path, options, code
):
    status, report = run_import(write(tmp_path, [row()]), **options)
    assert status == 2
    assert [e["code"] for e in report["errors"]] == [code]
    assert Submission.objects.count() == 0


def test_a_missing_file_exits_2(partnership, tmp_path):
    status, report = run_import(tmp_path / "nothing.csv")
    assert status == 2 and report["errors"][0]["code"] == "no-file"


def test_people_read_the_errors_where_they_are(partnership, tmp_path):
    status, printed = run(
        "import",
        str(write(tmp_path, [row(sex="Q")])),
        "--partnership",
        "salford-dat",
        "--provider",
        "P1",
        "--period-end",
        "2005-03-31",
    )
    assert status == 2
    assert "row 2, column sex:" in printed and "[invalid-choice]" in printed


def test_as_names_the_submitter(partnership, tmp_path):
    from tests.factories import member

    officer = member(
        partnership, "provider-data-officer", "P1", username="olive", first_name="Olive", last_name="Officer"
    )
    assert run_import(write(tmp_path, [row()]), "--as", "olive")[0] == 0
    submission = Submission.objects.get()
    assert (submission.submitted_by, submission.submitted_by_name) == (
        officer,
        "Olive Officer (command line)",
    )


def test_import_from_a_real_process_exit_codes(tmp_path):
    env = concordat_env(tmp_path / "var", DEBUG="1")
    assert run_concordat("migrate", "--noinput", env=env).returncode == 0
    import yaml

    agreement = tmp_path / "salford.yaml"
    agreement.write_text(yaml.safe_dump(json.loads(json.dumps(agreement_document(), default=str))))
    loaded = run_concordat("partnership", "load", str(agreement), env=env)
    assert loaded.returncode == 0, loaded.stdout + loaded.stderr
    args = ["--partnership", "salford-dat", "--provider", "P1", "--period-end", "2005-03-31", "--json"]
    good = run_concordat("treatment", "import", str(write(tmp_path, a_file(1))), *args, env=env)
    assert good.returncode == 0, good.stderr
    assert json.loads(good.stdout)["accepted"] is True
    bad = run_concordat(
        "treatment", "import", str(write(tmp_path, [row(sex="Q")], "bad.csv")), *args, env=env
    )
    assert bad.returncode == 2
    assert json.loads(bad.stdout)["errors"][0]["code"] == "invalid-choice"
