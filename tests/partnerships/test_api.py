"""The agreement over the REST API: reads, checks, all-or-nothing updates, problem bodies."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from concordat.partnerships.document import export_agreement
from concordat.partnerships.models import Partner
from tests.factories import agreement_document, row_counts

PROBLEM = "application/problem+json"


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _etag(client: Client, slug: str) -> str:
    """The ETag a read of the agreement gives: a replacement sends it back as If-Match."""
    response = client.get(f"/api/v1/partnerships/{slug}/agreement")
    assert response.status_code == 200, response.content
    return str(response["ETag"])


def _put(client: Client, slug: str, document: dict[str, Any], etag: str | None = None) -> Any:
    """PUT the agreement, with If-Match: the ETag given, else a fresh one read first."""
    return client.put(
        f"/api/v1/partnerships/{slug}/agreement",
        data=json.dumps(document, default=str),
        content_type="application/json",
        HTTP_IF_MATCH=etag if etag is not None else _etag(client, slug),
    )


def test_anonymous_request_gets_a_401_problem(partnership: Any) -> None:
    response = Client().get("/api/v1/partnerships")
    assert response.status_code == 401
    assert response["content-type"] == PROBLEM
    assert response.json()["status"] == 401


def test_partnership_list_shows_only_the_users_partnerships(lead: Any, outsider: Any) -> None:
    assert [p["slug"] for p in _client(lead).get("/api/v1/partnerships").json()] == ["salford-dat"]
    assert _client(outsider).get("/api/v1/partnerships").json() == []


def test_agreement_read_returns_the_file_shape(lead: Any, partnership: Any) -> None:
    body = _client(lead).get("/api/v1/partnerships/salford-dat/agreement").json()
    assert body["slug"] == "salford-dat"
    assert {c["amount"] for c in body["contributions"]} == {"1200000.00", "597500.00", "204000.00"}


def test_keys_the_format_does_not_know_come_through_the_api_both_ways(lead: Any, partnership: Any) -> None:
    # The typed models read only their declared fields: such keys were dropped before the checker saw them
    # (no warning), and a read then a replacement would have removed those a file had loaded.
    from concordat.partnerships import services
    from concordat.partnerships.models import Partnership
    from tests.partnerships.test_edits import with_unknown_keys

    client = _client(lead)
    checked = client.post(
        "/api/v1/agreements/check",
        data=json.dumps(with_unknown_keys(), default=str),
        content_type="application/json",
    ).json()
    assert {"contacts", "partners[0].contact", "risk_share.note", "providers[0].ages.note"} <= {
        w["path"] for w in checked["warnings"] if w["code"] == "unknown-key"
    }
    assert services.partnership_load(document=with_unknown_keys()).report.valid
    body = client.get("/api/v1/partnerships/salford-dat/agreement").json()
    assert body["contacts"] == with_unknown_keys()["contacts"]
    assert (
        body["partners"][0]["contact"] == "Jo Bloggs" and body["risk_share"]["note"] == "agreed at the board"
    )
    assert body["providers"][0]["ages"]["note"] == ""
    assert body["options_appraisals"][0]["options"][0]["rent"] == 1200
    body["name"] = "Renamed"
    replaced = _put(client, "salford-dat", body)
    assert replaced.status_code == 200, replaced.content
    assert replaced.json()["changed"] == ["partnership salford-dat"]
    exported = export_agreement(Partnership.objects.get())
    assert exported["contacts"] == with_unknown_keys()["contacts"] and exported["partners"][0]["contact"]


def test_non_member_gets_a_404_problem_not_the_agreement(outsider: Any, partnership: Any) -> None:
    response = _client(outsider).get("/api/v1/partnerships/salford-dat/agreement")
    assert response.status_code == 404
    assert response["content-type"] == PROBLEM


def test_check_reports_errors_with_paths_and_writes_nothing(lead: Any, partnership: Any) -> None:
    document = agreement_document()
    document["partners"][1]["code"] = document["partners"][0]["code"]
    before = row_counts()["LogEntry"]
    body = (
        _client(lead)
        .post(
            "/api/v1/agreements/check",
            data=json.dumps(document, default=str),
            content_type="application/json",
        )
        .json()
    )
    assert body["valid"] is False
    assert {"path": "partners[1].code", "code": "duplicate-code"} in [
        {"path": e["path"], "code": e["code"]} for e in body["errors"]
    ]
    assert row_counts()["LogEntry"] == before


@pytest.mark.parametrize("body", ["[1, 2]", '"text"', "3"])
def test_check_of_a_body_that_is_not_an_object_is_a_422_problem_at_the_root(lead: Any, body: str) -> None:
    response = _client(lead).post("/api/v1/agreements/check", data=body, content_type="application/json")
    assert response.status_code == 422
    assert response["content-type"] == PROBLEM
    assert response.json()["errors"][0]["path"] == "$"


def test_a_body_beyond_the_upload_limit_is_a_413_problem(lead: Any, partnership: Any, settings: Any) -> None:
    # Django's RequestDataTooBig escaped as a 500 with a plain-text traceback.
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    before = export_agreement(partnership)
    client = _client(lead)
    response = _put(
        client, "salford-dat", agreement_document(aims=["x" * 2000]), _etag(client, "salford-dat")
    )
    assert response.status_code == 413
    assert response["content-type"] == PROBLEM
    assert response.json()["status"] == 413
    assert export_agreement(partnership) == before


def test_invalid_replacement_is_a_422_problem_with_json_paths_and_changes_nothing(
    lead: Any, partnership: Any
) -> None:
    before = export_agreement(partnership)
    document = agreement_document()
    document["contributions"][0]["amount"] = "-5.00"
    response = _put(_client(lead), "salford-dat", document)
    assert response.status_code == 422
    assert response["content-type"] == PROBLEM
    assert {"path": "$.contributions[0].amount", "code": "negative-money"} in [
        {"path": e["path"], "code": e["code"]} for e in response.json()["errors"]
    ]
    assert export_agreement(partnership) == before


def test_valid_replacement_updates_and_reports_the_change(lead: Any, partnership: Any) -> None:
    document = export_agreement(partnership)
    document["partners"][0]["name"] = "City of Salford"
    client = _client(lead)
    read = _etag(client, "salford-dat")
    response = _put(client, "salford-dat", document, read)
    assert response.status_code == 200
    assert response["ETag"] == f'"{response.json()["version"]}"' != read  # the new version, for the next PUT
    assert response.json()["changed"] == [f"partner {document['partners'][0]['code']}"]
    assert (
        Partner.objects.get(partnership=partnership, code=document["partners"][0]["code"]).name
        == "City of Salford"
    )


def test_replacement_with_another_slug_is_refused(lead: Any, partnership: Any) -> None:
    document = export_agreement(partnership) | {"slug": "somewhere-else"}
    response = _put(_client(lead), "salford-dat", document)
    assert response.status_code == 422
    assert response.json()["errors"][0]["path"] == "$.slug"


def test_auditor_cannot_replace_the_agreement(auditor: Any, partnership: Any) -> None:
    before = export_agreement(partnership)
    client = _client(auditor)  # the auditor may read the agreement, and so has its ETag, but not change it
    response = _put(client, "salford-dat", export_agreement(partnership) | {"name": "Changed"})
    assert response.status_code == 403
    assert response["content-type"] == PROBLEM
    assert export_agreement(partnership) == before


def test_openapi_document_lists_the_agreement_endpoints(lead: Any) -> None:
    paths = _client(lead).get("/api/v1/openapi.json").json()["paths"]
    assert {
        "/api/v1/partnerships",
        "/api/v1/partnerships/{slug}/agreement",
        "/api/v1/agreements/check",
    } <= set(paths)
    assert "put" in paths["/api/v1/partnerships/{slug}/agreement"]


def test_an_unknown_api_address_is_a_404_problem(lead: Any) -> None:
    response = _client(lead).get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response["content-type"] == PROBLEM


def test_a_method_the_endpoint_does_not_take_is_a_405_problem_that_says_what_it_allows(lead: Any) -> None:
    response = _client(lead).delete("/api/v1/partnerships")
    assert response.status_code == 405
    assert response["content-type"] == PROBLEM
    assert "GET" in response["Allow"]


def test_a_put_without_a_csrf_token_is_a_403_problem_and_changes_nothing(lead: Any, partnership: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(lead)
    before = export_agreement(partnership)
    etag = _etag(client, "salford-dat")
    response = _put(client, "salford-dat", export_agreement(partnership) | {"name": "Changed"}, etag)
    assert response.status_code == 403
    assert response["content-type"] == PROBLEM
    assert export_agreement(partnership) == before


def test_a_key_worker_may_not_read_the_agreement_through_the_api(partnership: Any) -> None:
    # The finding: a key worker got 403 on partnership.yaml but the whole agreement here, unrecorded.
    from concordat.core.roles import Role
    from tests.factories import member

    worker = member(partnership, Role.KEY_WORKER, username="kim")
    client = _client(worker)
    assert client.get("/partnerships/salford-dat/partnership.yaml").status_code == 403
    assert client.get("/api/v1/partnerships/salford-dat/agreement").status_code == 403


def test_reading_the_agreement_through_the_api_is_recorded(lead: Any, auditor: Any) -> None:
    from concordat.core.models import AuditEntry, Kind

    clients = [_client(user) for user in (lead, auditor)]  # signing in is an event of its own
    before = AuditEntry.objects.filter(kind=Kind.READ).count()
    for client in clients:
        assert client.get("/api/v1/partnerships/salford-dat/agreement").status_code == 200
    reads = AuditEntry.objects.filter(kind=Kind.READ).order_by("-id")[:2]
    assert AuditEntry.objects.filter(kind=Kind.READ).count() == before + 2
    assert {entry.actor_id for entry in reads} == {lead.pk, auditor.pk}
    assert all(entry.partnership == "salford-dat" for entry in reads)
