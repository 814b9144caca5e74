"""Edits are never lost, misplaced or doubled (issue 12): entries are addressed by stable keys, stale edits
are refused with who changed what, a form is saved once, removals are confirmed, and a targeted edit writes
only its entry."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from concordat.core.models import AuditEntry as LogEntry
from concordat.partnerships import services
from concordat.partnerships.models import Approval, Contribution, FundingStream, Partnership
from tests.factories import agreement_document, load_partnership, row_counts

SLUG = "salford-dat"
APPROVALS = [
    {"body": "Salford Drug Action Team", "date": "2004-01-15", "decision": "supported"},
    {"body": "Salford PCT Board", "date": "2004-01-20", "decision": "approved"},
    {"body": "Salford Cabinet", "date": "2004-02-03", "decision": "endorsed"},
]


@pytest.fixture
def three_approvals(partnership: Partnership) -> Partnership:
    return load_partnership(approvals=APPROVALS)


@pytest.fixture
def signed_in(client: Any, three_approvals: Partnership, lead: Any) -> Any:
    client.force_login(lead)
    return client


def keys(partnership: Partnership) -> list[str]:
    return list(partnership.approvals.values_list("key", flat=True))


def hidden(response: Any, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', response.content.decode())
    assert match, f"no hidden {name} on the page"
    return match.group(1)


def approval_form(date: str, body: str = "Salford Cabinet", decision: str = "endorsed") -> dict[str, str]:
    year, month, day = date.split("-")
    return {"body": body, "date_0": day, "date_1": month, "date_2": year, "decision": decision}


def test_removing_the_same_entry_twice_removes_it_once_and_says_so(
    signed_in: Any, three_approvals: Any
) -> None:
    first, second, third = keys(three_approvals)
    url = reverse("partnerships:remove-approval", args=[SLUG, first])
    assert signed_in.post(url).status_code == 302
    again = signed_in.post(url, follow=True)
    assert "had already been removed: nothing changed" in again.content.decode()
    assert keys(three_approvals) == [second, third]


def test_a_form_opened_before_an_earlier_entry_was_removed_changes_the_entry_it_showed(
    signed_in: Any, three_approvals: Any
) -> None:
    first, second, third = keys(three_approvals)
    page = signed_in.get(reverse("partnerships:edit-approval", args=[SLUG, second]))
    services.entry_remove(partnership=three_approvals, user=None, collection="approvals", key=first)
    response = signed_in.post(
        reverse("partnerships:edit-approval", args=[SLUG, second]),
        {
            **approval_form("2004-01-21", body="Salford PCT Board", decision="approved"),
            "seen": hidden(page, "seen"),
        },
    )
    assert response.status_code == 302
    assert Approval.objects.get(key=second).date.isoformat() == "2004-01-21"
    assert Approval.objects.get(key=third).date.isoformat() == "2004-02-03"


def test_a_stale_form_is_refused_with_who_changed_it_and_saves_nothing(
    signed_in: Any, three_approvals: Any
) -> None:
    first = keys(three_approvals)[0]
    url = reverse("partnerships:edit-approval", args=[SLUG, first])
    page = signed_in.get(url)
    from django.contrib.auth import get_user_model

    other = get_user_model().objects.create_user("olive", first_name="Olive", last_name="Other")
    services.entry_save(
        partnership=three_approvals,
        user=other,
        collection="approvals",
        key=first,
        entry={"body": "Salford Drug Action Team", "date": "2004-01-16", "decision": "supported"},
    )
    before = row_counts()
    response = signed_in.post(url, {**approval_form("2004-01-30", body="Mine"), "seen": hidden(page, "seen")})
    assert response.status_code == 409
    text = response.content.decode()
    assert "This was changed by Olive Other" in text
    assert "16 January 2004" in text  # their value shown
    assert 'value="Mine"' in text  # and the user's own kept in the form
    assert row_counts() == before
    assert Approval.objects.get(key=first).body == "Salford Drug Action Team"


def test_saving_again_after_seeing_the_stale_page_replaces_their_version(
    signed_in: Any, three_approvals: Any
) -> None:
    first = keys(three_approvals)[0]
    url = reverse("partnerships:edit-approval", args=[SLUG, first])
    seen = hidden(signed_in.get(url), "seen")
    services.entry_save(
        partnership=three_approvals,
        user=None,
        collection="approvals",
        key=first,
        entry={"body": "Theirs", "date": "2004-01-16", "decision": "supported"},
    )
    refused = signed_in.post(url, {**approval_form("2004-01-30", body="Mine"), "seen": seen})
    assert refused.status_code == 409
    saved = signed_in.post(url, {**approval_form("2004-01-30", body="Mine"), "seen": hidden(refused, "seen")})
    assert saved.status_code == 302
    assert Approval.objects.get(key=first).body == "Mine"


def test_editing_an_entry_removed_meanwhile_saves_nothing_and_says_so(
    signed_in: Any, three_approvals: Any
) -> None:
    first = keys(three_approvals)[0]
    url = reverse("partnerships:edit-approval", args=[SLUG, first])
    seen = hidden(signed_in.get(url), "seen")
    services.entry_remove(partnership=three_approvals, user=None, collection="approvals", key=first)
    before = row_counts()
    response = signed_in.post(url, {**approval_form("2004-01-30"), "seen": seen}, follow=True)
    assert "Nothing was saved" in response.content.decode()
    assert row_counts() == before


def test_a_form_submitted_twice_adds_one_entry(signed_in: Any, three_approvals: Any) -> None:
    url = reverse("partnerships:add-approval", args=[SLUG])
    token = hidden(signed_in.get(url), "token")
    data = {**approval_form("2004-03-01", body="Board of the PCT"), "token": token}
    assert signed_in.post(url, data).status_code == 302
    again = signed_in.post(url, data, follow=True)
    assert "already saved" in again.content.decode()
    assert three_approvals.approvals.filter(body="Board of the PCT").count() == 1
    assert token in keys(three_approvals)


def test_a_removed_entrys_key_is_never_given_again(signed_in: Any, three_approvals: Any) -> None:
    url = reverse("partnerships:add-approval", args=[SLUG])
    token = hidden(signed_in.get(url), "token")
    data = {**approval_form("2004-03-01", body="Board of the PCT"), "token": token}
    signed_in.post(url, data)
    signed_in.post(reverse("partnerships:remove-approval", args=[SLUG, token]))
    signed_in.post(url, data)  # Back, then Save again, after the removal
    assert not three_approvals.approvals.filter(body="Board of the PCT").exists()


def test_removing_the_first_entry_is_audited_as_one_deletion(signed_in: Any, three_approvals: Any) -> None:
    first = keys(three_approvals)[0]
    before = LogEntry.objects.count()
    signed_in.post(reverse("partnerships:remove-approval", args=[SLUG, first]))
    new = list(LogEntry.objects.order_by("id")[before:])
    assert [(entry.action, entry.object_repr) for entry in new] == [
        (LogEntry.Action.DELETE, "Salford Drug Action Team, 15 January 2004")
    ]


def test_changing_one_entry_writes_only_that_entry(signed_in: Any, three_approvals: Any) -> None:
    second = keys(three_approvals)[1]
    before = LogEntry.objects.count()
    outcome = services.entry_save(
        partnership=three_approvals,
        user=None,
        collection="approvals",
        key=second,
        entry={"body": "Salford PCT Board", "date": "2004-01-22", "decision": "approved"},
    )
    assert outcome.report.valid
    new = list(LogEntry.objects.order_by("id")[before:])
    assert len(new) == 1 and new[0].object_pk == str(Approval.objects.get(key=second).pk)


def test_removal_asks_first_and_names_what_goes_with_it(signed_in: Any, three_approvals: Any) -> None:
    page = signed_in.get(reverse("partnerships:remove-stream", args=[SLUG, "NTA-PTB"]))
    text = page.content.decode()
    assert "Are you sure you want to remove the funding stream" in text
    assert "planned contribution for 2003-04" in text
    assert FundingStream.objects.filter(code="NTA-PTB").exists()  # the GET removed nothing
    signed_in.post(
        reverse("partnerships:remove-stream", args=[SLUG, "NTA-PTB"]), {"seen": hidden(page, "seen")}
    )
    assert not FundingStream.objects.filter(code="NTA-PTB").exists()
    assert not Contribution.objects.filter(stream__code="NTA-PTB").exists()


def test_a_removal_that_would_break_the_agreement_is_refused_with_the_reason(signed_in: Any) -> None:
    page = signed_in.get(reverse("partnerships:remove-partner", args=[SLUG, "PCT"]))
    text = page.content.decode()
    assert "You cannot remove" in text and "funding streams NTA-PTB and MAINSTREAM-HEALTH" in text
    assert "Yes, remove it" not in text
    before = row_counts()
    refused = signed_in.post(reverse("partnerships:remove-partner", args=[SLUG, "PCT"]))
    assert refused.status_code == 409
    assert row_counts() == before


# --- the API: ETag and If-Match ----------------------------------------------------------------------


def test_the_api_refuses_a_write_without_if_match_and_a_stale_one(
    signed_in: Any, three_approvals: Any
) -> None:
    url = f"/api/v1/partnerships/{SLUG}/agreement"
    read = signed_in.get(url)
    assert read.status_code == 200
    etag = read["ETag"]
    document = read.json()
    document["name"] = "Salford DAT (renamed)"
    before = row_counts()
    missing = signed_in.put(url, document, content_type="application/json")
    assert missing.status_code == 428 and missing["Content-Type"] == "application/problem+json"
    services.entry_remove(
        partnership=three_approvals, user=None, collection="approvals", key=keys(three_approvals)[0]
    )
    after_removal = row_counts()
    stale = signed_in.put(url, document, content_type="application/json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412 and stale.json()["status"] == 412
    assert row_counts() == after_removal and after_removal != before
    fresh = signed_in.get(url)
    renamed = {**fresh.json(), "name": "Salford DAT (renamed)"}
    ok = signed_in.put(url, renamed, content_type="application/json", HTTP_IF_MATCH=fresh["ETag"])
    assert ok.status_code == 200, ok.content
    assert ok["ETag"] != fresh["ETag"]
    assert Partnership.objects.get(slug=SLUG).name == "Salford DAT (renamed)"


def test_the_api_document_keeps_entry_keys_so_a_round_trip_keeps_identities(
    signed_in: Any, three_approvals: Any
) -> None:
    url = f"/api/v1/partnerships/{SLUG}/agreement"
    read = signed_in.get(url)
    document = read.json()
    document["approvals"] = list(reversed(document["approvals"]))
    response = signed_in.put(url, document, content_type="application/json", HTTP_IF_MATCH=read["ETag"])
    assert response.status_code == 200
    assert response.json()["created"] == [] and response.json()["removed"] == []
    assert keys(Partnership.objects.get(slug=SLUG)) == [a["key"] for a in document["approvals"]]


# --- the file -----------------------------------------------------------------------------------------


def test_numbers_with_leading_zeros_and_colons_stay_as_written(tmp_path: Any) -> None:
    from concordat.core.problems import Report
    from concordat.partnerships.document import parse_text

    parsed = parse_text("partners:\n  - {code: 010, name: 1:30, kind: other}\n", Report())
    assert parsed["partners"][0] == {"code": "010", "name": "1:30", "kind": "other"}


def test_a_decimal_number_where_text_belongs_is_refused_not_rewritten(db: None) -> None:
    from concordat.core import clock
    from concordat.partnerships.rules.agreement import check_agreement

    document = agreement_document()
    document["partners"][0]["name"] = 1.50
    report = check_agreement(document, today=clock.today()).report
    assert [(p.path, p.code) for p in report.errors] == [("partners[0].name", "type")]


def test_a_key_the_format_does_not_know_is_a_warning_at_its_path(db: None) -> None:
    document = agreement_document()
    document["partners"][0]["contact"] = "Jo Bloggs"
    document["contacts"] = [{"name": "Jo Bloggs"}]
    outcome = services.partnership_load(document=document)
    assert outcome.report.valid
    unknown = [(p.path, p.message) for p in outcome.report.warnings if p.code == "unknown-key"]
    assert (
        "partners[0].contact",
        "partners[0].contact is not a key of a partner; it is kept as written but not read",
    ) in unknown
    assert "contacts" in [path for path, _ in unknown]


def with_unknown_keys() -> dict[str, Any]:
    """Salford with keys the format does not know at the top, in entries, in sections and inside them,
    one in a section the file otherwise leaves out (targets.accessing_services is its only other part)."""
    document = agreement_document()
    document["partners"][0]["contact"] = "Jo Bloggs"
    document["contacts"] = [{"name": "Jo Bloggs", "phone": None}, 3, {"nested": {"deep": [1.5, True]}}]
    document["risk_share"]["note"] = "agreed at the board"
    document["targets"]["baseline"]["measured_by"] = "NDTMS"
    document["providers"] = [{"code": "P1", "name": "CDS", "tiers": [2, 3], "ages": {"min": 18, "note": ""}}]
    document["options_appraisals"] = [
        {
            "title": "Where to put the service",
            "criteria": [{"name": "Cost", "weight": 3, "unit": "pounds"}],
            "options": [{"code": "A", "name": "Town centre", "scores": {"Cost": 4}, "rent": 1200}],
            "decision": {"body": "Board", "minute": "12/3"},
            "colour": "green",
        }
    ]
    document["schemes"] = [{"code": "RESI", "name": "Residential", "maximum": {}, "owner_ref": 7}]
    document["eligibility"] = {"residence_in_area": True, "why": "the council funds it"}
    return document


def test_keys_the_format_does_not_know_are_kept_and_exported_where_they_were(db: None) -> None:
    document = with_unknown_keys()
    first = services.partnership_load(document=document)
    assert first.report.valid, [p.as_dict() for p in first.report.errors]
    assert first.partnership is not None
    exported = services.export_agreement(first.partnership)
    assert exported["contacts"] == document["contacts"]
    assert list(exported)[-1] == "contacts"  # after the format's own keys
    assert exported["partners"][0]["contact"] == "Jo Bloggs"
    assert exported["risk_share"]["note"] == "agreed at the board"
    assert exported["targets"]["baseline"]["measured_by"] == "NDTMS"
    assert exported["providers"][0]["ages"] == {"min": 18, "note": ""}
    appraisal = exported["options_appraisals"][0]
    assert appraisal["colour"] == "green" and appraisal["decision"]["minute"] == "12/3"
    assert appraisal["criteria"][0]["unit"] == "pounds" and appraisal["options"][0]["rent"] == 1200
    assert exported["schemes"][0]["owner_ref"] == 7
    assert exported["eligibility"]["why"] == "the council funds it"
    # Still told, each time the file is checked or loaded; and loading the export changes nothing.
    again = services.partnership_load(document=exported)
    assert not again.changes.any, again.changes.as_dict()
    warned = {p.path for p in again.report.warnings if p.code == "unknown-key"}
    assert {"contacts", "partners[0].contact", "providers[0].ages.note", "schemes[0].owner_ref"} <= warned


def test_a_section_holding_only_unknown_keys_is_exported_with_them(db: None) -> None:
    document = agreement_document()
    document["targets"] = {"colour": "red"}
    partnership = load_partnership(document)
    assert services.export_agreement(partnership)["targets"] == {"colour": "red"}


def test_loading_the_file_without_them_removes_them(db: None) -> None:
    partnership = load_partnership(with_unknown_keys())
    before = LogEntry.objects.count()
    outcome = services.partnership_load(document=agreement_document())
    summaries = list(LogEntry.objects.order_by("id")[before:].values_list("summary", flat=True))
    assert (
        "changed the keys the format does not know of the partner 'Salford City Council (SCC)' from "
        'contact: "Jo Bloggs" to nothing'
    ) in summaries
    assert "partnership salford-dat" in outcome.changes.changed and "partner SCC" in outcome.changes.changed
    exported = services.export_agreement(Partnership.objects.get(pk=partnership.pk))
    assert "contacts" not in exported and "contact" not in exported["partners"][0]
    assert "note" not in exported["risk_share"]


def test_an_edit_of_one_entry_keeps_its_unknown_keys(db: None) -> None:
    partnership = load_partnership(with_unknown_keys())
    outcome = services.entry_save(
        partnership=partnership,
        user=None,
        collection="partners",
        key="SCC",
        entry={"code": "SCC", "name": "Salford City Council (renamed)", "kind": "local-authority"},
    )
    assert outcome.report.valid and outcome.changes.changed == ["partner SCC"]
    provider = services.entry_save(
        partnership=partnership,
        user=None,
        collection="providers",
        key="P1",
        entry={"code": "P1", "name": "CDS", "tiers": [2], "ages": {"min": 21}},
    )
    assert provider.report.valid
    exported = services.export_agreement(partnership)
    partner = exported["partners"][0]
    assert (partner["name"], partner["contact"]) == ("Salford City Council (renamed)", "Jo Bloggs")
    assert exported["providers"][0]["ages"] == {"min": 21, "note": ""}
    assert exported["contacts"]  # the partnership's own are untouched


def test_the_partner_form_keeps_the_partners_unknown_keys(client: Any, db: None) -> None:
    from tests.factories import member

    partnership = load_partnership(with_unknown_keys())
    client.force_login(member(partnership, "lead-commissioner", username="lead"))
    response = client.post(
        reverse("partnerships:edit-partner", args=[SLUG, "SCC"]),
        {"code": "SCC", "name": "Salford Council", "kind": "local-authority"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert services.export_agreement(partnership)["partners"][0] == {
        "code": "SCC",
        "name": "Salford Council",
        "kind": "local-authority",
        "contact": "Jo Bloggs",
    }


@pytest.mark.parametrize(
    ("value", "why"),
    [
        (float("nan"), "a number that is not finite"),
        ({1: "one"}, "a key that is not text"),
        ("x" * 2_001, "longer than 2,000 characters"),
        (b"bytes", "a value of the kind bytes"),
    ],
)
def test_an_unknown_key_whose_value_cannot_be_kept_is_told_so(db: None, value: Any, why: str) -> None:
    document = agreement_document()
    document["contacts"] = value
    outcome = services.partnership_load(document=document)
    assert outcome.report.valid and outcome.partnership is not None
    [warning] = [p for p in outcome.report.warnings if p.code == "unknown-key"]
    assert warning.message == f"contacts is not a key of the partnership file; it was not kept ({why})"
    assert "contacts" not in services.export_agreement(outcome.partnership)


def test_an_alias_bomb_as_an_unknown_key_is_not_kept_nor_written_out(db: None) -> None:
    from concordat.core.problems import Report
    from concordat.partnerships.document import parse_text

    laughs = "a: &a ['lol', 'lol', 'lol', 'lol', 'lol', 'lol', 'lol', 'lol', 'lol']\n"
    for n in "bcdefghi":
        previous = chr(ord(n) - 1)
        laughs += (
            f"{n}: &{n} [*{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}]\n"
        )
    document = agreement_document()
    document["bomb"] = parse_text(laughs, Report())
    outcome = services.partnership_load(document=document)
    assert outcome.report.valid
    [warning] = [p for p in outcome.report.warnings if p.code == "unknown-key"]
    assert "it was not kept (longer than 2,000 characters)" in warning.message


def test_three_equal_partners_have_shares_that_add_up_to_100(db: None) -> None:
    from decimal import Decimal

    from concordat.partnerships import selectors

    document = agreement_document()
    document["funding_streams"] = [
        {"code": code, "name": code, "partner": partner}
        for code, partner in (("A", "SCC"), ("B", "PCT"), ("C", "GMP"))
    ]
    document["contributions"] = [{"stream": code, "year": "2003-04", "amount": "100.00"} for code in "ABC"]
    partnership = load_partnership(document)
    (year,) = selectors.contributions(partnership)
    shares = [row.share_pct for row in year.partner_totals]
    assert sum(shares) == Decimal("100.00")
    assert sorted(shares) == [Decimal("33.33"), Decimal("33.33"), Decimal("33.34")]


def test_back_then_save_again_adds_one_entry(signed_in: Any, three_approvals: Any) -> None:
    # Pages are no-store, so Back fetches the add form again, with a new token, and the browser puts the
    # typed values back: the second save carries the same values under another token.
    url = reverse("partnerships:add-approval", args=[SLUG])
    data = approval_form("2004-03-01", body="Board of the PCT")
    assert signed_in.post(url, {**data, "token": hidden(signed_in.get(url), "token")}).status_code == 302
    again = signed_in.post(url, {**data, "token": hidden(signed_in.get(url), "token")}, follow=True)
    assert "already saved" in again.content.decode()
    assert three_approvals.approvals.filter(body="Board of the PCT").count() == 1


def test_a_token_that_is_not_a_key_is_never_used_as_one() -> None:
    from concordat.partnerships.keys import claim

    # A trailing newline passes a "$"-anchored pattern with match(); a key must match whole.
    drawn = claim("abcdefghij\n", set(), "document")
    assert drawn != "abcdefghij\n" and "\n" not in drawn
    assert claim("abcdefghij", set(), "document") == "abcdefghij"
    with pytest.raises(services.AlreadySaved):
        claim("abcdefghij", {"abcdefghij"}, "document")
