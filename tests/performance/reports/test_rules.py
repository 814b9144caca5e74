"""The pure rules of the board's reports and the workforce: FTE as hundredths, year-on-year growth per
provider and in total, the periods a report can be for, its key, the same period a year before."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from concordat.core.years import FinancialYear
from concordat.performance.reports import rules
from concordat.performance.reports.rules import (
    FTE_LIMIT,
    FteError,
    PeriodError,
    fte_text,
    growth,
    parse_fte,
    workforce_growth,
)


@pytest.mark.parametrize(
    ("text", "hundredths"), [("12", 1200), ("12.5", 1250), ("12.50", 1250), ("0.05", 5), ("0", 0), (" 3.1 ", 310),
                             ("9999.99", 999_999)]
)  # fmt: skip
def test_fte_is_read_as_hundredths(text: str, hundredths: int) -> None:
    assert parse_fte(text) == hundredths


@pytest.mark.parametrize(
    ("text", "code"),
    [("", "missing-value"), ("  ", "missing-value"), ("-1", "negative-fte"), ("1e3", "bad-fte"),
     ("12.505", "bad-fte"), ("10000", "bad-fte"), ("1,000", "bad-fte"), ("twelve", "bad-fte"), (".5", "bad-fte"),
     ("12.", "bad-fte")],
)  # fmt: skip
def test_what_is_not_an_fte_is_refused_with_its_code(text: str, code: str) -> None:
    with pytest.raises(FteError) as refused:
        parse_fte(text)
    assert refused.value.code == code
    assert text.strip() in str(refused.value) or code == "missing-value"


@given(st.integers(min_value=0, max_value=FTE_LIMIT))
def test_fte_written_and_read_again_is_the_same(hundredths: int) -> None:
    assert parse_fte(fte_text(hundredths)) == hundredths


def test_a_providers_growth_on_the_year_before() -> None:
    g = workforce_growth({("A", 2003): 1200, ("A", 2004): 1350}, ["A"], [2003, 2004])
    assert g.providers[0].fte == (1200, 1350)
    assert g.providers[0].growth_pct == (None, 12.5)
    assert g.total_fte == (1200, 1350) and g.total_growth_pct == (None, 12.5) and g.compared == (0, 1)


def test_no_growth_from_nothing_after_a_gap_or_from_zero() -> None:
    g = workforce_growth({("A", 2003): 0, ("A", 2004): 500, ("B", 2004): 100}, ["A", "B"], [2003, 2004, 2005])
    assert g.providers[0].growth_pct == (None, None, None)  # from 0; to a year with no figure
    assert g.providers[1].growth_pct == (None, None, None)  # no figure the year before
    assert g.total_fte == (0, 600, None)


def test_growth_in_total_is_like_for_like() -> None:
    """A provider whose figure is not yet entered does not read as a fall in the total."""
    figures = {("A", 2003): 1000, ("B", 2003): 1000, ("A", 2004): 1100}
    g = workforce_growth(figures, ["A", "B"], [2003, 2004])
    assert g.total_fte == (2000, 1100)
    assert g.total_growth_pct[1] == 10.0 and g.compared[1] == 1


def test_years_that_do_not_follow_have_no_growth() -> None:
    g = workforce_growth({("A", 2001): 100, ("A", 2003): 200}, ["A"], [2003, 2001])
    assert g.years == (2001, 2003) and g.providers[0].growth_pct == (None, None)


figures_of_two_years = st.dictionaries(
    st.sampled_from("ABCDE"), st.tuples(st.integers(1, FTE_LIMIT), st.integers(0, FTE_LIMIT)), min_size=1
)


@given(figures_of_two_years)
def test_with_every_figure_entered_total_growth_is_the_growth_of_the_totals(by_provider: dict) -> None:
    figures = {}
    for code, (before, after) in by_provider.items():
        figures[(code, 2004)], figures[(code, 2005)] = before, after
    g = workforce_growth(figures, sorted(by_provider), [2004, 2005])
    before = sum(b for b, _ in by_provider.values())
    after = sum(a for _, a in by_provider.values())
    assert g.total_fte == (before, after)
    assert g.total_growth_pct[1] == growth(before, after)
    assert g.compared[1] == len(by_provider)
    for row in g.providers:
        b, a = by_provider[row.code]
        pct = row.growth_pct[1]
        assert pct is not None and (pct > 0) <= (a > b) and (pct < 0) <= (a < b)
        assert abs(pct - (a - b) * 100 / b) <= 0.05 + 1e-9


@given(st.integers(1, FTE_LIMIT))
def test_no_change_is_no_growth(value: int) -> None:
    assert growth(value, value) == 0.0


def test_a_quarterly_report_is_for_one_financial_quarter() -> None:
    assert rules.quarterly_period(date(2004, 4, 1), date(2004, 6, 30)) == (FinancialYear(2004), 1)
    assert rules.quarterly_period(date(2005, 1, 1), date(2005, 3, 31)) == (FinancialYear(2004), 4)
    for start, end in [(date(2004, 4, 1), date(2004, 9, 30)), (date(2004, 4, 2), date(2004, 6, 30)),
                       (date(2004, 1, 1), date(2004, 6, 30)), (date(2004, 4, 1), date(2005, 3, 31))]:  # fmt: skip
        with pytest.raises(PeriodError, match="one financial quarter"):
            rules.quarterly_period(start, end)


def test_a_treatment_plan_reports_one_financial_year() -> None:
    assert rules.plan_period(date(2003, 4, 1), date(2004, 3, 31)) == FinancialYear(2003)
    with pytest.raises(PeriodError, match="one financial year"):
        rules.plan_period(date(2004, 1, 1), date(2004, 12, 31))
    with pytest.raises(PeriodError, match="quarterly or treatment-plan"):
        rules.report_period("annual", date(2003, 4, 1), date(2004, 3, 31))


@given(st.integers(1000, 9997), st.sampled_from([None, 1, 2, 3, 4]))
def test_a_reports_key_names_its_period(start_year: int, quarter: int | None) -> None:
    kind = rules.QUARTERLY if quarter else rules.TREATMENT_PLAN
    year = FinancialYear(start_year)
    key = rules.report_key(kind, year, quarter)
    assert rules.parse_report_key(key) == (kind, year, quarter)
    start, end = rules.bounds(year, quarter)
    assert rules.report_period(kind, start, end) == (year, quarter)


def test_keys_are_read_back_and_others_name_nothing() -> None:
    assert rules.report_key(rules.TREATMENT_PLAN, FinancialYear(2003), None) == "treatment-plan-2004-05"
    assert rules.parse_report_key("quarterly-2004-05-q4") == (rules.QUARTERLY, FinancialYear(2004), 4)
    for key in ["quarterly-2004-06-q1", "quarterly-2004-05-q5", "treatment-plan-2004", "annual-2004-05", ""]:
        assert rules.parse_report_key(key) is None


def test_the_same_period_a_year_before() -> None:
    assert rules.year_before(FinancialYear(2004), 1) == (date(2003, 4, 1), date(2003, 6, 30))
    assert rules.year_before(FinancialYear(2004), None) == (date(2003, 4, 1), date(2004, 3, 31))


def test_a_trend_goes_back_over_the_year_end() -> None:
    labels = [label for label, _, _ in rules.trend_periods(FinancialYear(2004), 2, 4)]
    assert labels == ["2003-04 Q3", "2003-04 Q4", "2004-05 Q1", "2004-05 Q2"]
    assert [label for label, _, _ in rules.trend_periods(FinancialYear(2004), None, 2)] == [
        "2003-04",
        "2004-05",
    ]


def test_values_in_the_kpi_object_and_their_changes() -> None:
    obj = {"in_treatment": 7, "retention_12wk": {"pct": 75.0}}
    assert rules.value_at(obj, ("retention_12wk", "pct")) == 75.0
    assert rules.value_at(obj, ("successful_completions", "pct")) is None
    assert rules.change(7, 5) == 2 and rules.change(75.0, 80.0) == -5.0
    assert rules.change(None, 5) is None and rules.change(5, None) is None and rules.change(True, 1) is None


def test_a_waiting_target_in_words() -> None:
    targets = {"modality_mean_wait_days": {"inpatient-detox": 14}, "waiting_within_threshold_pct": 90}
    assert rules.waiting_target("inpatient-detox", targets, 21) == "Average wait at most 14 days"
    assert rules.waiting_target("psychosocial", targets, 21) == "90% start within 21 days"
    assert rules.waiting_target("psychosocial", {}, 21) == "No target"
