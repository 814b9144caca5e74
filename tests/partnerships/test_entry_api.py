"""One entry at a time over the API, addressed by its key, with ETags: stale writes refused (412), writes
without If-Match refused (428), a repeated add with the same Idempotency-Key added once."""

from __future__ import annotations

from typing import Any

import pytest

from concordat.partnerships.models import Approval
from tests.factories import row_counts

BASE = "/api/v1/partnerships/salford-dat/entries"


@pytest.fixture
def api(client: Any, lead: Any) -> Any:
    client.force_login(lead)
    return client


def first_key(partnership: Any) -> str:
    return str(partnership.approvals.first().key)


def test_an_entry_is_read_by_its_key_with_an_etag(api: Any, partnership: Any) -> None:
    response = api.get(f"{BASE}/approvals/{first_key(partnership)}")
    assert response.status_code == 200
    assert response.json()["entry"]["body"] == "Salford Drug Action Team"
    assert response["ETag"].startswith('"')


def test_changing_an_entry_needs_its_etag_and_refuses_a_stale_one(api: Any, partnership: Any) -> None:
    key = first_key(partnership)
    read = api.get(f"{BASE}/approvals/{key}")
    body = {**read.json()["entry"], "decision": "approved"}
    assert api.put(f"{BASE}/approvals/{key}", body, content_type="application/json").status_code == 428
    ok = api.put(f"{BASE}/approvals/{key}", body, content_type="application/json", HTTP_IF_MATCH=read["ETag"])
    assert ok.status_code == 200, ok.content
    before = row_counts()
    stale = api.put(
        f"{BASE}/approvals/{key}",
        {**body, "decision": "deferred"},
        content_type="application/json",
        HTTP_IF_MATCH=read["ETag"],
    )
    assert stale.status_code == 412
    assert row_counts() == before
    assert Approval.objects.get(key=key).decision == "approved"


def test_adding_twice_with_one_idempotency_key_adds_once(api: Any, partnership: Any) -> None:
    body = {"body": "Salford PCT Board", "date": "2004-03-01", "decision": "approved"}
    first = api.post(
        f"{BASE}/approvals", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="pct-board-1"
    )
    assert first.status_code == 201, first.content
    assert first.json()["key"] == "pct-board-1"
    second = api.post(
        f"{BASE}/approvals", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="pct-board-1"
    )
    assert second.status_code == 409
    assert partnership.approvals.filter(body="Salford PCT Board").count() == 1


def test_an_invalid_entry_is_a_422_with_its_path_and_changes_nothing(api: Any, partnership: Any) -> None:
    before = row_counts()
    response = api.post(
        f"{BASE}/approvals", {"body": "X", "date": "2004-02-30"}, content_type="application/json"
    )
    assert response.status_code == 422
    paths = {error["path"] for error in response.json()["errors"]}
    assert {"$.approvals[2].date", "$.approvals[2].decision"} <= paths
    assert row_counts() == before


def test_removing_an_entry_then_removing_it_again(api: Any, partnership: Any) -> None:
    key = first_key(partnership)
    etag = api.get(f"{BASE}/approvals/{key}")["ETag"]
    assert api.delete(f"{BASE}/approvals/{key}", HTTP_IF_MATCH=etag).status_code == 204
    assert api.delete(f"{BASE}/approvals/{key}", HTTP_IF_MATCH=etag).status_code == 404


def test_a_removal_that_would_break_the_agreement_is_a_409(api: Any, partnership: Any) -> None:
    etag = api.get(f"{BASE}/partners/PCT")["ETag"]
    before = row_counts()
    response = api.delete(f"{BASE}/partners/PCT", HTTP_IF_MATCH=etag)
    assert response.status_code == 409
    assert "NTA-PTB" in response.json()["errors"][0]["message"]
    assert row_counts() == before


def test_a_provider_role_may_not_read_or_write_entries(
    client: Any, partnership: Any, provider_officer: Any
) -> None:
    client.force_login(provider_officer)
    assert client.get(f"{BASE}/approvals/{first_key(partnership)}").status_code == 403
    body = {"body": "X", "date": "2004-03-01", "decision": "ok"}
    assert client.post(f"{BASE}/approvals", body, content_type="application/json").status_code == 403


def test_an_entry_missing_its_natural_key_is_a_422_not_a_crash(api: Any, partnership: Any) -> None:
    before = row_counts()
    response = api.post(f"{BASE}/contributions", {}, content_type="application/json")
    assert response.status_code == 422
    assert {"$.contributions[3].stream", "$.contributions[3].year"} <= {
        e["path"] for e in response.json()["errors"]
    }
    assert row_counts() == before
