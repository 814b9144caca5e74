"""Writing a checked submission: the provider's rows replaced through the database's own bulk path —
COPY on PostgreSQL, executemany on SQLite — from the spool (checking.py). Called inside the service's
transaction, after every check has passed.

Ids: the new clients and episodes need their ids before they are written (episodes point at clients,
modalities at episodes), so a block of ids is reserved for each, under a lock on the table: on PostgreSQL
the table is locked against other writers and its sequence moved past the block; on SQLite the transaction
already holds the database's only write lock, and the block starts after the highest id ever given
(sqlite_sequence), so an id of a removed row is never given again.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import IO

from django.db import connection
from django.db.models import Model

from .checking import NULL, Spool
from .models import Client, Episode, EpisodeModality

_CHUNK = 20_000  # lines per COPY write
_SQLITE_CACHE_KIB = 128 * 1024


def _table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _columns(model: type[Model], names: list[str]) -> str:
    return ", ".join(connection.ops.quote_name(model._meta.get_field(n).column) for n in names)


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


def delete_provider_rows(*, partnership_id: int, provider_id: int) -> int:
    """Remove every client, episode and modality row of the provider, children first, one statement each
    (no rows read into Python). The number of episodes removed."""
    removed = 0
    with connection.cursor() as cursor:
        for model in (EpisodeModality, Episode, Client):
            cursor.execute(
                f"DELETE FROM {_table(model)} WHERE {_columns(model, ['partnership'])} = %s "
                f"AND {_columns(model, ['provider'])} = %s",
                [partnership_id, provider_id],
            )
            if model is Episode:
                removed = cursor.rowcount
    return removed


def reserve_ids(model: type[Model], count: int) -> int:
    """The first of `count` ids nobody has had or will be given, for rows this transaction writes."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"LOCK TABLE {_table(model)} IN SHARE ROW EXCLUSIVE MODE")
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            sequence = cursor.fetchone()[0]
            cursor.execute("SELECT nextval(%s)", [sequence])
            first = int(cursor.fetchone()[0])
            if count > 1:
                cursor.execute("SELECT setval(%s, %s)", [sequence, first + count - 1])
            return first
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        found = cursor.fetchone()
        cursor.execute(f"SELECT max(id) FROM {_table(model)}")
        highest = cursor.fetchone()[0]
        return max(found[0] if found else 0, highest or 0) + 1


def load_spool(
    *, spool: Spool, partnership_id: int, provider_id: int, submission_id: int, clients: int, episodes: int
) -> None:
    """Write the spooled rows with their final ids."""
    client_base = reserve_ids(Client, clients)
    episode_base = reserve_ids(Episode, episodes)
    if connection.vendor != "postgresql":
        _sqlite(spool, (partnership_id, provider_id, submission_id), client_base, episode_base)
        return
    fixed = f"{partnership_id}\t{provider_id}\t{submission_id}"

    def client_lines() -> Iterator[str]:
        for line in spool.clients:
            index, rest = line.split("\t", 1)
            yield f"{client_base + int(index)}\t{fixed}\t{rest}"

    def episode_lines() -> Iterator[str]:
        for line in spool.episodes:
            index, _row, client, rest = line.split("\t", 3)
            yield f"{episode_base + int(index)}\t{fixed}\t{client_base + int(client)}\t{rest}"

    def modality_lines() -> Iterator[str]:
        for line in spool.modalities:
            episode, rest = line.split("\t", 1)
            yield f"{fixed}\t{episode_base + int(episode)}\t{rest}"

    for model, names, lines in (
        (Client, CLIENT_COLUMNS, client_lines),
        (Episode, EPISODE_COLUMNS, episode_lines),
        (EpisodeModality, MODALITY_COLUMNS, modality_lines),
    ):
        _copy(model, names, lines())


def _copy(model: type[Model], names: list[str], lines: Iterator[str]) -> None:
    """Lines of tab-separated values (NULL as \\N, each ending in a newline) into the table: COPY."""
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {_table(model)} ({_columns(model, names)}) FROM STDIN") as copy,
    ):
        chunk: list[str] = []
        for line in lines:
            chunk.append(line)
            if len(chunk) >= _CHUNK:
                copy.write("".join(chunk))
                chunk.clear()
        if chunk:
            copy.write("".join(chunk))


def _sqlite(spool: Spool, fixed: tuple[int, int, int], client_base: int, episode_base: int) -> None:
    """The spool's lines as they are into SQLite, through sqlite3's own executemany (under Django's
    wrapper, which would copy the rows through tee()): the database adds the id bases to the local indexes
    (text that SQLite's integer affinity reads as a number), turns \\N into NULL and fills the
    submission's three constant columns (integers of ours, written into the statement), so Python only
    splits each line."""
    null = f"'{NULL}'"  # a string literal: SQLite's have no backslash escapes
    the_fixed = ", ".join(str(int(n)) for n in fixed)

    def insert(model: type[Model], names: list[str], values: list[str]) -> str:
        return f"INSERT INTO {_table(model)} ({_columns(model, names)}) VALUES ({', '.join(values)})"

    statements = (
        (
            insert(Client, CLIENT_COLUMNS, [f"? + {client_base}", the_fixed, *["?"] * 6]),
            (line[:-1].split("\t") for line in spool.clients),
        ),
        (
            insert(
                Episode,
                EPISODE_COLUMNS,
                [
                    f"? + {episode_base}",
                    the_fixed,
                    f"? + {client_base}",
                    *["?"] * 7,
                    f"nullif(?, {null})",
                    f"nullif(?, {null})",
                    "?",
                ],
            ),
            (_without_row(line) for line in spool.episodes),
        ),
        (
            insert(
                EpisodeModality,
                MODALITY_COLUMNS,
                [the_fixed, f"? + {episode_base}", "?", "?", f"nullif(?, {null})", f"nullif(?, {null})"],
            ),
            (line[:-1].split("\t") for line in spool.modalities),
        ),
    )
    with connection.cursor() as cursor:
        # A bigger page cache for the random-order inserts into the client-key indexes.
        cursor.execute(f"PRAGMA cache_size = -{_SQLITE_CACHE_KIB}")
        for sql, rows in statements:
            sqlite3.Cursor.executemany(cursor.cursor, sql, rows)


def _without_row(line: str) -> list[str]:
    values = line[:-1].split("\t")
    del values[1]
    return values


def rewind(*files: IO[str]) -> None:
    for spooled in files:
        spooled.seek(0)
