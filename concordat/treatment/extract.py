"""The treatment record as Arrow, for the KPI engine: typed, versioned, pseudonymous only.

One row per modality row of an episode; an episode with no modality once, its modality columns null. No
identifying column is read (no client_ref, initials, date of birth or local authority): a person is their
`client_key`. Columns (`SCHEMA`): `partnership` is the partnership's id (int32; `partnerships_table()`
gives the small table of ids and slugs, and the Parquet extract writes it beside the data), `provider` its
provider's code.

How it reads (measured in docs/kpi-engine.md, "The extract"): through Django's own connection, so it sees
the caller's transaction (a test's, an import's) and needs no second set of credentials. On PostgreSQL a
`COPY (SELECT …) TO STDOUT` streams the rows as CSV into pyarrow's CSV reader; on SQLite the query itself
joins each batch of rows into one text (`group_concat`) that pyarrow parses. Either way no Python object is
made per row: batches of Arrow columns are.

Every SQL text of the extract is in this module, and "the rows of a partnership" is said once, in
`_rows_of_partnerships`: the one place a filter on the record's current generation goes.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from django.db import connection

from concordat.partnerships.models import Partnership, Provider

from .models import Episode, EpisodeModality, Generation

# Bumped when the columns or their meaning change: cached results and Parquet extracts carry it.
EXTRACT_VERSION = 1

SCHEMA = pa.schema(
    [
        ("partnership", pa.int32()),
        ("provider", pa.string()),
        ("episode_id", pa.int64()),
        ("client_key", pa.string()),
        ("sex", pa.string()),
        ("age_at_referral", pa.int16()),
        ("referral_date", pa.date32()),
        ("referral_source", pa.string()),
        ("primary_substance", pa.string()),
        ("triage_date", pa.date32()),
        ("discharge_date", pa.date32()),
        ("discharge_reason", pa.string()),
        ("modality", pa.string()),
        ("modality_referral_date", pa.date32()),
        ("modality_start_date", pa.date32()),
        ("modality_end_date", pa.date32()),
    ],
    metadata={"extract_version": str(EXTRACT_VERSION)},
)
COLUMNS = tuple(SCHEMA.names)
# Codes, ISO dates and hex keys never hold it (provider codes are [A-Za-z0-9_-]).
_SEPARATOR = "\x1f"
_TYPES = {"provider_id": pa.int64()}
_BATCH_EPISODES = 25_000


def _rows_of_partnerships(alias: str, ids: Sequence[int], *, by_id_range: bool = False) -> str:
    """THE rows of the partnerships asked for, for one table of the record (`alias` is Episode's or
    EpisodeModality's alias). Every query of the extract filters each of its record tables through this.
    When the record keeps several generations of a provider's rows, the current-generation condition is
    added here, once. `by_id_range`: the query also reads a range of episode ids, and SQLite should find
    the rows by that range's index (a unary plus keeps it off the partnership's index, which would read
    every row of the partnership for each batch)."""
    listed = ", ".join(str(int(i)) for i in ids)  # ints only: nothing from outside reaches the text
    column = f"{'+' if by_id_range else ''}{alias}.partnership_id"
    # The record is each provider's current generation (models.Generation): named by id, a few per
    # partnership, so each is an index range of its own.
    generations = ", ".join(
        str(int(g))
        for g in Generation.objects.filter(partnership_id__in=list(ids), current=True).values_list(
            "id", flat=True
        )
    )
    current = f"{alias}.generation_id IN ({generations})" if generations else "1 = 0"
    return f"{column} IN ({listed}) AND {current}"


_EPISODE_FIELDS = (
    "e.partnership_id", "e.provider_id", "e.id", "e.client_key", "e.sex", "e.age_at_referral", "e.referral_date",
    "e.referral_source", "e.primary_substance", "e.triage_date", "e.discharge_date", "e.discharge_reason",
)  # fmt: skip
_MODALITY_FIELDS = ("m.episode_id", "m.modality", "m.referral_date", "m.start_date", "m.end_date")
EPISODE_COLUMNS = COLUMNS[:12]
_EPISODE_TEXT_COLUMNS = ("partnership", "provider_id", *COLUMNS[2:12])
MODALITY_COLUMNS = ("episode_id", *COLUMNS[12:])


def _episodes_by_range(ids: Sequence[int]) -> str:
    where = _rows_of_partnerships("e", ids, by_id_range=True)
    return f"{Episode._meta.db_table} e WHERE {where} AND e.id BETWEEN %s AND %s"


def _modalities_by_range(ids: Sequence[int]) -> str:
    where = _rows_of_partnerships("m", ids, by_id_range=True)
    return f"{EpisodeModality._meta.db_table} m WHERE {where} AND m.episode_id BETWEEN %s AND %s"


def _select(ids: Sequence[int]) -> str:
    """The extract as one SELECT: episodes with their modalities and their provider's code."""
    e, m, p = Episode._meta.db_table, EpisodeModality._meta.db_table, Provider._meta.db_table
    return (
        f"SELECT e.partnership_id, pr.code, {', '.join(_EPISODE_FIELDS[2:11])}, NULLIF(e.discharge_reason, ''), "
        f"{', '.join(_MODALITY_FIELDS[1:])} "
        f"FROM {e} e JOIN {p} pr ON pr.id = e.provider_id "
        f"LEFT JOIN {m} m ON m.episode_id = e.id AND {_rows_of_partnerships('m', ids)} "
        f"WHERE {_rows_of_partnerships('e', ids)}"
    )


def _convert(columns: Sequence[str]) -> pacsv.ConvertOptions:
    return pacsv.ConvertOptions(
        column_types={name: _TYPES.get(name) or SCHEMA.field(name).type for name in columns},
        null_values=[""],
        strings_can_be_null=True,
        quoted_strings_can_be_null=False,
    )


def _parse(text: str | None, columns: Sequence[str]) -> pa.Table:
    if not text:
        types = _convert(columns).column_types
        return pa.table({name: pa.array([], types[name]) for name in columns})
    return pacsv.read_csv(
        io.BytesIO(text.encode()),
        read_options=pacsv.ReadOptions(column_names=list(columns), block_size=1 << 24),
        parse_options=pacsv.ParseOptions(delimiter=_SEPARATOR, quote_char=False),
        convert_options=_convert(columns),
    )


def _sqlite_batches(ids: Sequence[int]) -> Iterator[pa.RecordBatch]:
    # SQLite has no COPY: each query writes a batch of rows as one text, a line a row, which pyarrow
    # parses in C. Episodes and modalities are read apart (an episode's values once, not once per
    # modality: a third fewer bytes for SQLite to write) and joined in Arrow. Batches are ranges of
    # episode ids, the primary key of one and an index of the other.
    def text_of(fields: Sequence[str], source: str) -> str:
        line = f" || '{_SEPARATOR}' || ".join(f"IFNULL({f}, '')" for f in fields)
        return f"SELECT group_concat({line}, char(10)) FROM {source}"

    episodes = text_of(_EPISODE_FIELDS, _episodes_by_range(ids))
    modalities = text_of(_MODALITY_FIELDS, _modalities_by_range(ids))
    # Providers by id, made codes in Arrow: a join per row costs SQLite more than the lookup costs here.
    providers = dict(Provider.objects.filter(partnership_id__in=list(ids)).values_list("id", "code"))
    provider_ids = pa.array(list(providers), pa.int64())
    provider_codes = pa.array(list(providers.values()), pa.string())
    e = Episode._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MIN(id), MAX(id) FROM {e} e WHERE {_rows_of_partnerships('e', ids)}")
        low, high = cursor.fetchone()
        if low is None:
            return
        for start in range(low, high + 1, _BATCH_EPISODES):
            bounds = [start, start + _BATCH_EPISODES - 1]
            cursor.execute(episodes, bounds)
            left = _parse(cursor.fetchone()[0], _EPISODE_TEXT_COLUMNS)
            if not left.num_rows:
                continue
            codes = provider_codes.take(pc.index_in(left["provider_id"], value_set=provider_ids))
            left = left.drop_columns(["provider_id"]).add_column(1, "provider", codes)
            cursor.execute(modalities, bounds)
            right = _parse(cursor.fetchone()[0], MODALITY_COLUMNS)
            joined = left.join(right, "episode_id", join_type="left outer")
            yield from joined.select(list(COLUMNS)).to_batches()


class _Chunks(io.RawIOBase):
    """A readable stream over COPY's chunks, for pyarrow's streaming CSV reader."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._rest = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        while not self._rest:
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._rest = bytes(chunk)
        size = min(len(buffer), len(self._rest))
        buffer[:size] = self._rest[:size]
        self._rest = self._rest[size:]
        return size


def _postgresql_batches(ids: Sequence[int]) -> Iterator[pa.RecordBatch]:
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg's own cursor: COPY
        with raw.copy(f"COPY ({_select(ids)}) TO STDOUT (FORMAT csv)") as copy:
            stream = io.BufferedReader(_Chunks(iter(copy)), buffer_size=1 << 20)
            if not stream.peek(1):  # no rows: pyarrow's reader refuses an empty text
                return
            reader = pacsv.open_csv(
                stream,
                read_options=pacsv.ReadOptions(column_names=list(COLUMNS), block_size=1 << 22),
                parse_options=pacsv.ParseOptions(delimiter=","),
                convert_options=_convert(COLUMNS),
            )
            yield from reader


def extract_batches(partnership_ids: Sequence[int]) -> Iterator[pa.RecordBatch]:
    """The extract of the partnerships as Arrow record batches of `SCHEMA` (in no particular order)."""
    if not partnership_ids:
        return
    batches = _postgresql_batches if connection.vendor == "postgresql" else _sqlite_batches
    for batch in batches(partnership_ids):
        yield batch.cast(SCHEMA) if batch.schema != SCHEMA else batch


@dataclass(frozen=True)
class Extract:
    """The rows of some partnerships and the record version each was read at."""

    table: pa.Table
    versions: dict[int, str]


def extract(partnership_ids: Sequence[int]) -> Extract:
    """The partnerships' rows as one Arrow table, with each partnership's record version (read first, in
    the same transaction as the rows when the caller holds one)."""
    from .selectors import record_version

    versions = {pid: record_version(pid) for pid in partnership_ids}
    table = pa.Table.from_batches(list(extract_batches(partnership_ids)), schema=SCHEMA)
    return Extract(table=table, versions=versions)


def partnerships_table(partnership_ids: Sequence[int] | None = None) -> pa.Table:
    """The small table the extract's `partnership` ids refer to: id, slug, record_version."""
    from .selectors import record_version

    rows = Partnership.objects.order_by("slug").values_list("id", "slug")
    if partnership_ids is not None:
        rows = rows.filter(id__in=list(partnership_ids))
    ids, slugs = zip(*rows, strict=True) if rows else ((), ())
    return pa.table(
        {
            "id": pa.array(ids, pa.int32()),
            "slug": pa.array(slugs, pa.string()),
            "record_version": pa.array([record_version(i) for i in ids], pa.string()),
        }
    )


def extract_to_parquet(root: str | Path, partnership_ids: Sequence[int]) -> list[Path]:
    """The extract as Parquet partitioned by partnership (`root/partnership=<id>/part-0.parquet`, Hive
    style, which DuckDB, Spark, Trino and BigQuery read as a table), plus `root/partnerships.parquet` (id,
    slug, record_version, extract_version). A partnership's folder is rewritten whole. Returns the files."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    written = []
    for pid in partnership_ids:
        folder = root / f"partnership={int(pid)}"
        folder.mkdir(exist_ok=True)
        for old in folder.glob("*.parquet"):
            old.unlink()
        path = folder / "part-0.parquet"
        with pq.ParquetWriter(path, SCHEMA.remove(0), compression="zstd") as writer:
            for batch in extract_batches([pid]):
                writer.write_batch(batch.drop_columns(["partnership"]))
        written.append(path)
    table = partnerships_table(partnership_ids)
    table = table.append_column("extract_version", pa.array([EXTRACT_VERSION] * len(table), pa.int32()))
    pq.write_table(table, root / "partnerships.parquet")
    written.append(root / "partnerships.parquet")
    return written
