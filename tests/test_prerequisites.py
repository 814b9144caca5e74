"""A machine without the Debian programs the tests run fails the run first, with one line naming each."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.prerequisites import BROWSER_TESTS, browser_tests_may_run, missing_programs

TESTS = BROWSER_TESTS.parent
PROJECT = TESTS.parent


def nothing_installed(program: str) -> str | None:
    return None


def everything_installed(program: str) -> str | None:
    return f"/usr/bin/{program}"


def test_a_machine_without_poppler_is_told_to_run_make_system_packages() -> None:
    assert missing_programs(nothing_installed, browser=False) == [
        "pdftotext and pdfinfo are missing: run `make system-packages` (Debian package poppler-utils)"
    ]
    assert missing_programs(lambda program: None if program == "pdfinfo" else program, browser=False) == [
        "pdfinfo is missing: run `make system-packages` (Debian package poppler-utils)"
    ]


def test_chromium_is_needed_only_when_browser_tests_run() -> None:
    def only_poppler(program: str) -> str | None:
        return program if program in {"pdftotext", "pdfinfo"} else None

    assert missing_programs(only_poppler, browser=False) == []
    assert missing_programs(only_poppler, browser=True) == [
        "/usr/bin/chromium is missing: run `make system-packages` (Debian package chromium)"
    ]


def test_nothing_is_reported_when_everything_is_installed() -> None:
    assert missing_programs(everything_installed, browser=True) == []


def test_browser_tests_run_with_the_whole_suite_or_their_folder() -> None:
    assert browser_tests_may_run(["tests"], "", [PROJECT])
    assert browser_tests_may_run(["."], "", [PROJECT])
    assert browser_tests_may_run(["tests/browser/test_sign_in.py::test_x"], "", [PROJECT])
    assert browser_tests_may_run(["tests"], "browser", [PROJECT])


def test_browser_tests_do_not_run_when_deselected_by_marker_or_path() -> None:
    assert not browser_tests_may_run(["tests"], "not browser", [PROJECT])
    assert not browser_tests_may_run(["tests/core"], "", [PROJECT])
    assert not browser_tests_may_run(["test_money.py"], "", [TESTS / "core", PROJECT])


def test_the_run_stops_first_with_one_line_naming_the_missing_program(tmp_path: Path) -> None:
    # A PATH with python but no poppler: the run must end before any test, naming pdftotext.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python").symlink_to(sys.executable)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "tests/core/test_money.py", "-p", "no:randomly", "-n", "0"],
        cwd=PROJECT,
        env={**os.environ, "PATH": str(bin_dir)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 4, result.stdout + result.stderr
    assert "pdftotext and pdfinfo are missing: run `make system-packages` (Debian package poppler-utils)" in (
        result.stdout + result.stderr
    )
    assert " passed" not in result.stdout
