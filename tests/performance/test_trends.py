"""A chart's text alternative says how the series moved (rules/trends.py)."""

from __future__ import annotations

from concordat.performance.rules.trends import describe, figure_words


def test_a_rise_from_the_first_figure_to_the_last() -> None:
    points = [("Q1 2004-05", 312), ("Q2 2004-05", 330), ("Q3 2004-05", 341), ("Q4 2004-05", 356)]
    assert describe("People in treatment", points) == (
        "People in treatment: rose from 312 in Q1 2004-05 to 356 in Q4 2004-05."
    )


def test_a_fall_with_its_highest_in_between() -> None:
    points = [("Q1", 80.0), ("Q2", 91.5), ("Q3", 70.2)]
    assert describe("Within the threshold", points, "%") == (
        "Within the threshold: fell from 80.0% in Q1 to 70.2% in Q3; highest 91.5% in Q2."
    )


def test_the_same_at_both_ends_with_a_low_between() -> None:
    points = [("Q1", 5), ("Q2", 2), ("Q3", 5)]
    assert describe("New starts", points) == "New starts: 5 in Q1 and the same in Q3; lowest 2 in Q2."


def test_periods_without_a_figure_are_counted_and_skipped() -> None:
    points = [("Q1", None), ("Q2", 1234), ("Q3", None)]
    assert describe("People", points) == "People: 1,234 in Q2 (2 quarters with no figure)."
    assert describe("People", [("Q1", None)]) == "People: no figures for Q1 to Q1."
    assert describe("People", []) == "People: no quarters to show."


def test_figures_in_words() -> None:
    assert figure_words(1234) == "1,234"
    assert figure_words(81.25, "%") == "81.3%"  # half-up, as the KPIs are rounded
    assert figure_words(14.0, " days") == "14.0 days"
