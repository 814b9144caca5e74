"""The pool on the audit trail: postings, imports, closes and commitments as events worded for people."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from concordat.core.audit import entries_for_partnership
from concordat.pool import selectors, services
from concordat.pool.api import transaction_out

pytestmark = pytest.mark.django_db


def sentences(slug: str = "salford-dat") -> list[str]:
    return [e.sentence for e in entries_for_partnership(slug).filter(kind__startswith="pool-").order_by("id")]


def test_a_posting_is_one_event_in_the_finance_officers_words(post: Any, pool_manager: Any) -> None:
    post(
        "payment",
        "P-0012",
        "2003-05-01",
        "12000.00",
        contract="CDT-2003",
        purpose="treatment",
        actor=pool_manager,
    )
    post("reversal", "R-1", "2003-05-02", reverses="P-0012", actor=pool_manager)
    name = pool_manager.get_full_name()
    assert sentences() == [
        f"{name} posted payment P-0012 of £12,000.00 to CDT-2003 (treatment)",
        f"{name} posted reversal R-1 of £12,000.00, reversing P-0012",
    ]


def test_an_import_and_a_close_are_events_of_the_command_line(
    tmp_path: Path, partnership: Any, lead: Any
) -> None:
    path = tmp_path / "p.csv"
    path.write_text(
        "ref,date,kind,stream,amount\nC-1,2003-04-15,contribution,NTA-PTB,10.00\n", encoding="utf-8"
    )
    call_command(
        "pool", "import", str(path), "--partnership", partnership.slug, "--as", "lead", stdout=io.StringIO()
    )
    call_command(
        "pool", "close", "--partnership", partnership.slug, "--year", "2003-04", stdout=io.StringIO()
    )
    said = sentences()
    assert said[0].endswith("(command line) posted contribution C-1 of £10.00 from NTA-PTB")
    assert said[0].startswith(lead.get_full_name())
    assert said[1].endswith("imported 1 posting from p.csv (0 already posted)")
    assert "closed the pooled fund's year 2003-04: underspend of £2,001,500.00, carry-forward" in said[-1]


def test_commitments_changed_are_an_event_and_unchanged_are_not(partnership: Any) -> None:
    for _ in range(2):
        services.commitments_replace(
            partnership=partnership,
            contract_ref="CDT-2003",
            by_year={2003: 100_00, 2004: 50_00},
            description="x",
        )
    assert [s.split(") ", 1)[1] for s in sentences()] == [
        "set the commitments of CDT-2003 to £150.00 over 2 years"
    ]


def test_listing_transactions_takes_the_same_queries_for_ten_or_a_hundred(
    post: Any, partnership: Any
) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            [transaction_out(t) for t in selectors.transactions(partnership)]
        return len(captured)

    for n in range(10):
        post("contribution", f"C-{n}", "2003-04-15", "1.00", stream="NTA-PTB")
    post("reversal", "R-0", "2003-04-16", reverses="C-0")
    ten = queries()
    for n in range(10, 100):
        post("contribution", f"C-{n}", "2003-04-15", "1.00", stream="NTA-PTB")
    assert queries() == ten
