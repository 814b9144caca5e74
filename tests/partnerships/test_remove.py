"""Removing an entry of the agreement from its change page: checked whole like any change."""

from __future__ import annotations

from typing import Any

from django.test import Client

from concordat.core.models import AuditEntry as LogEntry
from concordat.partnerships.document import export_agreement
from concordat.partnerships.models import Milestone, Partner
from tests.factories import row_counts


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_lead_commissioner_removes_a_milestone(lead: Any, partnership: Any) -> None:
    before = Milestone.objects.filter(partnership=partnership).count()
    first = export_agreement(partnership)["milestones"][0]["text"]
    response = _client(lead).post("/partnerships/salford-dat/milestones/0/", {"remove": "1"})
    assert response.status_code == 302
    assert Milestone.objects.filter(partnership=partnership).count() == before - 1
    assert first not in [m["text"] for m in export_agreement(partnership).get("milestones", [])]


def test_removal_is_in_the_audit_trail_under_the_user(lead: Any, partnership: Any) -> None:
    _client(lead).post("/partnerships/salford-dat/partners/GMP/", {"remove": "1"})
    entry = LogEntry.objects.filter(action=LogEntry.Action.DELETE, object_repr__contains="(GMP)").get()
    assert entry.actor == lead


def test_a_partner_whose_streams_remain_is_not_removed_and_the_page_says_why(
    lead: Any, partnership: Any
) -> None:
    before = row_counts()
    response = _client(lead).post("/partnerships/salford-dat/partners/PCT/", {"remove": "1"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "cannot be removed" in page
    assert row_counts() == before
    assert Partner.objects.filter(partnership=partnership, code="PCT").exists()


def test_auditor_cannot_remove_anything(auditor: Any, partnership: Any) -> None:
    before = row_counts()
    assert (
        _client(auditor).post("/partnerships/salford-dat/milestones/0/", {"remove": "1"}).status_code == 403
    )
    assert row_counts() == before


def test_pool_manager_removes_contributions_but_not_milestones(pool_manager: Any, partnership: Any) -> None:
    client = _client(pool_manager)
    assert client.post("/partnerships/salford-dat/milestones/0/", {"remove": "1"}).status_code == 403
    contributions = len(export_agreement(partnership)["contributions"])
    assert client.post("/partnerships/salford-dat/contributions/0/", {"remove": "1"}).status_code == 302
    assert len(export_agreement(partnership)["contributions"]) == contributions - 1


def test_removing_an_entry_that_does_not_exist_is_a_404(lead: Any, partnership: Any) -> None:
    before = row_counts()
    assert _client(lead).post("/partnerships/salford-dat/approvals/99/", {"remove": "1"}).status_code == 404
    assert row_counts() == before


def test_change_page_offers_removal_and_add_page_does_not(lead: Any, partnership: Any) -> None:
    client = _client(lead)
    assert "Remove this approval" in client.get("/partnerships/salford-dat/approvals/0/").content.decode()
    assert "Remove this" not in client.get("/partnerships/salford-dat/approvals/add/").content.decode()
