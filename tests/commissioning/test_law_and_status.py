"""Issue 24, the lead commissioner's part: the law of a procurement's date picks its processes, stages and
standstill; a contract's status is its dates'; nonsense is refused or warned at the field that makes it."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from concordat.commissioning import models, ocds, selectors, services
from concordat.commissioning.errors import Refused
from concordat.commissioning.rules import check, stages
from concordat.commissioning.rules.standstill import is_working_day, rule_for, standstill_end
from concordat.commissioning.rules.status import contract_status, status_after_variations

from .conftest import contract_values
from .test_services import refused

DAYS = st.dates(min_value=date(2015, 1, 1), max_value=date(2035, 12, 31))

# --- the law of the day the process is chosen ------------------------------------------------------------


@pytest.mark.parametrize(
    ("on", "health_care", "law"),
    [
        (date(2023, 12, 31), True, stages.PCR_2015),
        (date(2024, 1, 1), True, stages.PSR_2023),
        (date(2025, 2, 24), True, stages.PSR_2023),
        (date(2023, 12, 31), False, stages.PCR_2015),
        (date(2024, 1, 1), False, stages.PCR_2015),
        (date(2025, 2, 23), False, stages.PCR_2015),
        (date(2025, 2, 24), False, stages.PA_2023),
    ],
)
def test_the_law_is_the_one_in_force_on_the_day(on: date, health_care: bool, law: str) -> None:
    assert stages.law_on(on, health_care=health_care) == law


@given(on=DAYS, health_care=st.booleans())
def test_the_psr_is_for_health_care_from_2024_and_the_act_for_the_rest_from_24_february_2025(
    on: date, health_care: bool
) -> None:
    law = stages.law_on(on, health_care=health_care)
    assert (law == stages.PSR_2023) == (health_care and on >= date(2024, 1, 1))
    assert (law == stages.PA_2023) == (not health_care and on >= date(2025, 2, 24))
    assert (law == stages.PCR_2015) == (on < date(2024, 1, 1) or (not health_care and on < date(2025, 2, 24)))


@pytest.mark.parametrize(
    ("process", "on", "health_care", "words"),
    [
        ("competitive", date(2023, 6, 1), True, "The Public Contracts Regulations 2015"),
        ("open", date(2024, 6, 1), True, "Provider Selection Regime"),
        ("restricted", date(2025, 3, 1), False, "The Procurement Act 2023"),
        ("direct-award-a", date(2025, 3, 1), False, "The Procurement Act 2023"),
    ],
)
def test_a_process_of_another_law_is_refused_naming_the_law(
    process: str, on: date, health_care: bool, words: str
) -> None:
    problem = stages.process_problem(process, on, health_care=health_care)
    assert problem is not None and problem.startswith("process:") and words in problem


@pytest.mark.parametrize(
    ("process", "on", "health_care"),
    [
        ("open", date(2021, 7, 12), False),
        ("open", date(2023, 6, 1), True),
        ("direct-award-b", date(2024, 1, 1), True),
        ("open", date(2025, 2, 24), False),
        ("competitive-flexible", date(2025, 2, 24), False),
        ("restricted", date(2025, 2, 23), False),
    ],
)
def test_a_process_of_the_law_of_its_day_is_allowed(process: str, on: date, health_care: bool) -> None:
    assert stages.process_problem(process, on, health_care=health_care) is None


def test_each_process_and_standstill_cites_its_provision() -> None:
    assert stages.process_citation("direct-award-a", stages.PSR_2023).endswith("regulation 7")
    assert stages.process_citation("open", stages.PCR_2015).endswith("regulation 27")
    assert stages.process_citation("open", stages.PA_2023).endswith("section 20(2)(a)")
    assert rule_for(stages.PCR_2015).cites.endswith("regulation 87")
    assert rule_for(stages.PSR_2023).cites.endswith("regulation 12")
    assert rule_for(stages.PA_2023).cites.endswith("section 51")


# --- direct award A and B: no bids, no standstill -----------------------------------------------------------


@pytest.mark.parametrize("process", ["direct-award-a", "direct-award-b"])
def test_direct_award_a_and_b_have_no_bids_and_no_standstill(process: str) -> None:
    order = stages.stages_of(process)
    assert "bids-received" not in order and "standstill-ended" not in order
    assert "intention-to-award" not in order and not stages.has_standstill(process)
    assert order.index("awarded") < order.index("contract-signed") < order.index("notice-published")


@pytest.mark.parametrize("process", ["direct-award-c", "most-suitable-provider", "competitive", "open"])
def test_the_other_processes_keep_their_standstill(process: str) -> None:
    assert stages.has_standstill(process)


@pytest.mark.parametrize("process", ["direct-award-a", "direct-award-b"])
@pytest.mark.parametrize("stage", ["notice-published", "bids-received", "standstill-ended"])
def test_direct_award_a_or_b_refuses_bids_and_standstill_stages_after_the_process(
    process: str, stage: str
) -> None:
    reached = [
        stages.Reached("strategy-approved", date(2024, 2, 1)),
        stages.Reached("process-chosen", date(2024, 2, 2)),
    ]
    problems = stages.advance_problems(reached, stage, date(2024, 2, 5), process, stages.PSR_2023)
    if stage == "notice-published":  # its transparency notice follows the award: recorded too early
        assert [(p, c) for p, c, _ in problems] == [("stage", "stage-skipped")]
    else:
        assert [(p, c) for p, c, _ in problems] == [("stage", "not-a-stage-of-the-process")]
    assert stages.next_stage(reached, process) == "awarded"


@pytest.fixture
def direct_award(partnership: Any, lead: Any) -> models.Procurement:
    made, _ = services.procurement_create(
        partnership=partnership,
        values={"key": "da-a", "title": "Continuation", "health_care": True},
        user=lead,
    )
    for values in (
        {"stage": "strategy-approved", "date": "2024-03-01", "decided_by": "Cabinet"},
        {
            "stage": "process-chosen",
            "date": "2024-03-04",
            "decided_by": "Cabinet",
            "process": "direct-award-a",
        },
    ):
        services.procurement_advance(procurement=made, values=values, user=lead)
    return made


@pytest.mark.parametrize("stage", ["bids-received", "standstill-ended", "intention-to-award"])
def test_a_direct_award_a_procurement_refuses_a_stage_it_does_not_have(
    direct_award: Any, lead: Any, stage: str
) -> None:
    values = {"stage": stage, "date": "2024-03-05", "decided_by": "Cabinet", "provider": "P1"}
    assert refused(services.procurement_advance, procurement=direct_award, values=values, user=lead) == {
        "stage": "not-a-stage-of-the-process"
    }


def test_a_direct_award_a_procurement_is_awarded_then_signed_then_its_notice_published(
    direct_award: Any, lead: Any, partnership: Any
) -> None:
    services.procurement_advance(
        procurement=direct_award,
        values={"stage": "awarded", "date": "2024-03-05", "decided_by": "Cabinet", "provider": "P2"},
        user=lead,
    )
    direct_award.refresh_from_db()
    assert direct_award.awarded_to.code == "P2"
    services.contract_create(
        partnership=partnership, values=contract_values(direct_award, provider="P2"), user=lead
    )
    for stage, on in (("contract-signed", "2024-03-08"), ("notice-published", "2024-03-20")):
        services.procurement_advance(
            procurement=direct_award, values={"stage": stage, "date": on, "decided_by": "Cabinet"}, user=lead
        )
    assert [s.stage for s in direct_award.stages.all()] == list(stages.DIRECT_AWARD)
    assert stages.next_stage(selectors.reached(direct_award), "direct-award-a") is None


def test_a_direct_award_needs_its_provider_at_the_award(direct_award: Any, lead: Any) -> None:
    values = {"stage": "awarded", "date": "2024-03-05", "decided_by": "Cabinet"}
    assert refused(services.procurement_advance, procurement=direct_award, values=values, user=lead) == {
        "provider": "required"
    }


def test_the_procurement_page_shows_the_law_and_that_there_is_no_standstill(
    client: Any, lead: Any, direct_award: Any, partnership: Any
) -> None:
    client.force_login(lead)
    page = client.get(
        reverse("commissioning:procurement", args=[partnership.slug, direct_award.key])
    ).content.decode()
    assert "Provider Selection Regime) Regulations 2023" in page and "regulation 7" in page
    assert "has no standstill" in page and "Bids received" not in page


# --- the standstill of each law ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("law", "intention", "end"),
    [
        (stages.PCR_2015, date(2021, 11, 1), date(2021, 11, 11)),  # Croydon: ten calendar days
        (stages.PCR_2015, date(2021, 11, 5), date(2021, 11, 15)),  # the 10th day a Monday: counts
        (stages.PCR_2015, date(2021, 11, 3), date(2021, 11, 15)),  # the 10th day a Saturday: to Monday
        (stages.PCR_2015, date(2023, 12, 15), date(2023, 12, 27)),  # Christmas and Boxing Day passed over
        (stages.PA_2023, date(2025, 3, 3), date(2025, 3, 12)),  # the notice's own day is the first
        (stages.PA_2023, date(2025, 4, 14), date(2025, 4, 25)),  # Good Friday and Easter Monday not counted
        (stages.PA_2023, date(2025, 12, 22), date(2026, 1, 5)),  # Christmas, Boxing Day and 1 January
        (stages.PSR_2023, date(2024, 3, 4), date(2024, 3, 14)),  # from the day after
    ],
)
def test_the_standstill_of_each_law(law: str, intention: date, end: date) -> None:
    assert standstill_end(intention, law=law) == end


@given(intention=DAYS)
def test_pcr_2015_standstill_is_ten_calendar_days_ending_on_a_working_day(intention: date) -> None:
    end = standstill_end(intention, law=stages.PCR_2015)
    assert end is not None and is_working_day(end)
    assert end >= intention + timedelta(days=10)
    # Only days off pass between the tenth day and the end.
    assert all(not is_working_day(intention + timedelta(days=n)) for n in range(10, (end - intention).days))


@given(intention=DAYS)
def test_the_acts_standstill_is_eight_working_days_beginning_with_the_notice(intention: date) -> None:
    end = standstill_end(intention, law=stages.PA_2023)
    assert end is not None and is_working_day(end)
    days = [intention + timedelta(days=n) for n in range((end - intention).days + 1)]
    assert sum(is_working_day(d) for d in days) == 8


@given(intention=DAYS)
def test_the_act_counts_the_notices_day_where_the_psr_counts_from_the_day_after(intention: date) -> None:
    act = standstill_end(intention, law=stages.PA_2023)
    psr = standstill_end(intention, law=stages.PSR_2023)
    assert act is not None and psr is not None
    assert (act < psr) == is_working_day(intention) and act <= psr


def test_a_pre_psr_health_care_procurement_waits_ten_calendar_days(partnership: Any, lead: Any) -> None:
    made, _ = services.procurement_create(
        partnership=partnership, values={"key": "before-psr", "title": "Before the PSR"}, user=lead
    )
    steps = [
        ("strategy-approved", "2023-06-01", {}),
        ("process-chosen", "2023-06-02", {"process": "open"}),
        ("notice-published", "2023-06-05", {}),
        ("bids-received", "2023-07-03", {}),
        (
            "evaluated",
            "2023-07-10",
            {"criteria": [{"name": "Quality", "weight": 100, "how_assessed": "Scored"}]},
        ),
        ("intention-to-award", "2023-07-14", {"provider": "P1"}),  # a Friday
    ]
    for stage, on, extra in steps:
        services.procurement_advance(
            procurement=made, values={"stage": stage, "date": on, "decided_by": "Cabinet", **extra}, user=lead
        )
    assert selectors.law_of(made) == stages.PCR_2015
    assert selectors.standstill_of(made)[1] == date(2023, 7, 24)  # the 10th day a Monday
    with pytest.raises(Refused) as caught:
        services.procurement_advance(
            procurement=made, values={"stage": "standstill-ended", "date": "2023-07-21"}, user=lead
        )
    (problem,) = caught.value.report.errors
    assert problem.code == "standstill-not-over" and "10 calendar days" in problem.message
    assert "regulation 87" in problem.message


# --- a contract's status from its dates ---------------------------------------------------------------------

START, END = date(2004, 4, 1), date(2007, 3, 31)


@pytest.mark.parametrize(
    ("on", "status"),
    [
        (START - timedelta(days=1), "planned"),
        (START, "active"),
        (END, "active"),
        (END + timedelta(days=1), "ended"),
        (date(2026, 1, 1), "ended"),  # the register said "Active" for this contract in 2026
    ],
)
def test_status_at_the_boundaries_of_the_term(on: date, status: str) -> None:
    assert contract_status(on, start=START, original_end=END, end=END) == status


def test_an_extended_contract_is_extended_from_the_day_after_its_original_end_to_its_new_end() -> None:
    extended = [(date(2008, 3, 31), False)]
    assert status_after_variations(END, start=START, original_end=END, variations=extended) == "active"
    for on in (END + timedelta(days=1), date(2008, 3, 31)):
        assert status_after_variations(on, start=START, original_end=END, variations=extended) == "extended"
    assert status_after_variations(date(2008, 4, 1), start=START, original_end=END, variations=extended) == (
        "ended"
    )


def test_a_terminated_contract_is_terminated_from_the_day_after_its_last_day() -> None:
    cut = [(date(2005, 9, 30), True)]
    assert status_after_variations(date(2005, 9, 30), start=START, original_end=END, variations=cut) == (
        "active"
    )
    assert status_after_variations(date(2005, 10, 1), start=START, original_end=END, variations=cut) == (
        "terminated"
    )
    # An extension after the termination's end replaces it: the end now is the extension's.
    later = [*cut, (date(2006, 3, 31), False)]
    assert status_after_variations(date(2006, 4, 1), start=START, original_end=END, variations=later) == (
        "ended"
    )


@given(
    start=DAYS,
    term=st.integers(min_value=0, max_value=3000),
    moved=st.integers(min_value=-1000, max_value=1000),
    terminates=st.booleans(),
    on=DAYS,
)
def test_status_follows_the_dates_alone(
    start: date, term: int, moved: int, terminates: bool, on: date
) -> None:
    original_end = start + timedelta(days=term)
    end = max(start, original_end + timedelta(days=moved))
    status = status_after_variations(
        on, start=start, original_end=original_end, variations=[(end, terminates)]
    )
    if on < start:
        assert status == "planned"
    elif on > end:
        assert status == ("terminated" if terminates else "ended")
    elif on > original_end:
        assert status == "extended"
    else:
        assert status == "active"


def test_the_register_and_its_files_show_the_status_worked_out_from_the_dates(
    client: Any, lead: Any, partnership: Any, fixed_today: Any
) -> None:
    fixed_today(date(2026, 1, 15))
    services.contract_create(
        partnership=partnership,
        values=contract_values(key="in-volve", start="2004-04-01", end="2007-03-31", annual_value="150000.00",
                               whole_life_value=None, max_term_years=None),
        user=lead,
    )  # fmt: skip
    client.force_login(lead)
    page = client.get(reverse("commissioning:contracts", args=[partnership.slug])).content.decode()
    assert "Ended" in page and "Active" not in page
    csv = client.get(reverse("commissioning:contracts-csv", args=[partnership.slug])).content.decode()
    assert ",Ended," in csv
    (release,) = ocds.release_package(partnership)["releases"]
    assert release["contracts"][0]["status"] == "terminated"  # OCDS: the contract has come to a close


def test_a_termination_ends_the_contract_and_it_reads_terminated_the_day_after(
    partnership: Any, lead: Any
) -> None:
    contract, _ = services.contract_create(partnership=partnership, values=contract_values(), user=lead)
    services.contract_vary(
        contract=contract,
        values={"date": "2025-01-10", "reason": "Provider failure", "end": "2025-03-31", "terminates": True},
        user=lead,
    )
    contract = selectors.contracts(partnership).get(pk=contract.pk)
    assert contract.status_on(date(2025, 3, 31)) == "active"
    assert contract.status_on(date(2025, 4, 1)) == "terminated"


def test_a_termination_after_the_end_is_refused_at_end(partnership: Any, lead: Any) -> None:
    contract, _ = services.contract_create(partnership=partnership, values=contract_values(), user=lead)
    values = {"date": "2025-01-10", "reason": "Ended", "end": "2032-03-31", "terminates": True}
    assert refused(services.contract_vary, contract=contract, values=values, user=lead) == {
        "end": "termination-after-end"
    }


def test_a_status_sent_with_a_contract_is_ignored_with_a_warning(
    client: Any, lead: Any, partnership: Any, fixed_today: Any
) -> None:
    fixed_today(date(2026, 1, 15))
    client.force_login(lead)
    body = contract_values(status="active", start="2027-04-01", end="2030-03-31", max_term_years=3,
                           whole_life_value="8953080.00")  # fmt: skip
    made = client.post(
        f"/api/v1/partnerships/{partnership.slug}/contracts", body, content_type="application/json"
    )
    assert made.status_code == 201, made.content
    assert made.json()["status"] == "planned"
    assert [w["code"] for w in made.json()["warnings"]] == ["status-is-computed"]


# --- nonsense refused or warned at its field ----------------------------------------------------------------

MODALITIES = {"advice": ("Advice", 2), "residential-rehab": ("Residential rehabilitation", 4)}


def _service(tier: int, modality: str) -> dict[str, Any]:
    return {"name": "A service", "tier": tier, "modality": modality, "client_group": "adults"}


def test_a_service_two_tiers_from_its_modality_is_refused_at_tier() -> None:
    report, _ = check.check_service(_service(1, "residential-rehab"), providers=set(), modalities=MODALITIES)
    (problem,) = report.errors
    assert (problem.path, problem.code) == ("tier", "tier-not-the-modalitys")
    assert problem.message.startswith("tier:") and "Residential rehabilitation" in problem.message


def test_a_service_one_tier_from_its_modality_is_warned_at_tier() -> None:
    report, _ = check.check_service(_service(3, "advice"), providers=set(), modalities=MODALITIES)
    assert report.valid
    assert [(w.path, w.code) for w in report.warnings] == [("tier", "tier-not-the-modalitys")]


def test_a_service_saved_with_a_far_tier_changes_nothing(partnership: Any, lead: Any) -> None:
    found = refused(
        services.service_save, partnership=partnership, values=_service(1, "residential-rehab"), user=lead
    )
    assert found == {"tier": "tier-not-the-modalitys"}


def test_a_subcontract_worth_more_than_its_contract_is_refused(partnership: Any, lead: Any) -> None:
    values = contract_values(
        subcontracts=[{"subcontractor": "Pharmacies", "description": "Needles", "annual_value": "3000000.00"}]
    )
    assert refused(services.contract_create, partnership=partnership, values=values, user=lead) == {
        "subcontracts[0].annual_value": "subcontract-over-contract"
    }


def test_subcontracts_together_worth_more_than_the_contract_are_refused(partnership: Any, lead: Any) -> None:
    each = {"subcontractor": "Pharmacies", "description": "Needles", "annual_value": "1500000.00"}
    values = contract_values(subcontracts=[each, each])
    assert refused(services.contract_create, partnership=partnership, values=values, user=lead) == {
        "subcontracts[1].annual_value": "subcontracts-over-contract"
    }


def test_a_subcontract_added_over_the_contracts_value_is_refused(partnership: Any, lead: Any) -> None:
    contract, _ = services.contract_create(partnership=partnership, values=contract_values(), user=lead)
    sub = {"subcontractor": "GPs", "description": "Shared care", "annual_value": "2000000.00"}
    services.contract_subcontract_add(contract=contract, values=sub, user=lead)
    problems = refused(services.contract_subcontract_add, contract=contract, values=sub, user=lead)
    assert problems == {"annual_value": "subcontracts-over-contract"}


def test_a_legacy_transfer_before_the_contract_starts_is_refused(partnership: Any, lead: Any) -> None:
    legacy = {
        "name": "Old service",
        "element": "Adults",
        "annual_cost": "100000.00",
        "transfers_on": "2024-03-31",  # the contract starts on 1 April 2024
    }
    values = contract_values(legacy=[legacy])
    assert refused(services.contract_create, partnership=partnership, values=values, user=lead) == {
        "legacy[0].transfers_on": "transfer-before-start"
    }
    contract, _ = services.contract_create(partnership=partnership, values=contract_values(), user=lead)
    assert refused(services.contract_legacy_add, contract=contract, values=legacy, user=lead) == {
        "transfers_on": "transfer-before-start"
    }


def test_a_stage_completed_in_the_future_is_refused_at_date(
    procurement: Any, lead: Any, fixed_today: Any
) -> None:
    fixed_today(date(2024, 1, 8))
    with pytest.raises(Refused) as caught:
        services.procurement_advance(
            procurement=procurement,
            values={"stage": "strategy-approved", "date": "2024-01-09", "decided_by": "Cabinet"},
            user=lead,
        )
    (problem,) = caught.value.report.errors
    assert (problem.path, problem.code) == ("date", "date-in-the-future")
    assert problem.message.startswith("date:") and "9 January 2024" in problem.message
    services.procurement_advance(  # today itself has happened
        procurement=procurement,
        values={"stage": "strategy-approved", "date": "2024-01-08", "decided_by": "Cabinet"},
        user=lead,
    )


def test_a_new_annual_value_below_the_subcontracts_is_warned(partnership: Any, lead: Any) -> None:
    sub = {"subcontractor": "GPs", "description": "Shared care", "annual_value": "500000.00"}
    contract, _ = services.contract_create(
        partnership=partnership, values=contract_values(subcontracts=[sub]), user=lead
    )
    _, report = services.contract_vary(
        contract=contract,
        values={"date": "2025-01-10", "reason": "Cut", "annual_value": "400000.00"},
        user=lead,
    )
    assert "annual_value" in {w.path for w in report.warnings}


# --- the pages and the API say the law ---------------------------------------------------------------------


def test_the_award_form_of_a_direct_award_asks_for_the_provider(
    client: Any, lead: Any, direct_award: Any, partnership: Any
) -> None:
    client.force_login(lead)
    url = reverse("commissioning:record-stage", args=[partnership.slug, direct_award.key])
    page = client.get(url, follow=True).content.decode()
    assert 'name="stage" value="awarded"' in page and 'name="provider"' in page
    answers = {"stage": "awarded", "date": "2024-03-05", "decided_by": "Cabinet", "provider": "P1"}
    assert client.post(url, answers).status_code == 302
    direct_award.refresh_from_db()
    assert direct_award.awarded_to.code == "P1"


def test_the_process_form_names_each_process_with_its_law(
    client: Any, lead: Any, procurement: Any, partnership: Any
) -> None:
    services.procurement_advance(
        procurement=procurement,
        values={"stage": "strategy-approved", "date": "2024-01-08", "decided_by": "Cabinet"},
        user=lead,
    )
    client.force_login(lead)
    url = reverse("commissioning:record-stage", args=[partnership.slug, procurement.key])
    page = client.get(url, follow=True).content.decode()
    assert "Direct award process A (the Provider Selection Regime, from 1 January 2024)" in page
    assert "Open procedure (the Public Contracts Regulations 2015, before 1 January 2024)" in page
    wrong = {"stage": "process-chosen", "date": "2024-01-09", "decided_by": "Cabinet", "process": "open"}
    refused_page = client.post(url, wrong)
    assert refused_page.status_code == 400
    assert "Provider Selection Regime) Regulations 2023" in refused_page.content.decode()


def test_a_variation_form_can_terminate_the_contract(client: Any, lead: Any, partnership: Any) -> None:
    contract, _ = services.contract_create(partnership=partnership, values=contract_values(), user=lead)
    client.force_login(lead)
    url = reverse("commissioning:add-variation", args=[partnership.slug, contract.key])
    answers = {"date": "2025-01-10", "reason": "Provider failure", "end": "2025-03-31", "terminates": "on"}
    assert client.post(url + "?token=abcdefghij", {**answers, "token": "abcdefghij"}).status_code == 302
    assert models.Variation.objects.get(contract=contract).terminates is True


def test_the_api_says_the_law_its_process_and_its_standstill(
    client: Any, lead: Any, procurement: Any
) -> None:
    for values in (
        {"stage": "strategy-approved", "date": "2024-01-08", "decided_by": "Cabinet"},
        {"stage": "process-chosen", "date": "2024-01-09", "decided_by": "Cabinet", "process": "competitive"},
    ):
        services.procurement_advance(procurement=procurement, values=values, user=lead)
    client.force_login(lead)
    read = client.get(f"/api/v1/partnerships/{procurement.partnership.slug}/procurements/{procurement.key}")
    law = read.json()["law"]
    assert law["law"] == stages.PSR_2023 and law["process_cites"].endswith("regulation 11")
    assert law["standstill"] == "8 working days" and law["standstill_cites"].endswith("regulation 12")
