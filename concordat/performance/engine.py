"""The KPI engine: the definitions in kpis/*.sql run by DuckDB over the Arrow extract, for any set of
periods in one run (one partnership and one period, or every partnership and every quarter and year).

`figures(records, modality_codes, periods)` returns the figures of every period as Arrow tables, long and
exact (counts, totals, the two middle waits); `rules.shaping` makes the spec's objects of them. Nothing
here imports Django: the extract comes in as Arrow, so the engine runs as well on a Parquet extract.

How a run goes (docs/kpi-engine.md, "How the engine works"):
- the records' codes become small ints and each client key a dense int, once, in Arrow (`prepare`);
- the periods are laid out in families of non-overlapping periods, bits of a mask (`rules.periods`), and a
  calendar says, for each day of a scope, which periods of each family it starts, ends or lies in;
- `_frame.sql` gives every modality row and every episode its periods; each people KPI's definition
  (`in_treatment.sql`, `accessing_services.sql`, `new_starts.sql`, `successful_completions.sql`) says
  which periods an episode counts in, and `_people.sql` counts distinct people from those masks, all four
  KPIs in one pass; the row KPIs (`waiting.sql`, `still_waiting.sql`, `retention_12wk.sql`) group their
  rows directly.
- Breakdowns are a group-by per dimension (not GROUPING SETS: DuckDB aggregates small integer keys much
  faster one grouping at a time).
"""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import counting
from .rules.periods import PER_FAMILY, Period, layout
from .rules.shaping import AGE_BANDS, PeriodFigures, Setting

KPIS = Path(__file__).resolve().parent / "kpis"
# The breakdowns' dimensions by number, as the engine's rows carry them (0 is the total: "all").
DIMENSIONS = ("all", "provider", "age_band", "sex", "substance", "modality")
BY_DIMENSION = ((1, "provider"), (2, "age_band"), (3, "sex"), (4, "substance"))
PEOPLE_KPIS = ("in_treatment", "accessing_services", "new_starts", "successful_completions")
COMPLETED = ("completed-drug-free", "completed-alcohol-free", "completed-occasional-user")
KEPT = (*COMPLETED, "transferred")  # retained when discharged within 12 weeks with one of these
MODALITY_CODES_SCHEMA = pa.schema(
    [
        ("partnership", pa.int32()),
        ("code", pa.string()),
        ("structured", pa.bool_()),
        ("threshold_days", pa.int32()),
    ]
)
# The upper middle of an even count by the same quantile aggregate as the lower (DuckDB's quantile_disc is
# the nearest rank, the ceil(q·n)-th value: q = 0.5 gives the lower middle, q a hair above it the upper;
# exact for groups of fewer than 1 / (2 × EPSILON) = 5 million waits).
MEDIAN_EPSILON = 1e-7
# Rows of one engine pass (whole partnerships): its working memory is about 0.6 KiB a row.
CHUNK_ROWS = 500_000


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


def statements(text: str) -> list[str]:
    return [part.strip() for part in text.split(";") if part.strip()]


_MASKS = re.compile(
    r"SELECT\s+scope,\s+episode_id,\s+(?P<mask0>.+?)\s+AS mask0,\s+(?P<mask1>.+?)\s+AS mask1\s+FROM\s+(?P<relation>\w+)\s*$",
    re.DOTALL,
)


@cache
def mask_definition(kpi: str) -> tuple[list[str], str, str, str]:
    """A people KPI's definition: the statements it runs first, and the expressions of its two masks
    (the periods of each family a row or episode counts in) over the relation it names."""
    parts = statements(definition(kpi))
    found = _MASKS.match(parts[-1])
    if found is None:
        raise ValueError(
            f"{kpi}.sql: its last statement must be SELECT scope, episode_id, … AS mask0, … AS mask1 FROM …"
        )
    return parts[:-1], found["mask0"], found["mask1"], found["relation"]


# --- preparing the records ----------------------------------------------------------------------------


def _indices(column: pa.ChunkedArray | pa.Array) -> tuple[pa.Array, list[str]]:
    """A string column (plain or dictionary) as small ints and the list of its values (null stays null)."""
    if isinstance(column, pa.ChunkedArray):
        column = column.unify_dictionaries() if pa.types.is_dictionary(column.type) else column
        column = column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
    if not pa.types.is_dictionary(column.type):
        column = pc.dictionary_encode(column)
    return column.indices, column.dictionary.to_pylist()


def _small(values: pa.Array, count: int) -> pa.Array:
    kind = pa.int8() if count < 127 else pa.int16() if count < 32_000 else pa.int32()
    return values.cast(kind)


def prepare(records: pa.Table) -> tuple[pa.Table, dict[str, list[str]]]:
    """What the SQL reads of the extract: client_key a dense int `person` (the same key, the same int),
    provider, sex, substance and modality as small ints (their values returned), the age band as its
    number (AGE_BANDS), and two flags of the discharge reason (`completed`, `kept`)."""
    lists: dict[str, list[str]] = {}
    person, _ = _indices(records["client_key"])
    columns: dict[str, pa.Array | pa.ChunkedArray] = {
        "partnership": records["partnership"],
        "episode_id": records["episode_id"],
        "person": person.cast(pa.int32()),
    }
    for name, as_ in (
        ("provider", "provider"),
        ("sex", "sex"),
        ("primary_substance", "substance"),
        ("modality", "modality"),
    ):
        values, lists[as_] = _indices(records[name])
        columns[as_] = _small(values, len(lists[as_]))
    age = np.asarray(records["age_at_referral"].to_numpy(zero_copy_only=False), dtype=np.int16)
    columns["age_band"] = pa.array(np.digitize(age, [18, 25, 35, 45, 55, 65]).astype(np.int8))
    reason = records["discharge_reason"]
    columns["completed"] = pc.fill_null(pc.is_in(reason, value_set=pa.array(COMPLETED)), False)
    columns["kept"] = pc.fill_null(pc.is_in(reason, value_set=pa.array(KEPT)), False)
    for name in (
        "referral_date",
        "discharge_date",
        "modality_referral_date",
        "modality_start_date",
        "modality_end_date",
    ):
        columns[name] = records[name]
    return pa.table(columns), lists


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


def _coded_modalities(modality_codes: pa.Table, modalities: list[str]) -> pa.Table:
    index = pc.index_in(modality_codes["code"], value_set=pa.array(modalities, pa.string()))
    return pa.table(
        {
            "partnership": modality_codes["partnership"],
            "modality": _small(index, len(modalities)),
            "structured": modality_codes["structured"],
            "threshold_days": modality_codes["threshold_days"],
        }
    ).filter(pc.is_valid(index))  # a code no record has is not needed


# --- the periods and the calendar ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Frame:
    scopes: pa.Table
    slots: pa.Table
    calendar: pa.Table
    bits: pa.Table
    slot_periods: np.ndarray  # [scope, family, place]: the period of a slot, -1 where there is none


def _frame_tables(periods: Sequence[Period]) -> _Frame:
    """scopes, slots and calendar (see _frame.sql): the calendar's keys are dense, a scope's days one after
    the other from its `base`."""
    plan = layout(periods)
    scope_rows = []
    keys, first0, last0, first1, last1 = [], [], [], [], []
    base = 0
    for scope in plan.scopes:
        lo, hi = scope.first - timedelta(days=1), scope.last + timedelta(days=1)
        days = np.arange(np.datetime64(lo, "D"), np.datetime64(hi, "D") + 1)
        scope_rows.append((scope.scope, scope.partnership, scope.as_of, base, lo, hi))
        mine = [s for s in plan.slots if s.scope == scope.scope]
        for family, firsts, lasts in ((0, first0, last0), (1, first1, last1)):
            members = sorted((s.index, periods[s.period]) for s in mine if s.family == family)
            ends = np.array([np.datetime64(p.end, "D") for _, p in members], dtype="datetime64[D]")
            starts = np.array([np.datetime64(p.start, "D") for _, p in members], dtype="datetime64[D]")
            # the first period ending on or after the day: how many end before it
            firsts.append(np.searchsorted(ends, days, side="left").astype(np.int8))
            # the last period starting on or before it
            lasts.append((np.searchsorted(starts, days, side="right") - 1).astype(np.int8))
        keys.append(np.arange(base, base + len(days), dtype=np.int64))
        base += len(days)
    scopes = pa.table(
        {
            "scope": pa.array([r[0] for r in scope_rows], pa.int16()),
            "partnership": pa.array([r[1] for r in scope_rows], pa.int32()),
            "as_of": pa.array([r[2] for r in scope_rows], pa.date32()),
            "base": pa.array([r[3] for r in scope_rows], pa.int64()),
            "lo": pa.array([r[4] for r in scope_rows], pa.date32()),
            "hi": pa.array([r[5] for r in scope_rows], pa.date32()),
        }
    )
    slots = pa.table(
        {
            "period": pa.array([s.period for s in plan.slots], pa.int32()),
            "scope": pa.array([s.scope for s in plan.slots], pa.int16()),
            "family": pa.array([s.family for s in plan.slots], pa.int8()),
            "idx": pa.array([s.index for s in plan.slots], pa.int8()),
        }
    )
    calendar = pa.table(
        {
            "key": pa.array(np.concatenate(keys) if keys else np.array([], np.int64)),
            "first0": pa.array(np.concatenate(first0) if keys else np.array([], np.int8)),
            "last0": pa.array(np.concatenate(last0) if keys else np.array([], np.int8)),
            "first1": pa.array(np.concatenate(first1) if keys else np.array([], np.int8)),
            "last1": pa.array(np.concatenate(last1) if keys else np.array([], np.int8)),
        }
    )
    bits = pa.table({"i": pa.array(range(PER_FAMILY + 1), pa.int8())})
    slot_periods = np.full((max(len(plan.scopes), 1), 2, counting.PLACES), -1, np.int64)
    for slot in plan.slots:
        slot_periods[slot.scope, slot.family, slot.index] = slot.period
    return _Frame(scopes, slots, calendar, bits, slot_periods)


# --- the queries ---------------------------------------------------------------------------------------


def _frame_sql() -> list[str]:
    _, it0, it1, _ = mask_definition("in_treatment")
    masks = f"bit_or({it0}) AS it0, bit_or({it1}) AS it1"
    return statements(definition("_frame").replace("{in_treatment}", masks))


def _people_sql() -> list[str]:
    """The people KPIs' own statements, then _people.sql's with their masks filled in."""
    before: list[str] = []
    masks = []
    for k, kpi in enumerate(PEOPLE_KPIS):
        own, mask0, mask1, relation = mask_definition(kpi)
        before.extend(own)
        if kpi == "in_treatment":  # its masks were OR-ed per episode in the frame
            mask0, mask1 = "it0", "it1"
        elif relation != "episodes":
            raise ValueError(f"{kpi}.sql: an episode's masks are read from `episodes`")
        masks += [f"{mask0} AS m{2 * k}", f"{mask1} AS m{2 * k + 1}"]
    columns = [f"m{i}" for i in range(len(masks))]
    _, it0, it1, _ = mask_definition("in_treatment")
    text = (
        definition("_people")
        .replace("{masks}", ", ".join(masks))
        .replace("{or_masks}", ", ".join(f"bit_or({c}) AS {c}" for c in columns))
        .replace("{it_mask0}", it0)
        .replace("{it_mask1}", it1)
    )
    # The completions' masks read whether the episode was re-presented (successful_completions.sql).
    view = (
        "CREATE OR REPLACE TEMP VIEW episodes_kpi AS SELECT e.*, rp.episode_id IS NOT NULL AS re_presented "
        "FROM episodes e LEFT JOIN re_presented rp ON rp.scope = e.scope AND rp.episode_id = e.episode_id"
    )
    return [*before, view, *statements(text)]


def _by_dimension(sql: str) -> str:
    """A row KPI's query once per dimension ({dim}: its number, {grp}: its column; 0 for the total),
    UNION ALL."""
    arms = [sql.replace("{dim}", "0").replace("{grp}", "CAST(0 AS TINYINT)")]
    arms += [sql.replace("{dim}", str(number)).replace("{grp}", column) for number, column in BY_DIMENSION]
    return "\nUNION ALL\n".join(f"SELECT * FROM ({arm}) q{i}" for i, arm in enumerate(arms))


def connect(threads: int | None = None) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    con.execute("SET preserve_insertion_order = false")
    return con


def figures(
    records: pa.Table | Iterable[pa.Table],
    modality_codes: pa.Table,
    periods: Sequence[Period],
    *,
    con: duckdb.DuckDBPyConnection | None = None,
    timings: dict[str, float] | None = None,
    chunk_rows: int = CHUNK_ROWS,
) -> Figures:
    """Run every KPI definition once over the records for all the periods. `timings`, when given, gets
    the seconds each step took (summed over the chunks).

    A partnership's figures need only its own rows, so the records are run in chunks of whole
    partnerships, about `chunk_rows` rows each: memory is bounded by a chunk, not by the country. Records
    given as an iterable of tables are taken as chunks already (each partnership in one of them: a reader
    can then hold one chunk at a time); a table is split here."""
    chunks = chunks_of(records, chunk_rows) if isinstance(records, pa.Table) else records
    con_ = con or connect()
    parts: list[Figures] = []
    seen: set[int] = set()
    first: pa.Table | None = None
    try:
        for chunk in chunks:
            first = chunk.slice(0, 0) if first is None else first  # its columns, not its rows
            mine = set(pc.unique(chunk["partnership"]).to_pylist())
            if mine & seen:
                raise ValueError(f"partnerships {sorted(mine & seen)} are in more than one chunk")
            seen |= mine
            positions = [i for i, p in enumerate(periods) if p.partnership in mine]
            if not positions:
                continue
            part = _figures_of(chunk, modality_codes, [periods[i] for i in positions], con_, timings)
            parts.append(part if len(positions) == len(periods) else _renumbered(part, positions))
        # A period of a partnership without records counts nothing: it has no rows, here as in a chunk.
        if not parts:
            if first is None:
                raise ValueError("no records: give a table, or at least one chunk (it may be empty)")
            return _figures_of(first, modality_codes, periods, con_, timings)
    finally:
        if con is None:
            con_.close()
    if len(parts) == 1:
        return parts[0]
    return Figures(
        **{
            name: pa.concat_tables([getattr(p, name) for p in parts], promote_options="permissive")
            for name in ("people", "waiting", "still_waiting", "retention")
        }
    )


def chunks_of(records: pa.Table, chunk_rows: int) -> Iterator[pa.Table]:
    """The records in chunks of whole partnerships, in partnership order, each about `chunk_rows` rows
    (one partnership larger than that is a chunk of its own)."""
    column = records["partnership"]
    groups = partnership_chunks(column, chunk_rows)
    if len(groups) == 1:
        yield records
        return
    for group in groups:
        yield records.filter(pc.is_in(column, value_set=pa.array(group, column.type)))


def partnership_chunks(partnership: pa.ChunkedArray | pa.Array, chunk_rows: int) -> list[list[int]]:
    """The partnerships of a column of rows' partnerships in chunks of about `chunk_rows` rows, in order
    (one partnership larger than that is a chunk of its own)."""
    partnerships, counts = np.unique(np.asarray(partnership), return_counts=True)
    chunks: list[list[int]] = [[]]
    rows = 0
    for one, count in zip(partnerships.tolist(), counts.tolist(), strict=True):
        if chunks[-1] and rows + count > chunk_rows:
            chunks.append([])
            rows = 0
        chunks[-1].append(one)
        rows += count
    return chunks


def _renumbered(part: Figures, positions: list[int]) -> Figures:
    """A chunk's figures with its periods numbered as in the whole run."""
    where = pa.array(positions, pa.int64())

    def renumber(table: pa.Table) -> pa.Table:
        index = table.column_names.index("period")
        period = pc.take(where, table["period"]).cast(table.schema.field("period").type)
        return table.set_column(index, "period", period)

    return Figures(
        **{
            name: renumber(getattr(part, name))
            for name in ("people", "waiting", "still_waiting", "retention")
        }
    )


def _figures_of(
    records: pa.Table,
    modality_codes: pa.Table,
    periods: Sequence[Period],
    con: duckdb.DuckDBPyConnection | None,
    timings: dict[str, float] | None,
) -> Figures:
    """One engine pass: every KPI over these records for these periods."""
    own = con is None
    con = con or connect()
    clock = _Clock(timings)
    registered = ["records", "modality_codes", "scopes", "slots", "calendar", "bits"]
    try:
        prepared, lists = prepare(records)
        con.register("records", prepared)
        con.register("modality_codes", _coded_modalities(modality_codes, lists["modality"]))
        frame = _frame_tables(periods)
        for name in ("scopes", "slots", "calendar", "bits"):
            con.register(name, getattr(frame, name))
        clock("prepare")
        for statement in _frame_sql():
            con.execute(statement)
        clock("frame")
        for statement in _people_sql():
            con.execute(statement)
        clock("people")
        sizes = _sizes(lists, frame.scopes.num_rows)
        people = _count_people(con, sizes, frame.slot_periods)
        clock("people counted")
        queried = {}
        for name in ("waiting", "retention_12wk"):
            prelude, query = _row_kpi(name)
            for statement in prelude:
                con.execute(statement)
            queried[name] = con.sql(query).to_arrow_table()
            clock(name)
        for statement in statements(definition("still_waiting")):
            con.execute(statement)
        still = _count_still_waiting(con, sizes, frame.slot_periods)
        clock("still_waiting")
        decode = _Decoder(lists)
        result = Figures(
            people=decode(people),
            waiting=decode(queried["waiting"]),
            still_waiting=decode(still),
            retention=decode(queried["retention_12wk"]),
        )
        clock("decode")
        return result
    finally:
        for name in registered:
            with contextlib.suppress(duckdb.Error):
                con.unregister(name)
        if own:
            con.close()


def _row_kpi(name: str) -> tuple[list[str], str]:
    parts = statements(definition(name))
    return parts[:-1], _by_dimension(parts[-1])


@dataclass(frozen=True)
class _Sizes:
    """How many values each coded column has, for the dense cells of the counting."""

    groups: dict[int, int]  # by dimension number
    modalities: int
    scopes: int


def _sizes(lists: dict[str, list[str]], scopes: int) -> _Sizes:
    return _Sizes(
        groups={
            0: 1,
            1: max(len(lists["provider"]), 1),
            2: len(AGE_BANDS),
            3: max(len(lists["sex"]), 1),
            4: max(len(lists["substance"]), 1),
            5: max(len(lists["modality"]), 1),
        },
        modalities=max(len(lists["modality"]), 1),
        scopes=max(scopes, 1),
    )


def _column(table: pa.Table, name: str) -> np.ndarray:
    """An integer column as numpy, NULL as -1."""
    return np.asarray(pc.fill_null(table[name], -1).to_numpy(), dtype=np.int64)


def _long(out: list[tuple[np.ndarray, ...]], names: Sequence[str], types: Sequence[pa.DataType]) -> pa.Table:
    columns = [
        np.concatenate([o[i] for o in out]) if out else np.array([], np.int64) for i in range(len(names))
    ]
    return pa.table({name: pa.array(c, t) for name, c, t in zip(names, columns, types, strict=True)})


def _count_people(con: duckdb.DuckDBPyConnection, sizes: _Sizes, slot_periods: np.ndarray) -> pa.Table:
    """Distinct people by period, KPI and group, from people_p, people_pm and modality_src (_people.sql)."""
    p = con.sql("SELECT * FROM people_p").to_arrow_table()
    pm = con.sql("SELECT * FROM people_pm").to_arrow_table()
    p_scope, pm_scope, pm_dim, pm_grp = (
        _column(p, "scope"),
        _column(pm, "scope"),
        _column(pm, "dim"),
        _column(pm, "grp"),
    )
    own = {
        0: np.zeros(p.num_rows, np.int64),
        1: _column(p, "provider"),
        2: _column(p, "age_band"),
        3: _column(p, "sex"),
        4: _column(p, "substance"),
    }
    masks = 2 * len(PEOPLE_KPIS)
    p_runs = [counting.runs(_column(p, f"m{k}")) for k in range(masks)]
    pm_runs = [counting.runs(_column(pm, f"m{k}")) for k in range(masks)]
    out: list[tuple[np.ndarray, ...]] = []
    # Each dimension's cells: its people of one group (their own row) and its people of several (pm).
    for dim, groups in own.items():
        n = sizes.groups[dim]
        keys = [
            np.where(groups >= 0, p_scope * n + groups, -1),
            np.where(pm_dim == dim, pm_scope * n + pm_grp, -1),
        ]
        cells, (p_cell, pm_cell) = counting.cells(keys, n, 1, sizes.scopes)
        for k in range(masks):
            table = counting.running_counts([(p_runs[k], p_cell), (pm_runs[k], pm_cell)], cells.count)
            period, group, _, value = counting.by_period(table, cells, k % 2, slot_periods)
            out.append((period, np.full(period.size, k // 2), np.full(period.size, dim), group, value))
    by_modality = con.sql("SELECT * FROM modality_src").to_arrow_table()
    n = sizes.groups[5]
    cells, (m_cell,) = counting.cells(
        [_column(by_modality, "scope") * n + _column(by_modality, "grp")], n, 1, sizes.scopes
    )
    for family in (0, 1):
        m_runs = counting.runs(_column(by_modality, f"m{family}"))
        table = counting.running_counts([(m_runs, m_cell)], cells.count)
        period, group, _, value = counting.by_period(table, cells, family, slot_periods)
        out.append((period, np.zeros(period.size, np.int64), np.full(period.size, 5), group, value))
    table = _long(
        out,
        ("period", "kpi", "dim", "grp", "people"),
        (pa.int32(), pa.int64(), pa.int8(), pa.int32(), pa.int64()),
    )
    kpis = pa.array(np.array(PEOPLE_KPIS, dtype=object)[table["kpi"].to_numpy()].tolist(), pa.string())
    return table.set_column(1, "kpi", kpis)


def _count_still_waiting(con: duckdb.DuckDBPyConnection, sizes: _Sizes, slot_periods: np.ndarray) -> pa.Table:
    """Rows still waiting by period, modality and group, from `waits` (still_waiting.sql): each row is
    one run of each family."""
    waits = con.sql("SELECT * FROM waits").to_arrow_table()
    scope, modality = _column(waits, "scope"), _column(waits, "modality")
    runs = [counting.Runs.of(_column(waits, f"from{f}"), _column(waits, f"until{f}")) for f in (0, 1)]
    groups = {
        0: np.zeros(waits.num_rows, np.int64),
        1: _column(waits, "provider"),
        2: _column(waits, "age_band"),
        3: _column(waits, "sex"),
        4: _column(waits, "substance"),
    }
    m = sizes.modalities
    out = []
    for dim, grp in groups.items():
        n = sizes.groups[dim]
        keys = [np.where(grp >= 0, (scope * n + grp) * m + modality, -1)]
        cells, (cell,) = counting.cells(keys, n, m, sizes.scopes)
        for family in (0, 1):
            table = counting.running_counts([(runs[family], cell)], cells.count)
            period, group, sub, value = counting.by_period(table, cells, family, slot_periods)
            out.append((period, np.full(period.size, dim), group, sub, value))
    return _long(
        out,
        ("period", "dim", "grp", "modality", "still_waiting"),
        (pa.int32(), pa.int8(), pa.int32(), pa.int32(), pa.int64()),
    )


class _Decoder:
    """The engine's small ints back into codes: each group by its dimension's list, modalities by theirs,
    dimensions by name; sums (HUGEINT in DuckDB) as int64."""

    def __init__(self, lists: dict[str, list[str]]) -> None:
        self.lists = {
            "provider": lists["provider"],
            "sex": lists["sex"],
            "substance": lists["substance"],
            "age_band": list(AGE_BANDS),
            "modality": lists["modality"],
        }

    def __call__(self, table: pa.Table) -> pa.Table:
        columns = {}
        dims = table["dim"].to_pylist()
        if dims and not isinstance(dims[0], str):
            dims = [DIMENSIONS[d] for d in dims]
        for name in table.column_names:
            column = table[name]
            if name == "dim":
                column = pa.array(dims, pa.string())
            elif name == "grp":
                groups = column.to_pylist()
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


class _Clock:
    def __init__(self, timings: dict[str, float] | None) -> None:
        self.timings, self.last = timings, time.perf_counter()

    def __call__(self, step: str) -> None:
        now = time.perf_counter()
        if self.timings is not None:
            self.timings[step] = self.timings.get(step, 0.0) + now - self.last
        self.last = now


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
