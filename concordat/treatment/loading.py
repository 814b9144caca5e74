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
from typing import IO, Any

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
        _bulk(model, names, lines())


def _bulk(model: type[Model], names: list[str], lines: Iterator[str]) -> None:
    """Lines of tab-separated values (NULL as \\N, each ending in a newline) into the table."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {_table(model)} ({_columns(model, names)}) FROM STDIN") as copy:
                chunk: list[str] = []
                for line in lines:
                    chunk.append(line)
                    if len(chunk) >= _CHUNK:
                        copy.write("".join(chunk))
                        chunk.clear()
                if chunk:
                    copy.write("".join(chunk))
            return
        sql = (
            f"INSERT INTO {_table(model)} ({_columns(model, names)}) VALUES ({', '.join(['?'] * len(names))})"
        )
        # sqlite3's own executemany, under Django's wrapper (which would copy the rows through tee()); a
        # bigger page cache for the random-order inserts into the client-key indexes.
        cursor.execute(f"PRAGMA cache_size = -{_SQLITE_CACHE_KIB}")
        sqlite3.Cursor.executemany(cursor.cursor, sql, _values(lines))


def _values(lines: Iterator[str]) -> Iterator[list[Any]]:
    for line in lines:
        values: list[Any] = line[:-1].split("\t")
        if NULL in line:
            values = [None if value == NULL else value for value in values]
        yield values


def rewind(*files: IO[str]) -> None:
    for spooled in files:
        spooled.seek(0)
