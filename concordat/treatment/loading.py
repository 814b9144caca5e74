"""Writing a checked submission: the spool's lines (checking.py) into the provider's tables through the
database's own bulk path — COPY on PostgreSQL, sqlite3's executemany on SQLite — as they are checked,
inside the service's transaction (a later error rolls them back).

Ids: the new clients and episodes need their ids before they are checked (episodes point at clients,
modalities at episodes, and the spool holds the rows as written), so the tables are locked against other
writers for the transaction and the ids are taken from the first free one on: on PostgreSQL the tables are
locked and their sequences moved past the rows written at the end (`claim_ids`); on SQLite the transaction
already holds the database's only write lock, and the ids start after the highest ever given
(sqlite_sequence, which SQLite moves itself as rows are written), so an id of a removed row is never given
again.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator

from django.db import connection
from django.db.models import Model

from .checking import NULL, Spool
from .models import Client, Episode, EpisodeModality

_PIECE = 4 << 20  # bytes of the spool read at a time
_SQLITE_CACHE_KIB = 128 * 1024


def _table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _columns(model: type[Model], names: list[str]) -> str:
    return ", ".join(connection.ops.quote_name(model._meta.get_field(n).column) for n in names)


# The spool's columns, in its order (checking.Spool).
CLIENT_COLUMNS = [
    "id",
    "partnership",
    "provider",
    "submission",
    "client_ref",
    "client_key",
    "initials",
    "date_of_birth",
    "sex",
    "la_of_residence",
]
EPISODE_COLUMNS = [
    "id",
    "partnership",
    "provider",
    "submission",
    "client",
    "episode_ref",
    "client_key",
    "sex",
    "age_at_referral",
    "referral_date",
    "referral_source",
    "primary_substance",
    "triage_date",
    "discharge_date",
    "discharge_reason",
]
MODALITY_COLUMNS = [
    "partnership",
    "provider",
    "submission",
    "episode",
    "modality",
    "referral_date",
    "start_date",
    "end_date",
]


def delete_provider_rows(*, partnership_id: int, provider_id: int) -> None:
    """Remove every client, episode and modality row of the provider, children first, one statement each
    (no rows read into Python)."""
    with connection.cursor() as cursor:
        for model in (EpisodeModality, Episode, Client):
            cursor.execute(
                f"DELETE FROM {_table(model)} WHERE {_columns(model, ['partnership'])} = %s "
                f"AND {_columns(model, ['provider'])} = %s",
                [partnership_id, provider_id],
            )


def first_id(model: type[Model]) -> int:
    """The first id nobody has had or will be given while this transaction lasts: the table is locked
    against other writers until it ends (PostgreSQL; SQLite's transaction already holds the only write
    lock)."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"LOCK TABLE {_table(model)} IN SHARE ROW EXCLUSIVE MODE")
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [table])
            return int(cursor.fetchone()[0])
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        found = cursor.fetchone()
        cursor.execute(f"SELECT max(id) FROM {_table(model)}")
        highest = cursor.fetchone()[0]
        return max(found[0] if found else 0, highest or 0) + 1


def claim_ids(model: type[Model], first: int, count: int) -> None:
    """Move PostgreSQL's sequence past the `count` ids from `first` that the rows written have taken."""
    if connection.vendor == "postgresql" and count > 1:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)",
                [model._meta.db_table, first + count - 1],
            )


class SpoolLoader:
    """Writes what the spool holds beyond what it has written already, table by table: `load_to(sizes)`
    with the spool's byte sizes (Spool.sizes), as often as more is ready. It reads the spool's files
    through descriptors of its own, at offsets, so it never disturbs whoever is writing them."""

    def __init__(self, spool: Spool) -> None:
        self._files = [os.open(spool.path(name), os.O_RDONLY) for name in Spool.TABLES]
        self._done = [0, 0, 0]
        self._sqlite = connection.vendor != "postgresql"
        if self._sqlite:
            with connection.cursor() as cursor:
                # A bigger page cache for the random-order inserts into the client-key indexes.
                cursor.execute(f"PRAGMA cache_size = -{_SQLITE_CACHE_KIB}")

    def load_to(self, sizes: tuple[int, int, int]) -> None:
        for i, (model, names) in enumerate(_TABLES):
            if sizes[i] > self._done[i]:
                pieces = self._pieces(i, sizes[i])
                if self._sqlite:
                    _insert(model, names, pieces)
                else:
                    _copy(model, names, pieces)

    def load_rest(self) -> None:
        """Write everything the spool holds: its writer has finished."""
        self.load_to(tuple(os.fstat(fd).st_size for fd in self._files))  # type: ignore[arg-type]

    def _pieces(self, i: int, end: int) -> Iterator[bytes]:
        """The bytes of file i from where the last load stopped to `end`, a few MiB at a time, each ending
        at the end of a line."""
        while self._done[i] < end:
            data = os.pread(self._files[i], min(_PIECE, end - self._done[i]), self._done[i])
            if not data:
                raise RuntimeError(f"the spool's {Spool.TABLES[i]} end before the size told")
            if self._done[i] + len(data) < end:
                data = data[: data.rindex(b"\n") + 1]
            self._done[i] += len(data)
            yield data

    def close(self) -> None:
        for fd in self._files:
            os.close(fd)


_TABLES = (
    (Client, CLIENT_COLUMNS),
    (Episode, EPISODE_COLUMNS),
    (EpisodeModality, MODALITY_COLUMNS),
)
# The columns that may be NULL (\N in the spool), as SQLite must be told.
_NULLABLE = {"triage_date", "discharge_date", "start_date", "end_date"}


def _copy(model: type[Model], names: list[str], pieces: Iterator[bytes]) -> None:
    """Lines of tab-separated values (NULL as \\N) into the table: one COPY."""
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {_table(model)} ({_columns(model, names)}) FROM STDIN") as copy,
    ):
        for piece in pieces:
            copy.write(piece)


def _insert(model: type[Model], names: list[str], pieces: Iterator[bytes]) -> None:
    """The same lines into SQLite through sqlite3's own executemany (under Django's wrapper, which would
    copy the rows through tee()): Python only splits each line; SQLite's column affinity reads the
    numbers, and `nullif` turns \\N into NULL."""
    null = f"'{NULL}'"  # a string literal: SQLite's have no backslash escapes
    values = ", ".join(f"nullif(?, {null})" if name in _NULLABLE else "?" for name in names)
    sql = f"INSERT INTO {_table(model)} ({_columns(model, names)}) VALUES ({values})"
    with connection.cursor() as cursor:
        for piece in pieces:
            sqlite3.Cursor.executemany(
                cursor.cursor, sql, (line.split("\t") for line in piece.decode().split("\n")[:-1])
            )
