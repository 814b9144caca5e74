"""Django's SQLite backend, with one change: a flush (tests' teardown, `concordat flush`) empties the
partnerships table before the others.

The pool's ledger is append-only in the database itself: its SQLite triggers refuse to delete a posted
row while its partnership exists (pool/migrations/0002). Django's flush deletes table by table in an order
taken from a set, which varies between runs, so a flush failed whenever the ledger's tables came first.
PostgreSQL truncates, which fires no row triggers, and needs no change.
"""

from __future__ import annotations

from itertools import chain
from typing import Any

from django.db.backends.sqlite3 import base, operations

FIRST = "partnerships_partnership"


class DatabaseOperations(operations.DatabaseOperations):
    def sql_flush(
        self, style: Any, tables: Any, *, reset_sequences: bool = False, allow_cascade: bool = False
    ) -> Any:
        if tables and allow_cascade:  # Django's own way to find the tables that refer to these, as a set
            tables = set(chain.from_iterable(self._references_graph(table) for table in tables))
        ordered = sorted(tables, key=lambda table: (table != FIRST, table))
        return super().sql_flush(style, ordered, reset_sequences=reset_sequences, allow_cascade=False)


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
