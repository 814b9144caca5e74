"""Each KPI on small hand-built records at its boundaries (treatment-data.md, "KPIs"; the choices in
docs/kpi-engine.md). The engine runs on Arrow tables: no database."""

from __future__ import annotations

from datetime import date, timedelta

from tests.performance import cases
from tests.performance.cases import AS_OF, YEAR, episode

START, END = YEAR


def kpis(rows, start=START, end=END, as_of=AS_OF, **options):
    obj = cases.kpis(rows, start, end, as_of, **options)
    assert obj == cases.model_object(rows, start, end, as_of, **options)  # the model agrees on each case
    return obj


def started(start, **values):
    return {"modality": "pharmacological", "referral": start - timedelta(days=3), "start": start, **values}


def test_a_wait_of_exactly_the_threshold_is_within_it_and_a_day_more_is_not():
    referred = date(2004, 5, 1)
    rows = episode("A", modalities=[{"referral": referred, "start": referred + timedelta(days=21)}])
    rows += episode("B", modalities=[{"referral": referred, "start": referred + timedelta(days=22)}])
    waiting = kpis(rows)["waiting"]["pharmacological"]
    assert waiting == {
        "count": 2,
        "mean_days": 21.5,
        "median_days": 21.5,
        "within_threshold_pct": 50.0,
        "threshold_days": 21,
        "still_waiting": 0,
        "target_met": False,
    }


def test_a_modality_of_its_own_threshold_and_a_mean_wait_target_is_judged_on_its_mean():
    referred = date(2004, 5, 1)
    rows = episode(
        "A",
        modalities=[
            {"modality": "residential-rehab", "referral": referred, "start": referred + timedelta(days=20)}
        ],
    )
    rows += episode(
        "B",
        modalities=[
            {"modality": "inpatient-detox", "referral": referred, "start": referred + timedelta(days=15)}
        ],
    )
    waiting = kpis(rows)["waiting"]
    assert waiting["residential-rehab"]["target_met"] is True  # mean 20.0 <= 20
    assert waiting["residential-rehab"]["within_threshold_pct"] == 100.0  # 20 <= 21
    assert (
        waiting["inpatient-detox"]["threshold_days"],
        waiting["inpatient-detox"]["within_threshold_pct"],
    ) == (14, 0.0)
    assert waiting["inpatient-detox"]["target_met"] is False  # 0% < 90%


def test_waiting_lists_every_modality_in_code_order_even_with_none_started():
    waiting = kpis(episode("A"))["waiting"]
    assert list(waiting) == sorted(cases.MODALITIES)
    assert waiting["gp-prescribing"] == {
        "count": 0,
        "mean_days": None,
        "median_days": None,
        "within_threshold_pct": None,
        "threshold_days": 21,
        "still_waiting": 0,
        "target_met": None,
    }


def test_the_median_of_an_even_count_is_the_mean_of_the_middle_two():
    referred = date(2004, 5, 1)
    rows = [
        row
        for n, wait in enumerate([1, 2, 6, 30])
        for row in episode(
            f"P{n}", modalities=[{"referral": referred, "start": referred + timedelta(days=wait)}]
        )
    ]
    waiting = kpis(rows)["waiting"]["pharmacological"]
    assert (waiting["median_days"], waiting["mean_days"], waiting["within_threshold_pct"]) == (4.0, 9.8, 75.0)


def test_still_waiting_counts_rows_referred_not_started_by_the_end_in_an_open_episode():
    referred = date(2005, 3, 1)
    rows = episode("A", modalities=[{"referral": referred}])  # never started
    rows += episode(
        "B", modalities=[{"referral": referred, "start": END + timedelta(days=1)}]
    )  # starts after
    rows += episode("C", modalities=[{"referral": referred, "start": END}])  # started on the last day
    rows += episode("D", discharge=END, modalities=[{"referral": referred}])  # discharged on the last day
    rows += episode("E", discharge=END + timedelta(days=1), modalities=[{"referral": END}])  # referred on it
    assert kpis(rows)["waiting"]["pharmacological"]["still_waiting"] == 3


def test_discharge_exactly_84_days_after_the_start_is_retained_and_83_is_not():
    start = date(2004, 6, 1)
    rows = episode(
        "A", discharge=start + timedelta(days=84), reason="dropped-out", modalities=[started(start)]
    )
    rows += episode(
        "B", discharge=start + timedelta(days=83), reason="dropped-out", modalities=[started(start)]
    )
    rows += episode(
        "C", discharge=start + timedelta(days=10), reason="transferred", modalities=[started(start)]
    )
    rows += episode(
        "D", discharge=start + timedelta(days=10), reason="completed-drug-free", modalities=[started(start)]
    )
    assert kpis(rows)["retention_12wk"] == {"cohort": 4, "retained": 3, "pct": 75.0}


def test_the_retention_cohort_waits_until_84_days_have_passed_by_as_of():
    start = date(2004, 6, 1)
    rows = episode("A", modalities=[started(start)])
    assert kpis(rows, as_of=start + timedelta(days=84))["retention_12wk"]["cohort"] == 1
    assert kpis(rows, as_of=start + timedelta(days=83))["retention_12wk"]["cohort"] == 0


def test_a_return_182_days_after_a_completion_is_a_re_presentation_and_183_days_is_not():
    discharged = date(2004, 9, 1)
    done = {
        "discharge": discharged,
        "reason": "completed-drug-free",
        "modalities": [started(date(2004, 5, 1))],
    }
    rows = episode("A", **done) + episode("A", provider="P2", referral=discharged + timedelta(days=182))
    rows += episode("B", **done) + episode("B", referral=discharged + timedelta(days=183))
    rows += episode("C", **done) + episode("C", referral=discharged)  # referred the same day: not after
    completions = kpis(rows)["successful_completions"]
    assert completions == {"completed": 2, "denominator": 3, "pct": 66.7, "provisional": False}


def test_a_person_with_one_clean_completion_of_two_counts_once():
    first, second = date(2004, 6, 1), date(2005, 2, 1)
    rows = episode("A", discharge=first, reason="completed-drug-free", modalities=[started(date(2004, 4, 5))])
    rows += episode(
        "A", referral=first + timedelta(days=30), discharge=second, reason="completed-alcohol-free"
    )
    assert kpis(rows)["successful_completions"]["completed"] == 1


def test_completions_are_provisional_until_182_days_after_the_end():
    rows = episode("A", modalities=[started(date(2004, 5, 1))])
    assert kpis(rows, as_of=END + timedelta(days=182))["successful_completions"]["provisional"] is False
    assert kpis(rows, as_of=END + timedelta(days=181))["successful_completions"]["provisional"] is True


def test_a_person_at_two_providers_counts_once_in_the_total_and_once_under_each():
    rows = episode("A", provider="P1", modalities=[started(date(2004, 5, 1))])
    rows += episode("A", provider="P2", modalities=[started(date(2004, 7, 1), modality="psychosocial")])
    obj = kpis(rows)
    assert (obj["in_treatment"], obj["accessing_services"], obj["new_starts"]) == (1, 1, 1)
    by_provider = obj["breakdowns"]["by_provider"]
    assert [by_provider[p]["in_treatment"] for p in ("P1", "P2")] == [1, 1]
    assert obj["breakdowns"]["by_modality"]["pharmacological"] == {"in_treatment": 1}
    assert obj["breakdowns"]["by_modality"]["psychosocial"] == {"in_treatment": 1}
    assert by_provider["P2"]["successful_completions"]["denominator"] == 1


def test_an_episode_with_no_modality_is_accessing_services_and_not_in_treatment():
    obj = kpis(episode("A", referral=date(2004, 8, 1)))
    assert (obj["in_treatment"], obj["accessing_services"], obj["new_starts"]) == (0, 1, 0)
    assert all(w["count"] == 0 and w["still_waiting"] == 0 for w in obj["waiting"].values())


def test_a_modality_still_open_runs_to_the_discharge_else_to_as_of():
    start = date(2003, 5, 1)
    open_rows = episode("A", referral=start, modalities=[started(start)])
    assert kpis(open_rows)["in_treatment"] == 1  # runs to as_of (2006)
    assert kpis(open_rows, as_of=START - timedelta(days=1))["in_treatment"] == 0  # as_of before the period
    discharged = episode(
        "B", referral=start, discharge=START - timedelta(days=1), modalities=[started(start)]
    )
    assert kpis(discharged)["in_treatment"] == 0
    ended_on_the_first_day = episode("C", referral=start, modalities=[started(start, end=START)])
    assert kpis(ended_on_the_first_day)["in_treatment"] == 1


def test_non_structured_and_unknown_modalities_are_not_treatment():
    rows = episode("A", modalities=[started(date(2004, 5, 1), modality="advice")])
    rows += episode(
        "B", modalities=[started(date(2004, 5, 1), modality="outreach")]
    )  # its own, not structured
    rows += episode("C", modalities=[started(date(2004, 5, 1), modality="no-such-code")])
    rows += episode(
        "D", modalities=[started(date(2004, 5, 1), modality="gp-prescribing")]
    )  # its own, structured
    obj = kpis(rows)
    assert (obj["in_treatment"], obj["new_starts"]) == (1, 1)
    assert obj["waiting"]["advice"]["count"] == 1 and "no-such-code" not in obj["waiting"]


def test_an_interval_ending_before_it_starts_overlaps_nothing():
    rows = episode("A", modalities=[started(date(2004, 6, 1), end=date(2004, 5, 1))])
    assert kpis(rows)["in_treatment"] == 0


def test_as_of_before_to_ends_open_intervals_at_as_of():
    start = date(2004, 5, 1)
    rows = episode("A", modalities=[started(start)])
    obj = kpis(rows, start=date(2004, 7, 1), end=date(2004, 9, 30), as_of=date(2004, 6, 30))
    assert (obj["in_treatment"], obj["accessing_services"]) == (0, 0)
    assert obj["as_of"] == "2004-06-30" and obj["successful_completions"]["provisional"] is True


def test_the_accessing_target_is_for_the_financial_year_that_contains_to():
    rows = [row for n in range(10) for row in episode(f"P{n}")]
    assert kpis(rows)["accessing_target_pct"] == 125.0  # 10 of the 2004-05 target of 8
    assert kpis(rows, start=date(2004, 1, 1), end=date(2005, 3, 31))["accessing_target_pct"] == 125.0
    assert kpis(rows, start=date(2004, 4, 1), end=date(2005, 4, 1))["accessing_target_pct"] is None


def test_growth_on_the_in_treatment_baseline():
    rows = [row for n in range(5) for row in episode(f"P{n}", modalities=[started(date(2004, 5, 1))])]
    assert kpis(rows)["baseline_growth_pct"] == 25.0  # 5 against a baseline of 4
    no_baseline = {
        **cases.SETTING,
        "targets": {**cases.TARGETS, "baseline": {"kpi": "new_starts", "year": "1998-99", "value": 4}},
    }
    assert kpis(rows, config=no_baseline)["baseline_growth_pct"] is None


def test_breakdowns_list_every_group_the_partnership_defines_with_zeros():
    obj = kpis(episode("A", age=17, sex="F", substance="crack"))
    breakdowns = obj["breakdowns"]
    assert list(breakdowns) == ["by_provider", "by_modality", "by_age_band", "by_sex", "by_substance"]
    assert list(breakdowns["by_age_band"]) == ["under-18", "18-24", "25-34", "35-44", "45-54", "55-64", "65+"]
    assert list(breakdowns["by_sex"]) == ["M", "F", "X", "U"]
    assert list(breakdowns["by_modality"]) == sorted(code for code, s in cases.MODALITIES.items() if s)
    assert breakdowns["by_age_band"]["under-18"]["accessing_services"] == 1
    assert breakdowns["by_age_band"]["65+"]["accessing_services"] == 0
    assert breakdowns["by_provider"]["P2"]["retention_12wk"] == {"cohort": 0, "retained": 0, "pct": None}
    assert "waiting" not in breakdowns["by_modality"]["pharmacological"]


def test_the_object_keys_are_in_the_spec_order():
    assert list(kpis(episode("A"))) == [
        "partnership", "from", "to", "as_of", "in_treatment", "accessing_services", "new_starts", "waiting",
        "retention_12wk", "successful_completions", "baseline_growth_pct", "accessing_target_pct", "breakdowns",
    ]  # fmt: skip


def test_a_quarter_and_its_year_in_one_run_are_what_each_is_alone():
    rows = episode("A", modalities=[started(date(2004, 5, 1), end=date(2004, 8, 1))])
    rows += episode("B", referral=date(2005, 1, 5))
    quarters = [(date(2004, 4, 1), date(2004, 6, 30)), (date(2004, 7, 1), date(2004, 9, 30)), YEAR]
    together = cases.engine_objects(rows, [(a, b, AS_OF) for a, b in quarters])
    assert together == [cases.kpis(rows, a, b, AS_OF) for a, b in quarters]
    assert [obj["in_treatment"] for obj in together] == [1, 1, 1]
