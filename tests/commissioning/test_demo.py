"""The demo's commissioning says what papers 003 and 004 say, and loading it twice changes nothing."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command

from concordat.commissioning import commitments, demo_data, models, ocds, selectors
from concordat.core.audit import entries_for_partnership
from concordat.partnerships.models import Partnership

from .test_ocds import validate


@pytest.fixture
def loaded(db: None, fixed_today: Any) -> None:
    call_command("demo", "load", stdout=None)


def rows() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in apps.get_app_config("commissioning").get_models()}


def test_loading_the_demo_twice_changes_nothing(loaded: None) -> None:
    before, trail = rows(), entries_for_partnership("croydon-dat").count()
    demo_data.load()
    assert rows() == before and entries_for_partnership("croydon-dat").count() == trail


def test_croydons_contract_is_the_papers(loaded: None) -> None:
    contract = models.Contract.objects.get(partnership__slug="croydon-dat")
    assert (contract.annual_value_pence, contract.whole_life_value_pence, contract.max_term_years) == (
        298_436_000,
        2_089_052_000,
        7,
    )
    assert sorted(commitments.schedule_by_year(contract).values()) == [298_436_000] * 7
    assert {s.description for s in contract.subcontracts.all()} == {
        "Pharmacy needle exchange",
        "Pharmacy supervised administration",
        "GP Shared Care",
    }
    # The status is the dates': planned on the demo's day (2004), active once it starts, ended after 2029.
    assert contract.status == "planned"
    assert contract.status_on(date(2022, 4, 1)) == "active"
    assert contract.status_on(date(2029, 4, 1)) == "ended"


def test_bnes_2004_to_2007_contract_is_ended_not_active_in_2026(loaded: None) -> None:
    contract = models.Contract.objects.get(partnership__slug="bnes-dat")
    assert contract.status_on(date(2026, 1, 1)) == "ended"
    assert contract.status_on(date(2004, 4, 1)) == "active"


def test_croydons_twenty_legacy_contracts_cost_what_the_new_one_does(loaded: None) -> None:
    contract = models.Contract.objects.get(partnership__slug="croydon-dat")
    legacy = list(contract.legacy.all())
    assert len(legacy) == 20
    assert sum(x.annual_cost_pence for x in legacy) == contract.annual_value_pence
    assert all("invented" in x.source for x in legacy)
    assert len({x.transfers_on for x in legacy}) > 1  # a phased transition


def test_croydons_strategy_was_approved_by_cabinet(loaded: None) -> None:
    procurement = models.Procurement.objects.get(partnership__slug="croydon-dat")
    strategy = procurement.stages.get(stage="strategy-approved")
    assert "Cabinet" in strategy.decided_by
    assert procurement.stages.count() == 9


def test_bnes_services_by_tier_with_badas_the_single_point_of_referral(loaded: None) -> None:
    bnes = Partnership.objects.get(slug="bnes-dat")
    tiers = set(models.Service.objects.filter(partnership=bnes).values_list("tier", flat=True))
    assert tiers == {1, 2, 3}
    assert bnes.providers.get(single_point_of_referral=True).code == "BADAS"
    involve = models.Contract.objects.get(partnership=bnes, provider__code="INVOLVE")
    assert involve.end.year == 2007


@pytest.mark.parametrize("slug", ["croydon-dat", "bnes-dat", "salford-dat"])
def test_each_demo_partnership_exports_valid_open_contracting_data(loaded: None, slug: str) -> None:
    validate(ocds.release_package(Partnership.objects.get(slug=slug)))


def test_the_demo_register_reads_in_a_fixed_number_of_queries(
    loaded: None, django_assert_max_num_queries: Any
) -> None:
    bnes = Partnership.objects.get(slug="croydon-dat")
    with django_assert_max_num_queries(8):
        for c in selectors.contracts(bnes):
            selectors.terms_of(c)
            list(c.legacy.all())


def test_croydons_contract_is_monitored_with_invented_kpis(loaded: None) -> None:
    contract = models.Contract.objects.get(partnership__slug="croydon-dat")
    assert contract.kpis.count() == 2 and all("invented" in k.name for k in contract.kpis.all())
    assert contract.reviews.get().rag == "amber"
