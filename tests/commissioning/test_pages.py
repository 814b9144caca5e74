"""The commissioning pages: a procurement recorded stage by stage through the forms, refusals shown at the
field and changing nothing, variations, provider roles seeing only their own contracts, the register as
CSV and XLSX with pounds, and list pages at a fixed number of queries."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from concordat.commissioning import models, services
from concordat.core.roles import Role
from tests.factories import member

from .conftest import contract_values, walk
from .test_services import rows


@pytest.fixture
def signed_in(client: Any, lead: Any) -> Any:
    client.force_login(lead)
    return client


def stage_url(procurement: Any) -> str:
    return reverse("commissioning:record-stage", args=[procurement.partnership.slug, procurement.key])


def test_the_procurement_page_is_a_task_list_with_the_next_stage_linked(
    signed_in: Any, procurement: Any
) -> None:
    page = signed_in.get(
        reverse("commissioning:procurement", args=[procurement.partnership.slug, procurement.key])
    )
    html = page.content.decode()
    assert page.status_code == 200 and "govuk-task-list" in html
    assert stage_url(procurement) in html and "Strategy approved" in html


def test_recording_a_stage_through_the_form(signed_in: Any, procurement: Any) -> None:
    response = signed_in.post(stage_url(procurement), {"date": "2024-01-08", "decided_by": "The Cabinet"})
    assert response.status_code == 302
    assert procurement.stages.get().decided_by == "The Cabinet"


def test_a_stage_form_submitted_twice_records_its_stage_once_and_not_the_next(
    signed_in: Any, procurement: Any, lead: Any
) -> None:
    """The second submission of "Notice published" (Back and resubmit, a second tab) recorded "Bids
    received" with the notice's date and notes: the form records the next stage, whatever the page was."""
    walk(procurement, lead, "process-chosen")
    page = signed_in.get(stage_url(procurement)).content.decode()
    assert 'name="stage" value="notice-published"' in page
    answers = {"stage": "notice-published", "date": "2024-03-01", "decided_by": "Cabinet", "notes": "FTS"}
    assert signed_in.post(stage_url(procurement), answers).status_code == 302
    again = signed_in.post(stage_url(procurement), answers, follow=True)
    assert "Notice published was already recorded" in again.content.decode()
    assert [s.stage for s in procurement.stages.order_by("on", "id")][-1] == "notice-published"
    assert not procurement.stages.filter(stage="bids-received").exists()


def test_a_stage_form_for_a_stage_that_is_not_next_records_nothing(
    signed_in: Any, procurement: Any, lead: Any
) -> None:
    walk(procurement, lead, "process-chosen")
    before = rows()
    answers = {"stage": "evaluated", "date": "2024-03-01", "decided_by": "Cabinet"}
    response = signed_in.post(stage_url(procurement), answers, follow=True)
    assert "nothing was recorded" in response.content.decode() and rows() == before


def test_a_date_before_the_previous_stage_is_shown_at_the_date_field(
    signed_in: Any, procurement: Any, lead: Any
) -> None:
    walk(procurement, lead, "strategy-approved")
    before = rows()
    response = signed_in.post(
        stage_url(procurement), {"date": "2023-01-01", "decided_by": "Cabinet", "process": "competitive"}
    )
    assert response.status_code == 400 and rows() == before
    form = response.context["form"]
    assert "is before the previous stage" in form.errors["date"][0]


def test_a_date_that_is_not_a_date_is_shown_at_its_field(signed_in: Any, procurement: Any) -> None:
    response = signed_in.post(stage_url(procurement), {"date": "next Tuesday", "decided_by": "Cabinet"})
    assert response.status_code == 400 and "date" in response.context["form"].errors


def test_a_variation_through_the_form_and_money_that_is_not_money(
    signed_in: Any, partnership: Any, lead: Any
) -> None:
    contract, _ = services.contract_create(partnership=partnership, values=contract_values(), user=lead)
    url = reverse("commissioning:add-variation", args=[partnership.slug, contract.key])
    before = rows()
    bad = signed_in.post(
        url, {"date": "2025-01-01", "reason": "Uplift", "annual_value": "three million", "token": "tok-aaaa1"}
    )
    assert bad.status_code == 400 and rows() == before
    assert "annual_value" in bad.context["form"].errors
    good = signed_in.post(
        url, {"date": "2025-01-01", "reason": "Uplift", "annual_value": "3000000.00", "token": "tok-aaaa2"}
    )
    assert good.status_code == 302
    again = signed_in.post(
        url, {"date": "2025-01-01", "reason": "Uplift", "annual_value": "3000000.00", "token": "tok-aaaa2"}
    )
    assert again.status_code == 302 and contract.variations.count() == 1  # a second submission saves nothing
    page = signed_in.get(reverse("commissioning:contract", args=[partnership.slug, contract.key]))
    assert "£3,000,000.00" in page.content.decode() and "originally £2,984,360.00" in page.content.decode()


def test_provider_roles_see_only_their_own_providers_contracts(
    client: Any, partnership: Any, lead: Any
) -> None:
    mine, _ = services.contract_create(
        partnership=partnership, values=contract_values(key="mine", provider="P1"), user=lead
    )
    theirs, _ = services.contract_create(
        partnership=partnership, values=contract_values(key="theirs", provider="P2"), user=lead
    )
    client.force_login(member(partnership, Role.PROVIDER_DATA_OFFICER, provider="P1"))
    register = client.get(reverse("commissioning:contracts", args=[partnership.slug])).content.decode()
    assert f"/contracts/{mine.key}/" in register and f"/contracts/{theirs.key}/" not in register
    assert (
        client.get(reverse("commissioning:contract", args=[partnership.slug, theirs.key])).status_code == 404
    )
    assert client.get(reverse("commissioning:procurements", args=[partnership.slug])).status_code == 403


def test_the_register_downloads_as_csv_and_xlsx_with_pounds(
    signed_in: Any, partnership: Any, lead: Any
) -> None:
    services.contract_create(
        partnership=partnership, values=contract_values(title="=HYPERLINK(1)"), user=lead
    )
    csv_text = signed_in.get(reverse("commissioning:contracts-csv", args=[partnership.slug])).content.decode()
    assert "2984360.00" in csv_text and "'=HYPERLINK(1)" in csv_text
    xlsx = signed_in.get(reverse("commissioning:contracts-xlsx", args=[partnership.slug]))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet["G2"].value == 2984360 and "£" in sheet["G2"].number_format
    assert sheet["B2"].value == "'=HYPERLINK(1)"


def test_the_transparency_notice_names_the_process_decision_makers_and_criteria(
    signed_in: Any, procurement: Any, lead: Any
) -> None:
    walk(procurement, lead, "intention-to-award")
    html = signed_in.get(
        reverse("commissioning:notice", args=[procurement.partnership.slug, procurement.key])
    ).content.decode()
    assert "Competitive process" in html and "Cabinet" in html and "Quality and innovation (40%)" in html
    assert "None declared" in html


@pytest.mark.parametrize(
    "name", ["commissioning:contracts", "commissioning:procurements", "commissioning:services"]
)
def test_list_pages_take_the_same_queries_for_one_row_or_many(
    signed_in: Any, partnership: Any, lead: Any, name: str, django_assert_max_num_queries: Any
) -> None:
    def add(n: int) -> None:
        for i in range(n):
            services.contract_create(
                partnership=partnership, values=contract_values(key=f"contract-{i:03d}"), user=lead
            )
            p, _ = services.procurement_create(partnership=partnership, values={"title": f"P {i}"}, user=lead)
            walk(p, lead, "process-chosen")
            services.service_save(
                partnership=partnership,
                values={
                    "name": f"S {i}",
                    "tier": 2,
                    "modality": "advice",
                    "client_group": "adults",
                    "providers": ["P1", "P2"],
                },
                user=lead,
            )

    add(1)
    url = reverse(name, args=[partnership.slug])
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        signed_in.get(url)
    models.Contract.objects.all().delete()
    add(6)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert signed_in.get(url).status_code == 200


def test_a_representation_through_the_form_is_added_once_for_one_token(
    signed_in: Any, procurement: Any, lead: Any
) -> None:
    on = walk(procurement, lead, "intention-to-award")
    url = reverse("commissioning:add-representation", args=[procurement.partnership.slug, procurement.key])
    form = {"received": on.isoformat(), "made_by": "A bidder", "token": "repaaaaaa2"}
    assert signed_in.post(url, form).status_code == 302
    before = rows()
    again = signed_in.post(url, form)  # Back and resubmit, or a double click
    assert again.status_code == 302 and rows() == before
    assert procurement.representations.get().made_by == "A bidder"
    refused = signed_in.post(url, {**form, "received": "2020-01-01", "token": "repaaaaaa3"})
    assert refused.status_code == 400 and rows() == before
    assert "Before the intention to award" in refused.context["form"].errors["received"][0]


def test_a_service_is_added_and_changed_through_the_form(signed_in: Any, partnership: Any) -> None:
    url = reverse("commissioning:add-service", args=[partnership.slug])
    form = {
        "name": "Structured psychosocial support",
        "tier": "3",
        "modality": "advice",
        "client_group": "adults",
        "providers": ["P1", "P2"],
        "token": "svcaaaaaa2",
    }
    assert signed_in.post(url, form).status_code == 302
    assert signed_in.post(url, form).status_code == 302  # resubmitted: the same service, not a second
    service = models.Service.objects.get(partnership=partnership)
    assert service.tier == 3 and {p.code for p in service.providers.all()} == {"P1", "P2"}
    page = signed_in.get(reverse("commissioning:services", args=[partnership.slug]))
    change = reverse("commissioning:change-service", args=[partnership.slug, service.key])
    assert change in page.content.decode() and url in page.content.decode()
    assert signed_in.get(change).context["form"].initial["providers"] == ["P1", "P2"]
    changed = signed_in.post(change, {**form, "tier": "2", "providers": ["P1"]})
    assert changed.status_code == 302
    service.refresh_from_db()
    assert service.tier == 2 and [p.code for p in service.providers.all()] == ["P1"]


def test_a_service_with_an_unknown_modality_is_refused_at_its_field(signed_in: Any, partnership: Any) -> None:
    before = rows()
    response = signed_in.post(
        reverse("commissioning:add-service", args=[partnership.slug]),
        {"name": "X", "tier": "3", "modality": "astrology", "client_group": "adults", "token": "svcaaaaaa3"},
    )
    assert response.status_code == 400 and rows() == before
    assert "modality" in response.context["form"].errors
    assert not models.Service.objects.filter(partnership=partnership).exists()


def test_a_subcontract_through_the_form_and_one_refused_at_its_field(
    signed_in: Any, partnership: Any, lead: Any
) -> None:
    contract, _ = services.contract_create(partnership=partnership, values=contract_values(), user=lead)
    url = reverse("commissioning:add-subcontract", args=[partnership.slug, contract.key])
    before = rows()
    bad = signed_in.post(url, {"subcontractor": "Boots", "description": "Supervised", "annual_value": "lots"})
    assert bad.status_code == 400 and rows() == before
    assert "annual_value" in bad.context["form"].errors
    good = {
        "subcontractor": "Boots",
        "description": "Supervised consumption",
        "annual_value": "12000.00",
        "token": "subaaaaaa2",
    }
    assert signed_in.post(url, good).status_code == 302
    assert signed_in.post(url, good).status_code == 302  # resubmitted: added once
    assert contract.subcontracts.get().annual_value_pence == 1_200_000
    page = signed_in.get(reverse("commissioning:contract", args=[partnership.slug, contract.key]))
    assert url in page.content.decode() and "Supervised consumption" in page.content.decode()


def test_a_legacy_contract_through_the_form_and_one_refused_at_its_field(
    signed_in: Any, partnership: Any, lead: Any
) -> None:
    contract, _ = services.contract_create(partnership=partnership, values=contract_values(), user=lead)
    url = reverse("commissioning:add-legacy", args=[partnership.slug, contract.key])
    form = {
        "name": "Community alcohol service",
        "element": "Alcohol treatment",
        "transfers_on": "2024-10-01",
        "annual_cost": "450000.00",
        "after_cost": "420000.00",
    }
    before = rows()
    bad = signed_in.post(url, {**form, "transfers_on": "next October"})
    assert bad.status_code == 400 and rows() == before
    assert "transfers_on" in bad.context["form"].errors
    form["token"] = "legaaaaaa2"
    assert signed_in.post(url, form).status_code == 302
    assert signed_in.post(url, form).status_code == 302  # resubmitted: added once
    legacy = contract.legacy.get()
    assert (legacy.annual_cost_pence, legacy.after_cost_pence) == (45_000_000, 42_000_000)
    page = signed_in.get(reverse("commissioning:contract", args=[partnership.slug, contract.key]))
    assert url in page.content.decode() and "£420,000.00" in page.content.decode()


@pytest.mark.parametrize(
    ("name", "answers"),
    [
        ("add-procurement", {"title": "Young people's service", "health_care": "true"}),
        ("add-service", {"name": "Outreach", "tier": "2", "modality": "advice", "client_group": "adults"}),
    ],
)
def test_an_add_forms_token_is_in_its_address_so_back_and_resubmit_adds_nothing(
    signed_in: Any, partnership: Any, name: str, answers: dict[str, str]
) -> None:
    """Back after saving fetches the add page again: with a token made afresh, the same answers sent again
    (the browser restores them) added a second procurement. The token is now in the page's address."""
    url = reverse(f"commissioning:{name}", args=[partnership.slug])
    first = signed_in.get(url)
    assert first.status_code == 302 and "?token=" in first["Location"]
    address = first["Location"]
    token = address.split("?token=")[1]
    page = signed_in.get(address)
    assert f'name="token" value="{token}"' in page.content.decode()
    before = rows()
    assert signed_in.post(address, {**answers, "token": token}).status_code == 302
    after_one = rows()
    assert after_one != before
    # Back: the same address, so the same token, and the same answers again.
    assert f'value="{token}"' in signed_in.get(address).content.decode()
    again = signed_in.post(address, {**answers, "token": token}, follow=True)
    assert again.status_code == 200 and rows() == after_one
    assert "already saved" in again.content.decode()  # not "Added the service" a second time


def test_a_change_to_a_service_made_meanwhile_is_shown_not_overwritten(
    signed_in: Any, partnership: Any, lead: Any
) -> None:
    """Two lead commissioners open the same service's change form; the second to save overwrote the first's
    change without seeing it. Now the second is told, keeps their answers, and may save again on purpose."""
    service = services.service_save(
        partnership=partnership,
        values={"name": "Outreach", "tier": 2, "modality": "advice", "client_group": "adults"},
        user=lead,
    )
    url = reverse("commissioning:change-service", args=[partnership.slug, service.key])
    page = signed_in.get(url).content.decode()
    seen = re.search(r'name="seen" value="([^"]+)"', page).group(1)
    services.service_save(  # the other lead commissioner, meanwhile
        partnership=partnership,
        values={"key": service.key, "name": "Street outreach", "tier": 2, "modality": "advice",
                "client_group": "adults"},
        user=lead,
    )  # fmt: skip
    mine = {
        "name": "Outreach team",
        "tier": "3",
        "modality": "advice",
        "client_group": "adults",
        "seen": seen,
    }
    stale = signed_in.post(url, mine)
    html = stale.content.decode()
    assert stale.status_code == 409 and "changed by someone else" in html and "Street outreach" in html
    assert 'value="Outreach team"' in html  # their own answers are kept
    service.refresh_from_db()
    assert service.name == "Street outreach"
    now_seen = re.search(r'name="seen" value="([^"]+)"', html).group(1)
    assert signed_in.post(url, {**mine, "seen": now_seen}).status_code == 302
    service.refresh_from_db()
    assert (service.name, service.tier) == ("Outreach team", 3)


@pytest.mark.parametrize(
    ("typed", "pence"), [("£100,000", 10000000), ("100000", 10000000), ("597500.5", 59750050)]
)
def test_money_typed_as_people_type_pounds_is_read(
    signed_in: Any, partnership: Any, typed: str, pence: int
) -> None:
    """The pool's forms read "£100,000"; commissioning's refused anything but "100000.00"."""
    url = reverse("commissioning:add-procurement", args=[partnership.slug])
    answers = {
        "title": "Outreach",
        "health_care": "true",
        "estimated_annual_value": typed,
        "token": "moneyaaaa2",
    }
    assert signed_in.post(url, answers).status_code == 302
    assert models.Procurement.objects.get(key="moneyaaaa2").estimated_annual_pence == pence


@pytest.mark.parametrize("typed", ["1e5", "£-0.001", "-5", "NaN", "12.345"])
def test_what_is_not_money_is_refused_at_its_field(signed_in: Any, partnership: Any, typed: str) -> None:
    url = reverse("commissioning:add-procurement", args=[partnership.slug])
    before = rows()
    answers = {
        "title": "Outreach",
        "health_care": "true",
        "estimated_annual_value": typed,
        "token": "moneyaaaa3",
    }
    response = signed_in.post(url, answers)
    assert response.status_code == 400 and "estimated_annual_value" in response.context["form"].errors
    assert rows() == before
