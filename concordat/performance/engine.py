"""The KPI engine: the definitions in kpis/*.sql run by DuckDB over the Arrow extract, for any set of
periods in one run (one partnership and one period, or every partnership and every quarter and year).

`figures(records, modality_codes, periods)` returns the figures of every period as Arrow tables, long and
exact (counts, totals, the two middle waits); `rules.shaping` makes the spec's objects of them. Nothing
here imports Django: the extract comes in as Arrow, so the engine runs as well on a Parquet extract.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from .rules.periods import Period, layout
from .rules.shaping import AGE_BANDS, PeriodFigures, Setting

KPIS = Path(__file__).resolve().parent / "kpis"
# The breakdowns' dimensions, as the rows carry them (the total is the dimension "all", group "").
DIMENSIONS = ("provider", "age_band", "sex", "substance")
PEOPLE_KPIS = ("in_treatment", "accessing_services", "new_starts", "successful_completions")
MODALITY_CODES_SCHEMA = pa.schema(
    [
        ("partnership", pa.int32()),
        ("code", pa.string()),
        ("structured", pa.bool_()),
        ("threshold_days", pa.int32()),
    ]
)


@dataclass(frozen=True)
class Figures:
    """Every figure of every period of a run. Periods are numbered by their place in the run's list.

    people: period, kpi, dim, grp, people (distinct client keys; `in_treatment` also by dim "modality")
    waiting: period, dim, grp, modality, count, total_wait, within, median_low, median_high
    still_waiting: period, dim, grp, modality, still_waiting
    retention: period, dim, grp, cohort, retained
    """

    people: pa.Table
    waiting: pa.Table
    still_waiting: pa.Table
    retention: pa.Table


@cache
def definition(name: str) -> str:
    """A definition's SQL without its comment lines (they explain it; placeholders in them are not
    meant to be filled)."""
    text = (KPIS / f"{name}.sql").read_text()
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("--"))


def _statements(text: str) -> list[str]:
    return [part.strip() for part in text.split(";") if part.strip()]


def breakdowns(sql: str, dimensions: Sequence[str] = DIMENSIONS, *, total: bool = True) -> str:
    """Fill a definition's placeholders for the breakdowns: {dimension} (which one a row of a grouping
    set is: a dimension's name or "all"), {group} (its group) and {breakdowns(columns)} (the grouping
    sets: the columns alone for the total, and with each dimension)."""
    dimension = (
        "CASE " + " ".join(f"WHEN grouping({d}) = 0 THEN '{d}'" for d in dimensions) + " ELSE 'all' END"
    )
    group = f"coalesce({', '.join(dimensions)}, -1)"

    def sets(match: re.Match[str]) -> str:
        columns = match.group(1).strip()
        listed = ([f"({columns})"] if total else []) + [f"({columns}, {d})" for d in dimensions]
        return "(" + ", ".join(listed) + ")"

    sql = re.sub(r"\{breakdowns\(([^)]*)\)\}", sets, sql)
    return sql.replace("{dimension}", dimension).replace("{group}", group)


def _people(contributions: str, dimensions: Sequence[str] = DIMENSIONS, *, total: bool = True) -> str:
    return breakdowns(definition("_people"), dimensions, total=total).replace(
        "{contributions}", contributions
    )


CODED = ("provider", "sex", "primary_substance", "modality")


def _coded(records: pa.Table) -> tuple[pa.Table, dict[str, list[str]]]:
    """The records with client_key as a dense int `person` (the same key, the same int) and the codes of
    the breakdowns as small ints (their lists returned): joins and groups on ints are cheaper."""
    keys = records["client_key"]
    records = records.set_column(
        records.schema.get_field_index("client_key"), "person", pc.index_in(keys, value_set=pc.unique(keys))
    )
    lists: dict[str, list[str]] = {}
    for name in CODED:
        values = pc.unique(records[name]).drop_null()
        lists[name] = values.to_pylist()
        records = records.set_column(
            records.schema.get_field_index(name), name, pc.index_in(records[name], value_set=values)
        )
    return records, lists


def _coded_modalities(modality_codes: pa.Table, modalities: list[str]) -> pa.Table:
    index = pc.index_in(modality_codes["code"], value_set=pa.array(modalities, pa.string()))
    return modality_codes.append_column("modality", index.cast(pa.int32()))


def _periods_tables(periods: Sequence[Period]) -> tuple[pa.Table, pa.Table]:
    plan = layout(periods)
    scopes = pa.table(
        {
            "scope": pa.array([s.scope for s in plan.scopes], pa.int32()),
            "partnership": pa.array([s.partnership for s in plan.scopes], pa.int32()),
            "as_of": pa.array([s.as_of for s in plan.scopes], pa.date32()),
            "first": pa.array([s.first for s in plan.scopes], pa.date32()),
            "last": pa.array([s.last for s in plan.scopes], pa.date32()),
        }
    )
    slots = pa.table(
        {
            "period": pa.array([s.period for s in plan.slots], pa.int32()),
            "scope": pa.array([s.scope for s in plan.slots], pa.int32()),
            "family": pa.array([s.family for s in plan.slots], pa.int32()),
            "idx": pa.array([s.index for s in plan.slots], pa.int32()),
            "from": pa.array([periods[s.period].start for s in plan.slots], pa.date32()),
            "to": pa.array([periods[s.period].end for s in plan.slots], pa.date32()),
        }
    )
    return scopes, slots


class _Decoder:
    """The engine's small ints back into codes: each group by its dimension's list, modalities by theirs;
    sums (HUGEINT in DuckDB) as int64."""

    def __init__(self, lists: dict[str, list[str]]) -> None:
        self.lists = {
            "provider": lists["provider"],
            "sex": lists["sex"],
            "substance": lists["primary_substance"],
            "age_band": list(AGE_BANDS),
            "modality": lists["modality"],
        }

    def __call__(self, table: pa.Table) -> pa.Table:
        columns = {}
        for name in table.column_names:
            column = table[name]
            if name == "grp":
                dims, groups = table["dim"].to_pylist(), column.to_pylist()
                column = pa.array(
                    ["" if d == "all" else self.lists[d][g] for d, g in zip(dims, groups, strict=True)],
                    pa.string(),
                )
            elif name == "modality":
                codes = self.lists["modality"]
                column = pa.array([codes[m] for m in column.to_pylist()], pa.string())
            elif pa.types.is_decimal(column.type) or pa.types.is_integer(column.type):
                column = column.cast(pa.int64())
            columns[name] = column
        return pa.table(columns)


def connect(threads: int | None = None) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    con.execute("SET preserve_insertion_order = false")
    return con


def figures(
    records: pa.Table,
    modality_codes: pa.Table,
    periods: Sequence[Period],
    *,
    con: duckdb.DuckDBPyConnection | None = None,
    timings: dict[str, float] | None = None,
) -> Figures:
    """Run every KPI definition once over the records for all the periods. `timings`, when given, gets
    the seconds each step took."""
    own = con is None
    con = con or connect()
    clock = _Clock(timings)
    try:
        scopes, slots = _periods_tables(periods)
        coded, lists = _coded(records)
        con.register("records", coded)
        con.register("modality_codes", _coded_modalities(modality_codes, lists["modality"]))
        con.register("scopes", scopes)
        con.register("slots", slots)
        clock("prepare")
        for statement in _statements(definition("_frame")):
            con.execute(statement)
        clock("frame")
        people = []
        for kpi in PEOPLE_KPIS:
            table = con.sql(_people(definition(kpi))).to_arrow_table()
            people.append(table.append_column("kpi", pa.array([kpi] * table.num_rows, pa.string())))
            clock(kpi)
        table = con.sql(_people(definition("in_treatment"), ("modality",), total=False)).to_arrow_table()
        people.append(table.append_column("kpi", pa.array(["in_treatment"] * table.num_rows, pa.string())))
        clock("in_treatment by modality")
        queried = {}
        for name in ("waiting", "still_waiting", "retention_12wk"):
            queried[name] = con.sql(breakdowns(definition(name))).to_arrow_table()
            clock(name)
        decode = _Decoder(lists)
        result = Figures(
            people=decode(pa.concat_tables([t.cast(people[0].schema) for t in people])),
            waiting=decode(queried["waiting"]),
            still_waiting=decode(queried["still_waiting"]),
            retention=decode(queried["retention_12wk"]),
        )
        clock("decode")
        return result
    finally:
        for name in ("records", "modality_codes", "scopes", "slots"):
            con.unregister(name)
        if own:
            con.close()


class _Clock:
    def __init__(self, timings: dict[str, float] | None) -> None:
        self.timings, self.last = timings, time.perf_counter()

    def __call__(self, step: str) -> None:
        now = time.perf_counter()
        if self.timings is not None:
            self.timings[step] = now - self.last
        self.last = now


def modality_codes(settings: Sequence[Setting]) -> pa.Table:
    rows = [
        (s.partnership, code, code in s.structured, s.thresholds[code])
        for s in settings
        for code in s.modalities
    ]
    return pa.table(
        {
            "partnership": pa.array([r[0] for r in rows], pa.int32()),
            "code": pa.array([r[1] for r in rows], pa.string()),
            "structured": pa.array([r[2] for r in rows], pa.bool_()),
            "threshold_days": pa.array([r[3] for r in rows], pa.int32()),
        },
        schema=MODALITY_CODES_SCHEMA,
    )


def split_figures(figures: Figures, periods: int) -> list[PeriodFigures]:
    """The engine's long tables as one PeriodFigures a period."""
    out = [PeriodFigures() for _ in range(periods)]
    for row in figures.people.to_pylist():
        out[row["period"]].people[(row["kpi"], row["dim"], row["grp"])] = int(row["people"])
    for row in figures.waiting.to_pylist():
        out[row["period"]].waiting[(row["dim"], row["grp"], row["modality"])] = (
            int(row["count"]),
            int(row["total_wait"]),
            int(row["within"]),
            int(row["median_low"]),
            int(row["median_high"]),
        )
    for row in figures.still_waiting.to_pylist():
        out[row["period"]].still_waiting[(row["dim"], row["grp"], row["modality"])] = int(
            row["still_waiting"]
        )
    for row in figures.retention.to_pylist():
        out[row["period"]].retention[(row["dim"], row["grp"])] = (int(row["cohort"]), int(row["retained"]))
    return out


def run(records: pa.Table, settings: Sequence[Setting], periods: Sequence[Period]) -> list[PeriodFigures]:
    """One engine run over an extract: each period's figures."""
    figures_ = figures(records, modality_codes(settings), periods)
    return split_figures(figures_, len(periods))
