"""The KPI engine on the national synthetic set (docs/kpi-engine.md, "Measured").

    python bench/kpi_national.py                 # 150 partnerships x 10 years, SQLite for the extract
    python bench/kpi_national.py --scale 0.01    # 2 partnerships: under a minute
    python bench/kpi_national.py --db both --json

Generates the set with `concordat demo generate --partnerships N --years 10 --seed 1` (or reuses one in
var/ made with the same arguments), then prints, in one run:
- the extract's rows/s from each database: a fresh one (SQLite in a temporary folder, PostgreSQL as .ci/run
  makes one), a few partnerships loaded through `concordat partnership load` and `concordat treatment
  import`, `treatment.extract.extract` run twice in a child process (the second, warm, is reported);
- the engine's time and peak memory (a child process's ru_maxrss, its input table included) for the whole
  KPI set with breakdowns for every partnership and every quarter and financial year from each one's first
  referral to its as_of, with each step's seconds; the set is read from the generated CSVs straight into
  Arrow with the extract's columns (DuckDB's CSV reader; client_key a hash of the same four values, age at
  referral as the import computes it), since importing 8 million rows would take the bench half an hour;
- one partnership's whole grid (engine and the spec's objects) in seconds;
- the time of plain pandas (bench/kpi_pandas.py) on a subset of partnerships, scaled to the whole set by
  their share of rows, and checked equal to the engine's figures on them;
- two floors: one DuckDB pass reading every column the KPIs need, and one query expanding every
  structured interval to the quarters it touches and counting the pairs.
Exit 1 when a goal is missed. With --json the last line is one object: engine_s, engine_peak_mib,
pandas_s, scan_floor_s, expansion_floor_s, extract_rows_per_s (and more).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from load import ROOT, app_environment, postgres_cluster

GOALS = {
    "engine_s": 10.0,
    "engine_peak_mib": 1536,
    "expansion_ratio": 8.0,
    "pandas_ratio": 100.0,
    "grid_s": 0.5,
    "extract_rows_per_s": 250_000,
}
AS_OF = None  # each partnership's own: the manifest's period end

CSV_TO_EXTRACT = """
WITH raw AS (
    SELECT *,
           regexp_extract(filename, '.*/(synthetic-[0-9]+)/([A-Za-z0-9_-]+)\\.csv$', 1) AS slug,
           regexp_extract(filename, '.*/(synthetic-[0-9]+)/([A-Za-z0-9_-]+)\\.csv$', 2) AS provider
    FROM read_csv('{root}/synthetic-*/*.csv', filename = true, header = true, all_varchar = true)
), typed AS (
    SELECT *, CAST(referral_date AS DATE) AS referred, CAST(date_of_birth AS DATE) AS born FROM raw
)
SELECT CAST(substr(slug, 11) AS INTEGER) AS partnership, provider,
       CAST(dense_rank() OVER (ORDER BY slug, provider, episode_ref) AS BIGINT) AS episode_id,
       sha256(initials || '|' || date_of_birth || '|' || sex || '|' || la_of_residence) AS client_key,
       sex,
       CAST(year(referred) - year(born)
            - CASE WHEN (month(referred), day(referred)) < (month(born), day(born)) THEN 1 ELSE 0 END
            AS SMALLINT) AS age_at_referral,
       referred AS referral_date, referral_source, primary_substance,
       CAST(nullif(triage_date, '') AS DATE) AS triage_date,
       CAST(nullif(discharge_date, '') AS DATE) AS discharge_date,
       nullif(discharge_reason, '') AS discharge_reason,
       nullif(modality, '') AS modality,
       CAST(nullif(modality_referral_date, '') AS DATE) AS modality_referral_date,
       CAST(nullif(modality_start_date, '') AS DATE) AS modality_start_date,
       CAST(nullif(modality_end_date, '') AS DATE) AS modality_end_date
FROM typed
"""


def run(args: list[str], env: dict[str, str] | None = None, quiet: bool = True) -> str:
    done = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(
            f"{' '.join(args[:6])} failed ({done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
        )
    return done.stdout


def national(partnerships: int, out: Path) -> dict:
    manifest = out / "manifest.json"
    if manifest.exists():
        found = json.loads(manifest.read_text())
        if len(found.get("partnerships", [])) == partnerships and found.get("seed") == 1:
            return found
    run([sys.executable, "-m", "concordat", "demo", "generate", "--partnerships", str(partnerships), "--years", "10",
         "--seed", "1", "--out", str(out)], env={**os.environ, "DEBUG": "1"})  # fmt: skip
    return json.loads(manifest.read_text())


def settings_of(root: Path, count: int) -> list:
    import yaml

    from concordat.partnerships.rules.vocabulary import BUILT_IN_MODALITIES
    from concordat.performance.rules.shaping import setting

    found = []
    for n in range(1, count + 1):
        doc = yaml.safe_load((root / f"synthetic-{n:03d}" / "partnership.yaml").read_text())
        own = [(m["code"], bool(m.get("structured", False))) for m in doc.get("modalities") or []]
        builtin = [(code, structured) for code, (_, _, structured) in BUILT_IN_MODALITIES.items()]
        found.append(
            setting(
                partnership=n,
                slug=doc["slug"],
                providers=[p["code"] for p in doc["providers"]],
                modalities=builtin + own,
                targets=doc.get("targets") or {},
            )
        )
    return found


def engine_child(root: Path, parquet: Path, count: int, as_of: date, pandas_partnerships: int) -> None:
    """In a child of its own (its peak memory is the engine's): the whole set, the floors, one grid,
    pandas on a subset. Prints one JSON object."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from concordat.performance import engine
    from concordat.performance.rules.periods import Period, standard_grid
    from concordat.performance.rules.shaping import kpi_object

    # The engine reads the set as a reader would give it: a chunk of whole partnerships at a time (the
    # file is in partnership order, so a chunk's read skips the other row groups), strings as dictionaries.
    index = pq.read_table(parquet, columns=["partnership", "referral_date"])
    chunks = engine.partnership_chunks(index["partnership"], engine.CHUNK_ROWS)
    strings = ["provider", "sex", "referral_source", "primary_substance", "discharge_reason", "modality"]

    def read(group: list[int]):
        return pq.read_table(parquet, filters=[("partnership", "in", group)], read_dictionary=strings)

    settings = settings_of(root, count)
    firsts = index.group_by("partnership").aggregate([("referral_date", "min")]).to_pylist()
    del index
    first = {r["partnership"]: r["referral_date_min"] for r in firsts}
    periods = [
        Period(s.partnership, a, b, as_of)
        for s in settings
        for _, a, b in standard_grid(first.get(s.partnership), as_of)
    ]
    con = engine.connect(2)
    timings: dict[str, float] = {}
    began = time.perf_counter()
    figures = engine.figures(
        (read(group) for group in chunks), engine.modality_codes(settings), periods, con=con, timings=timings
    )
    engine_s = time.perf_counter() - began
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    records = pq.read_table(parquet)  # the whole set, for the floors, the grid and pandas
    # Floors, on the same table and threads.
    con.register("records", records)
    began = time.perf_counter()
    con.execute(
        "SELECT count(DISTINCT client_key), max(episode_id), max(provider), max(sex), max(age_at_referral), "
        "max(referral_date), max(primary_substance), max(discharge_date), max(discharge_reason), max(modality), "
        "max(modality_referral_date), max(modality_start_date), max(modality_end_date), max(partnership) FROM records"
    ).fetchall()
    scan_floor = time.perf_counter() - began
    began = time.perf_counter()
    pairs = con.execute(
        """SELECT count(*) FROM (
             SELECT unnest(range(
                 (year(modality_start_date) * 12 + month(modality_start_date) - 4) // 3,
                 (year(least(coalesce(modality_end_date, discharge_date, DATE '%s'), DATE '%s')) * 12
                   + month(least(coalesce(modality_end_date, discharge_date, DATE '%s'), DATE '%s')) - 4) // 3 + 1))
             FROM records
             WHERE modality IN ('pharmacological', 'psychosocial', 'day-programme', 'recovery-support',
                                'inpatient-detox', 'residential-rehab') AND modality_start_date IS NOT NULL)"""
        % ((as_of.isoformat(),) * 4)
    ).fetchall()[0][0]
    expansion_floor = time.perf_counter() - began
    con.unregister("records")
    # One partnership's whole grid: extract-free engine run and the spec's objects (exact).
    mine = settings[0]
    own = records.filter(pc.equal(records["partnership"], mine.partnership))
    grid = [(a, b) for _, a, b in standard_grid(first.get(mine.partnership), as_of)]
    began = time.perf_counter()
    per = engine.run(own, [mine], [Period(mine.partnership, a, b, as_of) for a, b in grid])
    objects = [kpi_object(mine, f, start=a, end=b, as_of=as_of) for (a, b), f in zip(grid, per, strict=True)]
    grid_s = time.perf_counter() - began
    # Shaping every period's objects of the whole set (not in engine_s).
    split = engine.split_figures(figures, len(periods))
    by_id = {s.partnership: s for s in settings}
    began = time.perf_counter()
    shaped = sum(
        1
        for p, f in zip(periods, split, strict=True)
        if kpi_object(by_id[p.partnership], f, start=p.start, end=p.end, as_of=p.as_of)
    )
    shaping_s = time.perf_counter() - began
    # pandas on a subset, and the check that it agrees.
    import kpi_pandas

    subset = [s.partnership for s in settings[:pandas_partnerships]]
    rows = records.filter(
        pc.is_in(
            records["partnership"],
            value_set=pc.cast(__import__("pyarrow").array(subset), records["partnership"].type),
        )
    )
    frame = rows.to_pandas(date_as_object=False)
    for column in (
        "referral_date",
        "discharge_date",
        "modality_referral_date",
        "modality_start_date",
        "modality_end_date",
    ):
        frame[column] = frame[column].astype("datetime64[ns]")
    began = time.perf_counter()
    mismatches = 0
    checked = 0
    for s in settings[:pandas_partnerships]:
        mods = {code: (code in s.structured, s.thresholds[code]) for code in s.modalities}
        df, episodes = kpi_pandas.prepare(frame[frame["partnership"] == s.partnership], mods, as_of)
        for index, p in enumerate(periods):
            if p.partnership != s.partnership:
                continue
            got = kpi_pandas.period_figures(df, episodes, p.start, p.end, p.as_of)
            mine_f = split[index]
            want = {
                "people": {k: v for k, v in mine_f.people.items() if v},
                "waiting": mine_f.waiting,
                "still_waiting": {k: v for k, v in mine_f.still_waiting.items() if v},
                "retention": mine_f.retention,
            }
            checked += 1
            if got != want:
                mismatches += 1
    pandas_subset_s = time.perf_counter() - began
    share = rows.num_rows / records.num_rows
    print(
        json.dumps(
            {
                "rows": records.num_rows,
                "chunks": len(chunks),
                "periods": len(periods),
                "engine_s": engine_s,
                "engine_peak_mib": peak,
                "timings": timings,
                "scan_floor_s": scan_floor,
                "expansion_floor_s": expansion_floor,
                "expansion_pairs": pairs,
                "grid_s": grid_s,
                "grid_periods": len(objects),
                "shaping_s": shaping_s,
                "shaped": shaped,
                "pandas_subset_s": pandas_subset_s,
                "pandas_share": share,
                "pandas_partnerships": len(subset),
                "pandas_s": pandas_subset_s / share,
                "pandas_checked": checked,
                "pandas_mismatches": mismatches,
            }
        )
    )


def extract_child(count: int) -> None:
    import django

    django.setup()
    from concordat.partnerships.models import Partnership
    from concordat.treatment.extract import extract

    ids = list(Partnership.objects.order_by("id").values_list("id", flat=True)[:count])
    results = []
    for _ in range(2):
        began = time.perf_counter()
        table = extract(ids).table
        results.append((table.num_rows, time.perf_counter() - began))
    print(json.dumps({"rows": results[-1][0], "cold_s": results[0][1], "warm_s": results[-1][1]}))


def extract_speed(kind: str, root: Path, manifest: dict, count: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="concordat-kpi-bench-") as var:
        cluster = postgres_cluster() if kind == "postgres" else None
        url = cluster.__enter__()[0] if cluster else None
        try:
            env = app_environment(Path(var), url)
            python = [sys.executable, "-m", "concordat"]
            run([*python, "migrate", "--noinput"], env)
            period_end = manifest["period_end"]
            for n in range(1, count + 1):
                slug = f"synthetic-{n:03d}"
                run([*python, "partnership", "load", str(root / slug / "partnership.yaml")], env)
                for csv_file in sorted((root / slug).glob("*.csv")):
                    run([*python, "treatment", "import", str(csv_file), "--partnership", slug, "--provider",
                         csv_file.stem, "--period-end", period_end], env)  # fmt: skip
            out = run([sys.executable, __file__, "--extract-child", str(count)], env)
            found = json.loads(out.strip().splitlines()[-1])
        finally:
            if cluster:
                cluster.__exit__(None, None, None)
    found["rows_per_s"] = found["rows"] / found["warm_s"]
    found["cold_rows_per_s"] = found["rows"] / found["cold_s"]
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="share of the 150 partnerships (0.01: 2)")
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="sqlite")
    parser.add_argument("--extract-partnerships", type=int, default=3, help="loaded into each database")
    parser.add_argument("--pandas-partnerships", type=int, default=10)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--engine-child", nargs=4, help=argparse.SUPPRESS)
    parser.add_argument("--extract-child", type=int, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.engine_child:
        folder, parquet, count, pandas_count = options.engine_child
        manifest = json.loads((Path(folder) / "manifest.json").read_text())
        engine_child(
            Path(folder),
            Path(parquet),
            int(count),
            date.fromisoformat(manifest["period_end"]),
            int(pandas_count),
        )
        return 0
    if options.extract_child:
        extract_child(options.extract_child)
        return 0
    count = max(1, round(150 * options.scale))
    root = ROOT / "var" / ("national" if count == 150 else f"national-{count}")
    began = time.perf_counter()
    manifest = national(count, root)
    print(
        f"{count} partnerships, {manifest['rows']:,} rows, {manifest['people']:,} people ({time.perf_counter() - began:.0f} s to make or find)",
        flush=True,
    )
    kinds = ["sqlite", "postgres"] if options.db == "both" else [options.db]
    extracts = {}
    for kind in kinds:
        loaded = min(options.extract_partnerships, count)
        extracts[kind] = extract_speed(kind, root, manifest, loaded)
        e = extracts[kind]
        print(f"extract from {kind}: {e['rows']:,} rows of {loaded} partnerships, {e['rows_per_s']:,.0f} rows/s warm "
              f"({e['cold_rows_per_s']:,.0f} cold)", flush=True)  # fmt: skip
    import duckdb

    with tempfile.TemporaryDirectory(prefix="concordat-kpi-arrow-") as folder:
        parquet = Path(folder) / "national.parquet"
        con = duckdb.connect()
        con.execute(
            f"COPY ({CSV_TO_EXTRACT.format(root=root)} ORDER BY partnership) TO '{parquet}' (FORMAT parquet)"
        )
        con.close()
        out = run([sys.executable, __file__, "--engine-child", str(root), str(parquet), str(count),
                   str(min(options.pandas_partnerships, count))], {**os.environ, "DJANGO_SETTINGS_MODULE": "concordat.settings", "DEBUG": "1"})  # fmt: skip
    r = json.loads(out.strip().splitlines()[-1])
    r["extract_rows_per_s"] = min(e["rows_per_s"] for e in extracts.values())
    r["extract"] = {kind: round(e["rows_per_s"]) for kind, e in extracts.items()}
    expansion_ratio = r["engine_s"] / r["expansion_floor_s"]
    pandas_ratio = r["pandas_s"] / r["engine_s"]
    print(f"engine: {r['rows']:,} rows, {r['periods']:,} periods (every quarter and year of every partnership), "
          f"{r['engine_s']:.1f} s, peak {r['engine_peak_mib']:,} MiB")  # fmt: skip
    print("  steps: " + ", ".join(f"{k} {v:.2f}" for k, v in r["timings"].items()))
    print(f"  shaping every period's object (not in engine time): {r['shaping_s']:.1f} s for {r['shaped']:,}")
    print(f"one partnership's grid ({r['grid_periods']} periods, engine and objects): {r['grid_s']:.2f} s")
    print(f"floors: scan {r['scan_floor_s']:.2f} s; expansion {r['expansion_floor_s']:.2f} s "
          f"({r['expansion_pairs']:,} interval-quarter pairs): engine is {expansion_ratio:.1f}x the expansion floor")  # fmt: skip
    print(f"pandas: {r['pandas_subset_s']:.1f} s on {r['pandas_partnerships']} partnerships ({r['pandas_share']:.1%} of the rows), "
          f"{r['pandas_s']:.1f} s scaled to the whole set: the engine is {pandas_ratio:.0f}x faster; "
          f"{r['pandas_checked']} periods checked, {r['pandas_mismatches']} differ")  # fmt: skip
    missed = []
    if r["engine_s"] > GOALS["engine_s"]:
        missed.append(f"engine {r['engine_s']:.1f} s > {GOALS['engine_s']:g} s")
    if r["engine_peak_mib"] > GOALS["engine_peak_mib"]:
        missed.append(f"peak {r['engine_peak_mib']} MiB > {GOALS['engine_peak_mib']}")
    if expansion_ratio > GOALS["expansion_ratio"]:
        missed.append(f"{expansion_ratio:.1f}x the expansion floor > {GOALS['expansion_ratio']:g}x")
    if pandas_ratio < GOALS["pandas_ratio"]:
        missed.append(f"{pandas_ratio:.0f}x pandas < {GOALS['pandas_ratio']:g}x")
    if r["grid_s"] > GOALS["grid_s"]:
        missed.append(f"grid {r['grid_s']:.2f} s > {GOALS['grid_s']} s")
    if r["extract_rows_per_s"] < GOALS["extract_rows_per_s"]:
        missed.append(f"extract {r['extract_rows_per_s']:,.0f} rows/s < {GOALS['extract_rows_per_s']:,}")
    if r["pandas_mismatches"]:
        missed.append(f"pandas differs from the engine on {r['pandas_mismatches']} periods")
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    print("goals: " + ("all met" if not missed else "missed: " + "; ".join(missed)))
    if options.json:
        keys = ("engine_s", "engine_peak_mib", "pandas_s", "scan_floor_s", "expansion_floor_s", "extract_rows_per_s",
                "grid_s", "shaping_s", "extract", "timings", "pandas_mismatches")  # fmt: skip
        print(json.dumps({k: r[k] for k in keys}))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
