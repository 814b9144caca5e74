"""The keys that let the file say what the papers say (issue 14): `source` on every entry, `demo`, dates
of a month, milestones without a due date, approvals as requests, a lead commissioner that is not a
partner, stated totals with a relation and a span, risks and signatories. Valid and invalid, with paths."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from concordat.core.days import PartialDate
from concordat.core.years import FinancialYear
from concordat.partnerships.rules import limits
from concordat.partnerships.rules.agreement import SOURCED, check_agreement
from tests.factories import agreement_document

TODAY = date(2004, 2, 1)


def edited(change: Callable[[dict[str, Any]], Any]) -> dict[str, Any]:
    document = agreement_document()
    change(document)
    return document


def check(document: dict[str, Any], today: date = TODAY) -> Any:
    return check_agreement(document, today=today)


def errors(document: dict[str, Any]) -> list[tuple[str, str]]:
    return [(p.path, p.code) for p in check(document).report.errors]


def warnings(document: dict[str, Any], today: date = TODAY) -> list[tuple[str, str]]:
    return [(p.path, p.code) for p in check(document, today).report.warnings]


def with_every_list(document: dict[str, Any]) -> dict[str, Any]:
    """The Salford document with an entry in every list that may carry a source."""
    document["consultation"] = [{"who": "staff", "how": "Workshops"}]
    document["board"] = [{"name": "Ann Board"}]
    document["options_appraisals"] = [{"title": "Appraisal", "options": [{"code": "1", "name": "One"}]}]
    document["risks"] = [
        {"description": "Prevalence may not support the targets", "likelihood": 3, "impact": 4}
    ]
    document["signatories"] = [{"partner": "SCC", "name": "Ann Signer"}]
    return document


# --- source -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", SOURCED)
def test_every_list_entry_may_carry_a_source(name: str) -> None:
    document = with_every_list(agreement_document())
    document[name][0]["source"] = "Notification form, item 12"
    checked = check(document)
    assert checked.report.valid, checked.report.errors
    assert not [w for w in checked.report.warnings if w.code == "unknown-key"]
    assert checked.agreement[name][0]["source"] == "Notification form, item 12"


@pytest.mark.parametrize("name", SOURCED)
def test_a_source_that_is_not_text_or_too_long_is_an_error_at_its_path(name: str) -> None:
    document = with_every_list(agreement_document())
    document[name][0]["source"] = ["a", "list"]
    assert (f"{name}[0].source", "type") in errors(document)
    document[name][0]["source"] = "x" * (limits.SOURCE + 1)
    assert (f"{name}[0].source", "too-long") in errors(document)


def test_invented_is_a_source_in_any_case_and_stored_lower_case() -> None:
    document = edited(lambda d: d["contributions"][0].update(source=" Invented "))
    assert check(document).agreement["contributions"][0]["source"] == "invented"


def test_an_entry_without_a_source_has_none() -> None:
    assert check(agreement_document()).agreement["partners"][0]["source"] == ""


def test_options_and_criteria_of_an_appraisal_may_carry_a_source() -> None:
    document = agreement_document()
    document["options_appraisals"] = [
        {
            "title": "Appraisal",
            "criteria": [{"name": "Cost", "weight": 2, "source": "invented"}],
            "options": [{"code": "1", "name": "One", "source": "Cabinet report, para 3"}],
        }
    ]
    checked = check(document)
    assert checked.report.valid and not checked.report.warnings[1:]
    appraisal = checked.agreement["options_appraisals"][0]
    assert appraisal["criteria"][0]["source"] == "invented"
    assert appraisal["options"][0]["source"] == "Cabinet report, para 3"


# --- demo ---------------------------------------------------------------------------------------------


def test_demo_is_true_or_false() -> None:
    assert check(agreement_document(demo=True)).agreement["demo"] is True
    assert check(agreement_document()).agreement["demo"] is False
    assert ("demo", "type") in errors(agreement_document(demo="yes"))


# --- dates of a month ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "change"),
    [
        ("agreement_date", lambda d: d.update(agreement_date="2002-03")),
        ("milestones[0].due", lambda d: d["milestones"][0].update(due="2003-03")),
        ("approvals[0].date", lambda d: d["approvals"][0].update(date="2004-01")),
        ("governance[0].signed_off_on", lambda d: d["governance"][0].update(signed_off_on="2003-03")),
    ],
)
def test_any_date_may_be_a_month(path: str, change: Callable[[dict[str, Any]], Any]) -> None:
    document = edited(change)
    assert errors(document) == []


def test_a_month_is_held_with_its_precision() -> None:
    agreement = check(agreement_document(agreement_date="2002-03")).agreement
    assert agreement["agreement_date"] == PartialDate.month(2002, 3)
    assert agreement["agreement_date"].precision == "month"


@pytest.mark.parametrize("value", ["2002-13", "2002-3", "March 2002", "2002-02-30", ""])
def test_a_date_that_is_neither_a_day_nor_a_month_is_an_error(value: str) -> None:
    assert errors(agreement_document(agreement_date=value)) == [("agreement_date", "invalid-date")]


def test_a_milestone_due_in_a_month_is_overdue_only_once_the_month_is_over() -> None:
    document = edited(lambda d: d["milestones"][0].update(due="2004-01", status="open"))
    assert ("milestones[0].due", "milestone-overdue") not in warnings(document, date(2004, 1, 31))
    assert ("milestones[0].due", "milestone-overdue") in warnings(document, date(2004, 2, 1))
    [warning] = [
        w for w in check(document, date(2004, 2, 1)).report.warnings if w.code == "milestone-overdue"
    ]
    assert "was due in January 2004 (2004-01)" in warning.message


def test_a_governance_item_is_open_after_a_start_month_only_once_the_month_is_over() -> None:
    document = agreement_document(start_date="2003-04")
    document["governance"][0]["status"] = "open"
    assert ("governance[0].status", "governance-open") not in warnings(document, date(2003, 4, 30))
    assert ("governance[0].status", "governance-open") in warnings(document, date(2003, 5, 1))


def test_a_governance_item_is_open_after_a_start_day_from_the_next_day() -> None:
    document = agreement_document(start_date="2003-04-01")
    document["governance"][0]["status"] = "open"
    assert ("governance[0].status", "governance-open") not in warnings(document, date(2003, 4, 1))
    assert ("governance[0].status", "governance-open") in warnings(document, date(2003, 4, 2))


# --- milestones and approvals -------------------------------------------------------------------------


def test_a_milestone_without_a_due_date_is_valid_and_never_overdue() -> None:
    document = edited(lambda d: d["milestones"].append({"text": "Fulfil the DAT plan's targets"}))
    assert errors(document) == []
    assert not [w for w in warnings(document, date(2099, 1, 1)) if w[0] == "milestones[3].due"]
    assert check(document).agreement["milestones"][3]["due"] is None


def test_an_approval_with_only_a_decision_in_words_stays_valid() -> None:
    document = agreement_document()
    assert document["approvals"][0] == {
        "body": "Salford Drug Action Team",
        "date": date(2004, 1, 15),
        "decision": "supported",
    }
    assert errors(document) == []
    assert check(document).agreement["approvals"][0]["state"] == ""


def test_a_requested_approval_needs_no_date_nor_decision() -> None:
    document = edited(
        lambda d: d["approvals"].append(
            {"body": "Cabinet", "state": "requested", "reference": "forward plan ref E645"}
        )
    )
    assert errors(document) == []
    approval = check(document).agreement["approvals"][2]
    assert (approval["state"], approval["date"], approval["reference"]) == (
        "requested",
        None,
        "forward plan ref E645",
    )


def test_an_approval_in_any_other_state_needs_its_date() -> None:
    document = edited(lambda d: d["approvals"].append({"body": "Cabinet", "state": "endorsed"}))
    assert errors(document) == [("approvals[2].date", "required")]


def test_an_approval_without_a_state_needs_its_decision() -> None:
    document = edited(lambda d: d["approvals"].append({"body": "Cabinet", "date": "2004-03"}))
    assert errors(document) == [("approvals[2].decision", "required")]


def test_an_unknown_approval_state_is_an_error() -> None:
    document = edited(lambda d: d["approvals"][0].update(state="rubber-stamped"))
    assert errors(document) == [("approvals[0].state", "invalid-choice")]


# --- a lead commissioner that is not a partner ------------------------------------------------------


def test_a_commissioning_body_may_lead_the_commissioning() -> None:
    body = {"name": "Salford Drug Action Team", "acts_for": ["SCC", "PCT"]}
    checked = check(agreement_document(lead_commissioner=body))
    assert checked.report.valid, checked.report.errors
    assert checked.agreement["lead_commissioner"] == body


def test_the_lead_commissioning_flexibility_accepts_a_commissioning_body() -> None:
    assert errors(agreement_document(lead_commissioner={"name": "Salford DAT"})) == []
    assert errors(agreement_document(lead_commissioner=None)) == [
        ("lead_commissioner", "flexibility-role-missing")
    ]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"acts_for": ["SCC"]}, [("lead_commissioner.name", "required")]),
        ({"name": "DAT", "acts_for": ["NOPE"]}, [("lead_commissioner.acts_for[0]", "unknown-partner")]),
        ({"name": "DAT", "acts_for": ["SCC", "SCC"]}, [("lead_commissioner.acts_for[1]", "duplicate-code")]),
        ({"name": "DAT", "acts_for": "SCC"}, [("lead_commissioner.acts_for", "type")]),
        (["SCC"], [("lead_commissioner", "type")]),
        ("NOPE", [("lead_commissioner", "unknown-partner")]),
    ],
)
def test_a_wrong_lead_commissioner_is_an_error_at_its_path(
    body: Any, expected: list[tuple[str, str]]
) -> None:
    assert errors(agreement_document(lead_commissioner=body)) == expected


def test_a_commissioning_body_with_a_key_it_does_not_know_is_warned() -> None:
    document = agreement_document(lead_commissioner={"name": "DAT", "address": "Salford"})
    assert ("lead_commissioner.address", "unknown-key") in warnings(document)


# --- stated totals ----------------------------------------------------------------------------------


def _lines(document: dict[str, Any], amounts: dict[str, str]) -> None:
    document["contributions"] = [
        {"stream": "NTA-PTB", "year": year, "amount": amount} for year, amount in amounts.items()
    ]


def test_a_total_over_a_figure_warns_only_when_the_sum_is_not_over_it() -> None:
    document = agreement_document()
    _lines(document, {"2004-05": "1580000.00"})
    document["stated_totals"] = [{"year": "2004-05", "amount": "1300000.00", "relation": "over"}]
    assert warnings(document) == []
    _lines(document, {"2004-05": "1300000.00"})
    assert warnings(document) == [("stated_totals[0].amount", "stated-total-mismatch")]
    [warning] = check(document).report.warnings
    assert "the stated total over £1,300,000.00 is not met" in warning.message
    assert "equal to it, not over it" in warning.message


def test_a_total_about_a_figure_is_within_five_percent_either_way() -> None:
    document = agreement_document()
    document["stated_totals"] = [{"year": "2003-04", "amount": "1000000.00", "relation": "about"}]
    _lines(document, {"2003-04": "1050000.00"})
    assert warnings(document) == []
    _lines(document, {"2003-04": "1050000.01"})
    assert warnings(document) == [("stated_totals[0].amount", "stated-total-mismatch")]
    _lines(document, {"2003-04": "950000.00"})
    assert warnings(document) == []
    _lines(document, {"2003-04": "949999.99"})
    assert warnings(document) == [("stated_totals[0].amount", "stated-total-mismatch")]


def test_a_total_under_a_figure() -> None:
    document = agreement_document()
    document["stated_totals"] = [{"year": "2003-04", "amount": "2150000.00", "relation": "under"}]
    assert warnings(document) == []  # the Salford lines sum to £2,001,500.00


def test_a_whole_term_total_sums_every_year_of_its_span() -> None:
    document = agreement_document()
    _lines(document, {f"{2004 + i}-{(2005 + i) % 100:02d}": "2984360.00" for i in range(6)})
    document["stated_totals"] = [
        {"year": "2004-05", "to_year": "2010-11", "amount": "20890520.00", "source": "Cabinet report"}
    ]
    [warning] = check(document).report.warnings
    assert warning.message.startswith("2004-05 to 2010-11: the stated total £20,890,520.00 (Cabinet report)")
    assert "£17,906,160.00" in warning.message  # six years of lines: the seventh is missing
    document["contributions"].append(
        {"stream": "MAINSTREAM-HEALTH", "year": "2010-11", "amount": "2984360.00"}
    )
    assert warnings(document) == []
    checked = check(document).agreement["stated_totals"][0]
    assert (checked["year"], checked["to_year"], checked["relation"]) == (
        FinancialYear(2004),
        FinancialYear(2010),
        "exact",
    )


@pytest.mark.parametrize(
    ("total", "expected"),
    [
        (
            {"year": "2004-05", "to_year": "2004-05", "amount": "1.00"},
            ("stated_totals[0].to_year", "invalid-span"),
        ),
        (
            {"year": "2004-05", "to_year": "2003-04", "amount": "1.00"},
            ("stated_totals[0].to_year", "invalid-span"),
        ),
        (
            {"year": "2004-05", "to_year": "2004-06", "amount": "1.00"},
            ("stated_totals[0].to_year", "invalid-year"),
        ),
        (
            {"year": "2004-05", "amount": "1.00", "relation": "roughly"},
            ("stated_totals[0].relation", "invalid-choice"),
        ),
    ],
)
def test_a_wrong_span_or_relation_is_an_error_at_its_path(
    total: dict[str, Any], expected: tuple[str, str]
) -> None:
    assert errors(agreement_document(stated_totals=[total])) == [expected]


# --- risks ------------------------------------------------------------------------------------------


def test_a_risk_with_its_description_likelihood_and_impact_is_valid() -> None:
    risk = {"description": "Prevalence may not support the targets", "likelihood": 3, "impact": 4}
    checked = check(agreement_document(risks=[risk]))
    assert checked.report.valid and checked.report.warnings[1:] == []
    assert checked.agreement["risks"][0]["status"] == "open"


def test_a_risk_with_every_key_is_valid() -> None:
    risk = {
        "description": "Recruitment of specialist staff",
        "cause": "A national shortage",
        "likelihood": 4,
        "impact": 3,
        "owner": "DAT co-ordinator",
        "mitigation": "Joint recruitment campaign",
        "status": "closed",
        "review_date": "2004-06",
        "source": "Report 004, para 4.13",
    }
    checked = check(agreement_document(risks=[risk]))
    assert checked.report.valid and not [w for w in checked.report.warnings if w.code == "unknown-key"]
    assert checked.agreement["risks"][0]["review_date"] == PartialDate.month(2004, 6)


@pytest.mark.parametrize(
    ("risk", "expected"),
    [
        ({"likelihood": 3, "impact": 4}, ("risks[0].description", "required")),
        ({"description": "R", "impact": 4}, ("risks[0].likelihood", "required")),
        ({"description": "R", "likelihood": 3}, ("risks[0].impact", "required")),
        ({"description": "R", "likelihood": 0, "impact": 4}, ("risks[0].likelihood", "out-of-range")),
        ({"description": "R", "likelihood": 3, "impact": 6}, ("risks[0].impact", "out-of-range")),
        ({"description": "R", "likelihood": "3", "impact": 4}, ("risks[0].likelihood", "type")),
        (
            {"description": "R", "likelihood": 3, "impact": 4, "status": "maybe"},
            ("risks[0].status", "invalid-choice"),
        ),
        (
            {"description": "R", "likelihood": 3, "impact": 4, "review_date": "soon"},
            ("risks[0].review_date", "invalid-date"),
        ),
        (
            {"description": "x" * (limits.STATEMENT + 1), "likelihood": 3, "impact": 4},
            ("risks[0].description", "too-long"),
        ),
    ],
)
def test_a_wrong_risk_is_an_error_at_its_path(risk: dict[str, Any], expected: tuple[str, str]) -> None:
    assert errors(agreement_document(risks=[risk])) == [expected]


def test_a_risk_key_is_checked_like_every_entry_key() -> None:
    risk = {"description": "R", "likelihood": 3, "impact": 4}
    document = agreement_document(risks=[{**risk, "key": "risk-1"}, {**risk, "key": "risk-1"}])
    assert errors(document) == [("risks[1].key", "duplicate-code")]


# --- signatories ------------------------------------------------------------------------------------


def test_a_signatory_for_a_partner_is_valid() -> None:
    signatory = {
        "partner": "SCC",
        "name": "Ann Signer",
        "role": "Joint head of commissioning",
        "date": "2002-03",
    }
    checked = check(agreement_document(signatories=[signatory]))
    assert checked.report.valid
    assert checked.agreement["signatories"][0]["date"] == PartialDate.month(2002, 3)


def test_a_signatory_may_sign_for_the_partnership_as_a_whole() -> None:
    assert errors(agreement_document(signatories=[{"name": "DAT co-ordinator"}])) == []


@pytest.mark.parametrize(
    ("signatory", "expected"),
    [
        ({"partner": "NOPE", "name": "A"}, ("signatories[0].partner", "unknown-partner")),
        ({"partner": "SCC"}, ("signatories[0].name", "required")),
        ({"name": "A", "date": "2002-13"}, ("signatories[0].date", "invalid-date")),
    ],
)
def test_a_wrong_signatory_is_an_error_at_its_path(
    signatory: dict[str, Any], expected: tuple[str, str]
) -> None:
    assert errors(agreement_document(signatories=[signatory])) == [expected]


@pytest.mark.parametrize("name", ["risks", "signatories"])
def test_too_many_risks_or_signatories(name: str) -> None:
    entry = {"description": "R", "likelihood": 1, "impact": 1} if name == "risks" else {"name": "A"}
    document = agreement_document(**{name: [entry] * (limits.COUNTS[name] + 1)})
    assert (name, "too-many") in errors(document)
