"""check_agreement against the errors and warnings partnership-file.md lists: exact paths, stable codes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from concordat.core.problems import Problem, Report
from concordat.core.roles import Role
from concordat.core.years import FinancialYear
from concordat.partnerships import services
from concordat.partnerships.document import parse_text
from concordat.partnerships.rules.agreement import check_agreement
from tests.factories import CONTRIBUTIONS_SUM, DIFFERENCE, STATED_TOTAL, UserFactory, agreement_document

TODAY = date(2004, 2, 1)  # the briefing paper's month: after the start date, before the first year ends


def check(document: Any, today: date = TODAY) -> Report:
    return check_agreement(document, today=today).report


def where(problems: list[Problem]) -> list[tuple[str, str]]:
    return [(problem.path, problem.code) for problem in problems]


def only_error(document: Any) -> Problem:
    """The one error the document has; fails listing them all when there are more or none."""
    errors = check(document).errors
    assert len(errors) == 1, where(errors)
    return errors[0]


def edited(change: Any) -> dict[str, Any]:
    document = agreement_document()
    change(document)
    return document


# --- the valid document --------------------------------------------------------------------------------


def test_the_base_document_is_valid() -> None:
    report = check(agreement_document())
    assert report.errors == []
    assert report.valid


def test_the_base_documents_only_warning_is_the_stated_total() -> None:
    assert where(check(agreement_document()).warnings) == [
        ("stated_totals[0].amount", "stated-total-mismatch")
    ]


def test_the_checked_agreement_holds_pence_years_and_dates() -> None:
    agreement = check_agreement(agreement_document(), today=TODAY).agreement
    assert [c["amount_pence"] for c in agreement["contributions"]] == [120_000_000, 59_750_000, 20_400_000]
    assert {c["year"] for c in agreement["contributions"]} == {FinancialYear(2003)}
    assert agreement["stated_totals"][0]["amount_pence"] == 215_000_000
    assert agreement["start_date"] == date(2003, 4, 1)
    assert agreement["milestones"][0]["due"] == date(2003, 3, 31)


def test_problems_have_path_code_and_message() -> None:
    problem = only_error(agreement_document(slug="Salford DAT"))
    assert problem.as_dict() == {"path": "slug", "code": "invalid-slug", "message": problem.message}
    assert "Salford DAT" in problem.message


def test_the_top_level_must_be_a_mapping() -> None:
    for document in ([1, 2], "slug: x", None, 42):
        assert where(check(document).errors) == [("", "type")]


# --- modalities ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("built_in", ["inpatient-detox", "advice", "pharmacological", "residential-rehab"])
def test_a_modality_code_that_clashes_with_a_built_in_one(built_in: str) -> None:
    problem = only_error(agreement_document(modalities=[{"code": built_in, "name": "Ours", "tier": 3}]))
    assert (problem.path, problem.code) == ("modalities[0].code", "modality-clash")


@pytest.mark.parametrize(
    "code",
    [
        "GP-prescribing",
        "gp_prescribing",
        "1st-line",
        "a",
        "-gp",
        "gp prescribing",
        "x" * 41,
        "gp-prescribing\n",
    ],
)
def test_a_modality_code_that_does_not_match_the_pattern(code: str) -> None:
    problem = only_error(agreement_document(modalities=[{"code": code, "name": "Ours", "tier": 3}]))
    assert problem.path == "modalities[0].code"
    assert problem.code == "invalid-code"


def test_a_modality_code_at_the_longest() -> None:
    assert check(agreement_document(modalities=[{"code": "x" * 40, "name": "Ours", "tier": 3}])).valid


@pytest.mark.parametrize("tier", [0, 5, -1, 99])
def test_a_tier_outside_one_to_four(tier: int) -> None:
    problem = only_error(
        agreement_document(modalities=[{"code": "gp-prescribing", "name": "GP", "tier": tier}])
    )
    assert (problem.path, problem.code) == ("modalities[0].tier", "invalid-tier")


@pytest.mark.parametrize("tier", [1, 2, 3, 4])
def test_tiers_one_to_four_are_fine(tier: int) -> None:
    assert check(
        agreement_document(modalities=[{"code": "gp-prescribing", "name": "GP", "tier": tier}])
    ).valid


def test_a_provider_tier_outside_one_to_four() -> None:
    problem = only_error(agreement_document(providers=[{"code": "P1", "name": "Service", "tiers": [2, 5]}]))
    assert (problem.path, problem.code) == ("providers[0].tiers[1]", "invalid-tier")


@pytest.mark.parametrize("key", ["modality_thresholds", "modality_mean_wait_days"])
def test_a_target_for_a_modality_that_does_not_exist(key: str) -> None:
    targets = {"waiting_time_days": 21, key: {"acupuncture": 10}}
    problem = only_error(agreement_document(targets=targets))
    assert (problem.path, problem.code) == (f"targets.{key}.acupuncture", "unknown-modality")


def test_a_target_for_the_files_own_modality_or_a_built_in_one_is_fine() -> None:
    targets = {
        "modality_thresholds": {"gp-prescribing": 14, "inpatient-detox": 21},
        "modality_mean_wait_days": {"gp-prescribing": 7},
    }
    assert check(agreement_document(targets=targets)).valid


# --- missing keys and wrong types ----------------------------------------------------------------------


@pytest.mark.parametrize("key", ["slug", "name", "client_group", "area", "partners"])
def test_a_missing_required_top_level_key(key: str) -> None:
    assert (key, "required") in where(check(agreement_document(**{key: None})).errors)


@pytest.mark.parametrize("key", ["slug", "name", "client_group", "area"])
def test_a_missing_required_top_level_key_is_the_only_error(key: str) -> None:
    problem = only_error(agreement_document(**{key: None}))
    assert (problem.path, problem.code) == (key, "required")


@pytest.mark.parametrize(
    ("section", "index", "key"),
    [
        ("partners", 0, "kind"),
        ("partners", 0, "code"),
        ("partners", 2, "name"),
        ("funding_streams", 1, "partner"),
        ("funding_streams", 0, "name"),
        ("contributions", 0, "amount"),
        ("contributions", 1, "year"),
        ("stated_totals", 0, "amount"),
        ("milestones", 1, "text"),
        ("governance", 0, "status"),
        ("approvals", 1, "date"),
        ("approvals", 0, "decision"),
        ("providers", 0, "name"),
        ("modalities", 0, "tier"),
    ],
)
def test_a_missing_required_key_inside_a_list(section: str, index: int, key: str) -> None:
    document = edited(lambda d: d[section][index].pop(key))
    assert (f"{section}[{index}].{key}", "required") in where(check(document).errors)


def test_an_empty_required_text_counts_as_missing() -> None:
    problem = only_error(agreement_document(name="   "))
    assert (problem.path, problem.code) == ("name", "required")


def test_an_empty_area_list() -> None:
    problem = only_error(agreement_document(area=[]))
    assert (problem.path, problem.code) == ("area", "required")


def test_fewer_than_two_partners() -> None:
    document = agreement_document(
        partners=[{"code": "SCC", "name": "Salford City Council", "kind": "local-authority"}],
        funding_streams=[{"code": "SOCIAL-SERVICES", "name": "Social services", "partner": "SCC"}],
        contributions=[{"stream": "SOCIAL-SERVICES", "year": "2003-04", "amount": "204000.00"}],
    )
    problem = only_error(document)
    assert (problem.path, problem.code) == ("partners", "too-few-partners")


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("name", ["Salford"]),
        ("area", "E08000006"),
        ("partners", "SCC"),
        ("funding_streams", {"code": "X"}),
        ("contributions", "1200000.00"),
        ("milestones", {"text": "x"}),
        ("risk_share", "proportional"),
        ("eligibility", [18]),
        ("targets", 21),
        ("slug", 123),
        ("aims", "one aim"),
    ],
)
def test_a_top_level_value_of_the_wrong_type(key: str, value: object) -> None:
    assert (key, "type") in where(check(agreement_document(**{key: value})).errors)


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (lambda d: d["partners"].__setitem__(3, "PROB"), "partners[3]"),
        (lambda d: d["partners"][2].__setitem__("name", {"first": "GMP"}), "partners[2].name"),
        (lambda d: d["eligibility"].__setitem__("min_age", "18"), "eligibility.min_age"),
        (lambda d: d["eligibility"].__setitem__("residence_in_area", "yes"), "eligibility.residence_in_area"),
        (lambda d: d["modalities"][0].__setitem__("tier", "3"), "modalities[0].tier"),
        (lambda d: d["modalities"][0].__setitem__("structured", "NO"), "modalities[0].structured"),
        (lambda d: d["modalities"][0].__setitem__("tier", True), "modalities[0].tier"),
        (lambda d: d["targets"].__setitem__("waiting_time_days", "21"), "targets.waiting_time_days"),
        (lambda d: d["providers"][0].__setitem__("tiers", 2), "providers[0].tiers"),
        (lambda d: d["aims"].append(7), "aims[1]"),
    ],
)
def test_a_nested_value_of_the_wrong_type(change: Any, path: str) -> None:
    problem = only_error(edited(change))
    assert (problem.path, problem.code) == (path, "type")


def test_a_choice_outside_its_list() -> None:
    problem = only_error(agreement_document(client_group="gambling"))
    assert (problem.path, problem.code) == ("client_group", "invalid-choice")
    problem = only_error(edited(lambda d: d["partners"][1].__setitem__("kind", "hospital")))
    assert (problem.path, problem.code) == ("partners[1].kind", "invalid-choice")


# --- bad codes and dates -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "slug", ["Salford-DAT", "salford dat", "-salford", "s", "a" * 64, "salford_dat", "salford-dat\n", ""]
)
def test_a_bad_slug(slug: str) -> None:
    errors = where(check(agreement_document(slug=slug)).errors)
    assert errors in ([("slug", "invalid-slug")], [("slug", "required")])
    if slug:
        assert errors == [("slug", "invalid-slug")]


@pytest.mark.parametrize("slug", ["salford-dat", "b1", "a" * 63, "0-9"])
def test_a_good_slug(slug: str) -> None:
    assert check(agreement_document(slug=slug)).valid


@pytest.mark.parametrize(
    "code", ["X08000006", "E0800006", "E080000061", "e08000006", "E08 000006", "E08000006\n"]
)
def test_a_bad_gss_code_in_area(code: str) -> None:
    problem = only_error(agreement_document(area=[code]))
    assert (problem.path, problem.code) == ("area[0]", "invalid-code")


def test_a_bad_gss_code_further_down_the_area_list() -> None:
    problem = only_error(agreement_document(area=["E08000006", "E0800009"]))
    assert (problem.path, problem.code) == ("area[1]", "invalid-code")


@pytest.mark.parametrize("code", ["E08000006", "S12000033", "W06000015", "N09000003"])
def test_good_gss_codes(code: str) -> None:
    assert check(agreement_document(area=[code])).valid


def test_a_bad_partner_code() -> None:
    document = edited(lambda d: d["partners"][3].__setitem__("code", "PROB ATION"))
    problem = only_error(document)
    assert (problem.path, problem.code) == ("partners[3].code", "invalid-code")


def test_a_bad_official_organisation_code() -> None:
    problem = only_error(edited(lambda d: d["partners"][1].__setitem__("org_code", "not an ods code")))
    assert (problem.path, problem.code) == ("partners[1].org_code", "invalid-code")


@pytest.mark.parametrize(
    "value",
    ["2003-02-30", "01/04/2003", "April 2003", "2003-4-1", "20030401", 2003, datetime(2003, 4, 1, 9, 30)],
)
def test_a_bad_date(value: object) -> None:
    problem = only_error(agreement_document(start_date=value))
    assert (problem.path, problem.code) == ("start_date", "invalid-date")


def test_bad_dates_inside_lists() -> None:
    document = edited(
        lambda d: (
            d["milestones"][1].__setitem__("due", "October 2002"),
            d["approvals"][0].__setitem__("date", "2004-13-01"),
        )
    )
    assert where(check(document).errors) == [
        ("milestones[1].due", "invalid-date"),
        ("approvals[0].date", "invalid-date"),
    ]


def test_dates_may_be_iso_text() -> None:
    assert check(agreement_document(start_date="2003-04-01", agreement_date="2002-03-01")).valid


# --- references and duplicates -------------------------------------------------------------------------


def test_an_unknown_partner_in_a_funding_stream() -> None:
    problem = only_error(edited(lambda d: d["funding_streams"][0].__setitem__("partner", "NHS")))
    assert (problem.path, problem.code) == ("funding_streams[0].partner", "unknown-partner")
    assert "NHS" in problem.message


@pytest.mark.parametrize("key", ["host_partner", "lead_commissioner"])
def test_an_unknown_partner_in_a_role(key: str) -> None:
    problem = only_error(agreement_document(**{key: "XYZ"}))
    assert (problem.path, problem.code) == (key, "unknown-partner")


def test_an_unknown_partner_in_fixed_shares() -> None:
    risk_share = {"overspend": "fixed", "fixed_shares": {"SCC": 50, "PCT": 40, "XYZ": 10}}
    assert ("risk_share.fixed_shares.XYZ", "unknown-partner") in where(
        check(agreement_document(risk_share=risk_share)).errors
    )


def test_an_unknown_partner_represented_on_the_board() -> None:
    problem = only_error(agreement_document(board=[{"name": "Anne Williams", "represents": "DAT"}]))
    assert (problem.path, problem.code) == ("board[0].represents", "unknown-partner")


def test_an_unknown_stream_in_a_contribution() -> None:
    problem = only_error(edited(lambda d: d["contributions"][0].__setitem__("stream", "NTA")))
    assert (problem.path, problem.code) == ("contributions[0].stream", "unknown-stream")


@pytest.mark.django_db
def test_an_unknown_provider_for_a_provider_role(partnership: Any) -> None:
    report = services.membership_add(
        partnership=partnership, user=UserFactory(), role=Role.PROVIDER_DATA_OFFICER, provider_code="P9"
    )
    assert where(report.errors) == [("provider", "unknown-provider")]
    assert not partnership.memberships.exists()


def test_a_duplicate_partner_code() -> None:
    document = edited(lambda d: d["partners"][1].__setitem__("code", "SCC"))
    errors = where(check(document).errors)
    assert errors[0] == ("partners[1].code", "duplicate-code")
    assert errors.count(("partners[1].code", "duplicate-code")) == 1


@pytest.mark.parametrize(
    ("section", "index", "key", "value"),
    [
        ("funding_streams", 2, "code", "NTA-PTB"),
        ("providers", 1, "code", "P1"),
        ("modalities", 1, "code", "gp-prescribing"),
        ("governance", 2, "item", "review"),
    ],
)
def test_other_duplicate_codes(section: str, index: int, key: str, value: str) -> None:
    def change(document: dict[str, Any]) -> None:
        entries = document[section]
        while len(entries) <= index:
            entries.append(dict(entries[0]))
        entries[index][key] = value

    assert (f"{section}[{index}].{key}", "duplicate-code") in where(check(edited(change)).errors)


def test_a_stream_with_two_contributions_for_one_year() -> None:
    document = edited(
        lambda d: d["contributions"].append({"stream": "NTA-PTB", "year": "2003-04", "amount": "1.00"})
    )
    problem = only_error(document)
    assert (problem.path, problem.code) == ("contributions[3]", "duplicate-contribution")


# --- years and money -----------------------------------------------------------------------------------


@pytest.mark.parametrize("year", ["2003-05", "2003-03", "2003-4", "2003", "03-04", 2003])
def test_a_financial_year_whose_parts_do_not_follow(year: object) -> None:
    problem = only_error(edited(lambda d: d["contributions"][0].__setitem__("year", year)))
    assert (problem.path, problem.code) == ("contributions[0].year", "invalid-year")


def test_a_bad_year_in_a_stated_total_and_a_target() -> None:
    document = edited(
        lambda d: (
            d["stated_totals"][0].__setitem__("year", "2003-05"),
            d["targets"]["baseline"].__setitem__("year", "1998-2000"),
        )
    )
    assert where(check(document).errors) == [
        ("stated_totals[0].year", "invalid-year"),
        ("targets.baseline.year", "invalid-year"),
    ]


@pytest.mark.parametrize("amount", ["-1.00", -1, "-0.01"])
def test_negative_money(amount: object) -> None:
    problem = only_error(edited(lambda d: d["contributions"][0].__setitem__("amount", amount)))
    assert (problem.path, problem.code) == ("contributions[0].amount", "negative-money")


@pytest.mark.parametrize(
    "amount", ["12.5", 12.5, 1200000.0, "1,200,000.00", "£1200000.00", "12.345", True, "lots"]
)
def test_money_that_is_not_two_places_or_whole_pounds(amount: object) -> None:
    problem = only_error(edited(lambda d: d["contributions"][0].__setitem__("amount", amount)))
    assert (problem.path, problem.code) == ("contributions[0].amount", "invalid-money")


def test_whole_pounds_and_zero_are_money() -> None:
    document = edited(
        lambda d: (
            d["contributions"][0].__setitem__("amount", 1200000),
            d["contributions"][1].__setitem__("amount", "0.00"),
        )
    )
    agreement = check_agreement(document, today=TODAY)
    assert agreement.report.valid
    assert [c["amount_pence"] for c in agreement.agreement["contributions"]][:2] == [120_000_000, 0]


def test_a_stated_total_amount_that_is_not_money() -> None:
    problem = only_error(edited(lambda d: d["stated_totals"][0].__setitem__("amount", "2.15m")))
    assert (problem.path, problem.code) == ("stated_totals[0].amount", "invalid-money")


# --- risk share and flexibilities ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "shares",
    [
        {"SCC": 60, "PCT": 30},
        {"SCC": 60, "PCT": 30, "GMP": 20},
        {},
        {"SCC": "33.33", "PCT": "33.33", "GMP": "33.33"},
    ],
)
def test_fixed_shares_that_do_not_sum_to_100(shares: dict[str, object]) -> None:
    problem = only_error(
        agreement_document(
            risk_share={"overspend": "fixed", "underspend": "carry-forward", "fixed_shares": shares}
        )
    )
    assert (problem.path, problem.code) == ("risk_share.fixed_shares", "fixed-shares-sum")


def test_fixed_shares_given_with_other_rules_must_still_sum_to_100() -> None:
    problem = only_error(
        agreement_document(
            risk_share={
                "overspend": "proportional",
                "underspend": "proportional",
                "fixed_shares": {"SCC": 60, "PCT": 30},
            }
        )
    )
    assert (problem.path, problem.code) == ("risk_share.fixed_shares", "fixed-shares-sum")


@pytest.mark.parametrize(
    "shares",
    [
        {"SCC": 60, "PCT": 40},
        {"SCC": "33.33", "PCT": "33.33", "GMP": "33.34"},
        {"SCC": 100},
        {"SCC": 25, "PCT": 25, "GMP": 25, "PROB": 25},
    ],
)
def test_fixed_shares_that_sum_to_100(shares: dict[str, object]) -> None:
    assert check(
        agreement_document(risk_share={"overspend": "fixed", "underspend": "fixed", "fixed_shares": shares})
    ).valid


def test_a_fixed_share_out_of_range() -> None:
    errors = where(
        check(
            agreement_document(risk_share={"overspend": "fixed", "fixed_shares": {"SCC": 120, "PCT": -20}})
        ).errors
    )
    assert ("risk_share.fixed_shares.SCC", "out-of-range") in errors
    assert ("risk_share.fixed_shares.PCT", "out-of-range") in errors


def test_pooled_fund_without_a_host_partner() -> None:
    problem = only_error(agreement_document(flexibilities=["pooled-fund"], host_partner=None))
    assert (problem.path, problem.code) == ("host_partner", "flexibility-role-missing")


def test_pooled_fund_with_an_empty_host_partner() -> None:
    problem = only_error(agreement_document(flexibilities=["pooled-fund"], host_partner=""))
    assert (problem.path, problem.code) == ("host_partner", "flexibility-role-missing")


def test_lead_commissioning_without_a_lead_commissioner() -> None:
    problem = only_error(agreement_document(flexibilities=["lead-commissioning"], lead_commissioner=None))
    assert (problem.path, problem.code) == ("lead_commissioner", "flexibility-role-missing")


def test_both_flexibilities_without_either_role() -> None:
    errors = where(check(agreement_document(host_partner=None, lead_commissioner=None)).errors)
    assert errors == [
        ("host_partner", "flexibility-role-missing"),
        ("lead_commissioner", "flexibility-role-missing"),
    ]


def test_integrated_provision_alone_needs_neither_role() -> None:
    assert check(
        agreement_document(flexibilities=["integrated-provision"], host_partner=None, lead_commissioner=None)
    ).valid


def test_overspend_on_the_host_without_a_host() -> None:
    problem = only_error(
        agreement_document(
            flexibilities=["lead-commissioning"],
            host_partner=None,
            risk_share={"overspend": "host", "underspend": "carry-forward"},
        )
    )
    assert (problem.path, problem.code) == ("risk_share.overspend", "flexibility-role-missing")


def test_an_unknown_flexibility() -> None:
    problem = only_error(
        agreement_document(flexibilities=["pooled-fund", "lead-commissioning", "joint-finance"])
    )
    assert (problem.path, problem.code) == ("flexibilities[2]", "invalid-choice")


# --- warnings ------------------------------------------------------------------------------------------


def test_a_stated_total_that_differs_from_the_contributions() -> None:
    report = check(agreement_document())
    assert report.valid
    [warning] = report.warnings
    assert (warning.path, warning.code) == ("stated_totals[0].amount", "stated-total-mismatch")
    assert STATED_TOTAL in warning.message  # £2,150,000.00, as stated
    assert CONTRIBUTIONS_SUM in warning.message  # £2,001,500.00, the lines' sum
    assert DIFFERENCE in warning.message  # £148,500.00
    assert "2003-04" in warning.message


def test_a_stated_total_that_matches_gives_no_warning() -> None:
    document = edited(lambda d: d["stated_totals"][0].__setitem__("amount", "2001500.00"))
    assert check(document).warnings == []


def test_a_stated_total_for_a_year_with_no_contributions() -> None:
    document = edited(lambda d: d["stated_totals"].append({"year": "2004-05", "amount": "100.00"}))
    warnings = check(document).warnings
    assert where(warnings) == [
        ("stated_totals[0].amount", "stated-total-mismatch"),
        ("stated_totals[1].amount", "stated-total-mismatch"),
    ]
    assert "£100.00" in warnings[1].message and "£0.00" in warnings[1].message


def test_a_milestone_past_its_due_date_and_not_met() -> None:
    document = edited(
        lambda d: d["milestones"].append(
            {
                "text": "Structure and systems for a pooled budget in place",
                "due": date(2003, 4, 1),
                "status": "in-progress",
            }
        )
    )
    report = check(document, today=date(2004, 2, 1))
    assert report.valid
    assert ("milestones[3].due", "milestone-overdue") in where(report.warnings)


@pytest.mark.parametrize("status", ["open", "in-progress", "not-met", None])
def test_every_status_but_met_is_overdue_after_the_due_date(status: str | None) -> None:
    milestone = {"text": "Targets fulfilled", "due": date(2004, 3, 31)}
    if status:
        milestone["status"] = status
    document = agreement_document(milestones=[milestone], stated_totals=[])
    assert where(check(document, today=date(2004, 4, 1)).warnings) == [
        ("milestones[0].due", "milestone-overdue")
    ]


def test_a_met_milestone_is_never_overdue() -> None:
    document = agreement_document(
        milestones=[{"text": "Done", "due": date(2003, 4, 1), "status": "met"}], stated_totals=[]
    )
    assert check(document, today=date(2010, 1, 1)).warnings == []


def test_a_milestone_due_today_or_later_is_not_overdue() -> None:
    document = agreement_document(
        milestones=[{"text": "Soon", "due": date(2004, 3, 31), "status": "open"}], stated_totals=[]
    )
    assert check(document, today=date(2004, 3, 31)).warnings == []
    assert check(document, today=date(2004, 2, 1)).warnings == []


def test_a_governance_item_still_open_after_the_start_date() -> None:
    document = edited(lambda d: d["governance"].append({"item": "charging-and-vat", "status": "open"}))
    report = check(document, today=date(2004, 2, 1))
    assert report.valid
    assert ("governance[3].status", "governance-open") in where(report.warnings)


def test_an_open_governance_item_before_the_start_date_is_no_warning() -> None:
    document = agreement_document(
        governance=[{"item": "charging-and-vat", "status": "open"}], stated_totals=[]
    )
    assert check(document, today=date(2003, 3, 1)).warnings == []
    assert where(check(document, today=date(2003, 4, 2)).warnings) == [
        ("governance[0].status", "governance-open")
    ]


def test_a_confirmed_governance_item_is_no_warning() -> None:
    document = agreement_document(
        governance=[{"item": "charging-and-vat", "status": "confirmed"}], stated_totals=[]
    )
    assert check(document, today=date(2010, 1, 1)).warnings == []


def test_warnings_do_not_make_a_file_invalid() -> None:
    document = agreement_document(
        milestones=[{"text": "Late", "due": date(2003, 1, 1)}],
        governance=[{"item": "review", "status": "open"}],
    )
    report = check(document)
    assert report.valid
    assert len(report.warnings) == 3


# --- collecting everything -----------------------------------------------------------------------------


def test_every_error_is_reported_not_just_the_first() -> None:
    def three_mistakes(document: dict[str, Any]) -> None:
        document["slug"] = "Salford DAT"
        document["contributions"][1]["amount"] = "597,500.00"
        document["partners"][3]["code"] = "GMP"

    errors = where(check(edited(three_mistakes)).errors)
    assert ("slug", "invalid-slug") in errors
    assert ("contributions[1].amount", "invalid-money") in errors
    assert ("partners[3].code", "duplicate-code") in errors


def test_errors_and_warnings_come_together() -> None:
    report = check(
        agreement_document(slug="Bad Slug", milestones=[{"text": "Late", "due": date(2003, 1, 1)}])
    )
    assert where(report.errors) == [("slug", "invalid-slug")]
    assert ("milestones[0].due", "milestone-overdue") in where(report.warnings)


@given(st.sets(st.sampled_from(["slug", "name", "client_group", "area"]), min_size=1))
def test_each_missing_key_is_reported_once(missing: set[str]) -> None:
    errors = where(check(agreement_document(**dict.fromkeys(missing))).errors)
    assert sorted(errors) == sorted((key, "required") for key in missing)


# --- YAML ----------------------------------------------------------------------------------------------


def test_yaml_no_as_a_partner_code_stays_text() -> None:
    report = Report()
    document = parse_text(
        "partners:\n  - {code: NO, name: Norway, kind: other}\n  - {code: on, name: x, kind: other}\n"
        "flag: true\nother: FALSE\n",
        report,
    )
    assert report.valid
    assert document["partners"][0]["code"] == "NO"
    assert document["partners"][1]["code"] == "on"
    assert document["flag"] is True
    assert document["other"] is False


@pytest.mark.parametrize("word", ["NO", "no", "yes", "Y", "off", "ON"])
def test_yaml_yes_no_words_load_as_partner_codes(word: str) -> None:
    yaml_text = (
        f"partners:\n  - {{code: {word}, name: A, kind: other}}\n  - {{code: SCC, name: B, kind: other}}\n"
        f"host_partner: {word}\n"
    )
    report = Report()
    partial = parse_text(yaml_text, report)
    document = agreement_document(
        partners=partial["partners"],
        host_partner=partial["host_partner"],
        lead_commissioner="SCC",
        funding_streams=[],
        contributions=[],
        stated_totals=[],
    )
    assert check(document).errors == []


def test_yaml_leaves_dates_and_years_as_text_for_the_checker() -> None:
    report = Report()
    document = parse_text('start_date: 2003-04-01\nyear: 2003-04\namount: "1200000.00"\n', report)
    assert document == {"start_date": "2003-04-01", "year": "2003-04", "amount": "1200000.00"}


def test_an_impossible_date_is_an_error_at_its_path_not_a_crash() -> None:
    report = Report()
    document = parse_text(
        yaml.safe_dump(agreement_document(), sort_keys=False).replace(
            "start_date: 2003-04-01", "start_date: 2003-02-30"
        ),
        report,
    )
    assert report.valid
    errors = check_agreement(document, today=date(2004, 2, 1)).report.errors
    assert [(e.path, e.code) for e in errors] == [("start_date", "invalid-date")]
    assert "not a real date" in errors[0].message


def test_a_yaml_syntax_error_names_the_line_and_column() -> None:
    report = Report()
    assert parse_text("slug: salford-dat\npartners: [\n  - code: SCC\n", report) is None
    [error] = report.errors
    assert error.code == "yaml"
    assert "line" in error.message and "column" in error.message


# --- input that must be reported, never crash the loader or the output ----------------------------------


def test_text_longer_than_its_column_is_too_long() -> None:
    # On PostgreSQL a 250-character name failed the load with "value too long for character varying(200)".
    error = only_error(agreement_document(name="x" * 201))
    assert (error.path, error.code) == ("name", "too-long")


def test_an_option_code_longer_than_the_preferred_column_is_too_long() -> None:
    appraisal = {"title": "T", "options": [{"code": "o" * 33, "name": "O"}]}
    error = only_error(agreement_document(options_appraisals=[appraisal]))
    assert (error.path, error.code) == ("options_appraisals[0].options[0].code", "too-long")


@pytest.mark.parametrize("bad", ["Pro\x00be", "Pro\ud800be"])
def test_text_no_database_can_store_is_invalid_text(bad: str) -> None:
    # NUL failed the load on PostgreSQL; a lone surrogate crashed the load and the --json output everywhere.
    error = only_error(agreement_document(name=bad))
    assert (error.path, error.code) == ("name", "invalid-text")


def test_a_key_no_database_can_store_is_invalid_text() -> None:
    document = agreement_document(risk_share={"overspend": "fixed", "fixed_shares": {"\ud800": 100}})
    error = only_error(document)
    assert (error.path, error.code) == ("risk_share.fixed_shares.\\ud800", "invalid-text")


def test_an_alias_bomb_is_reported_without_expanding_it() -> None:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]" for n in range(1, 9)]
    report = Report()
    document = parse_text("\n".join(lines) + "\n", report)
    document.update(agreement_document(client_group=document["a8"]))
    # Quoting the value in the message printed 9**9 strings: 2 GB of output, 8 GB of memory.
    error = only_error(document)
    assert (error.path, error.code) == ("client_group", "invalid-choice")
    assert len(error.message) < 300


def test_a_key_written_twice_is_a_yaml_error() -> None:
    report = Report()
    assert parse_text("slug: salford-dat\nname: One\nname: Two\n", report) is None
    [error] = report.errors
    assert error.code == "yaml"
    assert "line 3" in error.message and "'name'" in error.message


def test_a_merge_key_may_still_be_overridden() -> None:
    report = Report()
    document = parse_text("base: &b {kind: nhs, name: A}\npartner: {<<: *b, name: B}\n", report)
    assert report.errors == []
    assert document["partner"] == {"kind": "nhs", "name": "B"}


def test_yaml_nested_thousands_deep_is_an_error_not_a_crash() -> None:
    report = Report()
    assert parse_text("aims: " + "[" * 50_000 + "]" * 50_000 + "\n", report) is None
    [error] = report.errors
    assert (error.path, error.code) == ("", "yaml")
