"""The audit trail page: auditors only; every change with who, what, and each field's before and after."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from concordat.partnerships import services
from concordat.partnerships.views import audit
from tests.factories import entry_key, load_partnership


def trail(client: Any, user: Any, query: str = "") -> Any:
    client.force_login(user)
    return client.get(reverse("partnerships:audit", args=["salford-dat"]) + query)


def text_of(response: Any) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def rename_officer(partnership: Any, user: Any, name: str = "Jane Smith, DAT Co-ordinator") -> None:
    outcome = services.details_save(
        partnership=partnership, user=user, values={"responsible_officer": name}, seen=None
    )
    assert outcome.report.valid and outcome.changes.changed == ["partnership salford-dat"]


def test_the_trail_is_not_found_for_a_non_member(client: Any, partnership: Any, outsider: Any) -> None:
    assert trail(client, outsider).status_code == 404


def test_the_trail_is_forbidden_to_a_lead_commissioner(client: Any, lead: Any) -> None:
    assert trail(client, lead).status_code == 403


def test_the_trail_is_shown_to_an_auditor(client: Any, auditor: Any) -> None:
    assert trail(client, auditor).status_code == 200


def test_a_change_shows_who_made_it_and_the_fields_before_and_after(
    client: Any, partnership: Any, lead: Any, auditor: Any
) -> None:
    lead.first_name, lead.last_name = "Lena", "Lead"
    lead.save()
    rename_officer(partnership, lead)
    response = trail(client, auditor)
    newest = response.context["entries"][0]
    assert newest.who == "Lena Lead"
    assert newest.action == "changed"
    assert newest.what == "Partnership: Salford Drug Action Team"
    assert [(c.field, c.before, c.after) for c in newest.changes] == [
        (
            "responsible officer",
            "Anne Williams, Chair of the Salford Drug Action Team",
            "Jane Smith, DAT Co-ordinator",
        )
    ]
    text = text_of(response)
    assert (
        "responsible officer : Anne Williams, Chair of the Salford Drug Action Team → "
        "Jane Smith, DAT Co-ordinator"
    ) in text


def test_changes_without_a_person_are_from_the_command_line(
    client: Any, partnership: Any, auditor: Any
) -> None:
    response = trail(client, auditor, "?action=created")
    entries = response.context["entries"]
    created_partnership = next(e for e in entries if e.what == "Partnership: Salford Drug Action Team")
    assert created_partnership.who == "command line"  # loaded by partnership_load with no user


def test_entries_are_newest_first(client: Any, partnership: Any, lead: Any, auditor: Any) -> None:
    rename_officer(partnership, lead, "First rename")
    rename_officer(partnership, lead, "Second rename")
    changes = [
        e.changes[0].after
        for e in trail(client, auditor, "?action=changed").context["entries"]
        if e.what.startswith("Partnership:")
    ]
    assert changes[:2] == ["Second rename", "First rename"]


def test_filtering_by_action_shows_only_that_action(
    client: Any, partnership: Any, lead: Any, auditor: Any
) -> None:
    rename_officer(partnership, lead)
    assert {e.action for e in trail(client, auditor, "?action=changed").context["entries"]} == {"changed"}
    assert {e.action for e in trail(client, auditor, "?action=created").context["entries"]} == {"created"}
    every = {e.action for e in trail(client, auditor, "?action=nonsense").context["entries"]}
    assert every >= {"created", "changed"}


def test_a_changed_reference_names_the_object_it_points_to(
    client: Any, partnership: Any, lead: Any, auditor: Any
) -> None:
    outcome = services.details_save(
        partnership=partnership, user=lead, values={"host_partner": "PCT"}, seen=None
    )
    assert outcome.report.valid
    newest = trail(client, auditor, "?action=changed").context["entries"][0]
    change = next(c for c in newest.changes if c.field == "host partner")
    assert change.before.startswith("Salford City Council (SCC)")
    assert change.after.startswith("Salford Primary Care Trust (PCT)")


def test_removals_show_as_deleted(client: Any, partnership: Any, lead: Any, auditor: Any) -> None:
    second = entry_key(partnership, "approvals", 1)  # keep the first approval, remove the second
    outcome = services.entry_remove(partnership=partnership, user=lead, collection="approvals", key=second)
    assert outcome.report.valid
    deleted = trail(client, auditor, "?action=deleted").context["entries"]
    assert [e.what for e in deleted] == ["Approval: Salford City Council Cabinet, 24 February 2004"]


def test_the_trail_holds_only_this_partnerships_entries(client: Any, partnership: Any, auditor: Any) -> None:
    load_partnership(slug="other-dat", name="Other Drug Action Team")
    whats = [e.what for e in trail(client, auditor, "?action=created").context["entries"]]
    assert "Partnership: Other Drug Action Team" not in whats


def test_the_trail_is_paginated_keeping_the_filter(
    client: Any, partnership: Any, lead: Any, auditor: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(audit, "PAGE_SIZE", 2)
    for number in range(5):
        rename_officer(partnership, lead, f"Officer {number}")
    first = trail(client, auditor, "?action=changed")
    assert len(first.context["entries"]) == 2
    html = first.content.decode()
    assert 'class="govuk-pagination"' in html
    assert 'href="?action=changed&amp;page=2"' in html
    second = trail(client, auditor, "?action=changed&page=2")
    assert [e.changes[0].after for e in first.context["entries"]] == ["Officer 4", "Officer 3"]
    assert [e.changes[0].after for e in second.context["entries"]] == ["Officer 2", "Officer 1"]
