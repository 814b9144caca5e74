"""Contract monitoring: KPIs with targets, quarterly reviews with a RAG status and its reason, the spend
from the pool; refusals at their fields changing nothing."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from concordat.commissioning import services
from concordat.pool.services import payment_post

from .conftest import contract_values
from .test_services import refused

REVIEW = {
    "year": "2024-25",
    "quarter": 1,
    "reviewed_on": "2024-07-15",
    "rag": "amber",
    "reason": "Waits above target",
}


@pytest.fixture
def contract(partnership: Any, lead: Any) -> Any:
    made, _ = services.contract_create(partnership=partnership, values=contract_values(), user=lead)
    return made


def test_a_kpi_and_a_review_are_recorded(contract: Any, lead: Any) -> None:
    kpi = services.contract_kpi_add(
        contract=contract, values={"name": "Starting within 21 days", "target": "90", "unit": "%"}, user=lead
    )
    assert str(kpi) == "Starting within 21 days: at least 90 %"
    review = services.contract_review_record(contract=contract, values=REVIEW, user=lead)
    assert (review.year, review.quarter, review.rag) == (2024, 1, "amber")


@pytest.mark.parametrize(
    ("values", "path", "code"),
    [
        ({"name": "X", "target": "ninety"}, "target", "invalid-number"),
        ({"name": "X", "target": "90", "direction": "about"}, "direction", "invalid-choice"),
        ({"target": "90"}, "name", "required"),
    ],
)
def test_bad_kpis_are_refused_at_their_paths(
    contract: Any, lead: Any, values: dict[str, Any], path: str, code: str
) -> None:
    assert refused(services.contract_kpi_add, contract=contract, values=values, user=lead) == {path: code}


@pytest.mark.parametrize(
    ("change", "path", "code"),
    [
        ({"rag": "purple"}, "rag", "invalid-choice"),
        ({"reason": ""}, "reason", "required"),
        ({"year": "2019-20"}, "quarter", "outside-contract"),
        ({"quarter": 5}, "quarter", "out-of-range"),
        ({"reviewed_on": "2024-03-01"}, "reviewed_on", "before-quarter"),
        ({"year": "2024-26"}, "year", "invalid-year"),
    ],
)
def test_bad_reviews_are_refused_at_their_paths(
    contract: Any, lead: Any, change: dict[str, Any], path: str, code: str
) -> None:
    assert refused(
        services.contract_review_record, contract=contract, values={**REVIEW, **change}, user=lead
    ) == {path: code}


def test_a_quarter_is_reviewed_once(contract: Any, lead: Any) -> None:
    services.contract_review_record(contract=contract, values=REVIEW, user=lead)
    again = refused(
        services.contract_review_record, contract=contract, values={**REVIEW, "rag": "green"}, user=lead
    )
    assert again == {"quarter": "already-reviewed"}


def test_the_contract_page_shows_the_latest_rag_its_reason_and_the_spend(
    client: Any, contract: Any, lead: Any
) -> None:
    services.contract_review_record(contract=contract, values=REVIEW, user=lead)
    services.contract_review_record(
        contract=contract,
        values={
            **REVIEW,
            "quarter": 2,
            "reviewed_on": "2024-10-10",
            "rag": "green",
            "reason": "Back on track",
        },
        user=lead,
    )
    payment_post(
        partnership=contract.partnership,
        ref="P1",
        date=date(2024, 5, 1),
        contract=f"contract:{contract.key}",
        purpose="treatment",
        amount_pence=12_345_600,
    )
    client.force_login(lead)
    html = client.get(
        reverse("commissioning:contract", args=[contract.partnership.slug, contract.key])
    ).content.decode()
    assert "2024-25 Q2" in html and "Back on track" in html and "£123,456.00" in html


def test_a_review_through_the_form_refused_at_its_field(client: Any, contract: Any, lead: Any) -> None:
    client.force_login(lead)
    url = reverse("commissioning:add-review", args=[contract.partnership.slug, contract.key])
    bad = client.post(url, {**REVIEW, "quarter": "1", "reviewed_on": "2024-03-01"})
    assert bad.status_code == 400 and "reviewed_on" in bad.context["form"].errors
    assert client.post(url, {**REVIEW, "quarter": "1"}).status_code == 302
    assert contract.reviews.count() == 1


def test_kpis_and_reviews_over_the_api(client: Any, contract: Any, lead: Any) -> None:
    client.force_login(lead)
    base = f"/api/v1/partnerships/{contract.partnership.slug}/contracts/{contract.key}"
    kpi = client.post(
        f"{base}/kpis", {"name": "Retention", "target": "85.5", "unit": "%"}, content_type="application/json"
    )
    assert kpi.status_code == 201 and kpi.json()["kpis"][0]["target"] == "85.5"
    bad = client.post(f"{base}/reviews", {**REVIEW, "rag": "blue"}, content_type="application/json")
    assert bad.status_code == 422 and bad.json()["errors"][0]["path"] == "$.rag"
    good = client.post(f"{base}/reviews", REVIEW, content_type="application/json")
    assert good.json()["reviews"][0]["rag"] == "amber" and good.json()["spent_from_pool"] == "0.00"
