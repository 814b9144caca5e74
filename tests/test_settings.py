"""Settings come from the environment; without its secret, production signs nothing and fails the deploy check."""

from __future__ import annotations

import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from tests.factories import concordat_env, run_concordat


def _run_with_settings(code: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Python `code` run after django.setup() with the product's settings, in a process of its own."""
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**env, "DJANGO_SETTINGS_MODULE": "concordat.settings"},
    )


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


def test_without_debug_or_a_secret_key_the_deploy_check_names_the_missing_secret(tmp_path: Path) -> None:
    env = concordat_env(tmp_path / "var", DEBUG="0", ALLOWED_HOSTS="concordat.example.org")
    result = run_concordat("check", "--deploy", env=env)
    assert result.returncode != 0
    assert "concordat.E001" in result.stdout + result.stderr
    assert "SECRET_KEY" in result.stdout + result.stderr


def test_without_a_secret_key_nothing_can_be_signed(tmp_path: Path) -> None:
    result = _run_with_settings(
        "from django.core import signing; signing.dumps('x')", concordat_env(tmp_path / "var")
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_file_commands_work_without_debug_or_a_secret_key(tmp_path: Path) -> None:
    import yaml

    from tests.factories import agreement_document

    path = tmp_path / "agreement.yaml"
    path.write_text(yaml.safe_dump(agreement_document(), sort_keys=False))
    result = run_concordat("partnership", "check", str(path), "--json", env=concordat_env(tmp_path / "var"))
    assert result.returncode == 0, result.stderr
    assert '"valid": true' in result.stdout


def test_development_mode_needs_no_secret(tmp_path: Path) -> None:
    result = _run_with_settings(
        "from django.conf import settings; print(settings.DEBUG, bool(settings.SECRET_KEY))",
        concordat_env(tmp_path / "var", DEBUG="1"),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True"]


def _production(tmp_path: Path, **values: str) -> dict[str, str]:
    return concordat_env(
        tmp_path / "var",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="concordat.example.org",
        **values,
    )


def test_production_settings_with_the_access_settings_pass_the_deploy_check(tmp_path: Path) -> None:
    env = _production(
        tmp_path, TRUSTED_PROXY_COUNT="1", LOCKOUT_RETENTION_DAYS="90", SESSION_IDLE_MINUTES="15"
    )
    result = run_concordat("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "concordat.I001" not in result.stdout + result.stderr


def test_production_without_trusted_proxies_is_told_about_them_but_passes(tmp_path: Path) -> None:
    result = run_concordat("check", "--deploy", "--fail-level", "WARNING", env=_production(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "concordat.I001" in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("name", "value", "check"),
    [
        ("TRUSTED_PROXY_COUNT", "-1", "concordat.E002"),
        ("LOCKOUT_RETENTION_DAYS", "0", "concordat.E003"),
        ("SESSION_IDLE_MINUTES", "0", "concordat.E004"),
        ("SESSION_IDLE_MINUTES", "481", "concordat.E004"),
    ],
)
def test_meaningless_access_settings_fail_the_check(
    tmp_path: Path, name: str, value: str, check: str
) -> None:
    result = run_concordat("check", "--deploy", env=_production(tmp_path, **{name: value}))
    assert result.returncode != 0
    assert check in result.stdout + result.stderr


def test_access_settings_come_from_the_environment(tmp_path: Path) -> None:
    result = _run_with_settings(
        "from django.conf import settings as s; "
        "print(s.TRUSTED_PROXY_COUNT, s.LOCKOUT_RETENTION_DAYS, s.SESSION_IDLE_TIMEOUT, s.SESSION_COOKIE_AGE)",
        _production(tmp_path, TRUSTED_PROXY_COUNT="2", LOCKOUT_RETENTION_DAYS="7", SESSION_IDLE_MINUTES="10"),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["2", "7", "600", "28800"]


def test_access_settings_have_their_defaults(tmp_path: Path) -> None:
    result = _run_with_settings(
        "from django.conf import settings as s; "
        "print(s.TRUSTED_PROXY_COUNT, s.LOCKOUT_RETENTION_DAYS, s.SESSION_IDLE_TIMEOUT, s.CSRF_FAILURE_VIEW)",
        _production(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["0", "30", "1800", "concordat.core.views.csrf_failure"]


def test_every_environment_variable_the_settings_read_is_in_env_example() -> None:
    import re

    project = Path(__file__).resolve().parent.parent
    settings_source = (project / "concordat" / "settings.py").read_text()
    read = set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z_]+)"', settings_source))
    documented = set(re.findall(r"^([A-Z_]+)=", (project / ".env.example").read_text(), re.MULTILINE))
    assert read, "no env reads found: the pattern no longer matches settings.py"
    assert read - documented == set()
