"""Every partnership compared for a period: a league table per KPI of published figures (small counts
suppressed, the rest rounded to 5), read from stored results only, the viewer's own highlighted; for
members of any partnership, in a fixed number of queries."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from concordat.core.roles import Role
from concordat.performance import engine, selectors
from concordat.performance.figures import NationalRow
from concordat.performance.views.national import league
from tests.factories import load_partnership, member
from tests.performance.pages import in_treatment, queries, recorded, section, text
from tests.treatment.conftest import submit

pytestmark = pytest.mark.django_db
URL = reverse("performance:national")
ONE_PROVIDER = [{"code": "P1", "name": "Only Service", "tiers": [3]}]


def others() -> tuple[Any, Any]:
    small = load_partnership(slug="other-dat", name="Other DAT", providers=ONE_PROVIDER)
    submit(small, in_treatment(2))
    selectors.recompute(small.pk)
    empty = load_partnership(slug="third-dat", name="Third DAT", providers=ONE_PROVIDER)
    return small, empty


def row_of(league_table: str, name: str) -> str:
    at = league_table.index(name)
    return league_table[league_table.rindex("<tr", 0, at) : league_table.index("</tr>", at)]


def test_published_figures_of_every_partnership_with_the_viewers_own_highlighted(
    client: Any, partnership: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    recorded(partnership)
    others()
    monkeypatch.setattr(engine, "run", lambda *a, **k: pytest.fail("the national page ran the engine"))
    client.force_login(member(partnership, Role.KEY_WORKER))
    page = text(client.get(URL))
    assert "Performance across partnerships: Q4 2004-05 (January to March 2005)" in page
    table = section(page, 'id="in-treatment"')
    salford = row_of(table, "Salford Drug Action Team")
    assert "concordat-highlight" in salford and "Your partnership" in salford
    assert 'href="/partnerships/salford-dat/performance/?period=2004-05-q4"' in salford
    exact = {g.label: g.kpis for g in selectors.grid(partnership)}["2004-05 Q4"]["in_treatment"]
    assert exact == 6 and ">5<" in salford  # rounded to the nearest 5, as published tables are
    other = row_of(table, "Other DAT")
    assert "Suppressed (fewer than 5)" in other and "href" not in other and "concordat-highlight" not in other
    assert "No figures stored" in row_of(table, "Third DAT")
    assert table.index("Salford Drug Action Team") < table.index("Other DAT") < table.index("Third DAT")
    for id_ in (
        "accessing-services",
        "new-starts",
        "retention",
        "completions",
        "baseline-growth",
        "accessing-target",
    ):
        assert f'id="{id_}"' in page


def test_a_period_is_chosen_with_a_get_form(client: Any, partnership: Any) -> None:
    recorded(partnership)
    client.force_login(member(partnership, Role.AUDITOR))
    year = text(client.get(URL, {"period": "2004-05"}))
    assert "Performance across partnerships: 2004-05 (April 2004 to March 2005)" in year
    wrong = text(client.get(URL, {"period": "2030-31"}))
    assert "Choose a quarter or financial year from the list" in wrong and "Q4 2004-05" in wrong


def test_a_partnership_being_brought_up_to_date_shows_its_last_stored_figures(
    client: Any, partnership: Any, settings: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    recorded(partnership)
    submit(partnership, in_treatment(30))  # not yet recomputed
    client.force_login(member(partnership, Role.BOARD_MEMBER))
    page = text(client.get(URL))
    assert "are being brought up to date" in section(page, 'id="stale"', "</div>")
    assert ">5<" in row_of(section(page, 'id="in-treatment"'), "Salford Drug Action Team")


def test_the_same_number_of_queries_for_two_partnerships_or_six(client: Any, partnership: Any) -> None:
    recorded(partnership)
    client.force_login(member(partnership, Role.LEAD_COMMISSIONER))
    others()
    few = queries(client, URL)
    for n in range(3):
        more = load_partnership(slug=f"more-{n}", name=f"More {n}", providers=ONE_PROVIDER)
        submit(more, in_treatment(7 + n))
        selectors.recompute(more.pk)
    assert queries(client, URL) == few


def test_equal_figures_share_a_rank_and_those_without_come_last() -> None:
    from concordat.partnerships.models import Partnership

    def entry(slug: str, value: Any, suppressed: bool = False) -> NationalRow:
        figures = {"in_treatment": value, "suppressed": ["in_treatment"] if suppressed else []}
        return NationalRow(Partnership(pk=len(slug), slug=slug, name=slug), figures, True, None)

    rows = [entry("a", 10), entry("b", 20), entry("c", None, True), entry("d", 10), entry("e", 5)]
    ranked = league(rows, "in_treatment", own={1})
    assert [(e["row"].partnership.slug, e["rank"]) for e in ranked] == [
        ("b", 1), ("a", 2), ("d", 2), ("e", 4), ("c", None),
    ]  # fmt: skip
    assert ranked[1]["own"] and ranked[4]["suppressed"]
