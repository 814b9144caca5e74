"""The posting services: what each kind of posting writes, and what it refuses."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import connection

from concordat.core.years import FinancialYear
from concordat.pool import selectors, services
from concordat.pool.errors import PostingRefused
from concordat.pool.models import Leg, Transaction
from tests.factories import agreement_document, load_partnership, row_counts

pytestmark = pytest.mark.django_db


def legs(t: Transaction) -> dict[str, int]:
    return {leg.account.code: leg.amount_pence for leg in t.legs.select_related("account")}


def test_a_contribution_moves_cash_and_the_streams_income(post: Any) -> None:
    t = post("contribution", "C-1", "2003-04-15", "300000.00", stream="NTA-PTB")
    assert legs(t) == {"cash": 30000000, "income:NTA-PTB": -30000000}
    assert (t.year, t.quarter, t.sequence) == (2003, 1, 1)


def test_a_payment_and_an_accrual_are_spend_on_their_contract(post: Any) -> None:
    p = post("payment", "P-1", "2003-07-01", "12000.00", contract="CDT-2003", purpose="treatment")
    a = post("accrual", "A-1", "2004-03-31", "500.00", contract="CDT-2003", purpose="treatment")
    assert legs(p) == {"spend:CDT-2003": 1200000, "cash": -1200000}
    assert legs(a) == {"spend:CDT-2003": 50000, "creditors": -50000}
    assert (p.quarter, a.quarter, a.year) == (2, 4, 2003)


def test_a_reversal_negates_the_legs_and_is_allowed_once(post: Any) -> None:
    post("payment", "P-1", "2003-07-01", "12000.00", contract="CDT-2003", purpose="treatment")
    r = post("reversal", "R-1", "2003-07-02", reverses="P-1")
    assert legs(r) == {"spend:CDT-2003": -1200000, "cash": 1200000}
    assert r.reverses.ref == "P-1"
    with pytest.raises(PostingRefused) as refused:
        post("reversal", "R-2", "2003-07-03", reverses="P-1")
    assert [p.code for p in refused.value.report.errors] == ["already-reversed"]


def test_the_same_posting_twice_is_written_once(partnership: Any) -> None:
    kwargs = dict(
        partnership=partnership, ref="C-1", date=date(2003, 4, 1), stream="NTA-PTB", amount_pence=100
    )
    first = services.contribution_post(**kwargs)
    second = services.contribution_post(**kwargs)
    assert (first.created, second.created) == (True, False)
    assert second.transaction.pk == first.transaction.pk
    assert Transaction.objects.count() == 1


@pytest.mark.parametrize(
    ("kind", "values", "code"),
    [
        ("contribution", {"ref": "C-1", "stream": "NOPE", "amount": "1.00"}, "unknown-stream"),
        (
            "payment",
            {"ref": "P-9", "contract": "X", "purpose": "gardening", "amount": "1.00"},
            "unknown-purpose",
        ),
        ("reversal", {"ref": "R-9", "reverses": "NOTHING"}, "unknown-ref"),
        ("contribution", {"ref": "C-0", "stream": "NTA-PTB", "amount": "5.00"}, "ref-conflict"),
    ],
)
def test_refused_postings_change_nothing(post: Any, kind: str, values: dict[str, Any], code: str) -> None:
    post("contribution", "C-0", "2003-04-01", "1.00", stream="NTA-PTB")
    before = row_counts()
    with pytest.raises(PostingRefused) as refused:
        post(kind, values.pop("ref"), "2003-05-01", values.pop("amount", None), **values)
    assert code in [p.code for p in refused.value.report.errors]
    assert row_counts() == before


def test_spend_beyond_the_ring_fence_is_refused_with_both_figures(post: Any) -> None:
    # NTA-PTB (£1,200,000) is ring-fenced to treatment: other purposes may spend at most £801,500.
    post("payment", "P-1", "2003-05-01", "801500.00", contract="DIV", purpose="harm-reduction")
    with pytest.raises(PostingRefused) as refused:
        post("payment", "P-2", "2003-05-02", "0.01", contract="DIV", purpose="young-people")
    [problem] = refused.value.report.errors
    assert problem.code == "ring-fence"
    assert "£801,500.01" in problem.message and "£801,500.00" in problem.message
    post("payment", "P-3", "2003-05-02", "1000000.00", contract="CDT", purpose="treatment")


def test_the_ring_fence_holds_in_a_year_its_streams_plan_nothing(post: Any) -> None:
    # 2004-05 plans £100,000 of mainstream health money and nothing of NTA-PTB, which is ring-fenced to
    # treatment: spend on other purposes may take at most the £100,000 (the fence was not applied at all).
    document = agreement_document()
    document["contributions"].append(
        {"stream": "MAINSTREAM-HEALTH", "year": "2004-05", "amount": "100000.00"}
    )
    load_partnership(document)
    post("payment", "P-1", "2004-05-01", "100000.00", contract="DIV", purpose="harm-reduction")
    with pytest.raises(PostingRefused) as refused:
        post("payment", "P-2", "2004-05-02", "0.01", contract="DIV", purpose="young-people")
    [problem] = refused.value.report.errors
    assert problem.code == "ring-fence" and "treatment in 2004-05" in problem.message
    assert "£100,000.01" in problem.message and "£100,000.00" in problem.message
    post("payment", "P-3", "2004-05-02", "5000.00", contract="CDT", purpose="treatment")


def test_every_purpose_a_stream_is_fenced_to_is_fenced_even_one_whose_streams_plan_nothing(post: Any) -> None:
    # A second fence, to young people, on a stream with no contribution at all: spend on anything else
    # (treatment included) may take at most the £2,001,500 the year plans, all of it not young people's.
    document = agreement_document()
    document["funding_streams"].append(
        {"code": "YP", "name": "Young people's money", "partner": "SCC", "ring_fenced": "young-people"}
    )
    load_partnership(document)
    post("payment", "P-1", "2003-05-01", "2001500.00", contract="CDT", purpose="treatment")
    with pytest.raises(PostingRefused) as refused:
        post("payment", "P-2", "2003-05-02", "0.01", contract="CDT", purpose="treatment")
    [problem] = refused.value.report.errors
    assert problem.code == "ring-fence" and "other than young-people" in problem.message
    assert "£2,001,500.01" in problem.message and "£2,001,500.00" in problem.message


def test_a_closed_year_takes_no_more_postings(post: Any, partnership: Any) -> None:
    services.year_close(partnership=partnership, year=FinancialYear(2003))
    with pytest.raises(PostingRefused) as refused:
        post("contribution", "C-1", "2003-06-01", "1.00", stream="NTA-PTB")
    assert [p.code for p in refused.value.report.errors] == ["year-closed"]


def test_posted_rows_cannot_be_updated_or_deleted_by_sql(post: Any) -> None:
    t = post("contribution", "C-1", "2003-04-15", "1.00", stream="NTA-PTB")
    for sql in (
        "UPDATE pool_transaction SET amount_pence = 2 WHERE id = %s",
        "DELETE FROM pool_transaction WHERE id = %s",
        "UPDATE pool_leg SET amount_pence = 2 WHERE transaction_id = %s",
        "DELETE FROM pool_leg WHERE transaction_id = %s",
    ):
        with pytest.raises(Exception, match="cannot be"), connection.cursor() as cursor:
            from django.db import transaction as db

            with db.atomic():
                cursor.execute(sql, [t.pk])
    assert Transaction.objects.get().amount_pence == 100
    assert Leg.objects.count() == 2


def test_the_salford_statement_has_the_budget_share_and_warning(partnership: Any) -> None:
    document = selectors.statement_json(selectors.statement(partnership, FinancialYear(2003)))
    assert list(document) == [
        "partnership", "year", "quarter", "budget", "received", "actual_spend", "committed",
        "forecast_outturn", "variance", "partners", "streams", "warnings",
    ]  # fmt: skip
    assert document["budget"] == "2001500.00"
    pct = {p["code"]: p["share_pct"] for p in document["partners"]}
    assert pct == {"PCT": "89.81", "SCC": "10.19"}
    assert [w["code"] for w in document["warnings"]] == ["stated-total-mismatch"]
    assert {s["code"]: s["ring_fenced"] for s in document["streams"]}["NTA-PTB"] == "treatment"


def test_statement_figures_follow_the_postings(post: Any, partnership: Any) -> None:
    post("contribution", "C-1", "2003-04-15", "500000.00", stream="NTA-PTB")
    post("payment", "P-1", "2003-07-01", "100000.00", contract="CDT", purpose="treatment")
    post("accrual", "A-1", "2003-10-01", "50000.00", contract="CDT", purpose="treatment")
    post("reversal", "R-1", "2003-10-02", reverses="A-1")
    services.commitments_replace(
        partnership=partnership, contract_ref="CDT", by_year={2003: 300000_00}, description="x"
    )
    s = selectors.statement(partnership, FinancialYear(2003))
    assert (s.received, s.actual_spend, s.committed) == (500000_00, 100000_00, 200000_00)
    assert s.forecast_outturn == 300000_00 and s.variance == 2001500_00 - 300000_00
    assert sum(p.attributed_spend for p in s.partners) == s.actual_spend
    assert sum(p.variance_share for p in s.partners) == s.variance
    q1 = selectors.statement(partnership, FinancialYear(2003), quarter=1)
    assert (q1.received, q1.actual_spend) == (500000_00, 0)


def test_a_form_gets_the_next_free_ref_of_its_kind(post: Any, partnership: Any) -> None:
    assert selectors.next_ref(partnership, "payment") == "P-0001"
    post("payment", "P-0012", "2003-05-01", "1.00", contract="CDT", purpose="treatment")
    post("payment", "P-OTHER", "2003-05-01", "1.00", contract="CDT", purpose="treatment")
    assert selectors.next_ref(partnership, "payment") == "P-0013"
    assert selectors.next_ref(partnership, "reversal") == "R-0001"
