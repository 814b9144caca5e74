"""How commands report: the same human and --json output for every check, load and import.

Exit status 0 when the input was valid (warnings allowed), 2 when it was not; --json output goes to
stdout alone, so a machine can read it whatever the exit status.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import CommandError, OutputWrapper

from .csvfile import RowReport
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
) -> None:
    """The same for a file of rows: {"accepted", "rows", "errors", "warnings"} (each problem with its row
    and column) and exit 2 when the file was not accepted."""
    if as_json:
        stdout.write(
            json.dumps({**report.as_dict(), **(extra or {})}, indent=2, default=str, ensure_ascii=False)
        )
    else:
        for title, problems in (("error", report.errors), ("warning", report.warnings)):
            if problems:
                stdout.write(f"{len(problems)} {title}{'s' if len(problems) != 1 else ''}:")
                for problem in problems:
                    stdout.write(f"  {problem.where}: {problem.message} [{problem.code}]")
        for line in summary or []:
            stdout.write(line)
    if not report.accepted:
        raise CommandError(
            f"not accepted: nothing was written ({len(report.errors)} errors)", returncode=INVALID
        )
