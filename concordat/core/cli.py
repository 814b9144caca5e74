"""How commands report: the same human and --json output for every check, load and import.

Exit status 0 when the input was valid (warnings allowed), 2 when it was not; --json output goes to
stdout alone, so a machine can read it whatever the exit status.
"""

from __future__ import annotations

import heapq
import json
import tempfile
from collections.abc import Iterator
from typing import Any

from django.core.management.base import CommandError, OutputWrapper

from .csvfile import RowProblem, RowReport
from .problems import Problem, Report

INVALID = 2


def _line(problem: Problem) -> str:
    # Messages often begin with where they point (e.g. "milestones[3]: ..."); don't say it twice.
    said = problem.path and problem.message.startswith(problem.path.split(".")[0])
    where = f"{problem.path}: " if problem.path and not said else ""
    return f"  {where}{problem.message} [{problem.code}]"


def emit(
    stdout: OutputWrapper,
    report: Report,
    *,
    as_json: bool,
    extra: dict[str, Any] | None = None,
    summary: list[str] | None = None,
) -> None:
    """Print the report (and `extra` fields in JSON, `summary` lines for people); raise exit 2 if invalid."""
    if as_json:
        stdout.write(
            json.dumps({**report.as_dict(), **(extra or {})}, indent=2, default=str, ensure_ascii=False)
        )
    else:
        if report.errors:
            stdout.write(f"{len(report.errors)} error{'s' if len(report.errors) != 1 else ''}:")
            for problem in report.errors:
                stdout.write(_line(problem))
        if report.warnings:
            stdout.write(f"{len(report.warnings)} warning{'s' if len(report.warnings) != 1 else ''}:")
            for problem in report.warnings:
                stdout.write(_line(problem))
        for line in summary or []:
            stdout.write(line)
    if not report.valid:
        raise CommandError("not valid: nothing was written", returncode=INVALID)


def emit_rows(
    stdout: OutputWrapper,
    report: RowReport,
    *,
    as_json: bool,
    extra: dict[str, Any] | None = None,
    summary: list[str] | None = None,
    streamed: StreamedRows | None = None,
) -> None:
    """The same for a file of rows: {"accepted", "rows", "errors", "warnings"} (each problem with its row
    and column) and exit 2 when the file was not accepted. With `streamed` (the report's sink), the JSON
    lists every problem the sink was told, not only those the report holds."""
    if streamed is not None:
        streamed.write(stdout, report, extra) if as_json else streamed.write_text(stdout, report)
        for line in [] if as_json else summary or []:
            stdout.write(line)
    elif as_json:
        stdout.write(
            json.dumps({**report.as_dict(), **(extra or {})}, indent=2, default=str, ensure_ascii=False)
        )
    else:
        for title, problems, count in (
            ("error", report.errors, report.error_count or len(report.errors)),
            ("warning", report.warnings, report.warning_count or len(report.warnings)),
        ):
            if problems:
                stdout.write(f"{count:,} {title}{'s' if count != 1 else ''}:")
                for problem in problems:
                    stdout.write(f"  {problem.where}: {problem.message} [{problem.code}]")
                if count > len(problems):
                    stdout.write(f"  … and {count - len(problems):,} more (--json lists every one)")
        for line in summary or []:
            stdout.write(line)
    if not report.accepted:
        raise CommandError(
            f"not accepted: nothing was written ({report.error_count or len(report.errors):,} errors)",
            returncode=INVALID,
        )


class StreamedRows:
    """A file's report written as the contract's JSON ({"accepted", "rows", "errors", "warnings"}) without
    holding its problems: each is written, as it is found, to an anonymous temporary file of the private
    folder (nothing is left behind if the process is killed), and the JSON is put together at the end —
    so a report of two million errors costs disk, not memory. Give it as a RowReport's `sink`.

    Warnings found after the pass (about other providers' records) come in row order among themselves:
    each run of warnings in row order is kept apart and the runs are merged by row."""

    def __init__(self) -> None:
        from .jobs import private_folder

        self._folder = private_folder("reports")
        self._errors = self._file()
        self._runs = [self._file()]
        self._last_row = 0

    def _file(self) -> Any:
        return tempfile.TemporaryFile("w+", encoding="utf-8", dir=self._folder)

    def __call__(self, kind: str, problem: RowProblem) -> None:
        line = json.dumps(problem.as_dict(), ensure_ascii=False) + "\n"
        if kind == "error":
            self._errors.write(line)
            return
        if problem.row < self._last_row:
            self._runs.append(self._file())
        self._last_row = problem.row
        self._runs[-1].write(f"{problem.row}\t{line}")

    def _errors_told(self) -> Iterator[str]:
        self._errors.seek(0)
        for line in self._errors:
            yield line.rstrip("\n")

    def _warnings_told(self) -> Iterator[str]:
        def rows(run: Any) -> Iterator[tuple[int, str]]:
            run.seek(0)
            for line in run:
                row, text = line.split("\t", 1)
                yield int(row), text.rstrip("\n")

        for _, text in heapq.merge(*(rows(run) for run in self._runs), key=lambda pair: pair[0]):
            yield text

    def write(self, stdout: OutputWrapper, report: RowReport, extra: dict[str, Any] | None = None) -> None:
        head = json.dumps({"accepted": report.accepted, "rows": report.rows}, ensure_ascii=False)[:-1]
        stdout.write(head + ', "errors": [', ending="")
        for i, text in enumerate(self._errors_told()):
            stdout.write(("\n  " if not i else ",\n  ") + text, ending="")
        stdout.write('], "warnings": [', ending="")
        for i, text in enumerate(self._warnings_told()):
            stdout.write(("\n  " if not i else ",\n  ") + text, ending="")
        tail = "".join(f", {json.dumps(k)}: {json.dumps(v, default=str)}" for k, v in (extra or {}).items())
        stdout.write("]" + tail + "}")
        self.close()

    def write_text(self, stdout: OutputWrapper, report: RowReport) -> None:
        """The same problems as lines for people: every error, then every warning."""
        for title, count, told in (
            ("error", report.error_count, self._errors_told()),
            ("warning", report.warning_count, self._warnings_told()),
        ):
            if count:
                stdout.write(f"{count:,} {title}{'s' if count != 1 else ''}:")
                for text in told:
                    problem = RowProblem(**json.loads(text))
                    stdout.write(f"  {problem.where}: {problem.message} [{problem.code}]")
        self.close()

    def close(self) -> None:
        for file in (self._errors, *self._runs):
            file.close()
