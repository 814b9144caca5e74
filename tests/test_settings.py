"""Settings come from the environment, and production refuses to start without its secrets."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

CONCORDAT = Path(sys.executable).parent / "concordat"
_SET_BY_TESTS = {
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "DJANGO_SETTINGS_MODULE",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "CSRF_TRUSTED_ORIGINS",
    "AXES_ENABLED",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}  # set by the browser tests' harness; --deploy rightly refuses it


def environment(tmp_path: Path, **values: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in _SET_BY_TESTS}
    env["CONCORDAT_VAR_DIR"] = str(tmp_path / "var")
    env.update(values)
    return env


def concordat(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(CONCORDAT), *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_production_settings_pass_the_deploy_check(tmp_path: Path) -> None:
    env = environment(
        tmp_path, DEBUG="0", SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="concordat.example.org"
    )
    result = concordat("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr


def test_without_allowed_hosts_the_deploy_check_fails(tmp_path: Path) -> None:
    env = environment(tmp_path, DEBUG="0", SECRET_KEY=secrets.token_urlsafe(50))
    result = concordat("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stdout + result.stderr


def test_without_debug_and_a_secret_key_settings_refuse_to_start(tmp_path: Path) -> None:
    result = concordat("check", env=environment(tmp_path))
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_debug_0_without_a_secret_key_refuses_too(tmp_path: Path) -> None:
    result = concordat("check", env=environment(tmp_path, DEBUG="0", ALLOWED_HOSTS="concordat.example.org"))
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_development_mode_needs_no_secret(tmp_path: Path) -> None:
    code = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG, bool(settings.SECRET_KEY))"
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=environment(tmp_path, DEBUG="1", DJANGO_SETTINGS_MODULE="concordat.settings"),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True"]
