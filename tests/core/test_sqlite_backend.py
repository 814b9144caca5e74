"""In tests a flush empties the partnerships table first, so the pool's append-only triggers let the ledger go
(tests/conftest.py)."""

from __future__ import annotations

import pytest
from django.core.management.color import no_style
from django.db import connection


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL truncates, which fires no row triggers")
@pytest.mark.django_db
@pytest.mark.parametrize("allow_cascade", [False, True])
def test_the_partnerships_table_is_emptied_first_whatever_order_it_is_given(allow_cascade: bool) -> None:
    tables = ["pool_leg", "pool_transaction", "partnerships_partnership", "auth_user"]
    statements = connection.ops.sql_flush(no_style(), tables, allow_cascade=allow_cascade)
    assert statements[0] == 'DELETE FROM "partnerships_partnership";'
    assert {s for s in statements if s.startswith("DELETE")} >= {f'DELETE FROM "{t}";' for t in tables}
