"""The Debian programs the tests run, checked before the first test: a machine that lacks one fails the run
at once with one line naming it and the package that brings it, never with a FileNotFoundError deep in
a test. `make system-packages` (scripts/system-packages.sh) installs every one of them."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"

# program -> the Debian package that installs it
ALWAYS = {"pdftotext": "poppler-utils", "pdfinfo": "poppler-utils"}
FOR_BROWSER_TESTS = {CHROMIUM: "chromium"}

BROWSER_TESTS = Path(__file__).resolve().parent / "browser"


def missing_programs(which: Callable[[str], str | None], *, browser: bool) -> list[str]:
    """One line per Debian package the run needs whose programs `which` cannot find (empty when all are
    there), naming the programs."""
    needed = {**ALWAYS, **(FOR_BROWSER_TESTS if browser else {})}
    missing: dict[str, list[str]] = {}
    for program, package in needed.items():
        if which(program) is None:
            missing.setdefault(package, []).append(program)
    return [
        f"{' and '.join(programs)} {'is' if len(programs) == 1 else 'are'} missing: "
        f"run `make system-packages` (Debian package {package})"
        for package, programs in missing.items()
    ]


def browser_tests_may_run(args: Iterable[str], markexpr: str, bases: Iterable[Path]) -> bool:
    """Whether a run given these paths and `-m` expression may include the browser tests. Decided before
    collection (so it errs towards yes: a `-k` filter is not looked at), because with pytest-xdist the
    controlling process never collects. Relative paths are taken from the first of `bases` (the invocation
    directory, then the root directory where `testpaths` are) under which they exist."""
    if markexpr:
        from _pytest.mark.expression import Expression

        if not Expression.compile(markexpr).evaluate(lambda name, **kwargs: name == "browser"):
            return False
    for arg in args:
        given = Path(arg.split("::", 1)[0])
        candidates = [given] if given.is_absolute() else [base / given for base in bases]
        path = next((c for c in candidates if c.exists()), candidates[0]).resolve()
        if path == BROWSER_TESTS or path in BROWSER_TESTS.parents or BROWSER_TESTS in path.parents:
            return True
    return False
