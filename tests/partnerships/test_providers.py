"""Providers in full (for commissioning): sector, ODS code, tiers, client groups, ages, capacity and the
single point of referral, in the file, the database and the export, with the checker's refusals at their
paths."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from concordat.partnerships import services
from concordat.partnerships.models import Provider
from concordat.partnerships.rules.agreement import check_agreement
from concordat.partnerships.shape import export_agreement
from tests.factories import agreement_document

SLUGS = itertools.count()


@st.composite
def providers(draw: Any) -> list[dict[str, Any]]:
    codes = draw(st.lists(st.sampled_from(["BADAS", "DHI", "AWP", "P1", "P2"]), min_size=1, unique=True))
    referral = draw(st.one_of(st.none(), st.sampled_from(codes)))
    entries = []
    for code in codes:
        low = draw(st.one_of(st.none(), st.integers(0, 60)))
        high = draw(st.one_of(st.none(), st.integers(low or 0, 120)))
        entry = {
            "code": code,
            "name": f"Provider {code}",
            "tiers": sorted(draw(st.sets(st.integers(1, 4)))),
            "sector": draw(st.sampled_from([None, "statutory", "voluntary", "private"])),
            "org_code": draw(st.sampled_from([None, "RVN", "Y02345"])),
            "client_groups": draw(
                st.sampled_from([[], ["adults"], ["young-people"], ["adults", "young-people"]])
            ),
            "ages": {k: v for k, v in {"min": low, "max": high}.items() if v is not None},
            "capacity": draw(st.one_of(st.none(), st.integers(0, 5000))),
            "single_point_of_referral": True if code == referral else None,
        }
        entries.append({k: v for k, v in entry.items() if v not in (None, [], {})})
    return entries


@pytest.mark.django_db(transaction=False)
@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(entries=providers())
def test_providers_survive_load_and_export_and_loading_again_changes_nothing(
    entries: list[dict[str, Any]],
) -> None:
    document = agreement_document(slug=f"providers-{next(SLUGS)}", providers=entries)
    loaded = services.partnership_load(document=document)
    assert loaded.report.valid, [p.as_dict() for p in loaded.report.errors]
    assert loaded.partnership is not None
    exported = export_agreement(loaded.partnership)
    assert exported["providers"] == entries
    again = services.partnership_load(document=exported)
    assert not again.changes.any, again.changes.as_dict()


@pytest.mark.django_db
def test_a_provider_row_holds_what_the_file_says() -> None:
    entry = {
        "code": "INVOLVE",
        "name": "In-Volve",
        "tiers": [2, 3],
        "sector": "voluntary",
        "client_groups": ["young-people"],
        "ages": {"max": 18},
        "capacity": 100,
    }
    loaded = services.partnership_load(document=agreement_document(providers=[entry]))
    row = Provider.objects.get(partnership=loaded.partnership, code="INVOLVE")
    assert (row.sector, row.client_groups, row.min_age, row.max_age, row.capacity) == (
        "voluntary",
        ["young-people"],
        None,
        18,
        100,
    )
    assert row.single_point_of_referral is False


def errors_of(providers: list[dict[str, Any]]) -> dict[str, str]:
    from datetime import date

    report = check_agreement(agreement_document(providers=providers), today=date(2026, 11, 25)).report
    return {p.path: p.code for p in report.errors}


def test_a_second_single_point_of_referral_is_refused_at_its_path() -> None:
    found = errors_of(
        [
            {"code": "A", "name": "A", "single_point_of_referral": True},
            {"code": "B", "name": "B", "single_point_of_referral": True},
        ]
    )
    assert found == {"providers[1].single_point_of_referral": "second-referral-point"}


@pytest.mark.parametrize(
    ("entry", "path", "code"),
    [
        ({"sector": "public"}, "providers[0].sector", "invalid-choice"),
        ({"org_code": "rvn!"}, "providers[0].org_code", "invalid-code"),
        ({"client_groups": ["elders"]}, "providers[0].client_groups[0]", "invalid-choice"),
        ({"ages": {"min": 30, "max": 18}}, "providers[0].ages.max", "out-of-range"),
        ({"ages": {"min": -1}}, "providers[0].ages.min", "out-of-range"),
        ({"capacity": "lots"}, "providers[0].capacity", "type"),
        ({"single_point_of_referral": "yes"}, "providers[0].single_point_of_referral", "type"),
    ],
)
def test_bad_provider_values_are_refused_at_their_paths(entry: dict[str, Any], path: str, code: str) -> None:
    assert errors_of([{"code": "A", "name": "A", **entry}]) == {path: code}


@pytest.mark.django_db
def test_a_refused_provider_file_changes_nothing() -> None:
    loaded = services.partnership_load(document=agreement_document())
    assert loaded.partnership is not None
    bad = agreement_document(
        providers=[{"code": "P1", "name": "Example", "sector": "public", "capacity": 12}]
    )
    result = services.partnership_load(document=bad)
    assert not result.report.valid
    row = Provider.objects.get(partnership=loaded.partnership, code="P1")
    assert (row.sector, row.capacity, row.name) == ("", None, "Example Community Drug Service")


# --- on the web ---------------------------------------------------------------------------------------------


def _url(name: str, *args: str) -> str:
    from django.urls import reverse

    return reverse(f"partnerships:{name}", args=["salford-dat", *args])


def _providers_now() -> list[dict[str, Any]]:
    from concordat.partnerships.models import Partnership

    return export_agreement(Partnership.objects.get(slug="salford-dat"))["providers"]


@pytest.fixture
def as_lead(client: Any, lead: Any) -> Any:
    client.force_login(lead)
    return client


def test_a_provider_is_changed_in_full_on_the_web(as_lead: Any) -> None:
    data = {
        "name": "Community Drug Service",
        "tiers": ["2", "3"],
        "sector": "voluntary",
        "org_code": "Y02345",
        "client_groups": ["adults"],
        "min_age": "18",
        "capacity": "250",
        "single_point_of_referral": "on",
    }
    assert as_lead.post(_url("edit-provider", "P1"), data).status_code == 302
    assert _providers_now() == [
        {
            "code": "P1",
            "name": "Community Drug Service",
            "tiers": [2, 3],
            "sector": "voluntary",
            "org_code": "Y02345",
            "client_groups": ["adults"],
            "ages": {"min": 18},
            "capacity": 250,
            "single_point_of_referral": True,
        }
    ]
    page = as_lead.get(_url("edit-provider", "P1")).content.decode()
    assert 'value="Y02345"' in page and 'value="250"' in page


def test_a_second_single_point_of_referral_is_refused_at_its_field_on_the_web(as_lead: Any) -> None:
    first = {"name": "One", "tiers": [], "single_point_of_referral": "on"}
    assert as_lead.post(_url("edit-provider", "P1"), first).status_code == 302
    before = _providers_now()
    second = {"code": "P2", "name": "Two", "tiers": [], "single_point_of_referral": "on"}
    response = as_lead.post(_url("add-provider"), second)
    assert response.status_code == 200 and _providers_now() == before
    assert "single_point_of_referral" in response.context["form"].errors


def test_ages_the_wrong_way_round_are_refused_at_the_oldest_age(as_lead: Any) -> None:
    before = _providers_now()
    response = as_lead.post(
        _url("edit-provider", "P1"), {"name": "One", "tiers": [], "min_age": "30", "max_age": "18"}
    )
    assert response.status_code == 200 and _providers_now() == before
    assert "max_age" in response.context["form"].errors
