"""What the KPI engine reads: every episode of a partnership with its modalities, pseudonymous only."""

from __future__ import annotations

import pytest

from concordat.treatment.selectors import EXTRACT_COLUMNS, latest_period_end, partnership_extract
from tests.treatment.conftest import submit
from tests.treatment.submissions import DOB, PERIOD_END, a_file, row

pytestmark = pytest.mark.django_db


def test_the_extract_has_one_row_per_modality_and_one_per_episode_without_any(partnership):
    submit(partnership, a_file(2))
    submit(partnership, [row(client_ref="THEIRS", episode_ref="T1")], provider="P2")
    rows = list(partnership_extract(partnership.pk))
    assert len(rows) == 5 + 2 + 1  # a_file(2): 5 modality rows and 2 episodes with none; P2: 1
    assert all(len(r) == len(EXTRACT_COLUMNS) for r in rows)
    waiting = [r for r in rows if r[EXTRACT_COLUMNS.index("modality")] is None]
    assert len(waiting) == 2
    text = repr(rows)
    assert DOB not in text and "THEIRS" not in text and "C0" not in text  # no identifying column


def test_the_latest_period_end_is_that_of_the_accepted_submissions(partnership):
    assert latest_period_end(partnership) is None
    submit(partnership, [row()])
    submit(partnership, [row(sex="Q")], period_end=PERIOD_END.replace(year=2006))  # rejected
    assert latest_period_end(partnership) == PERIOD_END
