"""core.days.PartialDate: a date as precise as its source, written back as written, compared by its whole
period."""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from concordat.core.days import DateError, PartialDate, partial_date

DAYS = st.dates(min_value=date(1000, 1, 1), max_value=date(9999, 11, 30))
MONTHS = st.builds(PartialDate.month, st.integers(1000, 9999), st.integers(1, 12))
PARTIALS = st.one_of(DAYS.map(PartialDate), MONTHS)


@given(PARTIALS)
def test_a_date_is_read_back_exactly_as_it_is_written(value: PartialDate) -> None:
    assert PartialDate.parse(value.isoformat()) == value
    assert PartialDate.parse(value.for_file()) == value
    assert PartialDate.stored(value.first, value.precision) == value


@given(MONTHS, DAYS)
def test_a_month_has_passed_only_from_the_first_of_the_next_month(month: PartialDate, today: date) -> None:
    assume(month.last < date.max)  # the test's own arithmetic needs a next day
    next_month = month.last + timedelta(days=1)
    assert month.has_passed(today) == (today >= next_month)


@given(DAYS, DAYS)
def test_a_day_has_passed_from_the_next_day(day: date, today: date) -> None:
    assert PartialDate(day).has_passed(today) == (day < today)


@given(MONTHS)
def test_a_month_covers_every_day_of_it_and_no_other(month: PartialDate) -> None:
    assume(month.last < date.max)  # the test's own arithmetic needs a next day
    days = calendar.monthrange(month.first.year, month.first.month)[1]
    assert month.last == month.first.replace(day=days)
    assert month.covers(month.first) and month.covers(month.last)
    assert not month.covers(month.first - timedelta(days=1))
    assert not month.covers(month.last + timedelta(days=1))


def test_the_edges_of_a_milestone_due_in_january_2004() -> None:
    due = PartialDate.parse("2004-01")
    assert not due.has_passed(date(2004, 1, 31))
    assert due.has_passed(date(2004, 2, 1))


def test_written_as_people_read_it() -> None:
    assert PartialDate.parse("2002-03").as_written == "March 2002"
    assert PartialDate.parse("2002-03-01").as_written == "1 March 2002"
    assert PartialDate.parse(date(2004, 1, 15)).as_written == "15 January 2004"


def test_exported_as_written() -> None:
    assert PartialDate.parse("2002-03").for_file() == "2002-03"
    assert PartialDate.parse("2002-03-01").for_file() == date(2002, 3, 1)
    assert str(PartialDate.parse("2002-03")) == "2002-03"


def test_a_day_equals_its_date_and_a_month_equals_no_date() -> None:
    assert PartialDate(date(2002, 3, 1)) == date(2002, 3, 1)
    assert PartialDate.month(2002, 3) != date(2002, 3, 1)
    assert PartialDate.month(2002, 3) != PartialDate(date(2002, 3, 1))
    assert len({PartialDate(date(2002, 3, 1)), date(2002, 3, 1)}) == 1


@given(PARTIALS, PARTIALS)
def test_equal_dates_hash_alike(a: PartialDate, b: PartialDate) -> None:
    if a == b:
        assert hash(a) == hash(b)


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("2002-13", "not a real month"),
        ("2002-00", "not a real month"),
        ("2002-02-30", "not a real date"),
        ("0000-01", "not a real month"),
        ("2002", "YYYY-MM-DD"),
        ("March 2002", "YYYY-MM-DD"),
        ("2002-3", "YYYY-MM-DD"),
        (2002, "YYYY-MM-DD"),
        (datetime(2002, 3, 1, 12, 0), "date and time"),
    ],
)
def test_what_is_not_a_date_is_refused_in_words(value: object, words: str) -> None:
    with pytest.raises(DateError) as refused:
        PartialDate.parse(value)
    assert words in str(refused.value)


def test_nothing_is_no_date() -> None:
    assert partial_date(None) is None and partial_date("") is None
    assert PartialDate.stored(None, "month") is None


def test_a_month_is_held_as_its_first_day() -> None:
    with pytest.raises(ValueError):
        PartialDate(date(2002, 3, 2), "month")
    assert PartialDate.stored(date(2002, 3, 1), "month") == PartialDate.month(2002, 3)
