"""The demo files say what the source papers say (../shared/seeds/000-004): months where the papers give a
month, requests where they ask, a commissioning body that is not a partner, a bounded total, the papers'
risks and signatories, and every invented entry marked `source: invented`, so none reaches a page as fact."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import yaml

from concordat.core.problems import Report
from concordat.demo.services import FILES, demo_load
from concordat.partnerships.document import read_file
from concordat.partnerships.models import Partnership
from concordat.partnerships.rules.agreement import SOURCED, check_agreement

SLUGS = sorted(path.stem for path in FILES.glob("*.yaml"))
TODAY = date(2025, 1, 1)  # long after every paper: anything dated and not met would be overdue


def document(slug: str) -> dict[str, Any]:
    report = Report()
    doc = read_file(FILES / f"{slug}.yaml", report)
    assert report.valid, report.errors
    return doc  # type: ignore[no-any-return]


def warnings(slug: str) -> list[tuple[str, str]]:
    checked = check_agreement(document(slug), today=TODAY)
    assert checked.report.errors == []
    return [(problem.path, problem.code) for problem in checked.report.warnings]


@pytest.fixture
def loaded(db: None) -> None:
    demo_load()


@pytest.mark.parametrize("slug", SLUGS)
def test_every_demo_file_is_marked_demo_and_every_entry_has_a_source(slug: str) -> None:
    doc = document(slug)
    assert doc["demo"] is True
    for name in SOURCED:
        for index, entry in enumerate(doc.get(name) or []):
            assert entry.get("source"), f"{slug}: {name}[{index}] has no source"


@pytest.mark.parametrize("slug", SLUGS)
def test_no_invented_value_is_left_as_a_comment_only(slug: str) -> None:
    """A line of a list entry that says `# invented` in a comment carries `source: invented`, or a source
    that says in words what is invented. (Scalars such as targets and risk_share have no source key: their
    comments stay, see docs/partnership-file.md.)"""
    for line in (FILES / f"{slug}.yaml").read_text().splitlines():
        code, _, comment = line.partition("#")
        if code.lstrip().startswith("- {") and "invented" in comment:
            assert "source:" in code and "invented" in code, line


def test_salford_dates_are_the_months_the_notification_form_gives() -> None:
    doc = document("salford-dat")
    assert (doc["agreement_date"], doc["start_date"]) == ("2002-03", "2003-04")
    dues = [milestone.get("due") for milestone in doc["milestones"]]
    assert dues == ["2003-03", "2002-10", "2003-02", "2003-04", None]  # the last target has no date


def test_salford_lead_commissioning_is_the_drug_action_teams(loaded: None) -> None:
    salford = Partnership.objects.get(slug="salford-dat")
    assert salford.lead_commissioner_name == "Salford Drug Action Team"
    assert salford.commissioning_body_acts_for == ["SCC", "PCT"]
    assert salford.demo is True


def test_salford_boards_are_asked_to_approve_and_four_groups_supported(loaded: None) -> None:
    approvals = Partnership.objects.get(slug="salford-dat").approvals.order_by("id")
    supported = [(a.body, a.decision, a.state) for a in approvals if a.decision == "supported"]
    assert len(supported) == 4 and {state for *_, state in supported} == {""}
    requested = approvals.filter(state="requested")
    assert sorted(requested.values_list("body", flat=True)) == [
        "Salford City Council",
        "Salford Primary Care Trust Board",
    ]
    assert all(a.date is None for a in requested)


def test_salford_signatories_are_the_briefing_papers(loaded: None) -> None:
    signatories = Partnership.objects.get(slug="salford-dat").signatories.order_by("id")
    assert [(s.name, s.partner.code, s.date.isoformat(), s.date_precision) for s in signatories] == [
        ("Don Richards", "SCC", "2004-02-01", "month"),
        ("Hilary Wensley", "PCT", "2004-02-01", "month"),
    ]


def test_salford_governance_statuses_are_marked_invented() -> None:
    """The ticks of the notification form's item 13 are not legible."""
    doc = document("salford-dat")
    assert {item["source"] for item in doc["governance"]} == {"invented"}
    assert not any("signed_off_by" in item for item in doc["governance"])


def test_salford_warns_only_of_what_the_papers_show() -> None:
    assert sorted(warnings("salford-dat")) == [
        ("governance[7].status", "governance-open"),
        ("governance[8].status", "governance-open"),
        ("milestones[3].due", "milestone-overdue"),  # the pool was not in place by Feb 2004 (paper 000)
        ("stated_totals[0].amount", "stated-total-mismatch"),  # £2.15m stated, £2,001,500 listed
    ]


@pytest.mark.parametrize("slug", ["salford-ld", "trafford-ld"])
def test_learning_difficulties_milestones_hang_off_no_invented_date(slug: str) -> None:
    doc = document(slug)
    assert all("due" not in milestone and "status" not in milestone for milestone in doc["milestones"])
    assert "start_date" not in doc
    assert warnings(slug) == []


def test_salford_cabinet_considered_the_plan_in_april_and_is_asked_to_endorse_later() -> None:
    approvals = document("salford-ld")["approvals"]
    considered, endorse = approvals
    assert str(considered["date"]) == "2000-04-25" and "considered" in considered["decision"]
    assert "state" not in considered
    assert endorse["state"] == "requested" and "date" not in endorse
    assert "1(b)" in endorse["decision"]
    appraisal = document("salford-ld")["options_appraisals"][0]
    assert "date" not in appraisal["decision"]


@pytest.mark.parametrize("slug", ["salford-ld", "trafford-ld"])
def test_the_appraisals_criteria_and_placeholder_options_are_invented(slug: str) -> None:
    appraisal = document(slug)["options_appraisals"][0]
    assert {criterion["source"] for criterion in appraisal["criteria"]} == {"invented"}
    sources = {option["code"]: option["source"] for option in appraisal["options"]}
    assert [code for code, source in sources.items() if source != "invented"] == ["1(b)"]
    assert "scores are invented" in sources["1(b)"]


def test_croydon_is_one_council_contract_met_by_the_public_health_grant(loaded: None) -> None:
    croydon = Partnership.objects.get(slug="croydon-dat")
    doc = document("croydon-dat")
    assert doc["flexibilities"] == []
    assert croydon.host_partner is None and croydon.lead_commissioner_name == ""
    assert [(p.code, p.source) for p in croydon.partners.order_by("id")] == [
        ("LBC", "Cabinet decision"),
        ("ICB", "invented"),
    ]
    assert list(croydon.funding_streams.values_list("partner__code", flat=True)) == ["LBC"]
    [total] = croydon.stated_totals.all()
    assert (total.year, total.to_year, total.amount_pence, total.relation) == (
        2022,
        2028,
        2_089_052_000,
        "about",
    )
    assert {c.amount_pence for c in croydon.contributions.all()} == {298_436_000}
    assert croydon.contributions.count() == 7
    [approval] = croydon.approvals.all()
    assert approval.state == "approved" and "date is invented" in approval.source
    assert warnings("croydon-dat") == []


def test_bnes_over_1_3_million_is_over_and_agrees_with_1_58_million() -> None:
    totals = document("bnes-dat")["stated_totals"]
    assert [(t["amount"], t.get("relation", "exact")) for t in totals] == [
        ("1580000.00", "exact"),
        ("1300000.00", "over"),
    ]
    assert warnings("bnes-dat") == []


def test_bnes_has_the_reports_risks_with_invented_scores(loaded: None) -> None:
    risks = Partnership.objects.get(slug="bnes-dat").risks.order_by("id")
    assert len(risks) == 4
    assert {r.source for r in risks} == {"Report 4.13 (likelihood and impact invented)"}
    words = " ".join(r.description for r in risks)
    for topic in ("prevalence", "recruit", "Crack cocaine", "Alcohol"):
        assert topic in words


def test_bnes_endorsement_is_a_request_to_the_executive_of_1_september_2004(loaded: None) -> None:
    [approval] = Partnership.objects.get(slug="bnes-dat").approvals.all()
    assert (approval.state, approval.date, approval.reference) == (
        "requested",
        date(2004, 9, 1),
        "Executive forward plan ref E645",
    )
    involve = Partnership.objects.get(slug="bnes-dat").providers.get(code="INVOLVE")
    assert "until 2007" in involve.source


def test_the_files_are_plain_yaml() -> None:
    """Comments stay comments: every file still parses with a plain YAML reader."""
    for slug in SLUGS:
        assert yaml.safe_load((FILES / f"{slug}.yaml").read_text())["slug"] == slug
