"""How fast a provider's submission imports: `concordat treatment import` of a 1-million-row file, on SQLite
and on a throwaway PostgreSQL, against the database's own bulk path with no validation.

    python bench/treatment_import.py                      # 1,000,000 rows, both databases
    python bench/treatment_import.py --rows 200000 --db sqlite

For each database: a fresh one (SQLite in a temporary directory; PostgreSQL as .ci/run and bench/load.py
make one, fsync off), `concordat migrate`, the Salford demo partnership loaded; then, each in a child
process of its own, timed from start to exit, with the child's peak memory (os.wait4's ru_maxrss):
- import: `concordat treatment import FILE --partnership salford-dat --provider P1 --period-end 2006-03-31`
  into an empty record;
- re-import: the same file again (every row of the provider deleted and written again);
- bulk path: the same file's rows into a table of 16 text columns, with no checks at all: executemany of
  csv.reader's rows on SQLite, COPY ... FROM STDIN (FORMAT csv) on PostgreSQL;
- record bulk path: the same rows as the import writes them (clients, episodes and modalities, with their
  ids) into the record's own tables and their indexes, through the import's own bulk path (COPY on
  PostgreSQL, executemany on SQLite), in one transaction, with no checks: the rows are made first in a
  child of their own (untimed), for another partnership's provider; run first, so the import after it
  writes into tables already holding as many rows.
The file is made here, deterministic and valid against treatment-data.md (the real generator is
`concordat demo generate`). Prints a table, with the CPU seconds each child used beside the wall time (on a shared machine the
wall time says as much about the neighbours as about the import; the PostgreSQL server's own CPU is not
in the child's); exit 1 when an import is below 50,000 rows/s or more than 3
times slower than the record bulk path. The ratio to the scratch table's bulk path is printed beside it:
that table has one row per file row and no index, where the record has 1.8 rows per file row and nine
indexes, so it is the floor of any import rather than of the checks.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import ROOT, app_environment, postgres_cluster

GOAL_ROWS_PER_S, GOAL_RATIO = 50_000, 3.0
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


def timed(args: list[str], env: dict[str, str]) -> tuple[float, float, int, str]:
    """Run a child: seconds from start to exit, the CPU seconds it used (user + system: what the rest of
    a shared machine does not change much), its peak resident memory in MiB, its stdout."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        child = subprocess.Popen(args, env=env, cwd=ROOT, stdout=out, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        stderr = child.stderr.read().decode() if child.stderr else ""
        out.seek(0)
        stdout = out.read().decode()
    if child.returncode != 0:
        raise SystemExit(
            f"{' '.join(args[:4])} failed ({child.returncode}):\n{stdout[-2000:]}\n{stderr[-2000:]}"
        )
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss // 1024, stdout


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


def make_spool(file: str, folder: str) -> None:
    """In a child, untimed: the file's rows as the import writes them (checking.check_file's spool), for
    Croydon's first provider, with ids after the highest, kept in `folder` for `record_bulk_path`."""
    import shutil

    import django

    django.setup()
    from django.db import transaction

    from concordat.partnerships.models import Partnership
    from concordat.treatment import checking, loading, services
    from concordat.treatment.keys import secret_for
    from concordat.treatment.models import Client, Episode

    salford = Partnership.objects.get(slug="salford-dat")
    croydon = Partnership.objects.get(slug=OTHER_PARTNERSHIP)
    with transaction.atomic():  # first_id locks the table on PostgreSQL, which needs a transaction
        fixed = checking.Fixed(
            partnership=croydon.pk,
            provider=croydon.providers.order_by("code").first().pk,
            client_base=loading.first_id(Client),
            episode_base=loading.first_id(Episode),
        )
    with open(file, "rb") as f:
        checked = checking.check_file(
            f, context=services.context_for(salford, PERIOD_END), secret=secret_for(salford), fixed=fixed
        )
    assert checked.spool is not None and checked.report.accepted
    for name in (*checking.Spool.TABLES, "episode_rows"):
        shutil.copy(checked.spool.path(name), Path(folder) / name)
    checked.spool.close()


def record_bulk_path(folder: str) -> None:
    """The second baseline, in a child: those rows into the record's tables and their indexes through the
    import's own bulk path (loading.SpoolLoader), no checks, in one transaction."""
    import django

    django.setup()
    from django.db import transaction

    from concordat.treatment import loading
    from concordat.treatment.models import Client, Episode

    class Spooled:
        def path(self, name: str) -> str:
            return str(Path(folder) / name)

    with transaction.atomic():
        loader = loading.SpoolLoader(Spooled())  # type: ignore[arg-type]
        loader.load_rest()
        loader.close()
        for model, name in ((Client, "clients"), (Episode, "episodes")):  # as the import claims its ids
            with open(Path(folder) / name) as lines:
                first = int(lines.readline().split("\t", 1)[0])
                loading.claim_ids(model, first, 1 + sum(1 for _ in lines))


@contextlib.contextmanager
def database(kind: str) -> Iterator[str | None]:
    if kind == "postgres":
        with postgres_cluster() as (url, _):
            yield url
    else:
        yield None


def run(kind: str, file: Path, rows: int) -> list[tuple[str, str, float, float, int]]:
    results = []
    with tempfile.TemporaryDirectory(prefix="concordat-treatment-bench-") as var, database(kind) as url:
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
        spooled = Path(var) / "spool"
        spooled.mkdir()
        timed([sys.executable, __file__, "--make-spool", str(file), str(spooled)], env)
        seconds, cpu, mib, _ = timed([sys.executable, __file__, "--record-bulk-path", str(spooled)], env)
        results.append((kind, "record bulk path, no checks", seconds, cpu, mib))
        print(f"  {kind} record bulk path: {rows / seconds:,.0f} rows/s, {mib} MiB", flush=True)
        command = [
            *python, "treatment", "import", str(file), "--partnership", "salford-dat", "--provider", "P1",
            "--period-end", PERIOD_END.isoformat(), "--json",
        ]  # fmt: skip
        for label in ("import", "re-import (replace)"):
            seconds, cpu, mib, out = timed(command, env)
            if '"accepted": true' not in out:
                raise SystemExit(f"the bench file was not accepted:\n{out[:3000]}")
            results.append((kind, label, seconds, cpu, mib))
            print(f"  {kind} {label}: {rows / seconds:,.0f} rows/s, {mib} MiB", flush=True)
        seconds, cpu, mib, _ = timed([sys.executable, __file__, "--bulk-path", str(file)], env)
        results.append((kind, "scratch-table bulk path, no checks", seconds, cpu, mib))
        print(f"  {kind} bulk path: {rows / seconds:,.0f} rows/s, {mib} MiB", flush=True)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--bulk-path", metavar="FILE", help=argparse.SUPPRESS)
    parser.add_argument("--make-spool", nargs=2, metavar=("FILE", "FOLDER"), help=argparse.SUPPRESS)
    parser.add_argument("--record-bulk-path", metavar="FOLDER", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.bulk_path:
        bulk_path(options.bulk_path)
        return 0
    if options.make_spool:
        make_spool(*options.make_spool)
        return 0
    if options.record_bulk_path:
        record_bulk_path(options.record_bulk_path)
        return 0
    kinds = ["sqlite", "postgres"] if options.db == "both" else [options.db]
    with tempfile.TemporaryDirectory(prefix="concordat-treatment-file-") as folder:
        file = Path(folder) / "submission.csv"
        began = time.perf_counter()
        generate(file, options.rows)
        print(
            f"{options.rows:,} rows, {file.stat().st_size / 2**20:,.0f} MiB, made in "
            f"{time.perf_counter() - began:.1f} s",
            flush=True,
        )
        results = [r for kind in kinds for r in run(kind, file, options.rows)]
    print()
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end")
    print(
        "| database | what | seconds | rows/s | CPU s | rows/CPU s | peak MiB | × record bulk path "
        "| × scratch-table bulk path |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    failed = False
    for kind in kinds:
        mine = [r for r in results if r[0] == kind]
        record = next(r[2] for r in mine if r[1].startswith("record"))
        scratch = next(r[2] for r in mine if r[1].startswith("scratch"))
        for _, label, seconds, cpu, mib in mine:
            rate = options.rows / seconds
            print(
                f"| {kind} | {label} | {seconds:.1f} | {rate:,.0f} | {cpu:.1f} | {options.rows / cpu:,.0f} | "
                f"{mib:,} | {seconds / record:.2f} | {seconds / scratch:.2f} |"
            )
            if "bulk path" not in label and (rate < GOAL_ROWS_PER_S or seconds / record > GOAL_RATIO):
                failed = True
    print(
        f"\ngoal: at least {GOAL_ROWS_PER_S:,} rows/s and within {GOAL_RATIO:g}× of the record bulk path: "
        f"{'missed' if failed else 'met'}"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
