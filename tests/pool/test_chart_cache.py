"""The statement's chart is rendered by vl_convert once for all processes: kept in the shared cache under a
digest of its Vega-Lite specification, rendered after a posting commits and when the demo loads, so a
reader's request does not pay for vl_convert in the common case."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.urls import reverse

from concordat.core.roles import Role
from concordat.core.years import FinancialYear
from concordat.partnerships.models import Partnership
from concordat.pool import charts, demo_data, selectors, warming
from concordat.pool.errors import PostingRefused
from tests.factories import member

pytestmark = pytest.mark.django_db
YEAR = FinancialYear(2003)


@pytest.fixture(autouse=True)
def _empty_caches() -> Any:
    """Each test starts as a fresh server would: nothing in the shared cache or in this process's memory."""
    cache.clear()
    charts._render.cache_clear()
    yield
    cache.clear()
    charts._render.cache_clear()


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The specifications vl_convert was asked to render."""
    asked: list[str] = []
    real = charts.vl_convert.vegalite_to_svg

    def counting(spec: str, *args: Any, **kwargs: Any) -> str:
        asked.append(spec)
        return real(spec, *args, **kwargs)

    monkeypatch.setattr(charts.vl_convert, "vegalite_to_svg", counting)
    return asked


@pytest.fixture
def warm_inline(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Warming on, its background thread run in line (the test database's rows are this thread's alone)."""
    settings.DOCUMENTS_WARM_AFTER_WRITE = True
    monkeypatch.setattr(warming, "warm_in_background", lambda name, work: [job() for job in work])


def key_of(partnership: Partnership, year: FinancialYear = YEAR, quarter: int | None = None) -> str:
    figures = selectors.statement(partnership, year, quarter)
    return charts.chart_key(charts.chart_spec(charts.chart_rows(figures)))


def another_worker() -> None:
    """What a second gunicorn worker has: the shared cache, but nothing in its own memory."""
    charts._render.cache_clear()


def test_a_second_render_in_another_process_is_served_from_the_shared_cache(
    partnership: Partnership, post: Any, renders: list[str]
) -> None:
    post("contribution", "C-1", "2003-04-15", "300000.00", stream="NTA-PTB")
    first = charts.chart_svg(selectors.statement(partnership, YEAR))
    assert len(renders) == 1 and cache.get(key_of(partnership)) is not None
    another_worker()
    again = charts.chart_svg(selectors.statement(partnership, YEAR))
    assert again == first and len(renders) == 1


def test_the_statement_page_twice_in_two_workers_renders_once(
    client: Any, partnership: Partnership, post: Any, renders: list[str]
) -> None:
    post("contribution", "C-1", "2003-04-15", "300000.00", stream="NTA-PTB")
    client.force_login(member(partnership, Role.BOARD_MEMBER, username="board"))
    url = reverse("pool:statement", args=[partnership.slug])
    first = client.get(url, {"year": "2003-04"})
    another_worker()
    second = client.get(url, {"year": "2003-04"})
    assert first.status_code == second.status_code == 200
    assert "<svg" in second.content.decode() and len(renders) == 1


def test_the_key_is_the_specification_so_new_figures_make_a_new_key(
    partnership: Partnership, post: Any
) -> None:
    before = key_of(partnership)
    assert key_of(partnership) == before  # the same figures: the same key, in every process
    post("contribution", "C-1", "2003-04-15", "300000.00", stream="NTA-PTB")
    assert key_of(partnership) != before


def test_a_posting_renders_its_years_charts_once_it_commits(
    client: Any,
    partnership: Partnership,
    post: Any,
    renders: list[str],
    warm_inline: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        post("payment", "P-1", "2003-07-01", "12000.00", contract="CDT-2003", purpose="treatment")
    assert renders == [] and cache.get(key_of(partnership)) is None  # nothing before the commit
    for callback in callbacks:
        callback()
    for quarter in warming.PERIODS:  # the whole year and the year to each quarter's end
        assert cache.get(key_of(partnership, YEAR, quarter)) is not None
    rendered = len(renders)
    another_worker()
    client.force_login(member(partnership, Role.AUDITOR, username="auditor"))
    page = client.get(reverse("pool:statement", args=[partnership.slug]), {"year": "2003-04"})
    assert page.status_code == 200 and len(renders) == rendered  # the reader waited for no render


def test_a_refused_posting_warms_nothing(
    partnership: Partnership,
    post: Any,
    renders: list[str],
    warm_inline: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(PostingRefused):
        post("reversal", "R-1", "2003-07-01", reverses="NO-SUCH-REF")
    assert callbacks == [] and renders == []


def test_warming_is_off_when_documents_are_rendered_on_demand(
    partnership: Partnership, post: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.DOCUMENTS_WARM_AFTER_WRITE = False
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        post("contribution", "C-1", "2003-04-15", "300000.00", stream="NTA-PTB")
    assert callbacks == []


def test_the_demo_load_renders_every_statement_it_offers(
    partnership: Partnership, renders: list[str], warm_inline: None
) -> None:
    Partnership.objects.filter(pk=partnership.pk).update(demo=True)
    demo_data.load()
    years = warming.statement_years(partnership)
    assert 2003 in years
    for year in years:
        for quarter in warming.PERIODS:
            assert cache.get(key_of(partnership, FinancialYear(year), quarter)) is not None
    rendered = len(renders)
    another_worker()
    demo_data.load()  # a second load posts nothing and finds every chart in the cache
    assert len(renders) == rendered


def test_new_commitments_render_the_years_charts_they_change(
    partnership: Partnership, renders: list[str], warm_inline: None, django_capture_on_commit_callbacks: Any
) -> None:
    from concordat.pool.services import commitments_replace

    before = key_of(partnership)
    with django_capture_on_commit_callbacks(execute=True):
        commitments_replace(partnership=partnership, contract_ref="CDT-2003", by_year={2003: 5_000_000})
    after = key_of(partnership)
    assert after != before and cache.get(after) is not None  # the forecast outturn the chart draws moved
