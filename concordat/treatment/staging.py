"""Writing a checked submission into a new generation of the provider's record, which nobody reads until it
is made current (services.record_replace): no long transaction, no table lock.

- **One declaration of the rows written** (`TABLES`): for each table, its columns in the order of the lines
  the check writes (COPY's text format: tab-separated, NULL as \\N). The check builds its lines with each
  table's `line(**by_name)`, made from the declaration; the writer names the same columns to COPY or
  INSERT. Nothing else spells them.
- **Ids** for the new clients and episodes are reserved before the check, in a short transaction of their
  own (`reserve_ids`), as many as the file has lines (never fewer than its rows): episodes point at clients
  and modalities at episodes, so the lines hold their final ids as written. A reserved id is never given
  again, used or not.
- **The writer** (`StagingWriter`) writes the lines on a thread of its own while the check goes on in the
  caller's thread, over the caller's database connection (the caller does no database work until the
  writer has finished, so the connection is never used by two threads at once): through the database's own
  bulk path (COPY on PostgreSQL, sqlite3's executemany on SQLite), a piece of a few thousand rows per
  transaction. On SQLite, where a transaction holds the database's only write lock, it pauses after every
  BURST_S of writing for longer than a waiting writer sleeps between its tries (SQLite's busy handler
  sleeps at most 100 ms), so that a key worker's referral or an access-log entry always gets its turn
  within about BURST_S + PAUSE_S.
- **Removal** of a generation's rows (a rejected or abandoned staging, a superseded record past its
  keeping) goes in chunks, a transaction each (`remove_generation_rows`).
"""

from __future__ import annotations

import queue
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import Model

from concordat.core import clock

from .models import Client, Episode, EpisodeModality, Generation

NULL = "\\N"  # PostgreSQL COPY's text format; read back as NULL on SQLite too
# Each staged row carries these, the same for the whole submission: written as one precomputed piece.
FIXED = ("partnership", "provider", "submission", "generation")


def _line_maker(columns: tuple[str, ...]) -> Callable[..., str]:
    """A function of the table's columns by name that writes one line (an f-string: the check writes a
    million of them)."""
    names = [c for c in columns if c not in FIXED]
    fields = ["{fixed}" if c == "partnership" else "{" + c + "}" for c in columns if c not in FIXED[1:]]
    source = "lambda *, fixed, " + ", ".join(names) + ': f"' + "\\t".join(fields) + '\\n"'
    return eval(source)  # type: ignore[no-any-return]  # built from the declaration below only


@dataclass(frozen=True)
class StagedTable:
    name: str
    model: type[Model]
    columns: tuple[str, ...]  # model field names, in the lines' order
    nullable: frozenset[str]

    @property
    def line(self) -> Callable[..., str]:
        return _LINES[self.name]


TABLES = (
    StagedTable(
        "clients",
        Client,
        ("id", *FIXED, "client_ref", "client_key", "initials", "date_of_birth", "sex", "la_of_residence"),
        frozenset(),
    ),
    StagedTable(
        "episodes",
        Episode,
        (
            "id",
            *FIXED,
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
        ),
        frozenset({"triage_date", "discharge_date"}),
    ),
    StagedTable(
        "modalities",
        EpisodeModality,
        (*FIXED, "episode", "modality", "referral_date", "start_date", "end_date"),
        frozenset({"start_date", "end_date"}),
    ),
)
_LINES = {table.name: _line_maker(table.columns) for table in TABLES}
CLIENTS, EPISODES, MODALITIES = TABLES
client_line, episode_line, modality_line = CLIENTS.line, EPISODES.line, MODALITIES.line


def fixed_part(*, partnership: int, provider: int, submission: int, generation: int) -> str:
    """The lines' leading columns (FIXED), tab-separated."""
    return f"{partnership}\t{provider}\t{submission}\t{generation}"


def _table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _column_list(model: type[Model], names: tuple[str, ...]) -> str:
    return ", ".join(connection.ops.quote_name(model._meta.get_field(n).column) for n in names)


def reserve_ids(model: type[Model], count: int) -> int:
    """Reserve `count` ids of the table that nobody else will be given, in a short transaction of its own,
    and return the first: PostgreSQL's sequence moved past them (the table locked for the two statements,
    so no insert takes a value in between); SQLite's AUTOINCREMENT counter likewise (its write lock held
    for the two statements), so even an id never used is never given later."""
    count = max(count, 1)
    table = model._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"LOCK TABLE {_table(model)} IN SHARE ROW EXCLUSIVE MODE")
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [table])
            first = int(cursor.fetchone()[0])
            cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [table, first + count - 1])
            return first
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        found = cursor.fetchone()
        cursor.execute(f"SELECT max(id) FROM {_table(model)}")
        first = max(found[0] if found else 0, cursor.fetchone()[0] or 0) + 1
        if found:
            cursor.execute("UPDATE sqlite_sequence SET seq = %s WHERE name = %s", [first + count - 1, table])
        else:
            cursor.execute(
                "INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, first + count - 1]
            )
        return first


def write_lines(table: StagedTable, lines: list[str]) -> None:
    """Lines of one table through the database's bulk path, in the caller's transaction."""
    if not lines:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sql = f"COPY {_table(table.model)} ({_column_list(table.model, table.columns)}) FROM STDIN"
            with cursor.cursor.copy(sql) as copy:
                copy.write("".join(lines))
            return
        null = f"'{NULL}'"  # a string literal: SQLite's have no backslash escapes
        values = ", ".join(f"nullif(?, {null})" if c in table.nullable else "?" for c in table.columns)
        sql = f"INSERT INTO {_table(table.model)} ({_column_list(table.model, table.columns)}) VALUES ({values})"
        # sqlite3's own executemany, under Django's wrapper (which would copy the rows through tee()):
        # Python only splits each line; SQLite's column affinity reads the numbers.
        sqlite3.Cursor.executemany(cursor.cursor, sql, (line[:-1].split("\t") for line in lines))


Pieces = tuple[list[str], list[str], list[str]]  # lines of clients, episodes, modalities


class WriterFailed(RuntimeError):
    """The writer thread stopped with an error; the original is its __cause__."""


# SQLite's busy handler (sqlite3_busy_timeout) retries after 1, 2, 5, … and then every 100 ms: a pause
# longer than that is sure to let a waiting writer in; a pause after each short piece would cost the import
# its speed, so the writer pauses after each BURST_S of writing instead.
BURST_S = 0.25
PAUSE_S = 0.11


class StagingWriter:
    """Writes pieces of lines on a thread of its own over the caller's connection; `put(pieces, checked)`
    hands one over (blocking while a few are waiting: the check never runs far ahead), `finish()` waits for
    the rest. `progress(checked)` is called on the thread after each piece (it may use the database).
    `pause` is the pause after each BURST_S of writing (by default PAUSE_S on SQLite, none on
    PostgreSQL, where rows written under another generation block no one)."""

    _STOP = object()

    def __init__(self, progress: Callable[[int], None] | None = None, *, pause: float | None = None) -> None:
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=4)
        self._connection = connections[DEFAULT_DB_ALIAS]
        self._progress = progress
        self._error: BaseException | None = None
        # SQLite's one write lock: a pause after each committed piece lets a waiting writer in. Inside an
        # outer transaction (the tests') nothing is committed between pieces, so nobody could get in.
        if pause is None:
            pause = PAUSE_S if self._connection.vendor == "sqlite" else 0.0
        self._pause = 0.0 if self._connection.in_atomic_block else pause
        self._thread = threading.Thread(target=self._run, name="staging-writer", daemon=True)
        self.pieces = 0

    def __enter__(self) -> StagingWriter:
        self._connection.inc_thread_sharing()
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, *rest: Any) -> None:
        if kind is not None:  # the check failed: stop writing, and say so if the writer failed too
            self._error = self._error or RuntimeError("stopped")
        self.finish(raise_error=kind is None)

    def put(self, pieces: Pieces, checked: int) -> None:
        if self._error is not None:
            raise WriterFailed("the staging writer stopped") from self._error
        self._queue.put((pieces, checked))

    def call(self, work: Callable[[], None]) -> None:
        """Run `work` on the writer's thread, in turn with the pieces (it may use the database)."""
        if self._error is not None:
            raise WriterFailed("the staging writer stopped") from self._error
        self._queue.put(work)

    def finish(self, *, raise_error: bool = True) -> None:
        if self._thread.is_alive():
            self._queue.put(self._STOP)
            self._thread.join()
            self._connection.dec_thread_sharing()
        if raise_error and self._error is not None:
            raise WriterFailed("the staging writer stopped") from self._error

    def _run(self) -> None:
        connections[DEFAULT_DB_ALIAS] = self._connection
        writing = 0.0  # seconds written since the last pause
        try:
            while (item := self._queue.get()) is not self._STOP:
                if self._error is not None:
                    continue  # drain: the check is stopping
                if callable(item):
                    item()
                    continue
                pieces, checked = item
                began = time.perf_counter()
                with transaction.atomic():
                    for table, lines in zip(TABLES, pieces, strict=True):
                        write_lines(table, lines)
                    if self._progress is not None:
                        self._progress(checked)
                self.pieces += 1
                writing += time.perf_counter() - began
                if self._pause and writing >= BURST_S:
                    time.sleep(self._pause)
                    writing = 0.0
        except BaseException as error:
            self._error = error
            while self._queue.get() is not self._STOP:
                pass
        finally:
            del connections[DEFAULT_DB_ALIAS]


# Rows removed per transaction: a short lock each, so readers and writers of other generations go on.
REMOVE_CHUNK = 20_000


def remove_generation_rows(generation: Generation) -> int:
    """Delete every row of a generation that is not current, children first, in chunks of a transaction
    each; then mark it removed. Returns the rows deleted."""
    assert not generation.current, "the current generation is the record: it is never removed"
    removed = 0
    for model in (EpisodeModality, Episode, Client):
        table = _table(model)
        column = connection.ops.quote_name(model._meta.get_field("generation").column)
        while True:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    f"DELETE FROM {table} WHERE id IN "
                    f"(SELECT id FROM {table} WHERE {column} = %s LIMIT {REMOVE_CHUNK})",
                    [generation.pk],
                )
                deleted = cursor.rowcount
            removed += deleted
            if deleted < REMOVE_CHUNK:
                break
    Generation.objects.filter(pk=generation.pk).update(removed_at=clock.now())
    return removed
