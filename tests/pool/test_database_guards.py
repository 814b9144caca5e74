"""What the database itself refuses, and what `concordat pool verify` finds when someone gets past it."""

from __future__ import annotations

import copy
import io
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction
from django.db.models.deletion import ProtectedError

from concordat.pool.models import Account, Leg, Transaction
from concordat.pool.verify import verify
from tests.factories import agreement_document, load_partnership

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger(post: Any) -> list[Transaction]:
    return [
        post("contribution", "C-1", "2003-04-15", "1000.00", stream="NTA-PTB"),
        post("payment", "P-1", "2003-05-01", "200.00", contract="CDT", purpose="treatment"),
        post("payment", "P-2", "2003-05-02", "300.00", contract="CDT", purpose="treatment"),
    ]


def test_a_partnership_with_a_ledger_is_not_deleted(partnership: Any, ledger: Any) -> None:
    with pytest.raises(ProtectedError):
        partnership.delete()
    assert Transaction.objects.count() == 3


@pytest.mark.skipif(connection.vendor != "postgresql", reason="deferred constraint triggers are PostgreSQL's")
def test_an_unbalanced_transaction_cannot_commit_on_postgresql(partnership: Any, ledger: Any) -> None:
    cash = Account.objects.get(partnership=partnership, code="cash")
    with pytest.raises(IntegrityError, match="does not balance"), transaction.atomic():
        t = Transaction.objects.create(
            partnership=partnership,
            sequence=4,
            ref="BAD",
            date=ledger[0].date,
            year=2003,
            quarter=1,
            kind="payment",
            amount_pence=1,
            posted_by="x",
            posted_at=ledger[0].posted_at,
            previous_hash=ledger[-1].hash,
            hash="0" * 64,
        )
        Leg.objects.create(transaction=t, partnership=partnership, account=cash, amount_pence=1)
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # what COMMIT would do


def _tamper(sql: str, params: list[Any]) -> None:
    """Get past the triggers the way only a database administrator could: drop them, change a row."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER pool_transaction_no_update")
            cursor.execute("DROP TRIGGER pool_leg_no_update")
        else:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # ALTER TABLE waits for no pending checks
            cursor.execute("ALTER TABLE pool_transaction DISABLE TRIGGER pool_transaction_append_only")
            cursor.execute("ALTER TABLE pool_leg DISABLE TRIGGER pool_leg_append_only")
        cursor.execute(sql, params)


def test_verify_passes_a_whole_ledger(partnership: Any, ledger: Any) -> None:
    out = io.StringIO()
    call_command("pool", "verify", "--partnership", partnership.slug, stdout=out)
    assert "3 transactions" in out.getvalue()


def test_verify_names_the_first_changed_transaction(partnership: Any, ledger: Any) -> None:
    _tamper("UPDATE pool_transaction SET description = 'changed' WHERE id = %s", [ledger[1].pk])
    _checked, failure = verify(partnership)
    assert failure is not None and (failure.ref, failure.code) == ("P-1", "hash-mismatch")
    with pytest.raises(CommandError) as broken:
        call_command("pool", "verify", "--partnership", partnership.slug, stdout=io.StringIO())
    assert broken.value.returncode == 1 and "P-1" in str(broken.value)


def test_verify_finds_an_unbalanced_transaction(partnership: Any, ledger: Any) -> None:
    _tamper("UPDATE pool_leg SET amount_pence = amount_pence + 1 WHERE id = %s", [ledger[2].legs.first().pk])
    _checked, failure = verify(partnership)
    assert failure is not None and (failure.ref, failure.code) == ("P-2", "unbalanced")


def test_verify_finds_a_broken_sequence(partnership: Any, ledger: Any) -> None:
    _tamper("UPDATE pool_transaction SET sequence = 9 WHERE id = %s", [ledger[2].pk])
    _checked, failure = verify(partnership)
    assert failure is not None and failure.code == "sequence-gap"


def test_verify_finds_spend_beyond_a_fence_whose_streams_plan_nothing_that_year(post: Any) -> None:
    # Spend posted while NTA-PTB was not ring-fenced, then the agreement fences it to treatment: in
    # 2004-05, when only £100,000 of other money is planned, the £150,000 of harm reduction breaks it.
    document = agreement_document()
    document["contributions"].append(
        {"stream": "MAINSTREAM-HEALTH", "year": "2004-05", "amount": "100000.00"}
    )
    fenced = copy.deepcopy(document)
    del document["funding_streams"][0]["ring_fenced"]
    partnership = load_partnership(document)
    post("payment", "P-1", "2004-05-01", "150000.00", contract="DIV", purpose="harm-reduction")
    assert verify(partnership) == (1, None)
    load_partnership(fenced)
    _checked, failure = verify(partnership)
    assert failure is not None and failure.code == "ring-fence"
    assert "treatment in 2004-05 is £150,000.00" in failure.message and "£100,000.00" in failure.message
