"""Concordat under load: the app under gunicorn in production settings, on SQLite and on a throwaway
PostgreSQL, driven by locust with the demo's people at work (bench/locustfile.py).

    python bench/load.py                  # 50 users, 1-3 s think time, 90 s, 3 sync workers, both databases
    python bench/load.py --quick          # 10 users for 20 s, for development
    python bench/load.py --db postgres --users 80 --time 120 --workers 5 --threads 4

For each database it makes a fresh one (SQLite in a temporary directory; PostgreSQL as .ci/run does: a
cluster under `runuser -u postgres` on a free loopback port, fsync off), runs `concordat migrate` and
`concordat demo load`, starts gunicorn on 127.0.0.1 in production settings (DEBUG=0, a SECRET_KEY made for
the run, ALLOWED_HOSTS=127.0.0.1; the bench plays the TLS proxy, see locustfile.py, so Secure cookies,
HSTS and the https CSRF checks stay as in production: only the redirect to https is off, which a proxy
would have made), runs locust headless for the given time, and prints per endpoint and overall requests/s,
p50/p95/p99 and errors, then the CPU each process used during the run. It stops by itself and removes the
server, the cluster and the temporary files whatever happens. Exit status 1 when any request failed or the
goal (p95 < 500 ms and p99 < 1 s overall) was missed.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
LOCUSTFILE = Path(__file__).resolve().parent / "locustfile.py"
GOAL_P95_MS, GOAL_P99_MS = 500, 1000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def postgres_cluster() -> Iterator[tuple[str, Path]]:
    """A throwaway PostgreSQL on a free loopback port (as .ci/run makes one): its URL and data directory. Stopped and removed
    afterwards, pass or fail."""
    bins = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: [int(x) for x in p.parts[-3].split(".")],
    )
    if not bins:
        raise SystemExit("PostgreSQL is not installed: apt-get install -y postgresql")
    pg_bin = bins[-1].parent
    root = Path(tempfile.mkdtemp(prefix="concordat-load-pg-"))
    port = free_port()
    (root / "sock").mkdir()
    shutil.chown(root, "postgres", "postgres")
    shutil.chown(root / "sock", "postgres", "postgres")
    root.chmod(0o700)
    as_postgres = ["runuser", "-u", "postgres", "--"]
    try:
        subprocess.run(
            [*as_postgres, str(pg_bin / "initdb"), "-D", str(root / "data"), "-U", "postgres", "--auth=trust",
             "-E", "UTF8", "--locale=C.UTF-8"],
            check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        subprocess.run(
            [*as_postgres, str(pg_bin / "pg_ctl"), "-D", str(root / "data"), "-l", str(root / "log"), "-w", "-o",
             f"-p {port} -k {root / 'sock'} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200",
             "start"],
            check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        yield f"postgres://postgres@127.0.0.1:{port}/postgres", root / "data"
    finally:
        if (root / "data" / "postmaster.pid").exists():
            subprocess.run(
                [*as_postgres, str(pg_bin / "pg_ctl"), "-D", str(root / "data"), "-m", "fast", "-w", "stop"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False,
            )  # fmt: skip
        shutil.rmtree(root, ignore_errors=True)


def app_environment(var_dir: Path, database_url: str | None) -> dict[str, str]:
    """Production settings for a loopback run: nothing weakened but the redirect to https (the bench is the
    proxy), with a secret made for this run."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "CACHE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="concordat.settings",
        DEBUG="0",  # set, not unset, so a developer's .env cannot turn development mode on
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        TRUSTED_PROXY_COUNT="1",
        CONCORDAT_VAR_DIR=str(var_dir),
        LOG_LEVEL="WARNING",
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH", "")])),
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def concordat(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "concordat", *args], env=env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL
    )


def wait_until_serving(port: int, server: subprocess.Popen[bytes], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/sign-in/", headers={"X-Forwarded-Proto": "https"}
    )
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}")
        try:
            with urllib.request.urlopen(request, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise SystemExit("gunicorn did not answer within 30 s")


def stop(process: subprocess.Popen[bytes], seconds: float = 15) -> None:
    """Stop a process we started (gunicorn's master stops its workers on SIGTERM)."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(seconds)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def machine_busy_seconds() -> float:
    """CPU seconds every process on the machine has used since boot (/proc/stat): the benchmark shares
    its cores with whatever else runs, and the report says how much that was."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


@dataclass
class Cpu:
    """CPU seconds used during the load, per process (role, pid): sampled before and after."""

    before: dict[int, tuple[str, float]] = field(default_factory=dict)
    after: dict[int, tuple[str, float]] = field(default_factory=dict)

    @staticmethod
    def sample(roots: dict[str, int]) -> dict[int, tuple[str, float]]:
        seen: dict[int, tuple[str, float]] = {}
        for role, pid in roots.items():
            with contextlib.suppress(psutil.NoSuchProcess):
                process = psutil.Process(pid)
                times = process.cpu_times()
                seen[pid] = (role, times.user + times.system)
                # Children that ended meanwhile (PostgreSQL's backends without persistent connections) are
                # counted in their parent's children times once reaped.
                seen[-pid] = (
                    "postgres" if role == "postgres" else f"{role}: ended children",
                    times.children_user + times.children_system,
                )
                for child in process.children(recursive=True):
                    with contextlib.suppress(psutil.NoSuchProcess):
                        t = child.cpu_times()
                        label = {"gunicorn master": "gunicorn worker", "postgres": "postgres"}.get(
                            role, f"{role} child"
                        )
                        seen[child.pid] = (label, t.user + t.system)
        return seen

    def table(self, seconds: float) -> list[tuple[str, int, float, float]]:
        """(role, pid, CPU seconds, share of one core) for each process that used CPU during the run."""
        rows = []
        for pid, (role, end) in sorted(self.after.items(), key=lambda item: (item[1][0], item[0])):
            start = self.before.get(pid, (role, 0.0))[1]
            used = end - start
            if used > 0.005:
                rows.append((role, pid, used, used / seconds))
        return rows


@dataclass
class Result:
    database: str
    rows: list[dict[str, str]]
    cpu: list[tuple[str, int, float, float]]
    seconds: float
    failures: list[dict[str, str]]
    machine_busy: float  # CPU seconds the whole machine used during the run

    @property
    def total(self) -> dict[str, str]:
        return next(row for row in self.rows if row["Name"] == "Aggregated")

    def passed(self) -> bool:
        total = self.total
        return (
            int(total["Failure Count"]) == 0
            and float(total["95%"]) < GOAL_P95_MS
            and float(total["99%"]) < GOAL_P99_MS
        )


def run(database: str, options: argparse.Namespace) -> Result:
    var_dir = Path(tempfile.mkdtemp(prefix=f"concordat-load-{database}-"))
    with contextlib.ExitStack() as stack:
        stack.callback(shutil.rmtree, var_dir, True)
        database_url, data_dir = (
            stack.enter_context(postgres_cluster()) if database == "postgres" else (None, None)
        )
        env = app_environment(var_dir, database_url)
        print(f"== {database}: migrate and load the demo", flush=True)
        concordat(env, "migrate", "--noinput")
        concordat(env, "demo", "load")
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "concordat.wsgi:application", "--bind", f"127.0.0.1:{port}",
             "--workers", str(options.workers), "--threads", str(options.threads), "--keep-alive", "10", "--timeout", "60", "--graceful-timeout", "10",
             "--error-logfile", str(var_dir / "gunicorn.log")],
            env=env, cwd=ROOT,
        )  # fmt: skip
        stack.callback(stop, server)
        # The worker beside the web server, as in production: uploads' jobs run there.
        worker = subprocess.Popen(
            [sys.executable, "-m", "concordat", "worker"], env=env, cwd=ROOT,
            stdout=subprocess.DEVNULL, stderr=(var_dir / "worker.log").open("wb"),
        )  # fmt: skip
        stack.callback(stop, worker)
        wait_until_serving(port, server)
        print(
            f"== {database}: gunicorn with {options.workers} workers × {options.threads} threads on 127.0.0.1:{port}; locust {options.users} users, "
            f"{options.think_min:g}-{options.think_max:g} s think time, {options.time} s",
            flush=True,
        )
        prefix = var_dir / "locust"
        locust_log = stack.enter_context((var_dir / "locust.log").open("wb"))
        locust = subprocess.Popen(
            [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "--only-summary",
             "--users", str(options.users), "--spawn-rate", str(options.spawn_rate), "--run-time", f"{options.time}s",
             "--stop-timeout", "10", "--host", f"http://127.0.0.1:{port}", "--csv", str(prefix),
             "--think-min", str(options.think_min), "--think-max", str(options.think_max),
             "--loglevel", "WARNING"],
            env=env, cwd=ROOT, stdout=locust_log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        stack.callback(stop, locust)
        cpu = Cpu()
        roots = {"gunicorn master": server.pid, "locust": locust.pid, "worker": worker.pid}
        if data_dir is not None:  # the postmaster; its children are the backends
            roots["postgres"] = int((data_dir / "postmaster.pid").read_text().split()[0])
        cpu.before = Cpu.sample(roots)
        busy_before = machine_busy_seconds()
        started = time.monotonic()
        # Sampled every second, so a process that ends with the run (locust) keeps its last reading.
        while locust.poll() is None and time.monotonic() - started < options.time + 60:
            cpu.after.update(Cpu.sample(roots))
            time.sleep(1)
        if locust.poll() is None:
            print("locust did not stop in time; stopping it", file=sys.stderr)
        seconds = time.monotonic() - started
        busy = machine_busy_seconds() - busy_before
        cpu.after.update(Cpu.sample(roots))
        if locust.returncode not in (0, 1):  # 1: some request failed, reported below
            print((var_dir / "locust.log").read_text()[-3000:], file=sys.stderr)
        with open(f"{prefix}_stats.csv", newline="") as f:
            rows = list(csv.DictReader(f))
        failures_file = Path(f"{prefix}_failures.csv")
        failures = list(csv.DictReader(failures_file.open(newline=""))) if failures_file.exists() else []
        log = (var_dir / "gunicorn.log").read_text() if (var_dir / "gunicorn.log").exists() else ""
        if "Traceback" in log or "CRITICAL" in log:
            print(f"-- gunicorn's log ({database}):\n{log[-3000:]}", file=sys.stderr)
        return Result(database, rows, cpu.table(seconds), seconds, failures, busy)


def print_result(result: Result) -> None:
    print()
    print(f"### {result.database}")
    print()
    print("| endpoint | requests | req/s | p50 ms | p95 ms | p99 ms | max ms | errors |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    rows = sorted((row for row in result.rows if row["Name"] != "Aggregated"), key=lambda row: row["Name"])
    for row in [*rows, result.total]:
        name = "**overall**" if row["Name"] == "Aggregated" else f"{row['Type']} {row['Name']}"
        print(
            f"| {name} | {row['Request Count']} | {float(row['Requests/s']):.1f} | {row['50%']} | {row['95%']} | "
            f"{row['99%']} | {float(row['Max Response Time']):.0f} | {row['Failure Count']} |"
        )
    print()
    print(f"CPU used during the {result.seconds:.0f} s run (2 cores = 200%):")
    print()
    print("| process | pid | CPU s | % of a core |")
    print("|---|---:|---:|---:|")
    grouped: dict[str, list[tuple[int, float, float]]] = {}
    for role, pid, used, share in result.cpu:
        grouped.setdefault(role, []).append((pid, used, share))
    for role, entries in grouped.items():
        if role == "postgres":  # one line for the cluster's backends
            print(
                f"| postgres ({len(entries)} processes) | | {sum(e[1] for e in entries):.1f} | {100 * sum(e[2] for e in entries):.0f}% |"
            )
            continue
        for pid, used, share in entries:
            print(f"| {role} | {pid} | {used:.1f} | {100 * share:.0f}% |")
    ours = sum(used for _, _, used, _ in result.cpu)
    others = max(0.0, result.machine_busy - ours)
    print(f"| everything else on the machine | | {others:.1f} | {100 * others / result.seconds:.0f}% |")
    print()
    cores = os.cpu_count() or 1
    print(f"The machine ({cores} cores) was {100 * result.machine_busy / result.seconds / cores:.0f}% busy.")
    for failure in result.failures[:10]:
        print(
            f"- failed {failure.get('Occurrences')}× {failure.get('Method')} {failure.get('Name')}: {failure.get('Error')}"
        )
    total = result.total
    verdict = "met" if result.passed() else "NOT met"
    print()
    print(
        f"Goal (p95 < {GOAL_P95_MS} ms, p99 < {GOAL_P99_MS} ms, no errors) {verdict} on {result.database}: "
        f"p95 {total['95%']} ms, p99 {total['99%']} ms, {total['Failure Count']} errors."
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument(
        "--spawn-rate", type=float, default=None, help="users started per second (default: all within 10 s)"
    )
    parser.add_argument("--time", type=int, default=90, help="seconds of load")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument(
        "--threads", type=int, default=1, help="threads per worker (more than 1: gthread workers)"
    )
    parser.add_argument("--think-min", type=float, default=1.0)
    parser.add_argument("--think-max", type=float, default=3.0)
    parser.add_argument("--quick", action="store_true", help="10 users for 20 s")
    options = parser.parse_args()
    if options.quick:
        options.users, options.time = 10, 20
    if options.spawn_rate is None:
        options.spawn_rate = max(1.0, options.users / 10)
    # A signal ends the run through the same clean-up as an error.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    databases = ["sqlite", "postgres"] if options.db == "both" else [options.db]
    results = [run(database, options) for database in databases]
    for result in results:
        print_result(result)
    return 0 if all(result.passed() for result in results) else 1


if __name__ == "__main__":
    sys.exit(main())
