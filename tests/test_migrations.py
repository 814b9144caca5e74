"""The migrations describe the models exactly, in every process."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.factories import concordat_env, run_concordat


# A model built from a set (its order follows the process's string hashing) would ask for a new migration
# in some processes only; several hash seeds make that visible.
@pytest.mark.parametrize("seed", ["1", "2", "3"])
def test_models_need_no_new_migration(tmp_path: Path, seed: str) -> None:
    env = concordat_env(tmp_path / "var", DEBUG="1", PYTHONHASHSEED=seed)
    result = run_concordat("makemigrations", "--check", "--dry-run", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
