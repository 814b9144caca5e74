"""`concordat pool verify`: the ledger's invariants proved again from the rows as stored, by SQL of its
own, not by the code that posted them (Beancount's separate validation pass): every transaction's legs sum
to zero and there are at least two; the sequence runs 1, 2, 3 … without a gap; each previous_hash is the
hash before it and each hash is the SHA-256 of the row's content (rules/chain.py); no transaction is
reversed twice; every year's spend keeps to the ring fences. Returns the first problem found, in posting
order, or None."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime

from django.db import connection
from django.utils.dateparse import parse_date, parse_datetime

from concordat.core.years import FinancialYear
from concordat.partnerships.models import Partnership

from .rules.chain import GENESIS, canonical, link
from .rules.postings import ring_fence_breach


@dataclass(frozen=True)
class Failure:
    sequence: int | None
    ref: str
    code: str
    message: str

    def __str__(self) -> str:
        where = f"transaction {self.sequence} ({self.ref})" if self.sequence is not None else "the ledger"
        return f"{where}: {self.message} [{self.code}]"


def _rows(sql: str, params: list[object]) -> list[tuple[object, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def _day(value: object) -> date:
    return value if isinstance(value, date) else parse_date(str(value))  # type: ignore[return-value]


def _moment(value: object) -> datetime:
    moment = value if isinstance(value, datetime) else parse_datetime(str(value))
    assert moment is not None
    if moment.tzinfo is None:  # SQLite's driver returns naive datetimes, stored in UTC
        moment = moment.replace(tzinfo=UTC)
    return moment


def verify(partnership: Partnership) -> tuple[int, Failure | None]:
    """(transactions checked, the first failure or None)."""
    pid = partnership.pk
    unbalanced = {
        row[0]: (int(row[1] or 0), int(row[2]))
        for row in _rows(
            """SELECT t.id, SUM(l.amount_pence), COUNT(l.id) FROM pool_transaction t
               LEFT JOIN pool_leg l ON l.transaction_id = t.id
               WHERE t.partnership_id = %s GROUP BY t.id
               HAVING COUNT(l.id) < 2 OR SUM(l.amount_pence) <> 0""",
            [pid],
        )
    }
    foreign = {
        row[0]
        for row in _rows(
            """SELECT l.transaction_id FROM pool_leg l JOIN pool_account a ON a.id = l.account_id
               JOIN pool_transaction t ON t.id = l.transaction_id
               WHERE t.partnership_id = %s AND (a.partnership_id <> %s OR l.partnership_id <> %s)""",
            [pid, pid, pid],
        )
    }
    legs: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for transaction_id, code, pence in _rows(
        """SELECT l.transaction_id, a.code, l.amount_pence FROM pool_leg l
           JOIN pool_account a ON a.id = l.account_id WHERE l.partnership_id = %s""",
        [pid],
    ):
        legs[int(transaction_id)].append((str(code), int(pence)))  # type: ignore[call-overload]
    rows = _rows(
        """SELECT t.id, t.sequence, t.ref, t.date, t.kind, t.description, t.stream, t.contract, t.purpose,
                  t.scheme, t.partner, t.amount_pence, COALESCE(r.ref, ''), t.posted_by, t.posted_at,
                  t.previous_hash, t.hash, t.year, COALESCE(r.kind, '')
           FROM pool_transaction t LEFT JOIN pool_transaction r ON r.id = t.reverses_id
           WHERE t.partnership_id = %s ORDER BY t.sequence""",
        [pid],
    )
    previous = GENESIS
    reversed_once: set[str] = set()
    amounts: dict[str, int] = {}
    spend: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for expected, row in enumerate(rows, start=1):
        (tid, sequence, ref, day, kind, description, stream, contract, purpose, scheme, partner, amount,
         reverses, posted_by, posted_at, previous_hash, digest, year, reversed_kind) = row  # fmt: skip
        sequence, ref = int(sequence), str(ref)  # type: ignore[call-overload]

        def fail(code: str, message: str) -> tuple[int, Failure]:
            return expected - 1, Failure(sequence, ref, code, message)  # noqa: B023

        if sequence != expected:
            return fail("sequence-gap", f"the sequence number should be {expected}")
        if tid in unbalanced:
            total, count = unbalanced[tid]
            return fail(
                "unbalanced", f"{count} legs summing to {total} pence, not two or more summing to zero"
            )
        if tid in foreign:
            return fail("foreign-account", "a leg is on another partnership's account")
        if previous_hash != previous:
            return fail("chain-broken", "its previous_hash is not the hash of the transaction before it")
        content = canonical(
            partnership=partnership.slug,
            sequence=sequence,
            ref=ref,
            day=_day(day),
            kind=str(kind),
            description=str(description),
            stream=str(stream),
            contract=str(contract),
            purpose=str(purpose),
            scheme=str(scheme),
            partner=str(partner),
            amount_pence=int(amount),  # type: ignore[call-overload]
            reverses=str(reverses),
            posted_by=str(posted_by),
            posted_at=_moment(posted_at),
            legs=legs.get(int(tid), []),  # type: ignore[call-overload]
        )
        if link(previous, content) != digest:
            return fail("hash-mismatch", "its content does not match its hash: it was changed after posting")
        previous = str(digest)
        amounts[ref] = int(amount)  # type: ignore[call-overload]
        if reverses:
            if int(amount) != amounts.get(str(reverses)):  # type: ignore[call-overload]
                return fail("reversal-amount", f"it reverses {reverses} for another amount")
            if reverses in reversed_once:
                return fail("reversed-twice", f"{reverses} is reversed a second time")
            reversed_once.add(str(reverses))
        if kind in ("payment", "accrual"):
            spend[int(year)][str(purpose)] += int(amount)  # type: ignore[call-overload]
        elif kind == "reversal" and reversed_kind in ("payment", "accrual"):
            spend[int(year)][str(purpose)] -= int(amount)  # type: ignore[call-overload]
    planned: dict[int, int] = defaultdict(int)
    fenced: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for year, fence, amount in _rows(
        """SELECT c.year, s.ring_fenced, c.amount_pence FROM partnerships_contribution c
           JOIN partnerships_fundingstream s ON s.id = c.stream_id WHERE c.partnership_id = %s""",
        [pid],
    ):
        planned[int(year)] += int(amount)  # type: ignore[call-overload]
        if fence:
            fenced[int(year)][str(fence)] += int(amount)  # type: ignore[call-overload]
    # Every purpose a stream is fenced to holds in every year, whether or not its streams plan money in it.
    fences = {
        str(fence)
        for (fence,) in _rows(
            "SELECT DISTINCT ring_fenced FROM partnerships_fundingstream WHERE partnership_id = %s",
            [pid],
        )
        if fence
    }
    for year, by_purpose in sorted(spend.items()):
        message = ring_fence_breach(
            year=FinancialYear(year),
            purpose="",
            amount=0,
            spend_by_purpose=by_purpose,
            planned=planned[year],
            fences=fences,
            ring_fenced_planned=fenced[year],
        )
        if message:
            return len(rows), Failure(None, "", "ring-fence", message.replace(" would be ", " is "))
    return len(rows), None
