"""The engine against the plain-Python model of the spec (tests/performance/model.py) on random records:
every key of the object, exact and published, for one period and for many periods in one run."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.performance import cases

DAY0 = date(2004, 1, 1)
SPAN = 900  # days: periods and records share about two and a half years, so they meet often
CODES = [*sorted(cases.MODALITIES), "unknown-code"]
REASONS = [
    "completed-drug-free", "completed-alcohol-free", "completed-occasional-user", "transferred",
    "dropped-out", "withdrawn-by-provider", "declined", "died", "other",
]  # fmt: skip


def day(offset: int) -> date:
    return DAY0 + timedelta(days=offset)


# Offsets that sit on the spec's boundaries (thresholds of 14 and 21 days, 84 days, 182 days) as often as
# anywhere else: a random day would rarely meet them.
WAITS = st.one_of(st.sampled_from([0, 13, 14, 15, 20, 21, 22]), st.integers(0, 60))
STAYS = st.one_of(st.sampled_from([83, 84, 85]), st.integers(-5, 400))
RETURNS = st.one_of(st.sampled_from([0, 1, 182, 183]), st.integers(0, 500))


@st.composite
def modality_rows(draw: st.DrawFn, referral: int) -> dict[str, object]:
    referred = referral + draw(st.integers(0, 40))
    start = draw(st.one_of(st.none(), WAITS.map(lambda wait: referred + wait)))
    end = None if start is None else draw(st.one_of(st.none(), st.integers(start - 3, start + 200)))
    return {
        "modality": draw(st.sampled_from(CODES)),
        "referral": day(referred),
        "start": None if start is None else day(start),
        "end": None if end is None else day(end),
    }


@st.composite
def records(draw: st.DrawFn, most_people: int = 6) -> list[dict[str, object]]:
    people = draw(st.integers(1, most_people))
    rows: list[dict[str, object]] = []
    for person in range(people):
        sex = draw(st.sampled_from(["M", "F", "X", "U"]))
        referral = draw(st.integers(0, SPAN))
        for _ in range(draw(st.integers(1, 3))):
            modalities = draw(st.lists(modality_rows(referral), max_size=3))
            starts = [(m["start"] - DAY0).days for m in modalities if m["start"] is not None]
            base = min(starts) if starts and draw(st.booleans()) else referral
            discharge = draw(
                st.one_of(
                    st.none(),
                    STAYS.map(lambda stay, base=base, referral=referral: max(referral, base + stay)),
                )
            )
            rows += cases.episode(
                f"p{person}",
                provider=draw(st.sampled_from(["P1", "P2"])),
                referral=day(referral),
                discharge=None if discharge is None else day(discharge),
                reason=None if discharge is None else draw(st.sampled_from(REASONS)),
                sex=sex,
                age=draw(st.sampled_from([15, 17, 18, 24, 25, 40, 64, 65, 80])),
                substance=draw(st.sampled_from(["opiates", "alcohol", "crack", "other"])),
                modalities=modalities,
            )
            # The person's next episode: often on a boundary of the re-presentation window.
            referral = (discharge if discharge is not None else referral) + draw(RETURNS)
    return rows


@st.composite
def periods(draw: st.DrawFn) -> tuple[date, date, date]:
    start = draw(st.integers(0, SPAN))
    end = draw(st.integers(start, start + 400))
    as_of = draw(st.integers(start - 30, SPAN + 500))
    return day(start), day(end), day(as_of)


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(rows=records(), period=periods(), published=st.booleans())
def test_the_engine_agrees_with_the_model_of_the_spec(rows, period, published):
    start, end, as_of = period
    assert cases.kpis(rows, start, end, as_of, published=published) == cases.model_object(
        rows, start, end, as_of, published=published
    )


@settings(max_examples=25, suppress_health_check=[HealthCheck.too_slow])
@given(rows=records(), many=st.lists(periods(), min_size=2, max_size=8), published=st.booleans())
def test_many_periods_in_one_run_are_each_what_the_model_says(rows, many, published):
    objects = cases.engine_objects(rows, many, published=published)
    for (start, end, as_of), obj in zip(many, objects, strict=True):
        assert obj == cases.model_object(rows, start, end, as_of, published=published)


@settings(max_examples=30, suppress_health_check=[HealthCheck.too_slow])
@given(rows=records(most_people=30), period=periods())
def test_published_figures_agree_with_the_model_on_larger_records(rows, period):
    start, end, as_of = period
    assert cases.kpis(rows, start, end, as_of, published=True) == cases.model_object(
        rows, start, end, as_of, published=True
    )
