"""Reading submitted CSV files: every problem of the file's form at its row and column."""

from __future__ import annotations

import io

from concordat.core import csvfile
from concordat.core.csvfile import FIELD_LIMIT, RowReport, read_rows

COLUMNS = ["ref", "date", "amount"]


def read(data: bytes, required=COLUMNS) -> tuple[list[tuple[int, dict[str, str]]], RowReport]:
    report = RowReport()
    rows = list(read_rows(io.BytesIO(data), columns=COLUMNS, required=required, report=report))
    return rows, report


def test_rows_are_numbered_as_in_the_file_with_the_header_as_row_1_and_crlf_read():
    rows, report = read(b'ref,date,amount\r\nA,2003-04-01,1.00\r\nB,"2003-04-02",2.00\r\n')
    assert rows == [
        (2, {"ref": "A", "date": "2003-04-01", "amount": "1.00"}),
        (3, {"ref": "B", "date": "2003-04-02", "amount": "2.00"}),
    ]
    assert report.accepted and report.rows == 2 and not report.warnings


def test_a_value_over_two_lines_is_one_row():
    rows, _ = read(b'ref,date,amount\nA,"2003-\n04-01",1.00\nB,2003-04-02,2.00\n')
    assert [r for r, _ in rows] == [2, 3]


def test_a_byte_order_mark_is_a_warning_and_the_file_is_read():
    rows, report = read(b"\xef\xbb\xbfref,date,amount\nA,2003-04-01,1.00\n")
    assert rows[0][1]["ref"] == "A"
    assert [(w.row, w.code) for w in report.warnings] == [(1, "byte-order-mark")]
    assert report.accepted


def test_utf16_is_refused_with_what_to_do():
    _, report = read("ref,date,amount\n".encode("utf-16"))
    assert [(e.row, e.code) for e in report.errors] == [(1, "encoding")]
    assert "UTF-8" in report.errors[0].message


def test_a_bad_byte_is_named_at_its_row_and_column_and_later_rows_still_read():
    rows, report = read(b"ref,date,amount\nA,2003-04-01,1.00\nB\xe9,2003-04-02,2.00\nC,2003-04-03,3.00\n")
    assert [(e.row, e.column, e.code) for e in report.errors] == [(3, "ref", "encoding")]
    assert "0xe9" in report.errors[0].message
    assert [r for r, _ in rows] == [2, 4]
    assert report.rows == 3


def test_short_rows_missing_and_duplicate_columns_and_unknown_columns():
    _, report = read(b"ref,date,amount,colour\nA,2003-04-01\n")
    assert [(e.row, e.code) for e in report.errors] == [(2, "wrong-number-of-values")]
    assert [(w.column, w.code) for w in report.warnings] == [("colour", "unknown-column")]
    _, report = read(b"ref,ref,date\n")
    assert {(e.column, e.code) for e in report.errors} == {
        ("ref", "duplicate-column"),
        ("amount", "missing-column"),
    }


def test_a_row_with_the_wrong_number_of_values_is_an_error_of_that_row_and_later_rows_are_read():
    rows, report = read(
        b"ref,date,amount\nA,2003-04-01\nB,2003-04-02,2.00\nC,2003-04-03,3.00,x\nD,2003-04-04,4\n"
    )
    assert [(e.row, e.code) for e in report.errors] == [
        (2, "wrong-number-of-values"),
        (4, "wrong-number-of-values"),
    ]
    assert [r for r, _ in rows] == [3, 5]
    assert report.rows == 4


def test_a_row_the_csv_reader_refuses_is_an_error_of_that_row_and_later_rows_are_read():
    # A quote in the middle of a value: the csv module refuses the row (strict RFC 4180); it went on to
    # end the report there, so the rows after it were never checked.
    rows, report = read(b'ref,date,amount\nA,"2003-04-01"x,1.00\nB,2003-04-02,2.00\nC,2003-04-03\nD,x,4\n')
    assert [(e.row, e.code) for e in report.errors] == [(2, "unreadable-row"), (4, "wrong-number-of-values")]
    assert [r for r, _ in rows] == [3, 5]
    assert report.rows == 4


def test_a_quote_never_closed_is_an_error_at_its_row():
    rows, report = read(b'ref,date,amount\nA,2003-04-01,1.00\nB,"2003-04-02,2.00\nC,2003-04-03,3.00\n')
    assert [(e.row, e.code) for e in report.errors] == [(3, "unreadable-row")]
    assert [r for r, _ in rows] == [2]


def test_an_unreadable_header_ends_the_report():
    rows, report = read(b'ref,"date"x,amount\nA,2003-04-01,1.00\n')
    assert [(e.row, e.code) for e in report.errors] == [(1, "unreadable-row")]
    assert rows == [] and report.rows == 0


def test_an_empty_file_and_an_unreadable_row():
    _, report = read(b"")
    assert [(e.row, e.code) for e in report.errors] == [(1, "empty-file")]
    _, report = read(b'ref,date,amount\nA,"2003-04-01"x,1.00\n')
    assert [(e.row, e.code) for e in report.errors] == [(2, "unreadable-row")]


def test_a_value_over_the_field_limit_is_an_error_at_its_row_and_column_and_later_rows_are_read():
    long = b"x" * (FIELD_LIMIT + 1)
    rows, report = read(
        b"ref,date,amount\nA," + long + b",1\n"
        # the same in quotes over several lines: the reader is still in step at the next row
        b'B,"' + b"y\n" * (FIELD_LIMIT // 2 + 1) + b'",2\n'
        b"C,2003-04-03,3.00\n"
        b"D," + long + b"," + long + b"\n"
        b"E,2003-04-05\n"
    )
    assert [(e.row, e.column, e.code) for e in report.errors] == [
        (2, "date", "too-long"),
        (3, "date", "too-long"),
        (5, "date", "too-long"),
        (5, "amount", "too-long"),
        (6, "", "wrong-number-of-values"),
    ]
    assert "65,537 characters" in report.errors[0].message and "x" not in report.errors[0].message
    assert [r for r, _ in rows] == [4]
    assert report.rows == 5


def test_a_value_at_the_field_limit_is_read():
    rows, report = read(b"ref,date,amount\nA," + b"x" * FIELD_LIMIT + b",1\n")
    assert report.accepted and len(rows[0][1]["date"]) == FIELD_LIMIT


def test_a_value_past_what_the_reader_holds_is_an_error_at_its_row_and_later_rows_are_read():
    # A quote never closed would make the rest of a big file one value: the csv module stops gathering it
    # (memory stays bounded), the row is an error, and the reader goes on at the next line.
    huge = b"z" * (csvfile._READ_LIMIT + 10)
    rows, report = read(b'ref,date,amount\nA,"' + huge + b'",1\nB,2003-04-02,2.00\n')
    assert [(e.row, e.column, e.code) for e in report.errors] == [(2, "", "too-long")]
    assert [r for r, _ in rows] == [3]


def test_a_header_name_over_the_field_limit_is_an_error_at_its_column():
    rows, report = read(b"ref,date," + b"a" * (FIELD_LIMIT + 1) + b"\nA,2003-04-01,1.00\n")
    assert [(e.row, e.column, e.code) for e in report.errors] == [(1, "column 3", "too-long")]
    assert rows == []


def test_the_report_is_the_contracts_shape():
    _, report = read(b"ref,date,amount\nA,2003-04-01\n")
    assert report.as_dict() == {
        "accepted": False,
        "rows": 1,
        "errors": [
            {
                "row": 2,
                "column": "",
                "code": "wrong-number-of-values",
                "message": "Row 2 has 2 values; the header has 3",
            }
        ],
        "warnings": [],
    }


def test_cells_a_spreadsheet_would_run_are_written_as_text():
    from concordat.core.csvfile import spreadsheet_safe

    assert [spreadsheet_safe(v) for v in ["=SUM(A1)", "+1", "-2", "@x", "\tx", "Lena Lead", ""]] == [
        "'=SUM(A1)",
        "'+1",
        "'-2",
        "'@x",
        "'\tx",
        "Lena Lead",
        "",
    ]
