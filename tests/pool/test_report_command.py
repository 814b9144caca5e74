"""`concordat pool report quarterly|annual --partnership SLUG --year YYYY-YY [--quarter N] --out FILE`: the
format from the file's extension; a bad year, quarter or extension is exit 2 with a clear message."""

from __future__ import annotations

from io import BytesIO, StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from concordat.pool.workbook import POUNDS
from tests.partnerships.test_notification_form_document import pdf_pages_text

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("pool", "report", *args, stdout=out)
    except CommandError as error:
        return error.returncode, str(error)
    return 0, out.getvalue()


def test_the_quarterly_report_as_a_pdf(partnership: Any, post: Any, tmp_path: Path) -> None:
    post("payment", "P-1", "2003-07-01", "12000.00", contract="CDT-2003", purpose="treatment")
    out = tmp_path / "q2.pdf"
    status, _ = run(
        "quarterly", "--partnership", "salford-dat", "--year", "2003-04", "--quarter", "2", "--out", str(out)
    )
    text = "\n".join(pdf_pages_text(out.read_bytes()))
    assert status == 0 and "Quarterly report of the pooled fund, Q2 2003-04" in text and "£12,000.00" in text


def test_the_annual_return_as_a_workbook(partnership: Any, post: Any, tmp_path: Path) -> None:
    post("payment", "P-1", "2003-07-01", "12000.00", contract="CDT-2003", purpose="treatment")
    out = tmp_path / "year.xlsx"
    status, _ = run("annual", "--partnership", "salford-dat", "--year", "2003-04", "--out", str(out))
    book = load_workbook(BytesIO(out.read_bytes()))
    cell = book["Services"]["C2"]
    assert status == 0 and cell.value == 12000 and cell.number_format == POUNDS


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["quarterly", "--year", "2003-05", "--quarter", "1", "--out", "r.pdf"], "--year"),
        (["quarterly", "--year", "2003-04", "--quarter", "5", "--out", "r.pdf"], "--quarter"),
        (["quarterly", "--year", "2003-04", "--out", "r.pdf"], "needs --quarter"),
        (["annual", "--year", "2003-04", "--quarter", "1", "--out", "r.pdf"], "leave out --quarter"),
        (["annual", "--year", "2003-04", "--out", "r.docx"], ".pdf or .xlsx"),
    ],
)
def test_bad_input_is_exit_2_and_writes_nothing(
    partnership: Any, tmp_path: Path, monkeypatch: Any, args: list[str], message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    status, text = run(*args[:1], "--partnership", "salford-dat", *args[1:])
    assert status == 2 and message in text
    assert not list(tmp_path.iterdir())
