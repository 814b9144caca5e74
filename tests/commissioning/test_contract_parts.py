"""A subcontract or a legacy contract of a recorded contract, changed and removed on the web by its key:
a stale save is refused with the other person's values (409), removal asks first, removing what is gone says
so, every change is on the audit trail, the pool's commitments stay the contract's terms, and the pages take
the same queries for one row or many."""

from __future__ import annotations

from importlib import import_module
from typing import Any

import pytest
from django.apps import apps
from django.urls import reverse

from concordat.commissioning import models, selectors, services
from concordat.core.audit import person_name
from concordat.core.models import AuditEntry
from concordat.core.roles import Role
from concordat.partnerships.services import fingerprint
from tests.factories import member

from .conftest import contract_values
from .test_services import rows

SUB = {
    "subcontractor": "Croydon pharmacies",
    "description": "Supervised consumption",
    "annual_value": "1200.00",
}
OLD = {
    "name": "Community alcohol service 2019",
    "holder": "Addaction",
    "element": "Alcohol",
    "annual_cost": "250000.00",
    "after_cost": "240000.00",
    "transfers_on": "2024-10-01",
}
KINDS = {
    # kind -> (the add service, the form's new values, the field changed, its new value shown on the trail)
    "subcontract": (services.contract_subcontract_add, {**SUB, "annual_value": "1500.00"}, "annual value"),
    "legacy": (services.contract_legacy_add, {**OLD, "holder": "Turning Point"}, "holder"),
}


@pytest.fixture
def signed_in(client: Any, lead: Any) -> Any:
    client.force_login(lead)
    return client


@pytest.fixture
def contract(partnership: Any, lead: Any) -> models.Contract:
    made, _ = services.contract_create(partnership=partnership, values=contract_values(), user=lead)
    return made


def add(kind: str, contract: models.Contract, user: Any, key: str) -> Any:
    values = SUB if kind == "subcontract" else OLD
    return KINDS[kind][0](contract=contract, values=values, user=user, token=key)


def url(name: str, kind: str, row: Any) -> str:
    contract = row.contract
    return reverse(f"commissioning:{name}-{kind}", args=[contract.partnership.slug, contract.key, row.key])


def shown(kind: str, row: Any) -> dict[str, Any]:
    return (selectors.subcontract_values if kind == "subcontract" else selectors.legacy_contract_values)(row)


def form_of(values: dict[str, Any], seen: str) -> dict[str, Any]:
    return {**{k: v for k, v in values.items() if k != "source"}, "seen": seen}


def fresh(row: Any) -> Any:
    return type(row).objects.filter(pk=row.pk).first()


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_a_change_through_the_form_writes_one_row_and_one_audit_entry(
    signed_in: Any, contract: Any, lead: Any, kind: str
) -> None:
    row = add(kind, contract, lead, "rowkey0001")
    page = signed_in.get(url("change", kind, row))
    assert page.status_code == 200 and page.context["seen"] == fingerprint(shown(kind, row))
    assert url("remove", kind, row) in page.content.decode()
    entries = AuditEntry.objects.count()
    response = signed_in.post(url("change", kind, row), form_of(KINDS[kind][1], page.context["seen"]))
    assert response.status_code == 302 and response["Location"].endswith(f"/contracts/{contract.key}/")
    assert shown(kind, fresh(row)) == {**KINDS[kind][1], "source": ""}
    assert AuditEntry.objects.count() == entries + 1
    entry = AuditEntry.objects.latest("timestamp")
    assert entry.actor_name == person_name(lead)
    assert entry.action == AuditEntry.Action.UPDATE and KINDS[kind][2] in entry.summary
    assert entry.partnership == contract.partnership.slug


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_a_stale_save_is_refused_with_the_other_persons_values(
    signed_in: Any, contract: Any, partnership: Any, lead: Any, kind: str
) -> None:
    row = add(kind, contract, lead, "rowkey0002")
    seen = signed_in.get(url("change", kind, row)).context["seen"]
    other = member(
        partnership, Role.LEAD_COMMISSIONER, username="olive", first_name="Olive", last_name="Other"
    )
    theirs = {**shown(kind, row), ("subcontractor" if kind == "subcontract" else "element"): "Theirs Ltd"}
    change = (
        services.contract_subcontract_change if kind == "subcontract" else services.contract_legacy_change
    )
    change(contract=contract, key=row.key, values=theirs, seen=seen, user=other)
    before = rows()
    mine = form_of(KINDS[kind][1], seen)
    response = signed_in.post(url("change", kind, row), mine)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Olive Other" in html and "Theirs Ltd" in html and "Nothing was saved" in html
    assert rows() == before and shown(kind, fresh(row)) == theirs
    # The page now carries what they saw: saving again replaces their version with the user's own.
    again = signed_in.post(url("change", kind, row), {**mine, "seen": response.context["seen"]})
    assert again.status_code == 302 and shown(kind, fresh(row)) == {**KINDS[kind][1], "source": ""}


def test_a_second_identical_save_is_not_stale(signed_in: Any, contract: Any, lead: Any) -> None:
    row = add("subcontract", contract, lead, "rowkey0003")
    seen = signed_in.get(url("change", "subcontract", row)).context["seen"]
    form = form_of(KINDS["subcontract"][1], seen)
    assert signed_in.post(url("change", "subcontract", row), form).status_code == 302
    entries = AuditEntry.objects.count()
    assert signed_in.post(url("change", "subcontract", row), form).status_code == 302  # a double click
    assert AuditEntry.objects.count() == entries


def test_a_refused_change_puts_problems_on_fields_and_changes_nothing(
    signed_in: Any, contract: Any, lead: Any
) -> None:
    row = add("legacy", contract, lead, "rowkey0004")
    seen = signed_in.get(url("change", "legacy", row)).context["seen"]
    before = rows()
    response = signed_in.post(
        url("change", "legacy", row), form_of({**OLD, "annual_cost": "lots", "transfers_on": "2024-02"}, seen)
    )
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"annual_cost", "transfers_on"}
    assert rows() == before and shown("legacy", fresh(row)) == {**OLD, "source": ""}


def test_the_source_the_form_does_not_show_is_kept(signed_in: Any, contract: Any, lead: Any) -> None:
    row = services.contract_subcontract_add(
        contract=contract, values={**SUB, "source": "Minutes, item 4"}, user=lead, token="rowkey0005"
    )
    seen = signed_in.get(url("change", "subcontract", row)).context["seen"]
    signed_in.post(url("change", "subcontract", row), form_of({**SUB, "annual_value": ""}, seen))
    assert shown("subcontract", fresh(row)) == {**SUB, "annual_value": None, "source": "Minutes, item 4"}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_removal_asks_first_then_removes_and_retires_the_key(
    signed_in: Any, contract: Any, lead: Any, kind: str
) -> None:
    row = add(kind, contract, lead, "rowkey0006")
    confirm = signed_in.get(url("remove", kind, row))
    html = confirm.content.decode()
    assert confirm.status_code == 200 and "Are you sure you want to remove" in html and str(row) in html
    assert fresh(row) is not None  # asking removes nothing
    response = signed_in.post(url("remove", kind, row), {"seen": confirm.context["seen"]})
    assert response.status_code == 302 and fresh(row) is None
    entry = AuditEntry.objects.latest("timestamp")
    assert entry.action == AuditEntry.Action.DELETE and entry.partnership == contract.partnership.slug
    # Back and resubmit the form that added it: the key is retired, so nothing is added again.
    before = rows()
    form = {**(SUB if kind == "subcontract" else OLD), "token": "rowkey0006"}
    assert (
        signed_in.post(
            reverse(f"commissioning:add-{kind}", args=[contract.partnership.slug, contract.key]), form
        ).status_code
        == 302
    )
    assert rows() == before


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_removing_what_is_already_gone_says_so_and_changes_nothing(
    signed_in: Any, contract: Any, lead: Any, kind: str
) -> None:
    row = add(kind, contract, lead, "rowkey0007")
    seen = signed_in.get(url("remove", kind, row)).context["seen"]
    assert signed_in.post(url("remove", kind, row), {"seen": seen}).status_code == 302
    before, entries = rows(), AuditEntry.objects.count()
    again = signed_in.post(url("remove", kind, row), {"seen": seen}, follow=True)
    assert "had already been removed: nothing changed" in again.content.decode()
    assert rows() == before and AuditEntry.objects.count() == entries
    assert "had already been removed" in signed_in.get(url("remove", kind, row), follow=True).content.decode()
    # Changing it now: said so, nothing saved.
    changed = signed_in.post(url("change", kind, row), form_of(KINDS[kind][1], seen), follow=True)
    assert "was removed by someone else. Nothing was saved." in changed.content.decode()
    assert rows() == before


def test_a_key_that_never_named_a_row_is_not_found(signed_in: Any, contract: Any) -> None:
    for name in ("change", "remove"):
        for kind in KINDS:
            path = reverse(
                f"commissioning:{name}-{kind}", args=[contract.partnership.slug, contract.key, "nosuchrow1"]
            )
            assert signed_in.get(path).status_code == 404
            assert signed_in.post(path, {}).status_code == 404


def test_a_removal_of_a_row_changed_since_the_page_asks_again(
    signed_in: Any, contract: Any, lead: Any
) -> None:
    row = add("subcontract", contract, lead, "rowkey0008")
    seen = signed_in.get(url("remove", "subcontract", row)).context["seen"]
    services.contract_subcontract_change(
        contract=contract, key=row.key, values={**SUB, "description": "Needle exchange"}, seen=None, user=lead
    )
    response = signed_in.post(url("remove", "subcontract", row), {"seen": seen})
    assert response.status_code == 200 and "check it and confirm again" in response.content.decode()
    assert "Needle exchange" in response.content.decode() and fresh(row) is not None


def test_the_pools_commitments_stay_the_contracts_terms(signed_in: Any, contract: Any, lead: Any) -> None:
    from concordat.pool.models import Commitment

    def commitments() -> list[tuple[int, int]]:
        return list(
            Commitment.objects.filter(contract_ref=f"contract:{contract.key}")
            .order_by("year")
            .values_list("year", "amount_pence")
        )

    before = commitments()
    assert before
    row = add("subcontract", contract, lead, "rowkey0009")
    services.contract_subcontract_change(
        contract=contract, key=row.key, values={**SUB, "annual_value": "900000.00"}, seen=None, user=lead
    )
    services.contract_subcontract_remove(contract=contract, key=row.key, seen=None, user=lead)
    assert commitments() == before == sorted(selectors.terms_of(contract).schedule.items())


def test_rows_recorded_with_their_contract_have_keys_and_the_migration_gives_old_ones_keys(
    partnership: Any, lead: Any
) -> None:
    made, _ = services.contract_create(
        partnership=partnership,
        values=contract_values(key="with-rows", subcontracts=[SUB, SUB], legacy=[OLD]),
        user=lead,
    )
    keys = [s.key for s in made.subcontracts.all()] + [x.key for x in made.legacy.all()]
    assert all(keys) and len(set(keys[:2])) == 2
    models.Subcontract.objects.update(key="")
    models.LegacyContract.objects.update(key="")
    migration = import_module("concordat.commissioning.migrations.0005_subcontract_legacy_keys_filled")
    migration.fill_keys(apps, None)
    refilled = [s.key for s in made.subcontracts.all()] + [x.key for x in made.legacy.all()]
    assert all(refilled) and len(set(refilled[:2])) == 2


def test_the_contract_page_and_the_forms_take_the_same_queries_for_one_row_or_many(
    signed_in: Any, contract: Any, lead: Any, django_assert_max_num_queries: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first = add("subcontract", contract, lead, "rowkey0100")
    add("legacy", contract, lead, "rowkey0200")
    pages = [
        reverse("commissioning:contract", args=[contract.partnership.slug, contract.key]),
        url("change", "subcontract", first),
        url("remove", "subcontract", first),
    ]
    counts = []
    for page in pages:
        with CaptureQueriesContext(connection) as one:
            assert signed_in.get(page).status_code == 200
        counts.append(len(one.captured_queries))
    for i in range(1, 8):
        add("subcontract", contract, lead, f"rowkey01{i:02d}")
        add("legacy", contract, lead, f"rowkey02{i:02d}")
    for page, count in zip(pages, counts, strict=True):
        with django_assert_max_num_queries(count):
            assert signed_in.get(page).status_code == 200
