"""Cached KPI objects: computed once per record version and read after; the standard grid in one run."""

from __future__ import annotations

from datetime import date

import pytest

from concordat.performance import engine, selectors
from concordat.performance.models import KpiResult
from tests.treatment.conftest import submit
from tests.treatment.submissions import a_file, row

pytestmark = pytest.mark.django_db
START, END = date(2004, 4, 1), date(2005, 3, 31)


@pytest.fixture
def runs(monkeypatch):
    """How many engine runs happened."""
    count = {"runs": 0}
    real = engine.run

    def counted(*args, **kwargs):
        count["runs"] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(engine, "run", counted)
    return count


def test_kpis_are_computed_once_and_then_read_from_the_cache(partnership, runs):
    submit(partnership, a_file(2))
    first = selectors.kpis(partnership, START, END)
    assert selectors.kpis(partnership, START, END) == first
    assert selectors.kpis(partnership, START, END, published=True)["in_treatment"] is None  # 3: suppressed
    assert runs["runs"] == 1
    assert KpiResult.objects.filter(partnership=partnership).count() == 2  # exact and published


def test_a_new_submission_changes_the_version_and_the_figures(partnership, runs):
    submit(partnership, a_file(2))
    before = selectors.kpis(partnership, START, END)
    submit(partnership, a_file(3), provider="P2")
    after = selectors.kpis(partnership, START, END)
    assert runs["runs"] == 2 and after["accessing_services"] > before["accessing_services"]
    assert KpiResult.objects.filter(partnership=partnership).count() == 2  # the old version's are gone


def test_recompute_stores_every_quarter_and_year_from_the_first_referral_in_one_run(partnership, runs):
    submit(
        partnership,
        [
            *a_file(2),
            row(
                client_ref="OLD",
                episode_ref="OLD1",
                referral_date="2003-05-01",
                triage_date="",
                modality="",
                modality_referral_date="",
                modality_start_date="",
            ),
        ],
    )
    assert selectors.recompute(partnership.pk) == 2 * 5  # 2003-04 and 2004-05 (as_of 2005-03-31)
    assert runs["runs"] == 1
    grid = selectors.grid(partnership)
    assert [g.label for g in grid] == [
        "2003-04 Q1", "2003-04 Q2", "2003-04 Q3", "2003-04 Q4", "2003-04",
        "2004-05 Q1", "2004-05 Q2", "2004-05 Q3", "2004-05 Q4", "2004-05",
    ]  # fmt: skip
    assert runs["runs"] == 1  # read from the cache
    year = grid[-1]
    assert (year.start, year.end) == (START, END)
    assert year.kpis == selectors.compute([selectors.Request(partnership, START, END, date(2005, 3, 31))])[0]
    assert (
        selectors.kpis(partnership, START, END) == year.kpis and runs["runs"] == 2
    )  # compute() ran once more
    published = selectors.grid(partnership, published=True)
    assert published[-1].kpis["in_treatment"] is None


def test_the_grid_is_recomputed_when_the_record_changed(partnership, runs):
    submit(partnership, a_file(1))
    assert selectors.grid(partnership)[-1].kpis["accessing_services"] == 1
    submit(partnership, a_file(2))
    assert selectors.grid(partnership)[-1].kpis["accessing_services"] == 2
    assert runs["runs"] == 2
