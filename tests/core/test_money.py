"""Money: pence inside, pounds at the edges, and splits that always add up to the penny."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from concordat.core.money import (
    MoneyError,
    format_pounds,
    parse_pounds,
    pence_to_str,
    percent_half_up,
    split_pence,
)

PARTNER_CODES = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ-", min_size=1, max_size=8)
totals = st.integers(min_value=-(10**13), max_value=10**13)
weights = st.dictionaries(
    PARTNER_CODES, st.integers(min_value=0, max_value=10**10), min_size=1, max_size=8
).filter(lambda w: any(value > 0 for value in w.values()))


# --- split_pence ---------------------------------------------------------------------------------------


@given(total=totals, shares=weights)
@example(total=200150000, shares={"PCT": 179750000, "SCC": 20400000})
@example(total=1, shares={"A": 1, "B": 1, "C": 1})
def test_split_parts_add_up_to_the_penny(total: int, shares: dict[str, int]) -> None:
    parts = split_pence(total, shares)
    assert sum(parts.values()) == total
    assert set(parts) == set(shares)


@given(total=totals, shares=weights)
def test_split_of_a_negative_total_mirrors_the_positive(total: int, shares: dict[str, int]) -> None:
    assert split_pence(-total, shares) == {key: -part for key, part in split_pence(total, shares).items()}


@given(total=totals, shares=weights)
def test_each_part_is_within_a_penny_of_its_exact_share(total: int, shares: dict[str, int]) -> None:
    whole = sum(shares.values())
    for key, part in split_pence(total, shares).items():
        exact = Fraction(total * shares[key], whole)
        assert abs(part - exact) < 1
        # rounded down on the absolute value, then at most one penny more
        assert abs(part) in (
            abs(exact.numerator) // exact.denominator,
            abs(exact.numerator) // exact.denominator + 1,
        )


@given(total=totals, shares=weights)
def test_a_partner_with_no_weight_gets_nothing(total: int, shares: dict[str, int]) -> None:
    shares = {**shares, "ZERO-WEIGHT": 0}
    assert split_pence(total, shares)["ZERO-WEIGHT"] == 0


@given(total=st.integers(min_value=0, max_value=10**9), shares=weights)
def test_a_larger_weight_never_gets_less(total: int, shares: dict[str, int]) -> None:
    parts = split_pence(total, shares)
    for a in shares:
        for b in shares:
            if shares[a] > shares[b]:
                assert parts[a] >= parts[b]


@given(
    codes=st.lists(PARTNER_CODES, min_size=1, max_size=8, unique=True),
    each=st.integers(0, 1000),
    left_over=st.integers(0, 7),
)
def test_ties_go_by_partner_code_order(codes: list[str], each: int, left_over: int) -> None:
    assume(left_over < len(codes))
    total = each * len(codes) + left_over
    parts = split_pence(total, dict.fromkeys(codes, 1))
    winners = sorted(codes)[:left_over]
    assert parts == {code: each + (1 if code in winners else 0) for code in codes}


def test_ties_ignore_the_order_the_partners_are_given_in() -> None:
    assert split_pence(1, {"SCC": 1, "PCT": 1}) == {"SCC": 0, "PCT": 1}
    assert split_pence(-1, {"SCC": 1, "PCT": 1}) == {"SCC": 0, "PCT": -1}
    assert split_pence(2, {"SCC": 1, "PROB": 1, "GMP": 1}) == {"SCC": 0, "PROB": 1, "GMP": 1}


def test_the_largest_remainder_gets_the_left_over_penny() -> None:
    # 100 split 1:1:1 gives 33.33 each and one left over; 100 split 2:1 gives 66.67 / 33.33.
    assert split_pence(100, {"A": 1, "B": 1, "C": 1}) == {"A": 34, "B": 33, "C": 33}
    assert split_pence(100, {"B": 2, "A": 1}) == {"B": 67, "A": 33}


def test_salford_pct_share_of_the_pool() -> None:
    parts = split_pence(100_00, {"PCT": 1_797_500_00, "SCC": 204_000_00})
    assert parts == {"PCT": 89_81, "SCC": 10_19}


def test_fraction_weights_split_exactly() -> None:
    assert split_pence(1000, {"A": Fraction(1, 3), "B": Fraction(2, 3)}) == {"A": 333, "B": 667}


def test_nothing_to_split_by_is_a_bug_not_a_user_mistake() -> None:
    with pytest.raises(ValueError):
        split_pence(100, {"A": 0, "B": 0})
    assert split_pence(0, {"A": 0, "B": 0}) == {"A": 0, "B": 0}


# --- parse_pounds and pence_to_str ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "pence"),
    [
        ("1200000.00", 120_000_000),
        ("597500.00", 59_750_000),
        ("0.01", 1),
        ("0.00", 0),
        ("-1.00", -100),
        (1200000, 120_000_000),
        (0, 0),
        (-3, -300),
    ],
)
def test_parse_pounds_accepts_two_places_or_whole_pounds(text: object, pence: int) -> None:
    assert parse_pounds(text) == pence


@pytest.mark.parametrize(
    "value",
    [
        12.5,
        1200000.0,
        0.0,
        "12.5",
        "12",
        "12.345",
        "1,200.00",
        "£12.00",
        "12.00p",
        "",
        "abc",
        ".50",
        "1e3",
        True,
        False,
        None,
        [],
        {},
        Decimal("12.50"),
    ],
)
def test_parse_pounds_refuses_anything_else(value: object) -> None:
    with pytest.raises(MoneyError):
        parse_pounds(value)


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_pence_round_trip_through_text(pence: int) -> None:
    text = pence_to_str(pence)
    assert parse_pounds(text) == pence
    whole, _, part = text.lstrip("-").partition(".")
    assert len(part) == 2 and whole.isdigit()


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_whole_pounds_are_a_hundred_pence(pounds: int) -> None:
    assert parse_pounds(pounds) == pounds * 100


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_no_float_is_ever_money(value: float) -> None:
    with pytest.raises(MoneyError):
        parse_pounds(value)


def test_pence_to_str_examples() -> None:
    assert pence_to_str(200_150_000) == "2001500.00"
    assert pence_to_str(5) == "0.05"
    assert pence_to_str(-5) == "-0.05"
    assert pence_to_str(0) == "0.00"


# --- format_pounds -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pence", "shown"),
    [
        (298_436_000, "£2,984,360.00"),
        (215_000_000, "£2,150,000.00"),
        (200_150_000, "£2,001,500.00"),
        (14_850_000, "£148,500.00"),
        (0, "£0.00"),
        (5, "£0.05"),
        (99_999, "£999.99"),
        (100_000, "£1,000.00"),
        (-500, "-£5.00"),
        (-14_850_000, "-£148,500.00"),
    ],
)
def test_format_pounds(pence: int, shown: str) -> None:
    assert format_pounds(pence) == shown


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_format_pounds_reads_back_to_the_same_pence(pence: int) -> None:
    shown = format_pounds(pence)
    assert shown.startswith("-£" if pence < 0 else "£")
    assert parse_pounds(shown.replace("£", "").replace(",", "")) == pence


# --- percent_half_up -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("numerator", "denominator", "places", "expected"),
    [
        (1, 16, 1, "6.3"),  # 6.25 -> half up, not to even
        (1, 16, 2, "6.25"),
        (1, 8, 0, "13"),  # 12.5 -> 13
        (5, 200, 0, "3"),  # 2.5 -> 3 (banker's rounding would give 2)
        (1, 2000, 1, "0.1"),  # 0.05 -> 0.1
        (1, 3, 2, "33.33"),
        (2, 3, 1, "66.7"),
        (179_750_000, 200_150_000, 2, "89.81"),
        (0, 7, 1, "0.0"),
        (-1, 16, 1, "-6.3"),  # half away from zero
    ],
)
def test_percent_half_up(numerator: int, denominator: int, places: int, expected: str) -> None:
    assert percent_half_up(numerator, denominator, places) == Decimal(expected)
    assert str(percent_half_up(numerator, denominator, places)) == expected


def test_percent_of_nothing_is_none() -> None:
    assert percent_half_up(5, 0) is None
    assert percent_half_up(0, 0) is None
    assert percent_half_up(Fraction(1, 2), Fraction(0)) is None


@given(numerator=st.integers(0, 10**9), denominator=st.integers(1, 10**9), places=st.integers(0, 4))
def test_percent_half_up_matches_exact_arithmetic(numerator: int, denominator: int, places: int) -> None:
    exact = Fraction(numerator * 100, denominator) * 10**places
    floor, remainder = divmod(exact.numerator, exact.denominator)
    rounded = floor + (1 if 2 * remainder >= exact.denominator else 0)
    assert percent_half_up(numerator, denominator, places) == Decimal(rounded).scaleb(-places)


@pytest.mark.parametrize("value", ["99999999999999999999.00", 10**20, "10000000000000.01", -(10**14)])
def test_parse_pounds_refuses_amounts_beyond_ten_trillion_pounds(value: object) -> None:
    # A BigIntegerField holds about 9.2e18 pence: beyond it the load crashed (SQLite OverflowError,
    # PostgreSQL "bigint out of range") instead of reporting the amount.
    with pytest.raises(MoneyError, match="at most"):
        parse_pounds(value)
