"""The RAG rule (performance/rules/rag.py): green when the target is met, amber when missed by no more than
a tenth of it, red beyond, grey with no target or no figure; and the words the pages print say so."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from concordat.performance.rules.rag import AT_LEAST, AT_MOST, RULE, Target, number_words, rag

figures = st.decimals(min_value=-1000, max_value=100000, places=1, allow_nan=False, allow_infinity=False)
targets = st.builds(
    Target,
    st.decimals(min_value=0, max_value=10000, places=1, allow_nan=False, allow_infinity=False),
    st.sampled_from([AT_LEAST, AT_MOST]),
)


def test_an_at_least_target_met_is_green_and_its_edge_included() -> None:
    assert rag(600, Target(Decimal(600))).code == "green"
    assert rag(601, Target(Decimal(600))).code == "green"


def test_ninety_percent_of_an_at_least_target_is_amber_and_less_is_red() -> None:
    target = Target(Decimal(90))
    assert rag(81.0, target).code == "amber"  # exactly 90% of 90
    assert rag(80.9, target).code == "red"
    assert rag(89.9, target).code == "amber"


def test_an_at_most_target_is_amber_up_to_a_tenth_over() -> None:
    target = Target(Decimal(14), AT_MOST)
    assert rag(14.0, target).code == "green"
    assert rag(15.4, target).code == "amber"  # 110% of 14
    assert rag(15.5, target).code == "red"
    assert rag(3, target).code == "green"


def test_no_target_or_no_figure_is_grey_with_words_that_say_which() -> None:
    assert (rag(5, None).code, rag(5, None).words) == ("grey", "No target")
    assert (rag(None, Target(Decimal(5))).code, rag(None, Target(Decimal(5))).words) == ("grey", "No figure")


def test_a_float_figure_is_judged_as_printed() -> None:
    # 0.1 + 0.2 is not 0.3 in binary, but a figure printed as 81.3 is 81.3
    assert rag(81.3, Target(Decimal("81.3"))).code == "green"


def test_the_rule_in_words_names_every_colour_and_the_margin() -> None:
    for word in ("Green", "Amber", "Red", "Grey", "90%", "110%", "a tenth"):
        assert word in RULE


def test_targets_in_words() -> None:
    assert Target(Decimal("90.00")).words == "At least 90"
    assert Target(Decimal(14), AT_MOST).words == "At most 14"
    assert number_words(Decimal("1100")) == "1,100" and number_words(Decimal("81.30")) == "81.3"


@given(figures, targets)
def test_green_exactly_when_the_target_is_met(figure: Decimal, target: Target) -> None:
    met = figure >= target.value if target.direction == AT_LEAST else figure <= target.value
    assert (rag(figure, target).code == "green") == met


@given(figures, targets)
def test_amber_exactly_when_missed_by_no_more_than_a_tenth(figure: Decimal, target: Target) -> None:
    status = rag(figure, target).code
    missed_by = target.value - figure if target.direction == AT_LEAST else figure - target.value
    assert status in ("green", "amber", "red")
    if missed_by > 0:
        assert (status == "amber") == (missed_by * 10 <= target.value)


@given(figures, figures, targets)
def test_a_better_figure_never_has_a_worse_status(a: Decimal, b: Decimal, target: Target) -> None:
    order = {"red": 0, "amber": 1, "green": 2}
    better, worse = (max(a, b), min(a, b)) if target.direction == AT_LEAST else (min(a, b), max(a, b))
    assert order[rag(better, target).code] >= order[rag(worse, target).code]
