"""The shortcut for clean rows (rules/clean.py) changes nothing but the speed: every file gives the same
report (each problem at its row and column), counts and staged rows whether its rows take the shortcut or go
through the rules one by one."""

from __future__ import annotations

import io
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from concordat.partnerships.rules.vocabulary import BUILT_IN_MODALITIES
from concordat.treatment import checking
from concordat.treatment.rules.columns import COLUMNS
from concordat.treatment.rules.fields import Context
from tests.treatment.submissions import PERIOD_END, a_file, check_and_stage, csv_bytes
from tests.treatment.test_fuzz import mutated

CONTEXT = Context(
    period_end=PERIOD_END,
    modalities=frozenset(BUILT_IN_MODALITIES),
    min_age=18,
    max_age=64,
    area=frozenset({"E08000006"}),
)
# For each column: right values, other clients' and episodes' values, and every kind of wrong one —
# padded, lower case, impossible dates, dates after the period end, waits over a year, too young.
VALUES: dict[str, list[str]] = {
    "client_ref": ["C0", "C1", "C2", "DONE", " C0", "bad ref!", "", "x" * 33],
    "initials": ["QZ", "qz", "AB", "Q", "Q1", " QZ", "", "ﬀ"],
    "date_of_birth": ["1970-05-06", "1971-05-06", "1900-01-01", "1990-02-29", "2004-02-30", "1970-5-6",
                      "", " 1970-05-06", "1995-01-01", "2006-01-01", "1930-01-01"],
    "sex": ["M", "F", "m", "", "M "],
    "la_of_residence": ["E08000006", "W06000001", "E0800000", "", "e08000006"],
    "episode_ref": ["E0", "E1", "W0", "NEW-1", "DONE-1", "", "E 0"],
    "referral_date": ["2004-06-01", "2003-01-01", "2005-06-01", "", "2004-13-01", "2005-01-10"],
    "referral_source": ["gp", "self", "GP", "", "nope"],
    "primary_substance": ["opiates", "alcohol", "", "Opiates"],
    "triage_date": ["", "2004-06-03", "2004-05-01", "2006-01-01", "2004-06-01", "2005-07-01",
                    "2005-03-31"],
    "modality": ["pharmacological", "psychosocial", "", "bogus", " advice"],
    "modality_referral_date": ["", "2004-06-03", "2003-01-01", "2005-03-30", "2004-01-01", "2003-06-01"],
    "modality_start_date": ["", "2004-06-20", "2004-06-01", "2005-03-31", "2005-03-01"],
    "modality_end_date": ["", "2004-09-01", "2004-06-10", "2005-04-01"],
    "discharge_date": ["", "2004-09-02", "2004-06-02", "2005-04-01", "2005-03-31"],
    "discharge_reason": ["", "dropped-out", "nope", "died"],
}  # fmt: skip
# Surrounding space as str.strip() reads it — a space, a tab, a line break, a non-breaking space (U+00A0),
# an em space, an ideographic space — put around any value: trimmed with a warning, the long way.
SPACE = " \t\n\u00a0\u2003\u3000"
for values in VALUES.values():
    values.extend([f"\u00a0{values[0]}", f"{values[1]}\t", f" {values[0]}\u00a0"])


def both_ways(data: bytes, context: Context = CONTEXT) -> list[Any]:
    results = []
    for shortcut in (True, False):
        checked, spooled = check_and_stage(data, context, shortcut=shortcut)
        results.append(
            (checked.report.as_dict(), checked.clients, checked.episodes, checked.modalities, spooled)
        )
    return results


@st.composite
def changed_file(draw: st.DrawFn) -> bytes:
    rows = a_file(3)
    for _ in range(draw(st.integers(0, 5))):
        which = draw(st.integers(0, len(rows) - 1))
        if draw(st.integers(0, 5)) == 0:  # a row repeated (the next row of the same episode)
            rows.insert(which, dict(rows[which]))
            continue
        column = draw(st.sampled_from(COLUMNS))
        value = draw(st.sampled_from(VALUES[column]))
        if draw(st.integers(0, 3)) == 0:  # space around it, either side or both
            value = draw(st.text(SPACE, max_size=2)) + value + draw(st.text(SPACE, max_size=2))
        rows[which][column] = value
    return csv_bytes(rows, newline=draw(st.sampled_from(["\n", "\r\n"])))


def test_every_single_change_of_a_file_gives_the_same_report_and_staged_rows_both_ways() -> None:
    """Each value of VALUES in each row of the file, one at a time: every error and warning code the
    values can give, at the first row of an episode and at a later one."""
    base = a_file(3)
    for which in range(len(base)):
        for column, values in VALUES.items():
            for value in values:
                rows = [dict(r) for r in base]
                rows[which][column] = value
                shortcut, long_way = both_ways(csv_bytes(rows))
                assert shortcut == long_way, (which, column, value)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(data=changed_file())
def test_a_file_of_changed_values_gives_the_same_report_and_staged_rows_both_ways(data: bytes) -> None:
    shortcut, long_way = both_ways(data)
    assert shortcut == long_way


@settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow])
@given(data=mutated())
def test_a_mangled_file_gives_the_same_report_both_ways(data: bytes) -> None:
    shortcut, long_way = both_ways(data)
    assert shortcut == long_way


def test_the_bench_file_is_the_same_both_ways_and_most_rows_take_the_shortcut(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    from treatment_import import generate

    path = tmp_path / "bench.csv"
    generate(path, 3_000)
    context = Context(
        period_end=date(2006, 3, 31),
        modalities=frozenset(BUILT_IN_MODALITIES),
        min_age=18,
        area=frozenset({"E08000006"}),
    )
    shortcut, long_way = both_ways(path.read_bytes(), context)
    assert shortcut == long_way
    assert shortcut[0]["accepted"] and shortcut[0]["rows"] == 3_000
    # Once its dates and areas have been read (above), every row of a clean file takes the shortcut.
    long_rows: list[int] = []
    parse_row = checking.parse_row
    monkeypatch.setattr(checking, "parse_row", lambda row, *a: (long_rows.append(row), parse_row(row, *a))[1])
    again = checking.check_file(io.BytesIO(path.read_bytes()), context=context, secret=b"k" * 32)
    assert again.report.accepted and again.modalities == 3_000
    assert long_rows == []
