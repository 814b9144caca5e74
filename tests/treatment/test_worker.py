"""The treatment import as a job of a real worker process, on SQLite and (when DATABASE_URL names one) on
PostgreSQL, each in a database of its own shared by the processes:

- a queued import is run by `concordat worker --batch`, and its file is gone when its job ends;
- `kill -9` of the worker half-way through leaves the record exactly as it was; the next worker fails the
  job with a message its owner can read, removes the rows it had staged, and no file is left behind;
- while a big import is staging, a key worker's write in another partnership and an access-log write in
  the same one each complete within a second.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from concordat.partnerships.document import dump_yaml
from tests.factories import CONCORDAT, agreement_document, run_concordat, separate_databases

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from treatment_import import generate

PERIOD_END = "2006-03-31"
IMPORTS = "FROM core_job WHERE kind = 'treatment-submission'"  # the import's job, not the KPI's it queues


def query(env: dict[str, str], sql: str) -> list[tuple[Any, ...]]:
    """Read the processes' database from the test, by its own connection."""
    url = env.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        import psycopg

        with psycopg.connect(url.replace("postgres://", "postgresql://", 1), autocommit=True) as db:
            return list(db.execute(sql).fetchall())
    with sqlite3.connect(Path(env["CONCORDAT_VAR_DIR"]) / "concordat.sqlite3", timeout=30) as db:
        return list(db.execute(sql).fetchall())


def staged(env: dict[str, str]) -> int:
    """Modality rows of every generation: what a staging import has written so far."""
    return int(query(env, "SELECT count(*) FROM treatment_episodemodality")[0][0])


def set_up(env: dict[str, str], tmp_path: Path) -> None:
    for slug, name in (("salford-dat", "Salford Drug Action Team"), ("other-dat", "Another Partnership")):
        agreement = tmp_path / f"{slug}.yaml"
        providers = [
            {"code": "P1", "name": "Example Community Drug Service", "tiers": [2, 3]},
            {"code": "P2", "name": "Second Street Project", "tiers": [2, 3]},
        ]
        document = agreement_document(slug=slug, name=name, providers=providers)
        agreement.write_text(dump_yaml(document), encoding="utf-8")
        done = run_concordat("partnership", "load", str(agreement), env=env)
        assert done.returncode == 0, done.stderr


def migrated(tmp_path: Path) -> Any:
    for env in separate_databases(tmp_path):
        done = run_concordat("migrate", "-v0", env=env)
        assert done.returncode == 0, done.stderr
        set_up(env, tmp_path)
        yield env


def record_of(env: dict[str, str]) -> str:
    done = run_concordat("treatment", "export", "--partnership", "salford-dat", "--provider", "P1", env=env)
    assert done.returncode == 0, done.stderr
    return done.stdout


def private_files(env: dict[str, str]) -> list[str]:
    jobs = Path(env["CONCORDAT_VAR_DIR"]) / "private" / "jobs"
    return sorted(p.name for p in jobs.iterdir()) if jobs.exists() else []


def queue(env: dict[str, str], path: Path) -> dict[str, Any]:
    done = run_concordat(
        "treatment", "import", str(path), "--partnership", "salford-dat", "--provider", "P1",
        "--period-end", PERIOD_END, "--queue", "--json", env=env,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def start_worker(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [str(CONCORDAT), "worker", "--interval", "0.1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def wait_for(condition: Any, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_the_worker_runs_a_queued_import_and_one_killed_half_way_leaves_the_record_as_it_was(
    tmp_path: Path,
) -> None:
    for env in migrated(tmp_path):
        # A queued import, run by `concordat worker --batch`: its file is gone when its job ends.
        small, big = tmp_path / "small.csv", tmp_path / "big.csv"
        generate(small, 300)
        generate(big, 150_000)
        queued = queue(env, small)
        assert query(env, f"SELECT state FROM treatment_submission WHERE id = {queued['submission']}") == [
            ("queued",)
        ]
        assert len(private_files(env)) == 1
        done = run_concordat("worker", "--batch", env=env)
        assert done.returncode == 0, done.stderr
        assert query(env, f"SELECT state FROM treatment_submission WHERE id = {queued['submission']}") == [
            ("current",)
        ]
        assert query(env, f"SELECT state {IMPORTS}") == [("done",)]
        before = record_of(env)
        assert before.count("\n") == 1 + 300
        assert private_files(env) == []

        # A worker killed once it has staged some rows of a big file: half-way through its job.
        rows_before = query(env, "SELECT count(*) FROM treatment_episodemodality")
        queued = queue(env, big)
        worker = start_worker(env)
        try:
            wait_for(lambda env=env, rows=rows_before[0][0]: staged(env) > rows)
            os.kill(worker.pid, signal.SIGKILL)
            worker.wait(timeout=30)
        finally:
            if worker.poll() is None:
                worker.kill()
        assert query(env, f"SELECT state {IMPORTS} AND state = 'running'") == [("running",)]
        assert record_of(env) == before  # readers never saw the staged rows
        done = run_concordat("worker", "--batch", env=env)
        assert done.returncode == 0, done.stderr
        ((state, message),) = query(env, f"SELECT state, message {IMPORTS} AND state <> 'done'")
        assert (
            state == "failed" and "stopped before it finished" in message and "Nothing was changed" in message
        )
        assert query(env, f"SELECT state FROM treatment_submission WHERE id = {queued['submission']}") == [
            ("failed",)
        ]
        assert record_of(env) == before
        assert (
            query(env, "SELECT count(*) FROM treatment_episodemodality") == rows_before
        )  # nothing staged left
        assert private_files(env) == []


WRITES = """
import json, os, sys, time
from datetime import date
import django
django.setup()
from concordat.partnerships.models import Partnership
from concordat.treatment import access, casework, handles
other = Partnership.objects.get(slug="other-dat")
salford = Partnership.objects.get(slug="salford-dat")
record = handles.handle_for(salford, salford.providers.get(code="P1").pk, "READER-1")
ready, go = sys.argv[2], sys.argv[3]
open(ready, "w").close()
while not os.path.exists(go):
    time.sleep(0.01)
longest, made = 0.0, 0
for n in range(int(sys.argv[1])):
    started = time.perf_counter()
    outcome = casework.episode_refer(
        partnership=other, provider=other.providers.get(code="P1"), token=f"tok{n:020d}", actor=None,
        client_ref=f"K{n}", initials="AB", date_of_birth=date(1980, 1, 1), sex="F",
        la_of_residence="E08000006", episode_ref=f"KE{n}", referral_date=date(2005, 1, 1),
        referral_source="self", primary_substance="alcohol",
    )
    assert outcome.saved, outcome.report.errors
    access.record_reads(partnership=salford, records=[record], user=None, channel="page", what="test",
                        reader="the lock test")
    longest = max(longest, time.perf_counter() - started)
    made += 1
    time.sleep(0.05)
print(json.dumps({"longest": longest, "made": made}))
"""


def test_while_an_import_stages_writes_elsewhere_complete_within_a_second(tmp_path: Path) -> None:
    for env in migrated(tmp_path):
        big = tmp_path / "big.csv"
        generate(big, 150_000)
        ready, go = tmp_path / f"ready-{id(env)}", tmp_path / f"go-{id(env)}"
        writes = subprocess.Popen(  # started first: Django is set up before the import begins
            [sys.executable, "-c", WRITES, "8", str(ready), str(go)],
            env={**env, "DJANGO_SETTINGS_MODULE": "concordat.settings"},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        wait_for(ready.exists)
        queue(env, big)
        worker = start_worker(env)
        try:
            wait_for(lambda env=env: staged(env) > 0)
            go.touch()
            out, err = writes.communicate(timeout=120)
            still_staging = query(env, f"SELECT state {IMPORTS}") == [("running",)]
        finally:
            worker.kill()  # the database goes with the test: no need to wait for the import's end
            worker.wait(timeout=30)
        assert writes.returncode == 0, err
        result = json.loads(out)
        assert result["made"] == 8 and still_staging, "the writes must overlap the import"
        assert result["longest"] < 1.0, result


def import_json(env: dict[str, str], path: Path, provider: str = "P1") -> tuple[int, dict[str, Any]]:
    done = run_concordat(
        "treatment", "import", str(path), "--partnership", "salford-dat", "--provider", provider,
        "--period-end", PERIOD_END, "--json", env=env,
    )  # fmt: skip
    assert done.returncode in (0, 2), done.stderr
    return done.returncode, json.loads(done.stdout)


def test_a_file_checked_in_a_child_process_gives_what_a_check_in_thread_gives(tmp_path: Path) -> None:
    """treatment/parallel.py: the same record, the same report (every error and warning, in order, with
    its row and column), the same refusal, whether the file is checked in a spawned child (big files) or
    in the importing thread."""
    valid, wrong = tmp_path / "valid.csv", tmp_path / "wrong.csv"
    generate(valid, 3_000)
    lines = valid.read_text(encoding="utf-8").splitlines(keepends=True)
    # A warning (`trimmed`) at row 6 (the header is row 1), and a copy with errors at rows 4 and 2,001.
    lines[5] = lines[5].replace(",M,", ",M ,", 1).replace(",F,", ",F ,", 1)
    valid.write_text("".join(lines), encoding="utf-8")
    for row in (3, 2_000):
        parts = lines[row].split(",")
        parts[3] = "Q"
        lines[row] = ",".join(parts)
    wrong.write_text("".join(lines), encoding="utf-8")
    for env in migrated(tmp_path):
        # The same people at P2: P1's episodes overlapping theirs are warned of (looked up by the check).
        assert import_json(env, valid, provider="P2")[0] == 0
        results = {}
        for how, threshold in (("child", "1"), ("thread", "1000000000")):
            env["TREATMENT_CHILD_CHECK_LINES"] = threshold
            refused = import_json(env, wrong)
            accepted = import_json(env, valid)
            results[how] = refused, accepted, record_of(env)
        assert results["child"] == results["thread"]
        (code, report), (ok, good), record = results["child"]
        assert code == 2 and [(e["row"], e["column"]) for e in report["errors"]] == [
            (4, "sex"),
            (2001, "sex"),
        ]
        warnings = [(w["row"], w["code"]) for w in good["warnings"]]
        assert ok == 0 and good["accepted"] and (6, "trimmed") in warnings
        assert warnings == sorted(warnings, key=lambda w: w[0])
        assert sum(code == "open-at-another-provider" for _, code in warnings) > 100
        assert record.count("\n") == 1 + 3_000


def test_a_child_that_fails_fails_the_import_and_leaves_nothing_staged(tmp_path: Path) -> None:
    valid = tmp_path / "valid.csv"
    generate(valid, 2_000)
    for env in migrated(tmp_path):
        env["TREATMENT_CHILD_CHECK_LINES"] = "1"
        rows_before = staged(env)
        # The child reads the partnership's secret from the database: a partnership it cannot find is a
        # failure of the child's own, told to the importing process.
        done = run_concordat(
            "shell", "-c",
            "from unittest import mock; from concordat.treatment import parallel; "
            "import io, sys; from concordat.partnerships.models import Partnership; "
            "from concordat.treatment import services; p = Partnership.objects.get(slug='salford-dat'); "
            "real = parallel.check_in_child\n"
            "def broken(path, **kw):\n    kw['partnership_id'] = -1\n    return real(path, **kw)\n"
            "parallel.check_in_child = broken\n"
            f"f = open({str(valid)!r}, 'rb')\n"
            "try:\n    services.submission_import(partnership=p, provider=p.providers.get(code='P1'), file=f, "
            "period_end=__import__('datetime').date(2006, 3, 31), file_name='x.csv', actor=None, "
            "channel='command-line')\n"
            "except parallel.CheckFailed as e:\n    print('FAILED', e)\n",
            env=env,
        )  # fmt: skip
        assert "FAILED DoesNotExist" in done.stdout, done.stdout + done.stderr
        assert staged(env) == rows_before
        assert query(env, "SELECT state FROM treatment_submission ORDER BY id DESC LIMIT 1") == [("failed",)]
