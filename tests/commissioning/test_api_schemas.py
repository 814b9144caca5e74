"""Commissioning's request bodies are typed: the OpenAPI document describes every field of every write,
and a body of the wrong shape is the API's one problem body, at the JSON path of each problem, changing
nothing — read after the permission check, so an outsider still learns nothing."""

from __future__ import annotations

from typing import Any

import pytest

from concordat.core.roles import Role
from tests.factories import UserFactory, member

from .conftest import contract_values
from .test_services import rows

OPERATIONS = {
    # operation id ending -> (path under the partnership, fields it describes, the required ones)
    "procurement_add": (
        "procurements",
        {"key", "title", "health_care", "services", "estimated_annual_value", "estimated_whole_life_value",
         "max_term_years", "source"},
        {"title"},
    ),
    "procurement_stage_add": (
        "procurements/{key}/stages",
        {"stage", "date", "decided_by", "notes", "reference", "conflicts_of_interest", "process", "criteria",
         "provider"},
        {"stage", "date"},
    ),
    "representation_add": (
        "procurements/{key}/representations",
        {"received", "answered", "made_by", "summary"},
        {"received", "made_by"},
    ),
    "contract_add": (
        "contracts",
        {"key", "title", "procurement", "provider", "services", "start", "end", "annual_value",
         "whole_life_value", "max_term_years", "extensions", "status", "source", "schedule", "subcontracts",
         "legacy"},
        {"title", "provider", "start", "end", "annual_value"},
    ),
    "variation_add": (
        "contracts/{key}/variations",
        {"key", "date", "reason", "end", "annual_value", "whole_life_value", "schedule", "terminates"},
        {"date", "reason"},
    ),
    "kpi_add": ("contracts/{key}/kpis", {"key", "name", "kpi", "direction", "target", "unit"}, {"name", "target"}),
    "review_add": (
        "contracts/{key}/reviews",
        {"year", "quarter", "reviewed_on", "rag", "reason", "notes"},
        {"year", "quarter", "reviewed_on", "rag", "reason"},
    ),
}  # fmt: skip


@pytest.fixture
def document(client: Any, db: None) -> dict[str, Any]:
    return client.get("/api/v1/openapi.json").json()  # type: ignore[no-any-return]


def operation(document: dict[str, Any], name: str) -> dict[str, Any]:
    for methods in document["paths"].values():
        for op in methods.values():
            if op.get("operationId", "").endswith("_" + name):
                return op  # type: ignore[no-any-return]
    raise AssertionError(f"no operation {name}")


def body_schema(document: dict[str, Any], name: str) -> dict[str, Any]:
    return operation(document, name)["requestBody"]["content"]["application/json"]["schema"]  # type: ignore[no-any-return]


@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_every_write_describes_its_fields_and_which_are_required(document: dict[str, Any], name: str) -> None:
    _, fields, required = OPERATIONS[name]
    schema = body_schema(document, name)
    assert operation(document, name)["requestBody"]["required"] is True
    assert schema["type"] == "object" and schema["additionalProperties"] is False
    assert set(schema["properties"]) == fields
    assert set(schema.get("required", [])) == required
    assert "$ref" not in str(schema) and "$defs" not in str(schema)  # nested bodies are written in place


def _types(prop: dict[str, Any]) -> list[dict[str, Any]]:
    return [t for t in prop.get("anyOf", [prop]) if t.get("type") != "null"]


def test_money_is_pounds_with_two_places_dates_are_iso_days_and_vocabularies_are_enumerated(
    document: dict[str, Any],
) -> None:
    contract = body_schema(document, "contract_add")["properties"]
    for name in ("annual_value", "whole_life_value"):
        (money,) = _types(contract[name])
        assert money["type"] == "string" and money["pattern"] == r"^[0-9]+\.[0-9]{2}$"
    (start,) = _types(contract["start"])
    assert start == {**start, "type": "string", "format": "date"}
    (status,) = _types(contract["status"])
    assert status["enum"] == ["planned", "active", "extended", "ended", "terminated"]  # accepted, ignored
    schedule = _types(contract["schedule"])[0]["items"]
    assert set(schedule["required"]) == {"year", "amount"}
    assert schedule["properties"]["amount"]["pattern"] == r"^[0-9]+\.[0-9]{2}$"
    legacy = _types(contract["legacy"])[0]["items"]
    assert set(legacy["required"]) == {"name", "element", "annual_cost", "transfers_on"}
    stage = body_schema(document, "procurement_stage_add")["properties"]
    assert stage["stage"]["enum"][0] == "strategy-approved" and len(stage["stage"]["enum"]) == 9
    assert "competitive" in _types(stage["process"])[0]["enum"]
    criteria = _types(stage["criteria"])[0]["items"]
    assert set(criteria["required"]) == {"name", "weight", "how_assessed"}
    assert body_schema(document, "review_add")["properties"]["rag"]["enum"] == ["green", "amber", "red"]
    assert _types(body_schema(document, "kpi_add")["properties"]["direction"])[0]["enum"] == [
        "at-least",
        "at-most",
    ]
    assert body_schema(document, "review_add")["properties"]["quarter"] == {
        **body_schema(document, "review_add")["properties"]["quarter"],
        "type": "integer",
        "minimum": 1,
        "maximum": 4,
    }


@pytest.fixture
def api(client: Any, lead: Any) -> Any:
    client.force_login(lead)
    return client


def post(client: Any, url: str, body: Any) -> Any:
    return client.post(url, body, content_type="application/json")


def refused(client: Any, url: str, body: Any) -> set[tuple[str, str]]:
    """The problems of a refused body, as (path, code), having checked the answer's shape and that nothing
    changed."""
    before = rows()
    response = post(client, url, body)
    assert response.status_code == 422, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["status"] == 422 and problem["detail"] == "Nothing was changed."
    assert rows() == before
    return {(e["path"], e["code"]) for e in problem["errors"]}


def test_a_wrong_type_and_a_missing_field_are_problems_at_their_paths(
    api: Any, partnership: Any, procurement: Any
) -> None:
    base = f"/api/v1/partnerships/{partnership.slug}"
    assert refused(api, f"{base}/procurements", {"title": 5, "health_care": "yes"}) == {
        ("$.title", "string_type"),
        ("$.health_care", "bool_type"),
    }
    assert refused(api, f"{base}/contracts", contract_values(key="c-typed", annual_value=2984360.5)) == {
        ("$.annual_value", "string_type")
    }
    without = contract_values(key="c-typed")
    del without["provider"], without["start"]
    assert refused(api, f"{base}/contracts", without) == {("$.provider", "missing"), ("$.start", "missing")}
    assert refused(api, f"{base}/procurements/{procurement.key}/representations", {"made_by": ["A"]}) == {
        ("$.received", "missing"),
        ("$.made_by", "string_type"),
    }


def test_nested_entries_are_problems_at_their_index(api: Any, partnership: Any, procurement: Any) -> None:
    base = f"/api/v1/partnerships/{partnership.slug}"
    body = contract_values(
        key="c-nested",
        schedule=[{"year": "2024-25", "amount": "1.00"}, {"year": "2025-26", "amount": 100}],
        legacy=[{"name": "Old", "element": "Needle exchange", "annual_cost": "10.00"}],
    )
    assert refused(api, f"{base}/contracts", body) == {
        ("$.schedule[1].amount", "string_type"),
        ("$.legacy[0].transfers_on", "missing"),
    }
    stage = {
        "stage": "strategy-approved",
        "date": "2024-01-08",
        "criteria": [{"name": "Quality", "weight": "40"}],
    }
    assert refused(api, f"{base}/procurements/{procurement.key}/stages", stage) == {
        ("$.criteria[0].weight", "int_type"),
        ("$.criteria[0].how_assessed", "missing"),
    }


def test_a_key_the_operation_does_not_read_is_refused_not_ignored(api: Any, partnership: Any) -> None:
    base = f"/api/v1/partnerships/{partnership.slug}"
    assert refused(api, f"{base}/procurements", {"title": "Typed", "anual_value": "1.00"}) == {
        ("$.anual_value", "extra_forbidden")
    }


def test_the_rules_still_judge_the_values_of_a_well_typed_body(api: Any, partnership: Any) -> None:
    base = f"/api/v1/partnerships/{partnership.slug}"
    made = post(api, f"{base}/contracts", {**contract_values(key="c-wrong"), "schedule": [
        {"year": "2024-26", "amount": "1.5"}]})  # fmt: skip
    assert made.status_code == 422
    assert {(e["path"], e["code"]) for e in made.json()["errors"]} == {
        ("$.schedule[0].year", "invalid-year"),
        ("$.schedule[0].amount", "invalid-money"),
    }


@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_every_write_reads_its_body_typed_and_accepts_a_good_one(
    api: Any, partnership: Any, procurement: Any, name: str
) -> None:
    """Each operation refuses a body of the wrong shape at its paths; the contract operations need a contract."""
    from concordat.commissioning import services

    contract, _ = services.contract_create(
        partnership=partnership, values=contract_values(key="c-ops"), user=None
    )
    path = OPERATIONS[name][0].format(
        key=procurement.key if "procurements" in OPERATIONS[name][0] else contract.key
    )
    problems = refused(api, f"/api/v1/partnerships/{partnership.slug}/{path}", {"unread": True})
    assert ("$.unread", "extra_forbidden") in problems
    assert {p for p, c in problems if c == "missing"} == {f"$.{f}" for f in OPERATIONS[name][2]}


def test_an_outsider_with_a_bad_body_learns_nothing_from_it(client: Any, partnership: Any) -> None:
    client.force_login(UserFactory(username="stranger"))
    response = post(client, f"/api/v1/partnerships/{partnership.slug}/contracts", {"title": 5})
    assert response.status_code == 404
    client.force_login(member(partnership, Role.AUDITOR, username="audrey"))
    response = post(client, f"/api/v1/partnerships/{partnership.slug}/contracts", {"title": 5})
    assert response.status_code == 403 and response.json()["errors"] == []
