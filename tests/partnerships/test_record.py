"""The new keys of issue 14 through the database: every one loads, is exported as written, and loading the
export changes nothing; the pages and forms that show and change them; what they stop being removed."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
import yaml
from django.urls import reverse

from concordat.partnerships import selectors, services
from concordat.partnerships.document import dump_yaml
from concordat.partnerships.models import Approval, Milestone, Partnership, Risk, Signatory
from concordat.partnerships.shape import export_agreement
from tests.factories import agreement_document, entry_key, load_partnership

SLUG = "salford-dat"


def without_keys(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: without_keys(v) for k, v in value.items() if k != "key"}
    if isinstance(value, list):
        return [without_keys(v) for v in value]
    return value


def everything() -> dict[str, Any]:
    """The Salford document with every new key written."""
    document = agreement_document(
        demo=True,
        agreement_date="2002-03",
        start_date="2003-04",
        lead_commissioner={"name": "Salford Drug Action Team", "acts_for": ["SCC", "PCT"]},
    )
    document["partners"][0]["source"] = "Notification form, item 2"
    document["funding_streams"][0]["source"] = "invented"
    document["contributions"][0]["source"] = "Notification form, item 12"
    document["stated_totals"] = [
        {"year": "2003-04", "amount": "2150000.00", "relation": "about", "source": "item 12"},
        {"year": "2003-04", "to_year": "2009-10", "amount": "14000000.00", "relation": "over"},
    ]
    document["modalities"][0]["source"] = "invented"
    document["milestones"][0].update(due="2003-03", source="Notification form, item 8")
    document["milestones"].append(
        {"text": "To fulfil targets in the Drug Action Team plan", "status": "open"}
    )
    document["governance"][0].update(
        signed_off_by="Anne Williams", signed_off_on="2003-03", source="invented"
    )
    document["approvals"].append(
        {
            "body": "Salford City Council Cabinet",
            "state": "requested",
            "decision": "To endorse option 1(b)",
            "reference": "forward plan ref E645",
            "source": "Cabinet report, para 1",
        }
    )
    document["approvals"][0]["state"] = "endorsed"
    document["providers"][0]["source"] = "invented"
    document["consultation"] = [{"who": "staff", "how": "Workshops", "date": "2003-01", "source": "invented"}]
    document["board"] = [{"name": "Ann Board", "kind": "officer", "represents": "SCC", "source": "invented"}]
    document["options_appraisals"] = [
        {
            "title": "Learning difficulties",
            "criteria": [{"name": "Cost", "weight": 2, "source": "invented"}],
            "options": [
                {"code": "1(b)", "name": "Pooled", "source": "Cabinet report", "scores": {"Cost": 3}}
            ],
            "decision": {"body": "Cabinet", "date": "2000-07"},
            "source": "Cabinet report, 2000",
        }
    ]
    document["risks"] = [
        {"description": "Prevalence may not support the targets", "likelihood": 3, "impact": 4},
        {
            "description": "Recruitment of specialist staff",
            "cause": "A national shortage",
            "likelihood": 4,
            "impact": 3,
            "owner": "DAT co-ordinator",
            "mitigation": "Joint recruitment",
            "status": "closed",
            "review_date": "2004-06",
            "source": "Report 004, para 4.13",
        },
    ]
    document["signatories"] = [
        {"partner": "SCC", "name": "Ann Signer", "role": "Joint head of commissioning", "date": "2002-03"},
        {"name": "Bob Coordinator", "role": "DAT co-ordinator", "source": "invented"},
    ]
    return document


def test_every_new_key_is_exported_as_written_and_loading_the_export_changes_nothing(db: None) -> None:
    document = everything()
    outcome = services.partnership_load(document=document)
    assert outcome.report.valid, outcome.report.errors
    assert outcome.partnership is not None
    exported = export_agreement(outcome.partnership)
    normalised = ("targets", "eligibility")  # as the Salford document has always been normalised
    assert {k: v for k, v in without_keys(exported).items() if k not in normalised} == {
        k: v for k, v in document.items() if k not in normalised
    }
    again = services.partnership_load(document=exported)
    assert not again.changes.any, again.changes.as_dict()


def test_the_yaml_export_writes_a_month_as_written(db: None) -> None:
    partnership = load_partnership(everything())
    text = dump_yaml(export_agreement(partnership))
    assert "agreement_date: 2002-03\n" in text
    assert "demo: true" in text
    assert yaml.safe_load(text)["agreement_date"] == "2002-03"


def test_a_month_is_stored_as_its_first_day_and_its_precision(db: None) -> None:
    partnership = load_partnership(everything())
    assert (partnership.agreement_date, partnership.agreement_date_precision) == (date(2002, 3, 1), "month")
    milestone = partnership.milestones.order_by("position")[0]
    assert (milestone.due, milestone.due_precision) == (date(2003, 3, 1), "month")
    assert partnership.partial_date("agreement_date").as_written == "March 2002"


def test_an_old_file_loads_as_it_did(db: None) -> None:
    partnership = load_partnership()
    assert "demo" not in export_agreement(partnership)
    assert not partnership.demo
    assert without_keys(export_agreement(partnership))["approvals"] == agreement_document()["approvals"]
    assert all(m.due_precision == "day" for m in partnership.milestones.all())


def test_a_demo_partnership_is_marked_and_a_real_one_is_not(db: None) -> None:
    assert load_partnership(agreement_document(demo=True)).demo is True
    assert load_partnership(agreement_document(slug="real", demo=False)).demo is False
    assert "demo" not in export_agreement(Partnership.objects.get(slug="real"))


def test_sources_are_stored_on_each_row(db: None) -> None:
    partnership = load_partnership(everything())
    assert partnership.partners.get(code="SCC").source == "Notification form, item 2"
    assert partnership.funding_streams.get(code="NTA-PTB").invented
    assert not partnership.partners.get(code="PCT").invented


def test_a_commissioning_body_is_stored_and_named_as_the_lead_commissioner(db: None) -> None:
    partnership = load_partnership(everything())
    assert partnership.lead_commissioner is None
    assert partnership.commissioning_body == "Salford Drug Action Team"
    assert partnership.commissioning_body_acts_for == ["SCC", "PCT"]
    assert partnership.lead_commissioner_name == "Salford Drug Action Team"
    assert load_partnership(agreement_document(slug="other")).lead_commissioner_name == "Salford City Council"


def test_changing_the_lead_commissioner_back_to_a_partner_clears_the_body(db: None) -> None:
    load_partnership(everything())
    partnership = load_partnership({**everything(), "lead_commissioner": "PCT"})
    assert partnership.commissioning_body == "" and partnership.lead_commissioner.code == "PCT"


def test_a_partner_the_commissioning_body_acts_for_cannot_be_removed(db: None) -> None:
    partnership = load_partnership(everything())
    outcome = services.entry_remove(partnership=partnership, user=None, collection="partners", key="PCT")
    assert [p.code for p in outcome.report.errors] == ["in-use"]
    assert "commissioning body acts for" in outcome.report.errors[0].message


def test_a_partner_a_signatory_signed_for_cannot_be_removed(db: None) -> None:
    document = agreement_document(signatories=[{"partner": "GMP", "name": "Chief Superintendent"}])
    partnership = load_partnership(document)
    outcome = services.entry_remove(partnership=partnership, user=None, collection="partners", key="GMP")
    assert "signatory Chief Superintendent" in outcome.report.errors[0].message
    assert partnership.partners.filter(code="GMP").exists()


def test_an_undated_milestone_is_never_overdue_and_a_month_only_after_it(db: None, monkeypatch: Any) -> None:
    document = agreement_document()
    document["milestones"] = [
        {"text": "Undated", "status": "open"},
        {"text": "Due in January", "due": "2004-01", "status": "open"},
    ]
    partnership = load_partnership(document)
    assert [row.overdue for row in selectors.milestones(partnership, today=date(2004, 1, 31))] == [
        False,
        False,
    ]
    assert [row.overdue for row in selectors.milestones(partnership, today=date(2004, 2, 1))] == [False, True]
    assert Milestone.objects.get(text="Undated").due is None


def test_the_stated_totals_say_whether_each_relation_is_met(db: None) -> None:
    partnership = load_partnership(everything())
    [year] = selectors.contributions(partnership)
    assert [(check.relation, check.met) for check in year.stated] == [("about", False), ("over", False)]
    assert year.stated[1].years == "2003-04 to 2009-10"
    document = everything()
    document["stated_totals"][0]["relation"] = "under"
    partnership = load_partnership(document)
    [year] = selectors.contributions(partnership)
    assert [check.met for check in year.stated] == [True, False]
    assert [check.relation for check in year.mismatches] == ["over"]
    assert "is met" in year.stated[0].message


def test_the_risk_matrix_counts_the_open_risks_in_their_cells(db: None) -> None:
    partnership = load_partnership(everything())
    risks, matrix = selectors.risk_register(partnership)
    assert len(risks) == 2
    cells = {(cell.likelihood, cell.impact): cell for row in matrix.rows for cell in row.cells}
    assert len(cells) == 25
    assert [r.description for r in cells[(3, 4)].items] == ["Prevalence may not support the targets"]
    assert cells[(4, 3)].count == 0  # closed: listed, not plotted
    assert [row.likelihood for row in matrix.rows] == [5, 4, 3, 2, 1]


# --- pages ------------------------------------------------------------------------------------------


@pytest.fixture
def as_lead(client: Any, db: None) -> Any:
    from concordat.core.roles import Role
    from tests.factories import member

    partnership = load_partnership(everything())
    client.force_login(member(partnership, Role.LEAD_COMMISSIONER, username="lead"))
    return client


def page(client: Any, name: str, *args: Any) -> str:
    response = client.get(reverse(f"partnerships:{name}", args=[SLUG, *args]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_risks_page_shows_the_register_and_a_matrix_readable_without_colour(as_lead: Any) -> None:
    html = page(as_lead, "risks")
    assert "Prevalence may not support the targets" in html
    assert "Recruitment of specialist staff" in html
    assert len(re.findall(r"concordat-risk-(?:low|medium|high)", html)) == 25  # every cell of the 5×5 table
    assert "1 risk " in html and "0 risks" in html  # each cell names its count in words
    key = entry_key(SLUG, "risks")
    assert f'href="#risk-{key}"' in html  # the cell names the risk
    assert "June 2004" in html  # the review date as written
    assert reverse("partnerships:edit-risk", args=[SLUG, key]) in html


def test_the_risks_tab_is_in_the_navigation(as_lead: Any) -> None:
    assert reverse("partnerships:risks", args=[SLUG]) in page(as_lead, "overview")


def test_the_pages_print_dates_as_written_and_the_commissioning_body(as_lead: Any) -> None:
    overview = page(as_lead, "overview")
    assert "March 2002" in overview and "1 March 2002" not in overview
    assert "Salford Drug Action Team" in overview
    aims = page(as_lead, "aims")
    assert "No date set" in aims and "March 2003" in aims
    approvals = page(as_lead, "approvals")
    assert "Requested" in approvals and "forward plan ref E645" in approvals
    assert "Ann Signer" in approvals and "Bob Coordinator" in approvals
    form = page(as_lead, "notification-form")
    assert "Salford Drug Action Team" in form and "March 2002" in form


# --- forms ------------------------------------------------------------------------------------------


def test_a_requested_approval_is_recorded_from_the_form_without_a_date(as_lead: Any) -> None:
    response = as_lead.post(
        reverse("partnerships:add-approval", args=[SLUG]),
        {"body": "Salford PCT Board", "state": "requested", "reference": "Board paper 12"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    approval = Approval.objects.get(body="Salford PCT Board")
    assert (approval.state, approval.date, approval.reference) == ("requested", None, "Board paper 12")


def test_an_approval_without_a_state_or_a_decision_is_refused_at_the_field(as_lead: Any) -> None:
    before = Approval.objects.count()
    response = as_lead.post(
        reverse("partnerships:add-approval", args=[SLUG]),
        {"body": "Salford PCT Board", "date_0": "2", "date_1": "3", "date_2": "2004"},
    )
    assert response.status_code == 200
    assert "decision is required" in response.content.decode().lower()
    assert Approval.objects.count() == before


def test_a_date_of_a_month_is_entered_by_leaving_the_day_empty(as_lead: Any) -> None:
    key = entry_key(SLUG, "milestones", 1)
    response = as_lead.post(
        reverse("partnerships:edit-milestone", args=[SLUG, key]),
        {"text": "Identify the resources", "due_0": "", "due_1": "10", "due_2": "2002", "status": "met"},
    )
    assert response.status_code == 302
    milestone = Milestone.objects.get(key=key)
    assert (milestone.due, milestone.due_precision) == (date(2002, 10, 1), "month")


def test_a_month_shows_in_the_form_with_the_day_empty(as_lead: Any) -> None:
    html = page(as_lead, "edit-milestone", entry_key(SLUG, "milestones", 0))
    [day] = re.findall(r'<input[^>]*name="due_0"[^>]*>', html)
    assert "value=" not in day
    assert re.search(r'name="due_1" value="3"', html) and re.search(r'name="due_2" value="2003"', html)


def test_editing_an_entry_keeps_its_source(as_lead: Any) -> None:
    html = page(as_lead, "edit-partner", "SCC")
    assert "Notification form, item 2" in html
    response = as_lead.post(
        reverse("partnerships:edit-partner", args=[SLUG, "SCC"]),
        {"name": "Salford City Council", "kind": "local-authority", "source": "Notification form, item 2"},
    )
    assert response.status_code == 302
    partner = Partnership.objects.get(slug=SLUG).partners.get(code="SCC")
    assert partner.source == "Notification form, item 2"


def test_a_contribution_form_keeps_the_source_it_does_not_show_otherwise(as_lead: Any) -> None:
    html = page(as_lead, "edit-contribution", "NTA-PTB", "2003-04")
    assert "Notification form, item 12" in html


def test_adding_changing_and_removing_a_risk(as_lead: Any) -> None:
    add = reverse("partnerships:add-risk", args=[SLUG])
    response = as_lead.post(
        add,
        {
            "description": "Crack use rising",
            "likelihood": "2",
            "impact": "5",
            "status": "open",
            "review_date_1": "6",
            "review_date_2": "2004",
        },
    )
    assert response.status_code == 302
    risk = Risk.objects.get(description="Crack use rising")
    assert (risk.likelihood, risk.impact, risk.review_date_precision) == (2, 5, "month")
    change = reverse("partnerships:edit-risk", args=[SLUG, risk.key])
    response = as_lead.post(
        change, {"description": "Crack use rising", "likelihood": "3", "impact": "5", "status": "closed"}
    )
    assert response.status_code == 302
    risk.refresh_from_db()
    assert (risk.likelihood, risk.status) == (3, "closed")
    remove = reverse("partnerships:remove-risk", args=[SLUG, risk.key])
    assert "Crack use rising" in as_lead.get(remove).content.decode()
    assert as_lead.post(remove).status_code == 302
    assert not Risk.objects.filter(key=risk.key).exists()


def test_a_risk_scored_off_the_scale_is_refused(as_lead: Any) -> None:
    response = as_lead.post(
        reverse("partnerships:add-risk", args=[SLUG]),
        {"description": "Off the scale", "likelihood": "6", "impact": "5", "status": "open"},
    )
    assert response.status_code == 200
    assert not Risk.objects.filter(description="Off the scale").exists()


def test_adding_changing_and_removing_a_signatory(as_lead: Any) -> None:
    response = as_lead.post(
        reverse("partnerships:add-signatory", args=[SLUG]),
        {"partner": "PCT", "name": "Pat Chair", "role": "Chair", "date_1": "3", "date_2": "2002"},
    )
    assert response.status_code == 302
    signatory = Signatory.objects.get(name="Pat Chair")
    assert (signatory.partner.code, signatory.date_precision) == ("PCT", "month")
    response = as_lead.post(
        reverse("partnerships:edit-signatory", args=[SLUG, signatory.key]),
        {"partner": "", "name": "Pat Chair", "role": "Chair of the board"},
    )
    assert response.status_code == 302
    signatory.refresh_from_db()
    assert (signatory.partner, signatory.role, signatory.date) == (None, "Chair of the board", None)
    assert (
        as_lead.post(reverse("partnerships:remove-signatory", args=[SLUG, signatory.key])).status_code == 302
    )
    assert not Signatory.objects.filter(pk=signatory.pk).exists()


def test_the_details_form_keeps_and_changes_the_commissioning_body(as_lead: Any) -> None:
    html = page(as_lead, "edit-details")
    assert 'value="Salford Drug Action Team"' in html
    partnership = Partnership.objects.get(slug=SLUG)
    assert partnership.commissioning_body == "Salford Drug Action Team"


def test_the_signatories_selector_reads_in_one_query(db: None, django_assert_num_queries: Any) -> None:
    partnership = load_partnership(everything())
    with django_assert_num_queries(1):
        rows = selectors.signatories(partnership)
        assert [row.partner.code if row.partner else None for row in rows] == ["SCC", None]
