"""Fixtures every test may use: a loaded partnership and one user per kind of access to it."""

from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings as hypothesis_settings

from concordat.core.roles import Role
from tests.factories import UserFactory, load_partnership, member
from tests.prerequisites import browser_tests_may_run, missing_programs

# Two cores shared by xdist workers and a database: a per-example time limit would only make tests flaky.
# On CI (CI=true) Hypothesis's own "ci" profile applies: no deadline, derandomized, no example database.
hypothesis_settings.register_profile("concordat", deadline=None)
if not os.environ.get("CI"):
    hypothesis_settings.load_profile("concordat")


def pytest_sessionstart(session: pytest.Session) -> None:
    """Stop before the first test, with one line, if a Debian program the run needs is missing. (In the
    controlling process this runs before pytest-xdist starts its workers.)"""
    config = session.config
    browser = browser_tests_may_run(
        config.args, config.option.markexpr, [config.invocation_params.dir, config.rootpath]
    )
    missing = missing_programs(shutil.which, browser=browser)
    if missing:
        pytest.exit("; ".join(missing), returncode=pytest.ExitCode.USAGE_ERROR)


def pytest_configure(config: pytest.Config) -> None:
    from django.conf import settings

    # WhiteNoise warns on every new client when STATIC_ROOT is missing; tests serve from the finders.
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)


@pytest.fixture(autouse=True)
def _test_settings(settings: Any, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    # Lockout would make a wrong-password test lock the next one out; MD5 keeps user creation fast
    # (the product hashes with Argon2, which tests do not need to prove again and again).
    settings.AXES_ENABLED = False
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Uploaded documents go to the test's own folder, removed with it, never to var/.
    settings.MEDIA_ROOT = str(tmp_path / "media")
    # Jobs' stored files likewise.
    private = tmp_path_factory.mktemp("private")  # beside the test's own folder, which tests look into
    settings.PRIVATE_DIR = private
    settings.FILE_UPLOAD_TEMP_DIR = str(private / "incoming")
    (private / "incoming").mkdir(mode=0o700)


@pytest.fixture
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Make `clock.today()` return a chosen day: `fixed_today(date(2004, 2, 1))`; default 2004-02-01."""
    from concordat.core import clock

    def set_today(day: date = date(2004, 2, 1)) -> date:
        monkeypatch.setattr(clock, "today", lambda: day)
        return day

    set_today()
    return set_today


@pytest.fixture
def partnership(db: None) -> Any:
    """Salford DAT as tests/factories.py describes it, loaded through partnership_load."""
    return load_partnership()


@pytest.fixture
def lead(partnership: Any) -> Any:
    return member(partnership, Role.LEAD_COMMISSIONER, username="lead")


@pytest.fixture
def pool_manager(partnership: Any) -> Any:
    return member(partnership, Role.POOL_MANAGER, username="pool-manager")


@pytest.fixture
def auditor(partnership: Any) -> Any:
    return member(partnership, Role.AUDITOR, username="auditor")


@pytest.fixture
def provider_officer(partnership: Any) -> Any:
    return member(partnership, Role.PROVIDER_DATA_OFFICER, provider="P1", username="provider-officer")


@pytest.fixture
def outsider(db: None) -> Any:
    """A signed-up user with no role in any partnership."""
    return UserFactory(username="outsider")


def _partnerships_first(flush: Any) -> Any:
    """The ledger is append-only in the database: on SQLite its triggers refuse to delete a posted row while
    its partnership exists (pool/migrations/0002). Django's flush, the teardown of transactional tests
    (browser tests, concurrent writers), deletes table by table in the order of a set, which varies between
    runs; tests empty the partnerships table first. (A real database is never flushed: there the refusal
    is the point. PostgreSQL truncates, which fires no row triggers.)"""

    def sql_flush(
        self: Any, style: Any, tables: Any, *, reset_sequences: bool = False, allow_cascade: bool = False
    ) -> Any:
        if tables and allow_cascade:  # Django's own search for the tables that refer to these, as a set
            tables = {t for table in tables for t in self._references_graph(table)}
        ordered = sorted(tables, key=lambda table: (table != "partnerships_partnership", table))
        return flush(self, style, ordered, reset_sequences=reset_sequences, allow_cascade=False)

    return sql_flush


def _order_sqlite_flush() -> None:
    import django.db.backends.sqlite3.base  # noqa: F401  (first: operations imports base, base imports operations)
    from django.db.backends.sqlite3.operations import DatabaseOperations

    if not getattr(DatabaseOperations.sql_flush, "partnerships_first", False):
        DatabaseOperations.sql_flush = _partnerships_first(DatabaseOperations.sql_flush)  # type: ignore[method-assign]
        DatabaseOperations.sql_flush.partnerships_first = True  # type: ignore[attr-defined]


_order_sqlite_flush()
