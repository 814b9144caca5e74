"""Property tests: every split adds up to the whole for any amount and weights, and any sequence of
postings and reversals (refused or not) leaves the ledger balanced with its chain whole."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from django.db.models import Count, Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from concordat.core.years import FinancialYear
from concordat.pool import services
from concordat.pool.errors import PostingRefused
from concordat.pool.models import Leg, Transaction
from concordat.pool.rules import splits
from concordat.pool.rules.postings import ring_fence_breach
from concordat.pool.verify import verify

CODES = st.sampled_from(["PCT", "SCC", "GMP", "PROB", "HO"])
AMOUNTS = st.integers(min_value=-(10**13), max_value=10**13)


@given(AMOUNTS, st.dictionaries(CODES, st.integers(min_value=0, max_value=10**12), min_size=1))
def test_a_split_by_shares_adds_up_to_the_penny(amount: int, planned: dict[str, int]) -> None:
    parts = splits.by_shares(amount, planned)
    total = sum(planned.values())
    if total == 0:
        assert set(parts.values()) == {0}
        return
    assert sum(parts.values()) == amount
    for code, part in parts.items():
        exact = Decimal(amount) * planned[code] / total
        assert abs(part - exact) < 1  # rounded, never by a whole penny or more


@given(AMOUNTS, st.lists(st.integers(min_value=1, max_value=9999), min_size=1, max_size=5))
def test_a_fixed_split_adds_up_for_any_percentages(amount: int, raw: list[int]) -> None:
    # Percentages with two places summing to exactly 100: the last takes what is left.
    codes = ["A", "B", "C", "D", "E"][: len(raw)]
    scale = sum(raw)
    shares = [Decimal(r * 10000 // scale) / 100 for r in raw[:-1]]
    shares.append(Decimal(100) - sum(shares, Decimal(0)))
    parts = splits.risk_share(
        amount,
        rule="fixed",
        planned=dict.fromkeys(codes, 1),
        host=None,
        fixed=dict(zip(codes, shares, strict=True)),
    )
    assert sum(parts.values()) == amount
    if amount < 0:
        assert all(part <= 0 for part in parts.values())


@given(AMOUNTS, st.dictionaries(CODES, st.integers(min_value=1, max_value=10**9), min_size=1))
def test_a_host_takes_all_and_a_negative_split_mirrors_the_positive(
    amount: int, planned: dict[str, int]
) -> None:
    host = sorted(planned)[0]
    assert splits.risk_share(amount, rule="host", planned=planned, host=host, fixed={})[host] == amount
    positive = splits.by_shares(abs(amount), planned)
    negative = splits.by_shares(-abs(amount), planned)
    assert negative == {code: -part for code, part in positive.items()}


PURPOSES = st.sampled_from(["treatment", "harm-reduction", "young-people", "commissioning-support"])
# A year's streams: each ring-fenced to a purpose or not, with a planned contribution or none at all.
YEAR_STREAMS = st.lists(
    st.tuples(st.one_of(st.none(), PURPOSES), st.one_of(st.none(), st.integers(0, 10**9))),
    min_size=1,
    max_size=5,
)


def fence_figures(streams: list[tuple[str | None, int | None]]) -> dict[str, Any]:
    """The rule's inputs from a year's streams, as the services and `verify` gather them."""
    fenced: dict[str, int] = {}
    for fence, planned in streams:
        if fence and planned is not None:
            fenced[fence] = fenced.get(fence, 0) + planned
    return {
        "planned": sum(planned or 0 for _, planned in streams),
        "fences": {fence for fence, _ in streams if fence},
        "ring_fenced_planned": fenced,
    }


@given(
    YEAR_STREAMS,
    st.dictionaries(PURPOSES, st.integers(0, 10**9)),
    PURPOSES,
    st.integers(1, 10**9),
)
def test_the_ring_fence_refuses_exactly_the_spend_the_spec_forbids(
    streams: list[tuple[str | None, int | None]], spend: dict[str, int], purpose: str, amount: int
) -> None:
    """pooled-fund.md: for each purpose R that streams are ring-fenced to, the year's spend on purposes
    other than R may not exceed the year's planned contributions less those of the streams ring-fenced to
    R — every R, whether its streams plan anything this year or not. Said here as the money of the streams
    not fenced to R."""
    after = {**spend, purpose: spend.get(purpose, 0) + amount}
    forbidden = [
        fence
        for fence in sorted({f for f, _ in streams if f})
        if fence != purpose  # spending on R itself takes nothing from what is not R's
        and sum(v for p, v in after.items() if p != fence)
        > sum(planned or 0 for f, planned in streams if f != fence)
    ]
    breach = ring_fence_breach(
        year=FinancialYear(2004),
        purpose=purpose,
        amount=amount,
        spend_by_purpose=spend,
        **fence_figures(streams),
    )
    assert (breach is not None) == bool(forbidden)
    if breach is not None:
        assert f"other than {forbidden[0]} in 2004-05" in breach


@given(
    YEAR_STREAMS, st.dictionaries(PURPOSES, st.integers(0, 10**9)), PURPOSES, st.integers(1, 10**9), PURPOSES
)
def test_a_fenced_stream_with_nothing_planned_never_loosens_the_fence(
    streams: list[tuple[str | None, int | None]],
    spend: dict[str, int],
    purpose: str,
    amount: int,
    fence: str,
) -> None:
    def refused(year_streams: list[tuple[str | None, int | None]]) -> bool:
        figures = fence_figures(year_streams)
        return (
            ring_fence_breach(
                year=FinancialYear(2004), purpose=purpose, amount=amount, spend_by_purpose=spend, **figures
            )
            is not None
        )

    if refused(streams):
        assert refused([*streams, (fence, None)])


OPERATIONS = st.lists(
    st.tuples(
        st.sampled_from(["contribution", "payment", "accrual", "reversal"]),
        st.integers(min_value=1, max_value=200_000_000),
        st.sampled_from(["treatment", "harm-reduction", "young-people"]),
        st.integers(min_value=0, max_value=30),  # which earlier posting a reversal names
        st.integers(min_value=0, max_value=500),  # days after 1 April 2003
    ),
    max_size=25,
)


@pytest.mark.django_db
@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(OPERATIONS)
def test_any_postings_keep_the_ledger_balanced_and_the_chain_whole(
    partnership: Any, operations: list[Any]
) -> None:
    with transaction.atomic():
        refs: list[str] = []
        for n, (kind, amount, purpose, which, days) in enumerate(operations):
            day = date(2003, 4, 1) + timedelta(days=days)
            ref = f"T-{n}"
            common = {"partnership": partnership, "ref": ref, "date": day}
            try:
                if kind == "contribution":
                    services.contribution_post(**common, stream="NTA-PTB", amount_pence=amount)
                elif kind == "reversal":
                    if not refs:
                        continue
                    services.reversal_post(**common, reverses=refs[which % len(refs)])
                else:
                    post = services.payment_post if kind == "payment" else services.accrual_post
                    post(**common, contract=f"C{which % 3}", purpose=purpose, amount_pence=amount)
                refs.append(ref)
            except PostingRefused:
                pass  # a refused posting writes nothing; the ledger stays as it was
        unbalanced = (
            Leg.objects.filter(partnership=partnership)
            .values("transaction")
            .annotate(total=Sum("amount_pence"), legs=Count("id"))
            .exclude(total=0, legs__gte=2)
        )
        assert not unbalanced.exists()
        checked, failure = verify(partnership)
        assert failure is None, str(failure)
        assert checked == len(refs)
        # The ring fence, from the ledger's rows: Salford plans £2,001,500 in 2003-04, £1,200,000 of it
        # NTA-PTB's, ring-fenced to treatment, and nothing in 2004-05, where the fence holds all the same.
        other_spend: dict[int, int] = {}
        for t in Transaction.objects.filter(partnership=partnership).select_related("reverses"):
            spent = t if t.kind in ("payment", "accrual") else t.reverses
            if spent is None or spent.kind not in ("payment", "accrual") or spent.purpose == "treatment":
                continue
            sign = 1 if t is spent else -1
            other_spend[t.year] = other_spend.get(t.year, 0) + sign * t.amount_pence
        unfenced = {2003: 200_150_000 - 120_000_000}
        assert all(spent <= unfenced.get(year, 0) for year, spent in other_spend.items()), other_spend
        transaction.set_rollback(True)


DAYS = st.dates(min_value=date(2000, 4, 1), max_value=date(2030, 3, 31))


@given(DAYS, DAYS, st.booleans())
def test_a_reversal_is_offered_a_date_in_the_year_of_what_it_reverses_while_that_year_is_open(
    original: date, today: date, closed: bool
) -> None:
    from concordat.pool.rules.postings import reversal_default_day, reversal_in_another_year

    year = FinancialYear.containing(original)
    day = reversal_default_day(original, today, {year.start_year} if closed else set())
    assert day >= original
    if closed:
        assert day == max(today, original)
    else:
        assert FinancialYear.containing(day) == year
        assert day == (max(today, original) if FinancialYear.containing(today) == year else year.end)
    warned = reversal_in_another_year(original, day)
    assert (warned is not None) == (FinancialYear.containing(day) > year)
    if warned is not None:
        assert warned.code == "reversal-in-another-year" and str(year) in warned.message
