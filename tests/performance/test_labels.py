"""The grid's periods by label, address and in words (rules/labels.py), against the grid itself."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from concordat.performance.rules.labels import GridPeriod, complete
from concordat.performance.rules.periods import standard_grid


def test_labels_addresses_and_words() -> None:
    q = GridPeriod.parse("2004-05 Q1")
    assert q == GridPeriod.parse("2004-05-q1") == GridPeriod(2004, 1)
    assert (q.label, q.slug, q.short) == ("2004-05 Q1", "2004-05-q1", "Q1 2004-05")
    assert q.words == "Q1 2004-05 (April to June 2004)"
    assert GridPeriod(2004, 4).words == "Q4 2004-05 (January to March 2005)"
    assert GridPeriod(2004).words == "2004-05 (April 2004 to March 2005)"


def test_what_is_not_a_period() -> None:
    for text in ("2004-06", "2004-05 Q5", "2004-05-Q1", "2004", "x", "2004-05 q1", "0000-01"):
        assert GridPeriod.parse(text) is None, text


@given(st.integers(min_value=1990, max_value=2090))
def test_each_period_of_a_year_is_the_grids(year: int) -> None:
    grid = standard_grid(date(year, 4, 1), date(year + 1, 3, 31))
    assert [(GridPeriod.parse(label), start, end) for label, start, end in grid] == [
        (p, p.start, p.end) for p in [GridPeriod(year, q) for q in (1, 2, 3, 4)] + [GridPeriod(year)]
    ]


def test_a_period_is_complete_once_the_data_reaches_its_last_day() -> None:
    assert complete(date(2005, 3, 31), date(2005, 3, 31))
    assert not complete(date(2005, 3, 31), date(2005, 3, 30))
