"""Postings per second through the pool's posting service, with every check (the partnership locked, refs,
streams, purposes, closed years, ring fence, schemes, the hash chain, the audit event), against a bare
INSERT of the same rows (a transaction and its two legs) in the same run, on SQLite and on a throwaway
PostgreSQL (as .ci/run and bench/load.py make one).

    python bench/pool_posting.py                 # 2,000 postings each way, both databases
    python bench/pool_posting.py --n 500 --db sqlite

Two ways through the service: one posting per call (a web form or API request: its own database
transaction, lock and audit entry), and batches of 500 (the import file). Prints a table; exits 1 when
PostgreSQL's batched rate is under 1,000 postings/s or slower than 5x its bare insert (the goal).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
GOAL_RATE, GOAL_RATIO = 1000, 5.0
BATCH = 500


def measure(n: int) -> dict[str, float]:
    """In a process set up for one database: migrate, load Salford, time the three ways."""
    import django

    django.setup()
    from datetime import date, timedelta

    from django.core.management import call_command
    from django.db import connection, transaction

    from concordat.core import clock
    from concordat.partnerships import services as agreement
    from concordat.pool import services
    from concordat.pool.models import Account
    from concordat.pool.rules.postings import Draft
    from tests.factories import agreement_document

    call_command("migrate", verbosity=0)

    def partnership(slug: str) -> object:
        outcome = agreement.partnership_load(document=agreement_document(slug=slug))
        assert outcome.partnership is not None
        return outcome.partnership

    def day(i: int) -> date:
        return date(2003, 4, 1) + timedelta(days=i % 365)

    def draft(prefix: str, i: int) -> Draft:
        if i % 2:
            return Draft(
                f"{prefix}-{i}", "payment", day(i), 100 + i % 50, contract=f"C{i % 7}", purpose="treatment"
            )
        return Draft(f"{prefix}-{i}", "contribution", day(i), 1000 + i % 50, stream="NTA-PTB")

    rates: dict[str, float] = {}
    one = partnership("bench-one")
    started = time.perf_counter()
    for i in range(n):
        d = draft("S", i)
        if d.kind == "payment":
            services.payment_post(
                partnership=one,
                ref=d.ref,
                date=d.day,
                contract=d.contract,
                purpose=d.purpose,
                amount_pence=d.amount_pence,
            )
        else:
            services.contribution_post(
                partnership=one, ref=d.ref, date=d.day, stream=d.stream, amount_pence=d.amount_pence
            )
    rates["service, one a call"] = n / (time.perf_counter() - started)

    batched = partnership("bench-batch")
    drafts = [draft("B", i) for i in range(n)]
    started = time.perf_counter()
    for start in range(0, n, BATCH):
        batch = services.postings_post(partnership=batched, drafts=drafts[start : start + BATCH])
        assert batch.accepted and len(batch.created) == len(drafts[start : start + BATCH])
    rates["service, batches of 500"] = n / (time.perf_counter() - started)

    bare = partnership("bench-bare")
    accounts = {
        code: Account.objects.create(partnership=bare, code=code, name=code, kind="asset").pk
        for code in ["cash", "income:NTA-PTB", *(f"spend:C{k}" for k in range(7))]
    }
    now = clock.now()
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for start in range(0, n, BATCH):
            with transaction.atomic():
                rows = []
                for i in range(start, min(start + BATCH, n)):
                    d = draft("X", i)
                    rows.append(
                        (bare.pk, i + 1, d.ref, d.day, d.day.year, 1, d.kind, "", d.stream, d.contract, d.purpose, "",
                         "", d.amount_pence, None, "bench", now, "0" * 64, "0" * 64)
                    )  # fmt: skip
                cursor.executemany(
                    "INSERT INTO pool_transaction (partnership_id, sequence, ref, date, year, quarter, kind, "
                    "description, stream, contract, purpose, scheme, partner, amount_pence, reverses_id, "
                    "posted_by, posted_at, previous_hash, hash) VALUES "
                    "(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                    rows,
                )
                cursor.execute(
                    "SELECT id, ref FROM pool_transaction WHERE partnership_id = %s AND sequence > %s",
                    [bare.pk, start],
                )
                ids = dict((ref, pk) for pk, ref in cursor.fetchall())
                legs = []
                for i in range(start, min(start + BATCH, n)):
                    d = draft("X", i)
                    debit, credit = (
                        (f"spend:{d.contract}", "cash") if d.kind == "payment" else ("cash", "income:NTA-PTB")
                    )
                    legs.append((ids[d.ref], bare.pk, accounts[debit], d.amount_pence))
                    legs.append((ids[d.ref], bare.pk, accounts[credit], -d.amount_pence))
                cursor.executemany(
                    "INSERT INTO pool_leg (transaction_id, partnership_id, account_id, amount_pence) "
                    "VALUES (%s, %s, %s, %s)",
                    legs,
                )
    rates["bare INSERT, batches of 500"] = n / (time.perf_counter() - started)
    return rates


def run(db: str, n: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="concordat-bench-") as var:
        env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEBUG"}}
        env.update(
            DJANGO_SETTINGS_MODULE="concordat.settings",
            DEBUG="1",
            CONCORDAT_VAR_DIR=var,
            PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH", "")])),
        )
        cluster = None
        if db == "postgres":
            from load import postgres_cluster

            cluster = postgres_cluster()
            url, _data = cluster.__enter__()
            env["DATABASE_URL"] = url
        try:
            done = subprocess.run(
                [sys.executable, __file__, "--measure", str(n)],
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
            if done.returncode != 0:
                raise SystemExit(f"{db}: the measuring process failed:\n{done.stderr[-3000:]}")
            return dict(json.loads(done.stdout.strip().splitlines()[-1]))
        finally:
            if cluster is not None:
                cluster.__exit__(None, None, None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=2000, help="postings each way (default 2,000)")
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--measure", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure)))
        return
    databases = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    print(f"{'database':<10} {'way':<30} {'postings/s':>11} {'x bare':>7}")
    failed = False
    for db in databases:
        rates = run(db, args.n)
        bare = rates["bare INSERT, batches of 500"]
        for way, rate in rates.items():
            print(f"{db:<10} {way:<30} {rate:>11,.0f} {bare / rate:>7.1f}")
        batched = rates["service, batches of 500"]
        if db == "postgres" and (batched < GOAL_RATE or bare / batched > GOAL_RATIO):
            failed = True
    print(
        f"Goal (PostgreSQL, batched): at least {GOAL_RATE:,}/s and within {GOAL_RATIO:.0f}x of the bare insert."
    )
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
