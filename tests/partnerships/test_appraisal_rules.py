"""The appraisal's own rules as named functions: the same for the web, the API and the command line."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from concordat.partnerships.rules.appraisal import with_criteria, with_option, without_option

APPRAISAL: dict[str, Any] = {
    "title": "Learning difficulties",
    "criteria": [{"name": "Cost", "weight": 2}, {"name": "Quality", "weight": 3}],
    "options": [
        {"key": "opt-aaaa", "code": "1(a)", "name": "Status quo", "scores": {"Cost": 4, "Quality": 1}},
        {"key": "opt-bbbb", "code": "1(b)", "name": "Pooled budget", "scores": {"Cost": 3, "Quality": 5}},
    ],
    "preferred": "1(b)",
}


@given(st.sets(st.sampled_from(["Cost", "Quality", "Access"])))
def test_removing_a_criterion_removes_every_score_on_it_and_no_other(kept: set[str]) -> None:
    criteria = [{"name": name, "weight": 1} for name in sorted(kept)]
    changed = with_criteria(APPRAISAL, criteria)
    for before, after in zip(APPRAISAL["options"], changed["options"], strict=True):
        assert after["scores"] == {n: s for n, s in before["scores"].items() if n in kept}


def test_changing_the_preferred_options_code_keeps_it_preferred() -> None:
    changed = with_option(APPRAISAL, "opt-bbbb", {"code": "1(c)", "name": "Pooled budget", "scores": {}})
    assert changed["preferred"] == "1(c)"
    assert [o["key"] for o in changed["options"]] == ["opt-aaaa", "opt-bbbb"]


def test_changing_another_options_code_leaves_the_preference() -> None:
    changed = with_option(APPRAISAL, "opt-aaaa", {"code": "1(z)", "name": "Status quo", "scores": {}})
    assert changed["preferred"] == "1(b)"


def test_removing_the_preferred_option_leaves_no_preference_and_keeps_the_others() -> None:
    changed = without_option(APPRAISAL, "opt-bbbb")
    assert "preferred" not in changed
    assert [o["key"] for o in changed["options"]] == ["opt-aaaa"]
    assert without_option(APPRAISAL, "opt-aaaa")["preferred"] == "1(b)"
