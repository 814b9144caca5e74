"""The services: each stage recorded in order, refusals with their paths that change nothing, contracts,
variations that never overwrite the original, and the commitments schedule."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.apps import apps

from concordat.commissioning import commitments, models, selectors, services
from concordat.commissioning.errors import Refused
from concordat.commissioning.rules import stages

from .conftest import START, contract_values, stage_values, walk


def rows() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in apps.get_app_config("commissioning").get_models()}


def refused(call: Any, **kwargs: Any) -> dict[str, str]:
    """The problems of a refused call, path -> code, having checked that nothing changed."""
    before = rows()
    with pytest.raises(Refused) as caught:
        call(**kwargs)
    assert rows() == before
    return {p.path: p.code for p in caught.value.report.errors}


def test_a_procurement_walks_every_stage_to_a_signed_contract(procurement: Any, lead: Any) -> None:
    walk(procurement, lead, "contract-signed")
    procurement.refresh_from_db()
    assert [s.stage for s in procurement.stages.all()] == list(stages.ORDER)
    assert procurement.process == "competitive" and procurement.awarded_to.code == "P1"
    assert [c.weight for c in procurement.criteria.all()] == [40, 20, 15, 15, 10]
    assert procurement.contracts.get().status == "active"


@pytest.mark.parametrize("done", range(len(stages.ORDER) - 1))
def test_skipping_a_stage_is_refused_at_stage_and_changes_nothing(
    procurement: Any, lead: Any, done: int
) -> None:
    last = walk(procurement, lead, stages.ORDER[done - 1]) if done else START
    skipped = stages.ORDER[done + 1]
    found = refused(
        services.procurement_advance, procurement=procurement, values=stage_values(skipped, last), user=lead
    )
    assert found.get("stage") == "stage-skipped"


def test_going_back_is_refused(procurement: Any, lead: Any) -> None:
    last = walk(procurement, lead, "bids-received")
    found = refused(
        services.procurement_advance,
        procurement=procurement,
        values=stage_values("process-chosen", last),
        user=lead,
    )
    assert found == {"stage": "stage-going-back"}


def test_a_date_before_the_previous_stage_is_refused_at_date(procurement: Any, lead: Any) -> None:
    last = walk(procurement, lead, "process-chosen")
    found = refused(
        services.procurement_advance,
        procurement=procurement,
        values=stage_values("notice-published", date(last.year - 1, 1, 1)),
        user=lead,
    )
    assert found == {"date": "date-before-previous-stage"}


def test_a_strategy_needs_its_decision_maker(procurement: Any, lead: Any) -> None:
    values = {"stage": "strategy-approved", "date": "2024-01-08"}
    assert refused(services.procurement_advance, procurement=procurement, values=values, user=lead) == {
        "decided_by": "required"
    }


def test_a_health_care_procurement_chooses_a_psr_process(procurement: Any, lead: Any) -> None:
    walk(procurement, lead, "strategy-approved")
    values = {**stage_values("process-chosen", START), "process": "open"}
    assert refused(services.procurement_advance, procurement=procurement, values=values, user=lead) == {
        "process": "invalid-choice"
    }


def test_evaluation_weights_must_add_up_to_100(procurement: Any, lead: Any) -> None:
    last = walk(procurement, lead, "bids-received")
    values = {
        **stage_values("evaluated", last),
        "criteria": [{"name": "Quality", "weight": 60, "how_assessed": "x"}],
    }
    assert refused(services.procurement_advance, procurement=procurement, values=values, user=lead) == {
        "criteria": "weights-not-100"
    }


def test_intention_to_award_to_an_unknown_provider_is_refused(procurement: Any, lead: Any) -> None:
    last = walk(procurement, lead, "evaluated")
    values = {**stage_values("intention-to-award", last), "provider": "NOPE"}
    assert refused(services.procurement_advance, procurement=procurement, values=values, user=lead) == {
        "provider": "unknown-provider"
    }


def test_the_standstill_must_run_its_eight_working_days(procurement: Any, lead: Any) -> None:
    last = walk(procurement, lead, "intention-to-award")
    _, end = selectors.standstill_of(procurement)
    assert end is not None
    early = date.fromordinal(end.toordinal() - 1)
    found = refused(
        services.procurement_advance,
        procurement=procurement,
        values=stage_values("standstill-ended", early),
        user=lead,
    )
    assert found == {"date": "standstill-not-over"}
    services.procurement_advance(
        procurement=procurement, values=stage_values("standstill-ended", end), user=lead
    )
    assert last < end


def test_a_representation_pauses_the_standstill_until_answered(procurement: Any, lead: Any) -> None:
    last = walk(procurement, lead, "intention-to-award")
    _, plain_end = selectors.standstill_of(procurement)
    representation = services.representation_record(
        procurement=procurement, values={"received": last.isoformat(), "made_by": "Bidder B"}, user=lead
    )
    assert selectors.standstill_of(procurement)[1] is None
    assert refused(
        services.procurement_advance,
        procurement=procurement,
        values=stage_values("standstill-ended", date(2025, 6, 2)),  # long after, not in the future
        user=lead,
    ) == {"date": "representation-open"}
    services.representation_answer(representation=representation, answered="2024-05-03", user=lead)
    _, end = selectors.standstill_of(procurement)
    assert end is not None and plain_end is not None and end > plain_end


def test_a_representation_answered_meanwhile_is_not_answered_again(procurement: Any, lead: Any) -> None:
    """Two people open the answer form; the second's save checked "already answered" on the row as it was
    read before the lock (both saw it open) and overwrote the first answer's date."""
    last = walk(procurement, lead, "intention-to-award")
    services.representation_record(
        procurement=procurement, values={"received": last.isoformat(), "made_by": "Bidder B"}, user=lead
    )
    first_seen, second_seen = (models.Representation.objects.get() for _ in range(2))
    services.representation_answer(representation=first_seen, answered="2024-05-03", user=lead)
    assert refused(
        services.representation_answer, representation=second_seen, answered="2024-05-10", user=lead
    ) == {"answered": "already-answered"}
    assert models.Representation.objects.get().answered == date(2024, 5, 3)


def test_a_representation_after_the_standstill_ended_meanwhile_is_refused(
    procurement: Any, lead: Any
) -> None:
    """The page's procurement (its stages read with it, before the lock) still showed the standstill: the
    representation was recorded after the standstill had ended."""
    last = walk(procurement, lead, "intention-to-award")
    as_the_page_read_it = selectors.procurements(procurement.partnership).get(pk=procurement.pk)
    list(as_the_page_read_it.stages.all())
    _, end = selectors.standstill_of(procurement)
    services.procurement_advance(
        procurement=procurement, values=stage_values("standstill-ended", end), user=lead
    )
    assert refused(
        services.representation_record,
        procurement=as_the_page_read_it,
        values={"received": last.isoformat(), "made_by": "Bidder B"},
        user=lead,
    ) == {"": "not-in-standstill"}


def test_signing_needs_the_contract_recorded(procurement: Any, lead: Any) -> None:
    last = walk(procurement, lead, "awarded")
    found = refused(
        services.procurement_advance,
        procurement=procurement,
        values=stage_values("contract-signed", last),
        user=lead,
    )
    assert found == {"stage": "no-contract"}


def test_a_contract_is_refused_before_the_award(procurement: Any, partnership: Any, lead: Any) -> None:
    walk(procurement, lead, "evaluated")
    found = refused(
        services.contract_create, partnership=partnership, values=contract_values(procurement), user=lead
    )
    assert found == {"procurement": "not-awarded"}


def test_the_contract_goes_to_the_provider_awarded(procurement: Any, partnership: Any, lead: Any) -> None:
    walk(procurement, lead, "awarded")
    found = refused(
        services.contract_create,
        partnership=partnership,
        values=contract_values(procurement, provider="P2"),
        user=lead,
    )
    assert found == {"provider": "not-the-awarded-provider"}


@pytest.mark.parametrize(
    ("overrides", "path", "code"),
    [
        ({"annual_value": "about three million"}, "annual_value", "invalid-money"),
        ({"annual_value": 2984360.5}, "annual_value", "invalid-money"),
        ({"provider": "NOPE"}, "provider", "unknown-provider"),
        ({"start": "2024-13-01"}, "start", "invalid-date"),
        ({"end": "2020-03-31"}, "end", "end-before-start"),
        ({"services": ["nope"]}, "services[0]", "unknown-service"),
        ({"schedule": [{"year": "2024-26", "amount": "1.00"}]}, "schedule[0].year", "invalid-year"),
        (
            {"subcontracts": [{"subcontractor": "A pharmacy", "description": "x", "annual_value": "-1.00"}]},
            "subcontracts[0].annual_value",
            "negative-money",
        ),
    ],
)
def test_bad_contract_values_are_refused_at_their_paths(
    partnership: Any, lead: Any, overrides: dict[str, Any], path: str, code: str
) -> None:
    found = refused(
        services.contract_create, partnership=partnership, values=contract_values(**overrides), user=lead
    )
    assert found == {path: code}


def test_value_times_term_agrees_for_croydon_and_warns_otherwise(partnership: Any, lead: Any) -> None:
    _, report = services.contract_create(partnership=partnership, values=contract_values(), user=lead)
    assert report.warnings == []
    _, report = services.contract_create(
        partnership=partnership,
        values=contract_values(key="second", whole_life_value="20000000.00"),
        user=lead,
    )
    assert [(p.path, p.code) for p in report.warnings] == [("whole_life_value", "value-term-mismatch")]


def test_a_variation_never_overwrites_the_original(partnership: Any, lead: Any) -> None:
    contract, _ = services.contract_create(partnership=partnership, values=contract_values(), user=lead)
    before = commitments.schedule_by_year(contract)
    assert before[2024] == 298_436_000 and sorted(before) == list(range(2024, 2031))
    services.contract_vary(
        contract=contract,
        values={
            "date": "2025-06-01",
            "reason": "Inflation uplift",
            "annual_value": "3050000.00",
            "schedule": [{"year": "2026-27", "amount": "3050000.00"}],
        },
        user=lead,
    )
    services.contract_vary(
        contract=contract,
        values={"date": "2026-01-01", "reason": "Ends early", "end": "2029-03-31"},
        user=lead,
    )
    contract.refresh_from_db()
    assert contract.annual_value_pence == 298_436_000 and contract.end == date(2031, 3, 31)
    # The uplift counts from 1 June 2025: 2025-26 gains £3,050,000 x 304/365 and loses £2,984,360 x 304/365
    # (£2,540,273.97 - £2,485,603.95); 2026-27 is as stated; later years at the new value; the early end
    # drops 2029-30 and 2030-31 (docs/architecture.md, "Variations change the money").
    after = commitments.schedule_by_year(contract)
    assert after == {
        2024: 298_436_000,
        2025: 298_436_000 + 254_027_397 - 248_560_395,
        2026: 305_000_000,
        2027: 305_000_000,
        2028: 305_000_000,
    }
    terms = selectors.terms_of(contract)
    assert terms.annual_pence == 305_000_000 and terms.end == date(2029, 3, 31)


@pytest.mark.parametrize(
    ("values", "path", "code"),
    [
        ({"date": "2020-01-01", "reason": "x", "annual_value": "1.00"}, "date", "date-before-start"),
        ({"date": "2025-01-01", "reason": "x", "annual_value": "lots"}, "annual_value", "invalid-money"),
        ({"date": "2025-01-01", "reason": "x"}, "", "nothing-varied"),
        ({"date": "2025-01-01", "annual_value": "1.00"}, "reason", "required"),
    ],
)
def test_bad_variations_are_refused_at_their_paths(
    partnership: Any, lead: Any, values: dict[str, Any], path: str, code: str
) -> None:
    contract, _ = services.contract_create(partnership=partnership, values=contract_values(), user=lead)
    assert refused(services.contract_vary, contract=contract, values=values, user=lead) == {path: code}


def test_a_variation_dated_before_the_previous_one_is_refused(partnership: Any, lead: Any) -> None:
    contract, _ = services.contract_create(partnership=partnership, values=contract_values(), user=lead)
    services.contract_vary(
        contract=contract, values={"date": "2026-01-01", "reason": "x", "annual_value": "2.00"}, user=lead
    )
    found = refused(
        services.contract_vary,
        contract=contract,
        values={"date": "2025-01-01", "reason": "y", "annual_value": "3.00"},
        user=lead,
    )
    assert found == {"date": "date-before-previous-variation"}


def test_a_variation_dated_after_the_contract_ends_is_refused(partnership: Any, lead: Any) -> None:
    # Variations are recorded in order: one dated 9999-12-31 would have barred every later variation.
    contract, _ = services.contract_create(partnership=partnership, values=contract_values(), user=lead)
    values = {"date": "9999-12-31", "reason": "typo", "annual_value": "2.00"}
    found = refused(services.contract_vary, contract=contract, values=values, user=lead)
    assert found == {"date": "date-after-end"}
    services.contract_vary(
        contract=contract, values={"date": "2031-03-31", "reason": "x", "end": "2033-03-31"}, user=lead
    )
    services.contract_vary(contract=contract, values={**values, "date": "2033-03-31"}, user=lead)


def test_a_service_names_known_providers_and_modalities(partnership: Any, lead: Any) -> None:
    service = services.service_save(
        partnership=partnership,
        values={
            "name": "Prescribing",
            "tier": 3,
            "modality": "gp-prescribing",
            "client_group": "adults",
            "providers": ["P2"],
        },
        user=lead,
    )
    assert [p.code for p in service.providers.all()] == ["P2"]
    found = refused(
        services.service_save,
        partnership=partnership,
        values={"name": "X", "tier": 5, "modality": "yoga", "client_group": "adults", "providers": ["P9"]},
        user=lead,
    )
    assert found == {
        "tier": "invalid-tier",
        "modality": "unknown-modality",
        "providers[0]": "unknown-provider",
    }


def test_a_duplicate_reference_is_refused(partnership: Any, lead: Any, procurement: Any) -> None:
    found = refused(
        services.procurement_create,
        partnership=partnership,
        values={"key": procurement.key, "title": "Again"},
        user=lead,
    )
    assert found == {"key": "duplicate-key"}


def test_commitments_reach_the_pool_statement(partnership: Any, lead: Any) -> None:
    from concordat.core.years import FinancialYear
    from concordat.pool.models import Commitment
    from concordat.pool.selectors import statement

    contract, _ = services.contract_create(partnership=partnership, values=contract_values(), user=lead)
    schedule = commitments.schedule_by_year(contract)
    committed = dict(
        Commitment.objects.filter(partnership=partnership, contract_ref="contract:main-contract").values_list(
            "year", "amount_pence"
        )
    )
    assert committed == schedule and committed[2024] == 298_436_000
    before = statement(partnership, FinancialYear(2025))
    assert before.committed == schedule[2025]
    assert before.forecast_outturn == before.actual_spend + schedule[2025]
    services.contract_vary(
        contract=contract,
        values={
            "date": "2025-01-01",
            "reason": "x",
            "annual_value": "1.00",
            "schedule": [{"year": "2025-26", "amount": "1.00"}],
        },
        user=lead,
    )
    after = statement(partnership, FinancialYear(2025))
    assert after.committed == 100
    assert after.variance == before.variance + schedule[2025] - 100


def test_every_change_is_on_the_partnerships_audit_trail(
    partnership: Any, lead: Any, procurement: Any
) -> None:
    from concordat.core.audit import entries_for_partnership

    walk(procurement, lead, "strategy-approved")
    summaries = [e.summary for e in entries_for_partnership(partnership.slug)[:5]]
    assert any("Strategy approved" in s for s in summaries), summaries
    assert models.StageRecord.objects.get().recorded_by == lead
