"""Commissioning over the API: the same services, refusals as problem bodies with JSON paths, money as
strings with two places."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from concordat.commissioning.rules import stages

from .conftest import contract_values, stage_values
from .test_services import rows


@pytest.fixture
def api(client: Any, lead: Any) -> Any:
    client.force_login(lead)
    return client


def post(client: Any, url: str, body: Any) -> Any:
    return client.post(url, body, content_type="application/json")


def test_a_procurement_from_strategy_to_signed_contract_then_a_variation(api: Any, partnership: Any) -> None:
    base = f"/api/v1/partnerships/{partnership.slug}"
    made = post(
        api,
        f"{base}/procurements",
        {
            "key": "via-api",
            "title": "Integrated",
            "estimated_annual_value": "2984360.00",
            "estimated_whole_life_value": "20890520.00",
            "max_term_years": 7,
        },
    )
    assert made.status_code == 201 and made.json()["estimated_annual_value"] == "2984360.00"
    assert made.json()["warnings"] == []
    on = "2024-01-08"
    for stage in stages.ORDER:
        if stage == "standstill-ended":
            on = api.get(f"{base}/procurements/via-api").json()["standstill_ends"]
        if stage == "contract-signed":
            made = post(api, f"{base}/contracts", {**contract_values(key="c-api"), "procurement": "via-api"})
            assert made.status_code == 201, made.json()
        response = post(
            api, f"{base}/procurements/via-api/stages", {**stage_values(stage, date.fromisoformat(on))}
        )
        assert response.status_code == 201, response.json()
    read = api.get(f"{base}/procurements/via-api").json()
    assert read["next_stage"] is None and read["contracts"] == ["c-api"]
    varied = post(
        api,
        f"{base}/contracts/c-api/variations",
        {"date": "2025-01-01", "reason": "Uplift", "annual_value": "3000000.00"},
    )
    assert varied.status_code == 201
    body = varied.json()
    assert (
        body["original"]["annual_value"] == "2984360.00" and body["current"]["annual_value"] == "3000000.00"
    )
    assert body["warnings"][0]["code"] == "value-term-mismatch"


def test_refusals_are_problem_bodies_at_json_paths_and_change_nothing(
    api: Any, partnership: Any, procurement: Any
) -> None:
    base = f"/api/v1/partnerships/{partnership.slug}"
    before = rows()
    skipped = post(
        api,
        f"{base}/procurements/{procurement.key}/stages",
        stage_values("notice-published", date(2024, 1, 8)),
    )
    assert skipped.status_code == 422 and skipped["Content-Type"].startswith("application/problem+json")
    assert {e["path"] for e in skipped.json()["errors"]} == {"$.stage"}
    bad = post(api, f"{base}/contracts", contract_values(annual_value="lots", provider="NOPE"))
    assert {(e["path"], e["code"]) for e in bad.json()["errors"]} == {
        ("$.annual_value", "invalid-money"),
        ("$.provider", "unknown-provider"),
    }
    assert rows() == before
