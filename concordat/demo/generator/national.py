"""A set of synthetic partnerships (the spec's national set is 150 x 10 years), made in parallel: each
partnership has its own random stream, so the files are byte-identical however many processes make them
and in whatever order they finish."""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Callable
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any, TextIO

from .files import listed_files, span, synthetic_partnership, write_manifest


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def generate(
    *,
    partnerships: int,
    years: int,
    seed: int,
    out: Path,
    start_year: int,
    jobs: int | None = None,
    progress: TextIO | None = None,
) -> dict[str, Any]:
    """Write `partnerships` synthetic partnerships of `years` years from 1 April `start_year` into `out`,
    and `out/manifest.json` (returned): each partnership's file, submissions, row counts and the period
    end to import them with. Memory is one partnership per process: rows stream to the files."""
    out.mkdir(parents=True, exist_ok=True)
    first, period_end = span(date(start_year, 4, 1), years)
    make: Callable[[int], dict[str, Any]] = partial(
        synthetic_partnership, seed=seed, start=first, years=years, out=out
    )
    jobs = max(1, min(jobs or default_jobs(), partnerships))
    shown = progress if progress is not None and progress.isatty() else None
    began = time.monotonic()
    entries: list[dict[str, Any]] = []

    def done(entry: dict[str, Any]) -> None:
        entries.append(entry)
        if shown:
            rows = sum(e["rows"] for e in entries)
            rate = rows / max(time.monotonic() - began, 1e-6)
            shown.write(
                f"\rGenerating: {len(entries)}/{partnerships} partnerships, {rows:,} rows ({rate:,.0f} rows/s)"
            )
            shown.flush()

    if jobs == 1:
        for index in range(partnerships):
            done(make(index))
    else:
        # fork where there is one: the workers need no Django and start at once
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        with context.Pool(jobs) as pool:
            for entry in pool.imap(make, range(partnerships)):
                done(entry)
    if shown:
        shown.write("\n")
        shown.flush()
    manifest = {
        "synthetic": True,
        "seed": seed,
        "years": years,
        "span_start": first.isoformat(),
        "period_end": period_end.isoformat(),
        "partnerships": entries,
        "files": listed_files(entries),
        "rows": sum(e["rows"] for e in entries),
        "people": sum(e["people"] for e in entries),
    }
    write_manifest(out, manifest)
    return manifest
