"""Two real processes posting to one partnership at the same moment: the ledger stays balanced, the chain
whole and no posting is lost. On SQLite (a file of its own) always; on PostgreSQL too when DATABASE_URL
names one (a database of its own is made on that server for the test and dropped after)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import uuid
from pathlib import Path

from concordat.partnerships.document import dump_yaml
from tests.factories import CONCORDAT, agreement_document, run_concordat, separate_databases

PER_WRITER = 40

WRITER = f"""
import os, sys, time
from datetime import date
import django
django.setup()
from concordat.partnerships.models import Partnership
from concordat.pool import services
name, go = sys.argv[1], sys.argv[2]
partnership = Partnership.objects.get(slug="salford-dat")
while not os.path.exists(go):
    time.sleep(0.005)
for n in range({PER_WRITER}):
    if n % 2:
        services.payment_post(partnership=partnership, ref=f"{{name}}-{{n}}", date=date(2003, 5, 1),
                              contract="CDT", purpose="treatment", amount_pence=100 + n)
    else:
        services.contribution_post(partnership=partnership, ref=f"{{name}}-{{n}}", date=date(2003, 5, 1),
                                   stream="NTA-PTB", amount_pence=1000 + n)
"""


def test_two_writers_at_once_lose_nothing_and_keep_the_ledger_whole(tmp_path: Path) -> None:
    for env in separate_databases(tmp_path):
        agreement = tmp_path / "salford.yaml"
        agreement.write_text(dump_yaml(agreement_document()), encoding="utf-8")
        for args in (("migrate", "-v0"), ("partnership", "load", str(agreement))):
            done = run_concordat(*args, env=env)
            assert done.returncode == 0, done.stderr
        go = tmp_path / f"go-{uuid.uuid4().hex}"
        env = {**env, "DJANGO_SETTINGS_MODULE": "concordat.settings"}
        writers = [
            subprocess.Popen(
                [sys.executable, "-c", WRITER, name, str(go)],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
            for name in ("A", "B")
        ]
        time.sleep(1.5)  # both have started Django and wait at the line
        go.touch()
        for writer in writers:
            _out, err = writer.communicate(timeout=120)
            assert writer.returncode == 0, err.decode()
        verified = run_concordat("pool", "verify", "--partnership", "salford-dat", "--json", env=env)
        assert verified.returncode == 0, verified.stdout + verified.stderr
        result = json.loads(verified.stdout)
        assert result["valid"] and result["transactions"] == 2 * PER_WRITER
        shown = run_concordat(
            "pool", "statement", "--partnership", "salford-dat", "--year", "2003-04", "--json", env=env
        )
        statement = json.loads(shown.stdout)
        contributions = sum(1000 + n for n in range(0, PER_WRITER, 2)) * 2
        payments = sum(100 + n for n in range(1, PER_WRITER, 2)) * 2
        assert statement["received"] == f"{contributions // 100}.{contributions % 100:02d}"
        assert statement["actual_spend"] == f"{payments // 100}.{payments % 100:02d}"
    assert CONCORDAT.exists()
