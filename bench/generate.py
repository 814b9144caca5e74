"""How fast `concordat demo generate` makes synthetic treatment data, and how long the national set takes.

    PYTHONPATH=. python bench/generate.py [--partnerships 5] [--years 10] [--jobs N] [--national]

Generates a scaled-down set (by default 5 partnerships x 10 years, the national set's years) into a
temporary folder with the given number of processes, and prints rows, people, seconds, rows per second
(overall and per process), the peak memory of one process, and the time the national set (150 x 10,
about 8 million rows) would take at that rate with 1 and with 2 processes. `--national` makes the whole
national set instead (a few minutes and about 1 GB of disk). Exits 1 when the extrapolated national time
on 2 processes is over 10 minutes, the spec's "in minutes".
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

from concordat.demo.generator import figures, generate
from concordat.demo.generator.national import default_jobs

NATIONAL_YEARS = 10
GOAL_SECONDS = 600.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--partnerships", type=int, default=5)
    parser.add_argument("--years", type=int, default=NATIONAL_YEARS)
    parser.add_argument("--jobs", type=int, default=None, help="processes (default: the number of cores)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--national", action="store_true", help=f"make all {figures.PARTNERSHIPS} x 10")
    args = parser.parse_args()
    partnerships = figures.PARTNERSHIPS if args.national else args.partnerships
    years = NATIONAL_YEARS if args.national else args.years
    jobs = args.jobs or default_jobs()
    out = Path(tempfile.mkdtemp(prefix="concordat-generate-"))
    load_before = os.getloadavg()[0]
    try:
        began = time.perf_counter()
        manifest = generate(
            partnerships=partnerships, years=years, seed=args.seed, out=out, start_year=2004, jobs=jobs,
            progress=sys.stderr,
        )  # fmt: skip
        seconds = time.perf_counter() - began
        size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    finally:
        shutil.rmtree(out, ignore_errors=True)
    rows, people = manifest["rows"], manifest["people"]
    workers = min(jobs, partnerships)
    rate = rows / seconds
    per_process = rate / workers
    # The national set's rows, at this set's rows per partnership-year.
    national_rows = rows / (partnerships * years) * figures.PARTNERSHIPS * NATIONAL_YEARS
    peak_mb = max(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    ) / 1024  # fmt: skip
    print(f"set          {partnerships} partnerships x {years} years, {workers} process(es)")
    print(
        f"rows         {rows:,} ({rows / (partnerships * years):,.0f} a partnership-year), {people:,} people"
    )
    print(f"files        {size / 1e6:,.1f} MB")
    print(f"time         {seconds:,.1f} s")
    print(f"rate         {rate:,.0f} rows/s ({per_process:,.0f} a process)")
    print(f"peak memory  {peak_mb:,.0f} MB in one process")
    # The cores are shared: a busy machine slows the run, so say how busy it was.
    print(
        f"machine      {os.cpu_count()} cores; load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after"
    )
    one, two = national_rows / per_process, national_rows / (per_process * 2)
    print(f"national     {figures.PARTNERSHIPS} x {NATIONAL_YEARS}: ~{national_rows / 1e6:,.1f}M rows, "
          f"~{one / 60:,.1f} min on 1 process, ~{two / 60:,.1f} min on 2")  # fmt: skip
    if two > GOAL_SECONDS:
        print(f"goal missed: the national set would take over {GOAL_SECONDS / 60:.0f} minutes on 2 processes")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
