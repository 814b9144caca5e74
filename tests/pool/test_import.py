"""`concordat pool import`: all or nothing, every error at its row and column, idempotent by ref."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from concordat.core.years import FinancialYear
from concordat.pool import selectors
from concordat.pool.models import Transaction
from tests.factories import row_counts

pytestmark = pytest.mark.django_db

HEADER = "ref,date,kind,stream,contract,purpose,amount,reverses,description\n"
GOOD = HEADER + (
    "C-1,2003-04-15,contribution,NTA-PTB,,,300000.00,,first quarter\n"
    "P-1,2003-05-01,payment,,CDT-2003,treatment,12000.00,,invented\n"
    "A-1,2003-06-30,accrual,,CDT-2003,treatment,500.00,,invented\n"
    "R-1,2003-07-02,reversal,,,,,P-1,wrong contract\n"
)


def run(tmp_path: Path, partnership: Any, text: str, *extra: str) -> tuple[int, dict[str, Any]]:
    path = tmp_path / "postings.csv"
    path.write_text(text, encoding="utf-8")
    out = io.StringIO()
    try:
        call_command(
            "pool", "import", str(path), "--partnership", partnership.slug, "--json", *extra, stdout=out
        )
        status = 0
    except CommandError as error:
        status = error.returncode
    return status, json.loads(out.getvalue())


def test_a_good_file_is_posted_and_a_second_import_adds_nothing(tmp_path: Path, partnership: Any) -> None:
    status, report = run(tmp_path, partnership, GOOD)
    assert (status, report["accepted"], report["rows"], report["errors"]) == (0, True, 4, [])
    # CDT-2003 names none of the partnership's contracts (it has none): a spend line, warned at each row.
    assert [(w["row"], w["code"]) for w in report["warnings"]] == [
        (3, "not-a-contract"),
        (4, "not-a-contract"),
    ]
    assert Transaction.objects.count() == 4
    counts = row_counts()
    status, report = run(tmp_path, partnership, GOOD)
    assert (status, report["accepted"]) == (0, True)
    assert row_counts() == counts
    s = selectors.statement(partnership, FinancialYear(2003))
    assert (s.received, s.actual_spend) == (30000000, 50000)


@pytest.mark.parametrize(
    ("row", "column", "code"),
    [
        ("X-1,2003-05-01,contribution,NOPE,,,1.00,,", "stream", "unknown-stream"),
        ("X-1,2003-05-01,payment,,CDT,treatment,-5.00,,", "amount", "negative-amount"),
        ("X-1,2003-05-01,payment,,CDT,treatment,5,,", "amount", "bad-money"),
        ("X-1,2003-05-01,payment,,CDT,treatment,1.5e3,,", "amount", "bad-money"),
        ("X-1,2003-05-01,payment,,CDT,,5.00,,", "purpose", "missing-value"),
        ("X-1,2003-05-01,payment,,,treatment,5.00,,", "contract", "missing-value"),
        ("X-1,2003-05-01,reversal,,,,,NOTHING,", "reverses", "unknown-ref"),
        ("X-1,2003-05-01,refund,,,,1.00,,", "kind", "unknown-kind"),
        ("X-1,2003-13-01,contribution,NTA-PTB,,,1.00,,", "date", "bad-date"),
        # Days whose financial year has no end date (9999-00) or no start (0000-01) a year cannot hold
        ("X-1,9999-06-01,payment,,CDT,treatment,5.00,,", "date", "date-out-of-range"),
        ("X-1,0001-01-01,contribution,NTA-PTB,,,1.00,,", "date", "date-out-of-range"),
        ("C-1,2003-04-15,contribution,NTA-PTB,,,300000.01,,first quarter", "ref", "ref-conflict"),
        ("X-1,2003-05-01,payment,,DIV,harm-reduction,801500.01,,", "amount", "ring-fence"),
    ],
)
def test_a_bad_row_refuses_the_whole_file(
    tmp_path: Path, partnership: Any, row: str, column: str, code: str
) -> None:
    run(tmp_path, partnership, GOOD)
    before = row_counts()
    text = HEADER + "Y-1,2003-05-01,contribution,NTA-PTB,,,1.00,,fine\n" + row + "\n"
    status, report = run(tmp_path, partnership, text)
    assert status == 2 and report["accepted"] is False
    assert {"row": 3, "column": column, "code": code} in [
        {k: e[k] for k in ("row", "column", "code")} for e in report["errors"]
    ]
    assert row_counts() == before


def test_every_error_of_the_file_is_reported(tmp_path: Path, partnership: Any) -> None:
    text = HEADER + "A,2003-05-01,contribution,NOPE,,,1.00,,\nB,x,payment,,C,treatment,-1,,\n"
    status, report = run(tmp_path, partnership, text)
    assert status == 2
    assert [(e["row"], e["column"], e["code"]) for e in report["errors"]] == [
        (2, "stream", "unknown-stream"),
        (3, "date", "bad-date"),
        (3, "amount", "negative-amount"),
    ]
    assert Transaction.objects.count() == 0


def test_a_row_of_the_wrong_form_is_an_error_of_that_row_and_the_rows_after_it_are_checked(
    tmp_path: Path, partnership: Any
) -> None:
    text = HEADER + (
        "A,2003-05-01,contribution\n"  # short
        'B,2003-05-01,"contri"bution,NTA-PTB,,,1.00,,\n'  # a quote the csv reader refuses
        "C,2003-05-01,contribution,NTA-PTB,,,1.00,,,\n"  # long
        "D,2003-05-01,refund,,,,1.00,,\n"
    )
    status, report = run(tmp_path, partnership, text)
    assert status == 2 and report["rows"] == 4
    assert [(e["row"], e["column"], e["code"]) for e in report["errors"]] == [
        (2, "", "wrong-number-of-values"),
        (3, "", "unreadable-row"),
        (4, "", "wrong-number-of-values"),
        (5, "kind", "unknown-kind"),
    ]
    assert Transaction.objects.count() == 0


def test_a_value_over_the_field_limit_is_an_error_at_its_row_and_column_and_later_rows_are_checked(
    tmp_path: Path, partnership: Any
) -> None:
    from concordat.core.csvfile import FIELD_LIMIT

    text = HEADER + (
        f"A,2003-05-01,payment,,CDT,treatment,1.00,,{'x' * (FIELD_LIMIT + 1)}\n"
        "B,2003-05-01,contribution,NTA-PTB,,,1.00,,\n"
        "C,2003-05-01,refund,,,,1.00,,\n"
    )
    status, report = run(tmp_path, partnership, text)
    assert status == 2 and report["rows"] == 3
    assert [(e["row"], e["column"], e["code"]) for e in report["errors"]] == [
        (2, "description", "too-long"),
        (4, "kind", "unknown-kind"),
    ]
    assert Transaction.objects.count() == 0


def test_a_row_of_an_unknown_kind_has_its_other_errors_reported_too(tmp_path: Path, partnership: Any) -> None:
    text = HEADER + "X-3,2003-06-01,bogus,NTA-PTB,,,1e9,,\n"
    status, report = run(tmp_path, partnership, text)
    assert status == 2
    assert [(e["row"], e["column"], e["code"]) for e in report["errors"]] == [
        (2, "kind", "unknown-kind"),
        (2, "amount", "bad-money"),
    ]


def test_a_second_reversal_of_a_ref_is_refused(tmp_path: Path, partnership: Any) -> None:
    run(tmp_path, partnership, GOOD)
    status, report = run(tmp_path, partnership, HEADER + "R-2,2003-08-01,reversal,,,,,P-1,\n")
    assert status == 2 and report["errors"][0]["code"] == "already-reversed"


def test_a_posting_into_a_closed_year_is_refused(tmp_path: Path, partnership: Any) -> None:
    call_command(
        "pool", "close", "--partnership", partnership.slug, "--year", "2003-04", stdout=io.StringIO()
    )
    status, report = run(tmp_path, partnership, HEADER + "C-9,2003-05-01,contribution,NTA-PTB,,,1.00,,\n")
    assert status == 2 and report["errors"][0]["code"] == "year-closed"


def test_a_kind_whose_column_the_file_lacks_is_named(tmp_path: Path, partnership: Any) -> None:
    status, report = run(tmp_path, partnership, "ref,date,kind,amount\nP-1,2003-05-01,payment,1.00\n")
    assert status == 2
    assert {(e["column"], e["code"]) for e in report["errors"]} == {
        ("contract", "missing-column"),
        ("purpose", "missing-column"),
    }


def test_the_file_may_post_and_reverse_in_one_go(tmp_path: Path, partnership: Any) -> None:
    status, _ = run(tmp_path, partnership, GOOD)
    assert status == 0
    reversal = Transaction.objects.get(ref="R-1")
    assert reversal.reverses.ref == "P-1"
