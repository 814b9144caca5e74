"""How fast a provider's submission imports, and what it costs everyone else: `concordat treatment import`
of a 1-million-row file, on SQLite and on a throwaway PostgreSQL, against the database's own bulk path.

    python bench/treatment_import.py                      # 1,000,000 rows (and 2,000,000 wrong), both databases
    python bench/treatment_import.py --rows 200000 --db sqlite

For each database: a fresh one (SQLite in a temporary directory; PostgreSQL as .ci/run and bench/load.py
make one, fsync off), `concordat migrate`, the Salford and Croydon demo partnerships loaded; then, each in a
child process of its own, timed from start to exit, with the CPU it used (every thread of it; on
PostgreSQL the server's processes too, read from /proc, so that the second core is not hidden) and its
peak memory (os.wait4's ru_maxrss):
- record bulk path: the file's rows as the import writes them (clients, episodes, modalities, with their
  ids, into a generation of another partnership's provider) through the import's own bulk path
  (staging.write_lines: COPY on PostgreSQL, executemany on SQLite), no checks: a bulk load into tables of
  the same schema and indexes. The rows are made first in a child of their own, untimed.
- import: `concordat treatment import FILE --partnership salford-dat --provider P1 --period-end
  2006-03-31` into an empty record; re-import: the same file again (replacing the record).
  Meanwhile another process writes: a key worker's referral in Croydon and an access-log entry in Salford,
  every 100 ms, each timed; the longest wait is printed.
- scratch-table bulk path: the file's rows into a table of 16 text columns, no index, no check.
- wrong file: 2,000,000 rows each with an error (the same rows as the valid file's first, `sex` made
  `Q`): peak memory, and how much the database grew (its file, or pg_database_size).
The file is made here, deterministic and valid against treatment-data.md (the real generator is
`concordat demo generate`). Prints a table; exit 1 when a goal is missed: at least 50,000 rows/s, within 3×
of the record bulk path by CPU time, a concurrent write waiting under 1 s, under 1 GiB for the valid file,
under 500 MiB and 5 MiB of database growth for the wrong one.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import ROOT, app_environment, postgres_cluster

GOAL_ROWS_PER_S, GOAL_RATIO, GOAL_WAIT_S = 50_000, 3.0, 1.0
GOAL_VALID_MIB, GOAL_WRONG_MIB, GOAL_WRONG_GROWTH_MIB = 1024, 500, 5
PERIOD_END = date(2006, 3, 31)
OTHER_PARTNERSHIP = "croydon-dat"
HEADER = (
    "client_ref,initials,date_of_birth,sex,la_of_residence,episode_ref,referral_date,referral_source,"
    "primary_substance,triage_date,modality,modality_referral_date,modality_start_date,modality_end_date,"
    "discharge_date,discharge_reason"
)
MODALITIES = ("pharmacological", "psychosocial", "advice", "day-programme", "recovery-support")
SOURCES = ("self", "gp", "criminal-justice", "hospital", "social-care", "family")
SUBSTANCES = ("opiates", "crack", "cocaine", "cannabis", "alcohol", "amphetamines")
REASONS = ("completed-drug-free", "dropped-out", "transferred", "completed-occasional-user")


def generate(path: Path, rows: int) -> None:
    """Deterministic rows: clients with one or two episodes of one to three modalities, a third discharged,
    every date within 2003-04-01 .. the period end, everyone 18 or over and living in Salford."""
    start = date(2003, 4, 1)
    written = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(HEADER + "\r\n")
        client = 0
        while written < rows:
            client += 1
            born = date(1950 + client % 35, 1 + client % 12, 1 + client % 28)
            initials = chr(65 + client % 26) + chr(65 + client // 26 % 26)
            person = f"C{client:07d},{initials},{born.isoformat()},{'MF'[client % 2]},E08000006"
            for episode in range(1 + client % 2):
                referral = start + timedelta(days=(client * 7 + episode * 400) % 700)
                triage = referral + timedelta(days=client % 9)
                discharged = client % 3 == 0
                discharge = referral + timedelta(days=300)
                ending = f"{discharge.isoformat()},{REASONS[client % 4]}" if discharged else ","
                head = (
                    f"{person},E{client:07d}-{episode},{referral.isoformat()},{SOURCES[client % 6]},"
                    f"{SUBSTANCES[client % 6]},{triage.isoformat()}"
                )
                for m in range(1 + client % 3):
                    if written >= rows:
                        break
                    referred = triage + timedelta(days=m * 14)
                    began = referred + timedelta(days=3 + client % 25)
                    ended = (began + timedelta(days=60)).isoformat() if discharged else ""
                    out.write(
                        f"{head},{MODALITIES[(client + m) % 5]},{referred.isoformat()},{began.isoformat()},"
                        f"{ended},{ending}\r\n"
                    )
                    written += 1


def server_cpu(data_dir: Path | None) -> float:
    """CPU seconds used so far by every process of the bench's PostgreSQL cluster (0 on SQLite)."""
    if data_dir is None:
        return 0.0
    try:
        root = int((data_dir / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError):
        return 0.0
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, parent = int(stat.parent.name), int(fields[1])
        if pid == root or parent == root:
            total += (int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])) / tick
    return total


def timed(
    args: list[str], env: dict[str, str], data_dir: Path | None = None
) -> tuple[float, float, int, str]:
    """Run a child: seconds from start to exit, the CPU seconds it used (user + system of every thread
    and child of it, and of the database server's processes meanwhile), its peak resident memory in MiB,
    its stdout."""
    started, server = time.perf_counter(), server_cpu(data_dir)
    with tempfile.TemporaryFile() as out:
        child = subprocess.Popen(args, env=env, cwd=ROOT, stdout=out, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        stderr = child.stderr.read().decode() if child.stderr else ""
        out.seek(0)
        stdout = out.read().decode()
    if child.returncode not in (0, 2):  # 2: a file rejected, as the wrong one is
        raise SystemExit(
            f"{' '.join(args[:4])} failed ({child.returncode}):\n{stdout[-2000:]}\n{stderr[-2000:]}"
        )
    cpu = usage.ru_utime + usage.ru_stime + server_cpu(data_dir) - server
    return seconds, cpu, usage.ru_maxrss // 1024, stdout


def bulk_path(file: str) -> None:
    """The baseline, in a child: the file's rows into a table of text columns through the database's own
    bulk path, no checks (run with DJANGO_SETTINGS_MODULE set)."""
    import csv

    import django

    django.setup()
    from django.db import connection, transaction

    columns = HEADER.split(",")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_rows")
        cursor.execute(f"CREATE TABLE bench_rows ({', '.join(c + ' text' for c in columns)})")
        if connection.vendor == "postgresql":
            with (
                cursor.cursor.copy("COPY bench_rows FROM STDIN (FORMAT csv, HEADER true)") as copy,
                open(file, "rb") as f,
            ):
                while chunk := f.read(1 << 20):
                    copy.write(chunk)
        else:
            with open(file, newline="", encoding="utf-8") as f:
                reader = csv.reader(f)
                next(reader)
                cursor.cursor.executemany(
                    f"INSERT INTO bench_rows VALUES ({', '.join('?' * len(columns))})", reader
                )


def make_lines(file: str, folder: str) -> None:
    """In a child, untimed: the file's rows as the import stages them (checking.check_file's lines), for
    a generation of Croydon's first provider, with ids reserved, kept in `folder` for `record_bulk_path`."""
    import django

    django.setup()

    from concordat.partnerships.models import Partnership
    from concordat.treatment import checking, services, staging
    from concordat.treatment.keys import secret_for
    from concordat.treatment.models import Client, Episode, Generation

    salford = Partnership.objects.get(slug="salford-dat")
    croydon = Partnership.objects.get(slug=OTHER_PARTNERSHIP)
    provider = croydon.providers.order_by("code").first()
    generation = Generation.objects.create(partnership=croydon, provider=provider)
    with open(file, "rb") as counted:
        lines = sum(1 for _ in counted) - 1
    fixed = checking.Fixed(
        partnership=croydon.pk,
        provider=provider.pk,
        generation=generation.pk,
        client_base=staging.reserve_ids(Client, lines),
        episode_base=staging.reserve_ids(Episode, lines),
    )
    with contextlib.ExitStack() as files:
        outs = [
            files.enter_context(open(Path(folder) / table.name, "w", encoding="utf-8"))
            for table in staging.TABLES
        ]

        def stage(pieces: staging.Pieces, rows: int) -> None:
            for out, piece in zip(outs, pieces, strict=True):
                out.writelines(piece)

        with open(file, "rb") as f:
            checked = checking.check_file(
                f, context=services.context_for(salford, PERIOD_END), secret=secret_for(salford), fixed=fixed,
                stage=stage,
            )  # fmt: skip
    assert checked.report.accepted


def record_bulk_path(folder: str) -> None:
    """The baseline, in a child: those rows into the record's tables and their indexes through the
    import's own bulk path (staging.write_lines), no checks, in one transaction."""
    import django

    django.setup()
    from django.db import transaction

    from concordat.treatment import staging

    with transaction.atomic():
        for table in staging.TABLES:
            with open(Path(folder) / table.name, encoding="utf-8") as lines:
                while piece := lines.readlines(4 << 20):
                    staging.write_lines(table, piece)


WRITES = """
import json, os, sys, time
from datetime import date
import django
django.setup()
from concordat.partnerships.models import Partnership
from concordat.treatment import access, casework, handles
other = Partnership.objects.get(slug=sys.argv[1])
salford = Partnership.objects.get(slug="salford-dat")
provider = other.providers.order_by("code").first()
record = handles.handle_for(salford, salford.providers.get(code="P1").pk, "READER-1")
stop = sys.argv[2]
longest, made, n = 0.0, 0, 0
while not os.path.exists(stop):
    n += 1
    started = time.perf_counter()
    casework.episode_refer(
        partnership=other, provider=provider, token=f"bench{os.getpid()}{n:012d}", actor=None,
        client_ref=f"B{os.getpid()}-{n}", initials="AB", date_of_birth=date(1980, 1, 1), sex="F",
        la_of_residence=other.area[0], episode_ref=f"BE{os.getpid()}-{n}", referral_date=date(2005, 1, 1),
        referral_source="self", primary_substance="alcohol",
    )
    access.record_reads(partnership=salford, records=[record], user=None, channel="page", what="bench",
                        reader="the import bench")
    longest = max(longest, time.perf_counter() - started)
    made += 1
    time.sleep(0.1)
print(json.dumps({"longest": longest, "made": made}))
"""


@contextlib.contextmanager
def writing_elsewhere(env: dict[str, str], folder: Path) -> Iterator[dict[str, Any]]:
    """A key worker writing in another partnership (and an access log entry in Salford) every 100 ms while
    the block runs: yields a dict that holds the longest wait and how many writes were made, after."""
    stop = folder / f"stop-{time.monotonic_ns()}"
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITES, OTHER_PARTNERSHIP, str(stop)],
        env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    time.sleep(2.0)  # Django set up, writing already
    result: dict[str, Any] = {}
    try:
        yield result
    finally:
        stop.touch()
        out, err = writer.communicate(timeout=120)
        if writer.returncode != 0:
            raise SystemExit(f"the concurrent writer failed:\n{err[-2000:]}")
        result.update(json.loads(out))


def database_size(env: dict[str, str], var: Path) -> int:
    """The database's size in bytes (after a checkpoint on SQLite, so the WAL is counted in the file)."""
    code = (
        "import django; django.setup(); from django.db import connection\n"
        "with connection.cursor() as c:\n"
        "    if connection.vendor == 'postgresql':\n"
        "        c.execute('SELECT pg_database_size(current_database())'); print(c.fetchone()[0])\n"
        "    else:\n"
        "        c.execute('PRAGMA wal_checkpoint(TRUNCATE)'); c.execute('PRAGMA page_count'); n = c.fetchone()[0]\n"
        "        c.execute('PRAGMA page_size'); print(n * c.fetchone()[0])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    )
    return int(done.stdout.strip())


def make_wrong(valid: Path, wrong: Path, rows: int) -> None:
    """`rows` rows each with an error: the valid file's rows (repeated as needed), sex made Q."""
    with valid.open(encoding="utf-8") as source, wrong.open("w", encoding="utf-8", newline="") as out:
        header = source.readline()
        out.write(header)
        body = source.readlines()
        written = 0
        while written < rows:
            for line in body:
                if written == rows:
                    break
                parts = line.split(",")
                parts[3] = "Q"
                out.write(",".join(parts))
                written += 1


@contextlib.contextmanager
def database(kind: str) -> Iterator[tuple[str | None, Path | None]]:
    """The database's URL (None: SQLite in the run's folder) and, for PostgreSQL, its data directory."""
    if kind == "postgres":
        with postgres_cluster() as (url, data):
            yield url, data
    else:
        yield None, None


Result = dict[str, Any]


def run(kind: str, file: Path, rows: int, wrong: Path | None) -> list[Result]:
    results: list[Result] = []
    with (
        tempfile.TemporaryDirectory(prefix="concordat-treatment-bench-") as var,
        database(kind) as (url, data),
    ):
        env = app_environment(Path(var), url)
        python = [sys.executable, "-m", "concordat"]
        subprocess.run(
            [*python, "migrate", "--noinput"], env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL
        )
        for slug in ("salford-dat", OTHER_PARTNERSHIP):
            subprocess.run(
                [*python, "partnership", "load", str(ROOT / f"concordat/demo/partnerships/{slug}.yaml")],
                env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL,
            )  # fmt: skip
        # The record bulk path first, into another partnership's provider: the import below then writes
        # into tables already holding as many rows, a little harder for it than for the baseline.
        staged = Path(var) / "staged"
        staged.mkdir()
        timed([sys.executable, __file__, "--make-lines", str(file), str(staged)], env)
        seconds, cpu, mib, _ = timed([sys.executable, __file__, "--record-bulk-path", str(staged)], env, data)
        results.append(
            {"db": kind, "what": "record bulk path, no checks", "s": seconds, "cpu": cpu, "mib": mib}
        )
        print(
            f"  {kind} record bulk path: {rows / seconds:,.0f} rows/s, {cpu:.1f} CPU s, {mib} MiB", flush=True
        )

        def command(path: Path) -> list[str]:
            return [
                *python, "treatment", "import", str(path), "--partnership", "salford-dat", "--provider", "P1",
                "--period-end", PERIOD_END.isoformat(), "--json",
            ]  # fmt: skip

        for label in ("import", "re-import (replace)"):
            with writing_elsewhere(env, Path(var)) as writes:
                seconds, cpu, mib, out = timed(command(file), env, data)
            if '"accepted": true' not in out[:200]:
                raise SystemExit(f"the bench file was not accepted:\n{out[:3000]}")
            results.append(
                {"db": kind, "what": label, "s": seconds, "cpu": cpu, "mib": mib, "wait": writes["longest"],
                 "writes": writes["made"]}
            )  # fmt: skip
            print(
                f"  {kind} {label}: {rows / seconds:,.0f} rows/s, {cpu:.1f} CPU s, {mib} MiB; concurrent writes "
                f"{writes['made']}, longest {writes['longest'] * 1000:.0f} ms",
                flush=True,
            )
        seconds, cpu, mib, _ = timed([sys.executable, __file__, "--bulk-path", str(file)], env, data)
        results.append(
            {"db": kind, "what": "scratch-table bulk path, no checks", "s": seconds, "cpu": cpu, "mib": mib}
        )
        print(f"  {kind} bulk path: {rows / seconds:,.0f} rows/s, {mib} MiB", flush=True)
        if wrong is not None:
            before = database_size(env, Path(var))
            seconds, cpu, mib, out = timed(command(wrong), env, data)
            grown = (database_size(env, Path(var)) - before) / 2**20
            if '"accepted": false' not in out[:200]:
                raise SystemExit("the wrong file was accepted")
            results.append(
                {"db": kind, "what": "wrong file (every row an error)", "s": seconds, "cpu": cpu, "mib": mib,
                 "grown": grown, "rows": wrong_rows(wrong)}
            )  # fmt: skip
            print(f"  {kind} wrong file: {seconds:.1f} s, {mib} MiB, database +{grown:.1f} MiB", flush=True)
    return results


def wrong_rows(path: Path) -> int:
    with path.open("rb") as f:
        return sum(1 for _ in f) - 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--wrong-rows", type=int, default=2_000_000, help="0: no wrong file")
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--bulk-path", metavar="FILE", help=argparse.SUPPRESS)
    parser.add_argument("--make-lines", nargs=2, metavar=("FILE", "FOLDER"), help=argparse.SUPPRESS)
    parser.add_argument("--record-bulk-path", metavar="FOLDER", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.bulk_path:
        bulk_path(options.bulk_path)
        return 0
    if options.make_lines:
        make_lines(*options.make_lines)
        return 0
    if options.record_bulk_path:
        record_bulk_path(options.record_bulk_path)
        return 0
    kinds = ["sqlite", "postgres"] if options.db == "both" else [options.db]
    with tempfile.TemporaryDirectory(prefix="concordat-treatment-file-") as folder:
        file = Path(folder) / "submission.csv"
        began = time.perf_counter()
        generate(file, options.rows)
        wrong = None
        if options.wrong_rows:
            wrong = Path(folder) / "wrong.csv"
            make_wrong(file, wrong, options.wrong_rows)
        print(
            f"{options.rows:,} rows, {file.stat().st_size / 2**20:,.0f} MiB, made in "
            f"{time.perf_counter() - began:.1f} s",
            flush=True,
        )
        results = [r for kind in kinds for r in run(kind, file, options.rows, wrong)]
    print()
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end")
    print(
        "| database | what | seconds | rows/s | CPU s | peak MiB | × record bulk path (wall) "
        "| × record bulk path (CPU) | longest concurrent write |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    failed: list[str] = []
    for kind in kinds:
        mine = [r for r in results if r["db"] == kind]
        record = next(r for r in mine if r["what"].startswith("record"))
        for r in mine:
            rows = r.get("rows", options.rows)
            rate = rows / r["s"]
            wait = f"{r['wait'] * 1000:.0f} ms ({r['writes']} writes)" if "wait" in r else ""
            extra = f" (database +{r['grown']:.1f} MiB)" if "grown" in r else ""
            print(
                f"| {kind} | {r['what']}{extra} | {r['s']:.1f} | {rate:,.0f} | {r['cpu']:.1f} | {r['mib']:,} | "
                f"{r['s'] / record['s']:.2f} | {r['cpu'] / record['cpu']:.2f} | {wait} |"
            )
            if r["what"] in ("import", "re-import (replace)"):
                if rate < GOAL_ROWS_PER_S:
                    failed.append(f"{kind} {r['what']}: {rate:,.0f} rows/s")
                if r["cpu"] / record["cpu"] > GOAL_RATIO:
                    failed.append(f"{kind} {r['what']}: {r['cpu'] / record['cpu']:.2f}× the bulk path's CPU")
                if r["wait"] >= GOAL_WAIT_S or not r["writes"]:
                    failed.append(f"{kind} {r['what']}: a concurrent write waited {r['wait']:.2f} s")
                if r["mib"] >= GOAL_VALID_MIB:
                    failed.append(f"{kind} {r['what']}: {r['mib']} MiB")
            if "grown" in r and (r["mib"] >= GOAL_WRONG_MIB or r["grown"] >= GOAL_WRONG_GROWTH_MIB):
                failed.append(f"{kind} wrong file: {r['mib']} MiB, database +{r['grown']:.1f} MiB")
    print(
        f"\ngoals: at least {GOAL_ROWS_PER_S:,} rows/s, within {GOAL_RATIO:g}× of the record bulk path by CPU, "
        f"concurrent writes under {GOAL_WAIT_S:g} s, under {GOAL_VALID_MIB} MiB (valid) and {GOAL_WRONG_MIB} MiB "
        f"and +{GOAL_WRONG_GROWTH_MIB} MiB of database (wrong): {'missed: ' + '; '.join(failed) if failed else 'met'}"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
