"""Settings come from the environment, and production refuses to start without its secrets."""

from __future__ import annotations

import secrets
import subprocess
import sys
from pathlib import Path

from tests.factories import concordat_env, run_concordat


def test_production_settings_pass_the_deploy_check(tmp_path: Path) -> None:
    env = concordat_env(
        tmp_path / "var",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="concordat.example.org",
    )
    result = run_concordat("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr


def test_without_allowed_hosts_the_deploy_check_fails(tmp_path: Path) -> None:
    env = concordat_env(tmp_path / "var", DEBUG="0", SECRET_KEY=secrets.token_urlsafe(50))
    result = run_concordat("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stdout + result.stderr


def test_without_debug_and_a_secret_key_settings_refuse_to_start(tmp_path: Path) -> None:
    result = run_concordat("check", env=concordat_env(tmp_path / "var"))
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_debug_0_without_a_secret_key_refuses_too(tmp_path: Path) -> None:
    result = run_concordat(
        "check", env=concordat_env(tmp_path / "var", DEBUG="0", ALLOWED_HOSTS="concordat.example.org")
    )
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
        env=concordat_env(tmp_path / "var", DEBUG="1", DJANGO_SETTINGS_MODULE="concordat.settings"),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True"]
