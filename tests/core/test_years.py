"""The financial year, April to March, as a value."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from concordat.core.years import FinancialYear, YearError

start_years = st.integers(min_value=1000, max_value=9998)
days = st.dates(min_value=date(1001, 1, 1), max_value=date(9998, 12, 31))


@given(start_years)
def test_parse_and_str_round_trip(start_year: int) -> None:
    year = FinancialYear(start_year)
    text = str(year)
    assert len(text) == 7 and text[4] == "-"
    assert FinancialYear.parse(text) == year
    assert str(FinancialYear.parse(text)) == text


def test_examples() -> None:
    assert str(FinancialYear(2003)) == "2003-04"
    assert FinancialYear.parse("2003-04") == FinancialYear(2003)
    assert FinancialYear.parse("1999-00") == FinancialYear(1999)
    assert str(FinancialYear(1999)) == "1999-00"
    assert FinancialYear.parse("1998-99").start_year == 1998


@pytest.mark.parametrize(
    "value",
    [
        "2003-05",
        "2003-03",
        "2003-4",
        "2003-004",
        "03-04",
        "2003/04",
        "2003–04",
        "2003-2004",
        "200304",
        "2003",
        "",
        "abcd-ef",
        2003,
        2003.04,
        None,
        True,
        date(2003, 4, 1),
    ],
)
def test_parse_refuses_what_is_not_a_financial_year(value: object) -> None:
    with pytest.raises(YearError):
        FinancialYear.parse(value)


@given(start_year=start_years, gap=st.integers(min_value=0, max_value=99).filter(lambda gap: gap != 1))
def test_parts_that_do_not_follow_are_refused(start_year: int, gap: int) -> None:
    second = (start_year + gap) % 100
    with pytest.raises(YearError):
        FinancialYear.parse(f"{start_year}-{second:02d}")


def test_start_and_end() -> None:
    year = FinancialYear.parse("2003-04")
    assert year.start == date(2003, 4, 1)
    assert year.end == date(2004, 3, 31)
    assert year.next() == FinancialYear(2004)


@given(start_years)
def test_years_run_april_to_march_without_gaps(start_year: int) -> None:
    year = FinancialYear(start_year)
    assert year.start == date(start_year, 4, 1)
    assert year.end == date(start_year + 1, 3, 31)
    assert year.next().start == year.end + timedelta(days=1)
    assert year < year.next()


@given(days)
def test_containing_gives_the_year_that_holds_the_day(day: date) -> None:
    year = FinancialYear.containing(day)
    assert year.start <= day <= year.end


@pytest.mark.parametrize(
    ("day", "year"),
    [
        (date(2003, 4, 1), "2003-04"),
        (date(2004, 3, 31), "2003-04"),
        (date(2004, 4, 1), "2004-05"),
        (date(2004, 1, 1), "2003-04"),
        (date(2003, 3, 31), "2002-03"),
        (date(2003, 12, 31), "2003-04"),
    ],
)
def test_containing_examples(day: date, year: str) -> None:
    assert str(FinancialYear.containing(day)) == year


@pytest.mark.parametrize(
    ("day", "quarter"),
    [
        (date(2003, 4, 1), 1),
        (date(2003, 6, 30), 1),
        (date(2003, 7, 1), 2),
        (date(2003, 9, 30), 2),
        (date(2003, 10, 1), 3),
        (date(2003, 12, 31), 3),
        (date(2004, 1, 1), 4),
        (date(2004, 3, 31), 4),
    ],
)
def test_quarter_one_is_april_to_june(day: date, quarter: int) -> None:
    assert FinancialYear(2003).quarter_of(day) == quarter


@given(days)
def test_every_day_falls_in_the_quarter_that_ends_on_or_after_it(day: date) -> None:
    year = FinancialYear.containing(day)
    quarter = year.quarter_of(day)
    assert 1 <= quarter <= 4
    assert day <= year.quarter_end(quarter)
    if quarter > 1:
        assert day > year.quarter_end(quarter - 1)
    else:
        assert day >= year.start


@given(start_years)
def test_quarter_ends(start_year: int) -> None:
    year = FinancialYear(start_year)
    assert [year.quarter_end(q) for q in (1, 2, 3, 4)] == [
        date(start_year, 6, 30),
        date(start_year, 9, 30),
        date(start_year, 12, 31),
        date(start_year + 1, 3, 31),
    ]
    assert year.quarter_end(4) == year.end
    for quarter in (1, 2, 3, 4):
        assert year.quarter_of(year.quarter_end(quarter)) == quarter
        assert year.quarter_of(year.quarter_end(quarter) - timedelta(days=1)) == quarter


@given(days)
def test_quarter_of_a_day_outside_the_year_is_refused(day: date) -> None:
    other = FinancialYear.containing(day).next()
    with pytest.raises(ValueError):
        other.quarter_of(day)


@pytest.mark.parametrize("text", ["0000-01", "9999-00"])
def test_a_year_whose_april_or_march_is_not_a_date_is_refused(text: str) -> None:
    with pytest.raises(YearError):
        FinancialYear.parse(text)
