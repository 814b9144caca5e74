"""A submission's problems as CSV (kind, row, column, code, message): the download its provider's data
officers read. A job writes every problem to a file of its own as the check finds them (`ProblemsFile`),
kept with a rejected file for REJECTED_FILE_DAYS; after that, or for a file that was accepted, the CSV is
made from the first problems kept with the submission. Cells a spreadsheet would run as formulas are
written as text; messages never quote a value that identifies a client."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from concordat.core.csvfile import RowProblem, spreadsheet_safe

HEADER = ["kind", "row", "column", "code", "message"]


def csv_row(kind: str, problem: dict[str, Any]) -> list[Any]:
    return [
        kind,
        problem["row"],
        spreadsheet_safe(problem["column"]),
        problem["code"],
        spreadsheet_safe(problem["message"]),
    ]


class ProblemsFile:
    """A RowReport's sink writing each problem to a CSV file as it is found."""

    def __init__(self, path: Path) -> None:
        self._file = path.open("w", encoding="utf-8", newline="")
        path.chmod(0o600)
        self._writer = csv.writer(self._file)
        self._writer.writerow(HEADER)

    def __call__(self, kind: str, problem: RowProblem) -> None:
        self._writer.writerow(csv_row(kind, problem.as_dict()))

    def close(self) -> None:
        self._file.close()


def lines_of(problems: Iterable[tuple[str, dict[str, Any]]]) -> Iterator[str]:
    """The CSV of (kind, problem) pairs, a line at a time, header first."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for kind, problem in problems:
        writer.writerow(csv_row(kind, problem))
        yield out.getvalue()
        out.seek(0)
        out.truncate()
    yield out.getvalue()
