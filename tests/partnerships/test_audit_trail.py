"""The audit trail page: auditors and lead commissioners; every entry a sentence a person can read, with who
did it, kept however the records and accounts change later; filters, CSV export, a constant query count."""

from __future__ import annotations

import csv
import getpass
import io
import re
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from concordat.core.audit import entries_for_partnership
from concordat.core.models import AuditEntry, Kind
from concordat.core.roles import Role
from concordat.partnerships import services
from concordat.partnerships.shape import export_agreement
from concordat.partnerships.views import audit
from tests.factories import load_partnership, member

COMMAND_LINE = f"{getpass.getuser()} (command line)"


def trail(client: Any, user: Any, query: str = "") -> Any:
    client.force_login(user)
    return client.get(reverse("partnerships:audit", args=["salford-dat"]) + query)


def export(client: Any, user: Any, query: str = "") -> Any:
    client.force_login(user)
    return client.get(reverse("partnerships:audit-export", args=["salford-dat"]) + query)


def text_of(response: Any) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def summaries(response: Any) -> list[str]:
    return [entry.summary for entry in response.context["entries"]]


def edit(partnership: Any, user: Any, change: Any) -> None:
    """`change` the agreement as a document and save it whole, as the API's PUT does."""
    partnership.refresh_from_db()
    document = export_agreement(partnership)
    change(document)
    outcome = services.agreement_replace(
        partnership=partnership, document=document, version=partnership.version, user=user
    )
    assert outcome.report.valid, [p.as_dict() for p in outcome.report.errors]


def rename_officer(partnership: Any, user: Any, name: str = "Jane Smith, DAT Co-ordinator") -> None:
    def change(document: dict[str, Any]) -> None:
        document["responsible_officer"] = name

    edit(partnership, user, change)


@pytest.fixture
def lena(partnership: Any) -> Any:
    return member(partnership, Role.LEAD_COMMISSIONER, username="lena", first_name="Lena", last_name="Lead")


@pytest.fixture
def ann(partnership: Any) -> Any:
    return member(partnership, Role.AUDITOR, username="ann", first_name="Ann", last_name="Auditor")


# --- who may read it ------------------------------------------------------------------------------------


def test_the_trail_is_not_found_for_a_non_member(client: Any, partnership: Any, outsider: Any) -> None:
    assert trail(client, outsider).status_code == 404
    assert export(client, outsider).status_code == 404


def test_the_trail_is_shown_to_an_auditor_and_a_lead_commissioner(
    client: Any, auditor: Any, lead: Any
) -> None:
    assert trail(client, auditor).status_code == 200
    assert trail(client, lead).status_code == 200
    assert export(client, lead).status_code == 200


def test_the_trail_is_forbidden_to_other_roles(client: Any, pool_manager: Any, provider_officer: Any) -> None:
    for user in (pool_manager, provider_officer):
        assert trail(client, user).status_code == 403
        assert export(client, user).status_code == 403


def test_the_lead_commissioner_sees_the_link_to_the_trail(client: Any, lead: Any) -> None:
    client.force_login(lead)
    page = client.get(reverse("partnerships:overview", args=["salford-dat"])).content.decode()
    assert reverse("partnerships:audit", args=["salford-dat"]) in page


# --- each entry in plain English --------------------------------------------------------------------------


def test_a_changed_amount_reads_as_a_sentence_in_pounds_and_financial_years(
    client: Any, partnership: Any, lena: Any, ann: Any
) -> None:
    def more(document: dict[str, Any]) -> None:
        document["contributions"][0]["amount"] = "1250000.00"

    edit(partnership, lena, more)
    assert summaries(trail(client, ann, "?action=changed"))[0] == (
        "Lena Lead changed the planned contribution of NTA pooled treatment budget for 2003-04 "
        "from £1,200,000.00 to £1,250,000.00"
    )


def test_an_added_record_is_named_as_people_name_it(
    client: Any, partnership: Any, lena: Any, ann: Any
) -> None:
    def drop_then(document: dict[str, Any]) -> None:
        document["approvals"].append(
            {"body": "Salford PCT Board", "date": "2004-01-20", "decision": "approved"}
        )

    edit(partnership, lena, drop_then)
    response = trail(client, ann, "?action=created&person=Lena+Lead")
    assert summaries(response) == ["Lena Lead added the approval 'Salford PCT Board, 20 January 2004'"]
    created = response.context["entries"][0]
    assert [(c.field, c.after) for c in created.changes] == [
        ("approving body", "Salford PCT Board"),
        ("date", "20 January 2004"),
        ("decision", "approved"),
    ]
    command_line = summaries(trail(client, ann, "?action=created&record=partnerships.approval"))
    assert f"{COMMAND_LINE} added the approval 'Salford Drug Action Team, 15 January 2004'" in command_line


def test_a_role_given_reads_as_an_event(client: Any, partnership: Any, lena: Any) -> None:
    ann = member(partnership, Role.POOL_MANAGER, username="ann", first_name="Ann", last_name="Auditor")
    services.membership_remove(partnership=partnership, user=ann, role=Role.POOL_MANAGER, actor=lena)
    services.membership_add(partnership=partnership, user=ann, role=Role.AUDITOR, actor=lena)
    response = trail(client, lena, "?person=Lena+Lead&record=partnerships.membership")
    assert summaries(response)[:2] == [
        "Lena Lead gave Ann Auditor the role of auditor",
        "Lena Lead took the role of pooled fund manager away from Ann Auditor",
    ]
    assert [e.action for e in response.context["entries"][:2]] == ["role granted", "role removed"]


def test_a_changed_text_is_quoted_in_full_and_references_are_named(
    client: Any, partnership: Any, lena: Any, ann: Any
) -> None:
    long_name = "Jane Smith, " + "DAT Co-ordinator and chair of the joint commissioning group " * 3
    rename_officer(partnership, lena, long_name.strip())

    def new_host(document: dict[str, Any]) -> None:
        document["host_partner"] = "PCT"

    edit(partnership, lena, new_host)
    assert summaries(trail(client, ann, "?action=changed"))[:2] == [
        "Lena Lead changed the host partner of Salford Drug Action Team from Salford City Council (SCC) "
        "to Salford Primary Care Trust (PCT)",
        "Lena Lead changed the responsible officer of Salford Drug Action Team from "
        f"'Anne Williams, Chair of the Salford Drug Action Team' to '{long_name.strip()}'",
    ]
    assert long_name.strip() in text_of(trail(client, ann))


def test_the_trail_never_shows_ids_reverse_relations_or_bookkeeping(
    client: Any, partnership: Any, lena: Any, ann: Any
) -> None:
    rename_officer(partnership, lena)
    text = text_of(trail(client, ann))
    assert ".None" not in text
    assert not re.search(r"\bid\b", text)
    fields = {c.field for e in trail(client, ann).context["entries"] for c in e.changes}
    assert fields and not fields & {"id", "key", "position", "version", "partnership", "funding streams"}
    assert "lead-commissioner" not in text and "auditor" not in {f.lower() for f in fields}


def test_removals_show_as_deleted_with_their_names(
    client: Any, partnership: Any, lena: Any, ann: Any
) -> None:
    def drop_approvals(document: dict[str, Any]) -> None:
        document["approvals"] = document["approvals"][:1]

    edit(partnership, lena, drop_approvals)
    assert summaries(trail(client, ann, "?action=deleted")) == [
        "Lena Lead removed the approval 'Salford City Council Cabinet, 24 February 2004'"
    ]


# --- who did it -----------------------------------------------------------------------------------------


def test_a_deleted_user_is_still_named_on_their_entries(
    client: Any, partnership: Any, lena: Any, ann: Any
) -> None:
    rename_officer(partnership, lena)
    lena.delete()
    newest = trail(client, ann, "?action=changed").context["entries"][0]
    assert newest.who == "Lena Lead"
    assert newest.summary.startswith("Lena Lead changed the responsible officer")


def test_writes_with_no_person_name_the_operating_system_user(
    client: Any, partnership: Any, ann: Any
) -> None:
    entries = trail(client, ann, "?action=created&record=partnerships.partnership").context["entries"]
    assert [e.who for e in entries] == [COMMAND_LINE]


# --- reading it -----------------------------------------------------------------------------------------


def test_entries_are_newest_first(client: Any, partnership: Any, lena: Any, ann: Any) -> None:
    rename_officer(partnership, lena, "First rename")
    rename_officer(partnership, lena, "Second rename")
    changes = [e.changes[0].after for e in trail(client, ann, "?action=changed").context["entries"]]
    assert changes[:2] == ["Second rename", "First rename"]


def test_filtering_by_action_person_record_and_dates(
    client: Any, partnership: Any, lena: Any, ann: Any
) -> None:
    rename_officer(partnership, lena)
    old = AuditEntry.objects.filter(partnership="salford-dat", kind=Kind.CREATED)
    old.update(timestamp=timezone.now() - timedelta(days=40))
    assert {e.action for e in trail(client, ann, "?action=changed").context["entries"]} == {"changed"}
    assert {e.who for e in trail(client, ann, "?person=Lena+Lead").context["entries"]} == {"Lena Lead"}
    records = {e.record for e in trail(client, ann, "?record=partnerships.contribution").context["entries"]}
    assert records == {"planned contribution"}
    today = timezone.localdate()
    recent = trail(client, ann, f"?from_date={today.isoformat()}").context["entries"]
    assert recent and all(e.action != "created" for e in recent)
    earlier = (today - timedelta(days=30)).strftime("%d/%m/%Y")
    older = trail(client, ann, f"?to_date={earlier}").context["entries"]
    assert older and {e.action for e in older} == {"created"}
    people = trail(client, ann).context["form"].fields["person"].choices
    assert ("Lena Lead", "Lena Lead") in people and (COMMAND_LINE, COMMAND_LINE) in people


def test_a_nonsense_filter_is_an_error_and_shows_everything(client: Any, partnership: Any, ann: Any) -> None:
    response = trail(client, ann, "?action=nonsense&from_date=31/02/2004")
    assert response.status_code == 200
    assert "There is a problem" in text_of(response)
    assert "Enter the first day as a real date" in text_of(response)
    assert {e.action for e in response.context["entries"]} >= {"created"}


def test_the_trail_holds_only_this_partnerships_entries(client: Any, partnership: Any, ann: Any) -> None:
    load_partnership(slug="other-dat", name="Other Drug Action Team")
    assert not [s for s in summaries(trail(client, ann)) if "Other Drug Action Team" in s]


def test_the_trail_is_read_by_the_indexed_partnership_column() -> None:
    sql = str(entries_for_partnership("salford-dat").query)
    assert '"partnership" = salford-dat' in sql.replace("'", "") or "partnership = salford-dat" in sql
    assert "additional_data" not in sql.split("WHERE")[1]
    indexes = {tuple(index.fields) for index in AuditEntry._meta.indexes}
    assert ("partnership", "-timestamp") in indexes


def test_the_trail_is_paginated_keeping_the_filter(
    client: Any, partnership: Any, lena: Any, ann: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(audit, "PAGE_SIZE", 2)
    for number in range(5):
        rename_officer(partnership, lena, f"Officer {number}")
    first = trail(client, ann, "?action=changed")
    assert len(first.context["entries"]) == 2
    html = first.content.decode()
    assert 'class="govuk-pagination"' in html
    assert 'href="?action=changed&amp;page=2"' in html
    second = trail(client, ann, "?action=changed&page=2")
    assert [e.changes[0].after for e in first.context["entries"]] == ["Officer 4", "Officer 3"]
    assert [e.changes[0].after for e in second.context["entries"]] == ["Officer 2", "Officer 1"]


def _queries_for_a_page(client: Any, user: Any) -> int:
    client.force_login(user)
    url = reverse("partnerships:audit", args=["salford-dat"])
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_a_page_costs_the_same_queries_whatever_the_number_of_entries(
    client: Any, partnership: Any, lena: Any, ann: Any
) -> None:
    AuditEntry.objects.filter(partnership="salford-dat").delete()
    for number in range(5):
        rename_officer(partnership, lena, f"Officer {number}")

        def host(document: dict[str, Any], number: int = number) -> None:
            document["host_partner"] = "PCT" if number % 2 else "SCC"

        edit(partnership, lena, host)
    few = _queries_for_a_page(client, ann)
    for number in range(60):
        rename_officer(partnership, lena, f"Officer {number}")

        def host(document: dict[str, Any], number: int = number) -> None:
            document["host_partner"] = "PCT" if number % 2 else "SCC"

        edit(partnership, lena, host)
    assert AuditEntry.objects.filter(partnership="salford-dat").count() > audit.PAGE_SIZE
    many = _queries_for_a_page(client, ann)
    assert many == few
    assert many <= 12


# --- CSV export -----------------------------------------------------------------------------------------


def test_the_csv_holds_the_filtered_entries_and_the_export_is_recorded(
    client: Any, partnership: Any, lena: Any, ann: Any
) -> None:
    rename_officer(partnership, lena, '=HYPERLINK("http://evil.example")')
    response = export(client, ann, "?action=changed&person=Lena+Lead")
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["When", "Who", "What happened", "Action", "Kind of record", "Changes"]
    assert [row[1:5] for row in rows[1:]] == [
        [
            "Lena Lead",
            "Lena Lead changed the responsible officer of Salford Drug Action Team from "
            "'Anne Williams, Chair of the Salford Drug Action Team' to '=HYPERLINK(\"http://evil.example\")'",
            "changed",
            "partnership",
        ]
    ]
    formula = member(partnership, Role.LEAD_COMMISSIONER, username="formula", first_name="=2+3", last_name="")
    rename_officer(partnership, formula, "Someone else")
    cells = [cell for row in csv.reader(io.StringIO(export(client, ann).content.decode())) for cell in row]
    assert "'=2+3" in cells  # a spreadsheet shows it as text, never runs it
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)
    exported = AuditEntry.objects.filter(partnership="salford-dat", kind=Kind.TRAIL_EXPORTED).earliest("id")
    assert exported.sentence == (
        "Ann Auditor exported 1 entry of the audit trail as CSV (filtered by person Lena Lead, action changed)"
    )
    assert exported.actor == ann
