"""A run in chunks of whole partnerships gives every period the figures of a run in one pass: random
records of several partnerships, the table split by the engine or given as chunks by a reader."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from concordat.performance import engine
from concordat.performance.rules.periods import Period
from tests.performance import cases
from tests.performance.test_model_agrees import periods, records

PARTNERSHIPS = (3, 7, 11)
DAY = date(2004, 4, 1)


def _tables(figures: engine.Figures) -> dict[str, list[dict]]:
    """Each long table's rows in one order (the chunks' rows come in partnership order)."""
    return {
        name: sorted(getattr(figures, name).to_pylist(), key=lambda row: sorted(row.items()))
        for name in ("people", "waiting", "still_waiting", "retention")
    }


@st.composite
def country(draw: st.DrawFn) -> tuple[pa.Table, list[Period]]:
    """Each partnership's own random records and periods, shuffled together."""
    rows = []
    for partnership in PARTNERSHIPS:  # the same people's keys in each: counted in each partnership
        rows += [{**row, "partnership": partnership} for row in draw(records())]
    # 99 has no records: its periods count nothing, in one pass as in chunks (where it is in none).
    chosen = draw(
        st.lists(st.tuples(st.sampled_from((*PARTNERSHIPS, 99)), periods()), min_size=1, max_size=8)
    )
    return cases.table(rows), [Period(p, a, b, c) for p, (a, b, c) in draw(st.permutations(chosen))]


def _codes() -> pa.Table:
    mine = cases.the_setting()
    return engine.modality_codes([replace(mine, partnership=p) for p in PARTNERSHIPS])


@settings(max_examples=25, suppress_health_check=[HealthCheck.too_slow])
@given(world=country())
def test_chunks_of_whole_partnerships_give_the_figures_of_one_pass(world):
    records_, periods_ = world
    whole = engine.figures(records_, _codes(), periods_, chunk_rows=10**9)
    split = engine.figures(records_, _codes(), periods_, chunk_rows=1)
    read = engine.figures(
        (records_.filter(pc.equal(records_["partnership"], p)) for p in reversed(PARTNERSHIPS)),
        _codes(),
        periods_,
    )
    assert _tables(split) == _tables(whole) == _tables(read)
    assert len(engine.split_figures(split, len(periods_))) == len(periods_)


def test_a_table_is_split_into_whole_partnerships_of_about_the_rows_asked():
    rows = [
        {**row, "partnership": p}
        for p, people in ((3, 2), (7, 1), (11, 3))
        for person in range(people)
        for row in cases.episode(f"p{person}", referral=DAY, modalities=[])
    ]
    chunks = list(engine.chunks_of(cases.table(rows), chunk_rows=3))
    assert [sorted(set(c["partnership"].to_pylist())) for c in chunks] == [[3, 7], [11]]
    assert sum(c.num_rows for c in chunks) == len(rows)


def test_a_partnership_in_two_chunks_is_refused():
    rows = cases.table(cases.episode("p0", referral=DAY, modalities=[]))
    with pytest.raises(ValueError, match="more than one chunk"):
        engine.figures([rows, rows], _codes(), [Period(cases.PARTNERSHIP, DAY, DAY, DAY)])
