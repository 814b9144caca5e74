"""What the dashboard judges (performance/rules/measures.py): each headline's target from the partnership's
targets, each modality's waiting target, the status beside the engine's own `target_met`, contract KPI
codes as figures of the object, and where a target's source is written."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from concordat.performance.rules import measures
from concordat.performance.rules.rag import AT_LEAST, AT_MOST, Target
from tests.performance import cases
from tests.performance.test_model_agrees import periods, records

TARGETS: dict[str, Any] = {
    "baseline": {"kpi": "in_treatment", "year": "1998-99", "value": 550},
    "accessing_services": {"year": "2004-05", "value": 1100},
    "waiting_time_days": 21,
    "waiting_within_threshold_pct": "90",
    "modality_mean_wait_days": {"inpatient-detox": 14},
}


def obj(**values: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "from": "2004-04-01",
        "to": "2005-03-31",
        "in_treatment": 600,
        "accessing_services": 1000,
        "new_starts": 200,
        "retention_12wk": {"cohort": 100, "retained": 80, "pct": 80.0},
        "successful_completions": {"completed": 96, "denominator": 812, "pct": 11.8, "provisional": False},
        "waiting": {},
    }
    base.update(values)
    return base


def by_key(rows: list[measures.Measure]) -> dict[str, measures.Measure]:
    return {row.key: row for row in rows}


def test_the_baseline_is_the_target_of_the_kpi_it_names() -> None:
    rows = by_key(measures.headlines(obj(), TARGETS))
    assert rows["in_treatment"].target == Target(Decimal(550), AT_LEAST)
    assert rows["in_treatment"].target_words == "At least 550: the 1998-99 baseline"
    assert rows["in_treatment"].status.code == "green"
    assert rows["new_starts"].target is None and rows["new_starts"].status.code == "grey"
    new_starts = by_key(
        measures.headlines(obj(), {"baseline": {"kpi": "new_starts", "year": "1998-99", "value": 250}})
    )
    assert new_starts["new_starts"].status.code == "red" and new_starts["in_treatment"].target is None


def test_the_accessing_target_applies_to_periods_ending_in_its_year() -> None:
    rows = by_key(measures.headlines(obj(), TARGETS))
    assert rows["accessing_services"].target_words == "At least 1,100: the target for 2004-05"
    assert rows["accessing_services"].status.code == "amber"  # 1,000 of 1,100: within a tenth
    quarter = by_key(measures.headlines(obj(**{"from": "2005-01-01", "to": "2005-03-31"}), TARGETS))
    assert quarter["accessing_services"].target is not None  # Q4 ends in 2004-05
    later = by_key(measures.headlines(obj(**{"from": "2005-04-01", "to": "2005-06-30"}), TARGETS))
    assert later["accessing_services"].target is None


def test_percentages_show_the_counts_behind_them() -> None:
    rows = by_key(measures.headlines(obj(), TARGETS))
    assert rows["successful_completions"].value == 11.8
    assert rows["successful_completions"].detail == "96 of 812 people"
    assert rows["retention_12wk"].detail == "80 of 100 people"


def test_a_modality_with_an_average_wait_target_is_judged_by_its_mean() -> None:
    waiting = {
        "inpatient-detox": {"count": 10, "mean_days": 15.0, "median_days": 14.0, "within_threshold_pct": 100.0,
                            "threshold_days": 21, "still_waiting": 0, "target_met": False},
        "psychosocial": {"count": 10, "mean_days": 30.0, "median_days": 25.0, "within_threshold_pct": 90.0,
                         "threshold_days": 21, "still_waiting": 2, "target_met": True},
        "advice": {"count": 0, "mean_days": None, "median_days": None, "within_threshold_pct": None,
                   "threshold_days": 21, "still_waiting": 0, "target_met": None},
    }  # fmt: skip
    rows = {w.modality: w for w in measures.waiting(obj(waiting=waiting), TARGETS)}
    assert set(rows) == {"inpatient-detox", "psychosocial"}  # advice: nobody started or waits
    detox = rows["inpatient-detox"]
    assert (detox.judged_on, detox.target, detox.status.code) == (
        "mean_days",
        Target(Decimal(14), AT_MOST),
        "amber",
    )
    assert detox.target_words == "An average wait of at most 14 days"
    assert (rows["psychosocial"].judged_on, rows["psychosocial"].status.code) == (
        "within_threshold_pct",
        "green",
    )
    every = measures.waiting(obj(waiting=waiting), TARGETS, every=True)
    assert [w.modality for w in every] == ["inpatient-detox", "psychosocial", "advice"]
    assert every[2].status.code == "grey"


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow])
@given(rows=records(), period=periods(), published=st.booleans())
def test_the_status_is_green_exactly_when_the_engine_says_the_target_is_met(
    rows: list[dict[str, Any]], period: tuple[date, date, date], published: bool
) -> None:
    start, end, as_of = period
    kpis = cases.kpis(rows, start, end, as_of, published=published)
    for w in measures.waiting(kpis, cases.TARGETS, every=True):
        if w.target_met is None:
            assert w.status.code == "grey"
        else:
            assert (w.status.code == "green") == w.target_met, w


def test_contract_codes_name_figures_of_the_object() -> None:
    group = obj(waiting={"psychosocial": {"count": 3, "within_threshold_pct": 66.7, "mean_days": 10.0}})
    assert measures.figure_at(group, "in_treatment") == (True, 600)
    assert measures.figure_at(group, "successful_completions") == (True, 11.8)
    assert measures.figure_at(group, "successful_completions.completed") == (True, 96)
    assert measures.figure_at(group, "retention_12wk") == (True, 80.0)
    assert measures.figure_at(group, "waiting.psychosocial") == (True, 66.7)
    assert measures.figure_at(group, "waiting.psychosocial.mean_days") == (True, 10.0)
    assert measures.figure_at(group, " new_starts ") == (True, 200)
    for unknown in (
        "waiting_within_threshold",
        "waiting.advice",
        "waiting",
        "from",
        "successful_completions.provisional",
        "",
    ):
        assert measures.figure_at(group, unknown) == (False, None), unknown
    suppressed = obj(in_treatment=None)
    assert measures.figure_at(suppressed, "in_treatment") == (True, None)


def test_a_source_is_the_longest_path_that_contains_the_value() -> None:
    sources = {
        "targets": "invented",
        "targets.accessing_services": "Council report, para 4.3",
        "host_partner": "x",
    }
    assert measures.source_of(sources, "targets.accessing_services") == "Council report, para 4.3"
    assert measures.source_of(sources, "targets.baseline") == "invented"
    assert measures.source_of(sources, "targets.modality_thresholds.psychosocial") == "invented"
    assert measures.source_of({"targets.base": "no"}, "targets.baseline") is None
    assert measures.source_of({}, "targets") is None
