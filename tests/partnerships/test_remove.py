"""Removing an entry of the agreement: its change page links to a confirmation page ("Are you sure you want
to remove …?"), whose POST removes it, checked whole like any change."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client
from django.urls import reverse

from concordat.core.models import AuditEntry as LogEntry
from concordat.partnerships.document import export_agreement
from concordat.partnerships.models import Milestone, Partner
from tests.factories import entry_key, row_counts

SLUG = "salford-dat"


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _remove_url(name: str, *args: str) -> str:
    return reverse(f"partnerships:remove-{name}", args=[SLUG, *args])


def _seen(response: Any) -> str:
    match = re.search(r'name="seen" value="([^"]*)"', response.content.decode())
    assert match, "no hidden seen on the confirmation page"
    return match.group(1)


def test_lead_commissioner_removes_a_milestone(lead: Any, partnership: Any) -> None:
    client = _client(lead)
    before = Milestone.objects.filter(partnership=partnership).count()
    first = export_agreement(partnership)["milestones"][0]["text"]
    url = _remove_url("milestone", entry_key(partnership, "milestones", 0))
    page = client.get(url)
    assert page.status_code == 200
    assert f"Are you sure you want to remove the milestone ‘{first}’?" in page.content.decode()
    assert Milestone.objects.filter(partnership=partnership).count() == before  # asking removed nothing
    response = client.post(url, {"seen": _seen(page)})
    assert response.status_code == 302
    assert Milestone.objects.filter(partnership=partnership).count() == before - 1
    assert first not in [m["text"] for m in export_agreement(partnership).get("milestones", [])]


def test_removal_is_in_the_audit_trail_under_the_user(lead: Any, partnership: Any) -> None:
    assert _client(lead).post(_remove_url("partner", "GMP")).status_code == 302
    entry = LogEntry.objects.filter(action=LogEntry.Action.DELETE, object_repr__contains="(GMP)").get()
    assert entry.actor == lead


def test_a_partner_whose_streams_remain_is_not_removed_and_the_page_says_why(
    lead: Any, partnership: Any
) -> None:
    before = row_counts()
    response = _client(lead).post(_remove_url("partner", "PCT"))
    assert response.status_code == 409
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert "This partner cannot be removed" in page
    assert "funding streams NTA-PTB and MAINSTREAM-HEALTH" in page
    assert "Yes, remove it" not in page
    assert row_counts() == before
    assert Partner.objects.filter(partnership=partnership, code="PCT").exists()


def test_auditor_cannot_remove_anything(auditor: Any, partnership: Any) -> None:
    before = row_counts()
    client = _client(auditor)
    url = _remove_url("milestone", entry_key(partnership, "milestones", 0))
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403
    assert row_counts() == before


def test_pool_manager_removes_contributions_but_not_milestones(pool_manager: Any, partnership: Any) -> None:
    client = _client(pool_manager)
    milestone = _remove_url("milestone", entry_key(partnership, "milestones", 0))
    assert client.post(milestone).status_code == 403
    contributions = len(export_agreement(partnership)["contributions"])
    assert client.post(_remove_url("contribution", "NTA-PTB", "2003-04")).status_code == 302
    after = export_agreement(partnership)["contributions"]
    assert len(after) == contributions - 1
    assert ("NTA-PTB", "2003-04") not in [(c["stream"], c["year"]) for c in after]


def test_removing_an_entry_that_does_not_exist_changes_nothing_and_says_so(
    lead: Any, partnership: Any
) -> None:
    before = row_counts()
    client = _client(lead)
    for method in (client.get, client.post):
        response = method(_remove_url("approval", "nokeyhere2"), follow=True)
        assert response.redirect_chain
        assert "had already been removed: nothing changed" in response.content.decode()
    assert row_counts() == before


def test_change_page_offers_removal_and_add_page_does_not(lead: Any, partnership: Any) -> None:
    client = _client(lead)
    key = entry_key(partnership, "approvals", 0)
    change = client.get(reverse("partnerships:edit-approval", args=[SLUG, key])).content.decode()
    assert f'<a class="govuk-link" href="{_remove_url("approval", key)}">Remove this approval</a>' in change
    add = client.get(reverse("partnerships:add-approval", args=[SLUG])).content.decode()
    assert "Remove this" not in add
