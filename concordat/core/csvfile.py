"""Files of rows people and systems submit (treatment records, pool transactions): read as a stream, with
every problem at its row and column, never the first exception.

Rows are numbered as in the file, the header being row 1; a quoted value over several lines is still one
row. The standard `csv` module reads the dialect (RFC 4180: commas, double quotes, CRLF or LF); this
module says what people need told: a byte-order mark, another encoding, a bad byte, a short row, a value
too long. A row that is wrong in its form is an error of that row only: the rows after it are still read
and checked, so the report names every mistake of the file, not the first.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

# Excel's "CSV UTF-8" starts the file with one; harmless, but a system that writes it may write other
# surprises, so it is said (as a warning) rather than passed over.
_UTF8_BOM = codecs.BOM_UTF8
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
# A value bigger than this is not a value of any column we read: an error `too-long` at its row and column.
FIELD_LIMIT = 64 * 1024
# What the csv module may gather of one value before it gives up (by raising, and then we cannot tell the
# column). Far above FIELD_LIMIT, so that a long value is named at its column and the reader stays in step
# with the rows; still bounded, because a quote that is never closed makes the rest of the file one value
# (the csv module holds 4 bytes a character).
_READ_LIMIT = 16 * FIELD_LIMIT


@dataclass(frozen=True)
class RowProblem:
    row: int  # as in the file: the header is row 1; 0 for the file as a whole
    column: str  # the column's name from the header; "" for the whole row
    code: str  # stable, machine-readable: "bad-date"
    message: str  # for a person

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "code": self.code, "message": self.message}

    @property
    def where(self) -> str:
        if not self.row:
            return "the file"
        return f"row {self.row}, column {self.column}" if self.column else f"row {self.row}"


@dataclass
class RowReport:
    """Everything wrong with a file (errors block it, warnings don't) and how many data rows it had.

    A file of millions of rows can be wrong on every one: with `keep`, only the first `keep` errors and the
    first `keep` warnings are held (`errors`, `warnings`), while the counts stay complete — in all
    (`error_count`, `warning_count`) and for every (kind, column, code) (`counts`); `sink`, when given, is
    told every problem as it is found (a command's --json report written as it goes)."""

    rows: int = 0
    errors: list[RowProblem] = field(default_factory=list)
    warnings: list[RowProblem] = field(default_factory=list)
    keep: int | None = None
    sink: Callable[[str, RowProblem], None] | None = None
    error_count: int = 0
    warning_count: int = 0
    counts: Counter[tuple[str, str, str]] = field(default_factory=Counter)

    @property
    def accepted(self) -> bool:
        return not self.error_count and not self.errors

    def error(self, row: int, column: str, code: str, message: str) -> None:
        self.add("error", RowProblem(row, column, code, message))

    def warn(self, row: int, column: str, code: str, message: str) -> None:
        self.add("warning", RowProblem(row, column, code, message))

    def add(self, kind: str, problem: RowProblem) -> None:
        if kind == "error":
            self.error_count += 1
            held = self.errors
        else:
            self.warning_count += 1
            held = self.warnings
        self.counts[(kind, problem.column, problem.code)] += 1
        if self.keep is None or len(held) < self.keep:
            held.append(problem)
        if self.sink is not None:
            self.sink(kind, problem)

    @property
    def truncated(self) -> bool:
        """Some problems are counted but not held."""
        return self.error_count > len(self.errors) or self.warning_count > len(self.warnings)

    def counts_of(self, kind: str) -> dict[str, int]:
        """{"column|code": n} of every problem of the kind, for keeping beside the first few."""
        return {f"{column}|{code}": n for (k, column, code), n in sorted(self.counts.items()) if k == kind}

    def kept(self) -> dict[str, Any]:
        """What a job keeps of the report: the contract's four keys (the problems held), the counts of
        every problem in all and by "column|code"."""
        return {
            **self.as_dict(),
            "error_count": self.error_count or len(self.errors),
            "warning_count": self.warning_count or len(self.warnings),
            "error_counts": self.counts_of("error"),
            "warning_counts": self.counts_of("warning"),
        }

    def as_dict(self) -> dict[str, Any]:
        """The contract's report: {"accepted", "rows", "errors", "warnings"} (those held)."""
        return {
            "accepted": self.accepted,
            "rows": self.rows,
            "errors": [p.as_dict() for p in self.errors],
            "warnings": [p.as_dict() for p in self.warnings],
        }


def read_rows(
    binary: IO[bytes],
    *,
    columns: Sequence[str],
    required: Sequence[str],
    report: RowReport,
) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (row number, {column: value}) for each well-formed data row of a UTF-8 CSV, counting them
    in `report.rows`; put every problem of the file's form in `report`.

    `columns` are those the format knows (others are warned about and left out of the dicts); `required`
    must be in the header. A row with a bad byte or the wrong number of values is reported and not yielded,
    so the caller checks only rows it can read, and reports about those too.
    """
    present: list[tuple[int, str]] = []
    for row, values in read_records(
        binary, columns=columns, required=required, report=report, present=present
    ):
        yield row, {name: values[i] for i, name in present}


def read_records(
    binary: IO[bytes],
    *,
    columns: Sequence[str],
    required: Sequence[str],
    report: RowReport,
    present: list[tuple[int, str]] | None = None,
) -> Iterator[tuple[int, list[str]]]:
    """As `read_rows`, but each row is a list of values in the order of `columns` (a column the header
    lacks is ""), for callers that read a million rows and check them by position: when the header is
    exactly `columns`, in order, the reader's own list is yielded, with no copy. `present`, when given, is
    filled with (position in `columns`, name) of the columns the header has, once the header is read.
    """
    start = binary.read(4)
    if start[:2] in _UTF16_BOMS:
        report.error(1, "", "encoding", "The file is UTF-16 text: save it as CSV UTF-8")
        return
    if start.startswith(_UTF8_BOM):
        report.warn(1, "", "byte-order-mark", "The file starts with a byte-order mark; it was read as UTF-8")
        start = start[len(_UTF8_BOM) :]
    # surrogateescape keeps going past a bad byte, so the row and column it is in can be named.
    raw = _Prefixed(start, binary)
    text = io.TextIOWrapper(io.BufferedReader(raw), encoding="utf-8", errors="surrogateescape", newline="")
    csv.field_size_limit(_READ_LIMIT)
    reader = csv.reader(text, strict=True)
    row = 1
    try:
        header = next(reader, None)
    except csv.Error as error:
        _unreadable(row, error, report)
        return
    if header is None:
        report.error(1, "", "empty-file", "The file is empty: it needs a header row")
        return
    # A header's names are the columns of every problem: one past the limit makes the header unusable.
    if len("".join(header)) > FIELD_LIMIT and _too_long(header, row, [], report):
        return
    if not _readable(header, row, header, report):
        return
    names = _header(header, columns, required, report)
    if names is None:
        return
    place = {name: k for k, name in enumerate(columns)}
    if present is not None:
        present.extend((place[name], name) for _, name in names)
    # Where each of `columns` is in the file's rows (None: not in the header).
    at: dict[str, int] = {name: i for i, name in names}
    where = [at.get(name) for name in columns]
    as_is = [h.strip() for h in header] == list(columns)
    width = len(header)
    while True:
        # The loop is entered again after a row the csv module cannot read: it has dropped the rest of
        # that line and goes on from the next one, so each such row is one error and the rows after it
        # are still read. (A try around each row would cost every row of a million-row file.)
        try:
            for values in reader:
                row += 1
                if not values:  # a blank line
                    continue
                report.rows += 1
                if len(values) != width:
                    report.error(
                        row,
                        "",
                        "wrong-number-of-values",
                        f"Row {row} has {len(values)} values; the header has {width}",
                    )
                    continue
                # One join tells that no value can be too long; only a long row looks at each value.
                if len("".join(values)) > FIELD_LIMIT and _too_long(values, row, header, report):
                    continue
                # While every byte read so far is ASCII, no value can hold a bad byte.
                if not raw.ascii and not _readable(values, row, header, report):
                    continue
                if as_is:
                    yield row, values
                else:
                    yield row, ["" if i is None else values[i] for i in where]
            return
        except csv.Error as error:
            row += 1
            report.rows += 1
            _unreadable(row, error, report)


def _unreadable(row: int, error: csv.Error, report: RowReport) -> None:
    """A row the csv module refuses: a value past what it reads (`too-long`, its column unknown), or a
    quote in the wrong place (`unreadable-row`)."""
    if "field limit" in str(error):
        report.error(
            row,
            "",
            "too-long",
            f"Row {row} has a value longer than {_READ_LIMIT:,} characters (is a quote not closed?)",
        )
    else:
        report.error(row, "", "unreadable-row", f"Row {row} cannot be read as CSV: {error}")


def _column(header: list[str], i: int) -> str:
    """The name of the column at position i, as a report names it."""
    name = header[i].strip() if i < len(header) else ""
    return name if name and name.isascii() else f"column {i + 1}"


def _too_long(values: list[str], row: int, header: list[str], report: RowReport) -> bool:
    """True (and an error at each column) when a value is longer than FIELD_LIMIT."""
    found = False
    for i, value in enumerate(values):
        if len(value) > FIELD_LIMIT:
            report.error(
                row,
                _column(header, i),
                "too-long",
                f"The value is {len(value):,} characters long; a value may be at most {FIELD_LIMIT:,}",
            )
            found = True
    return found


def _readable(values: list[str], row: int, header: list[str], report: RowReport) -> bool:
    """False (and an error at the column) when a value has a byte that is not UTF-8."""
    joined = "".join(values)
    if joined.isascii():
        return True
    try:
        joined.encode("utf-8")
        return True
    except UnicodeEncodeError:
        pass
    for i, value in enumerate(values):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as error:
            bad = value[error.start].encode("utf-8", "surrogateescape")
            report.error(
                row,
                _column(header, i),
                "encoding",
                f"Byte 0x{bad.hex()} is not UTF-8: save the file as CSV UTF-8",
            )
            return False
    return False


def _header(
    header: list[str], columns: Sequence[str], required: Sequence[str], report: RowReport
) -> list[tuple[int, str]] | None:
    """The known columns' places, or None when the header cannot be used."""
    known = set(columns)
    seen: dict[str, int] = {}
    usable = True
    for i, raw in enumerate(header):
        name = raw.strip()
        if name in seen:
            report.error(1, name, "duplicate-column", f"Column {name} appears twice in the header")
            usable = False
        seen[name] = i
        if name not in known:
            report.warn(1, name or f"column {i + 1}", "unknown-column", f"Column {name!r} is not read")
    for name in required:
        if name not in seen:
            report.error(1, name, "missing-column", f"The header has no column {name}")
            usable = False
    if not usable:
        return None
    return [(i, name) for name, i in seen.items() if name in known]


class _Prefixed(io.RawIOBase):
    """The stream with the bytes already read for the byte-order mark put back in front."""

    def __init__(self, prefix: bytes, rest: IO[bytes]) -> None:
        self._prefix = prefix
        self._rest = rest
        self.ascii = prefix.isascii()  # every byte read so far

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._prefix:
            n = min(len(buffer), len(self._prefix))
            buffer[:n] = self._prefix[:n]
            self._prefix = self._prefix[n:]
            return n
        data = self._rest.read(len(buffer))
        if self.ascii and not data.isascii():
            self.ascii = False
        buffer[: len(data)] = data
        return len(data)


# Cells a spreadsheet would run as a formula when a CSV we write is opened (CSV injection): written as text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: str) -> str:
    """A text cell of a CSV we write, made inert: a leading quote keeps a spreadsheet from running it."""
    return "'" + value if value.startswith(_FORMULA_START) else value
