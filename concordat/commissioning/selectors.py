"""Reads of commissioning: a procurement's stages and standstill, a contract's current terms, the register."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Prefetch, QuerySet

from concordat.core import clock
from concordat.core.money import pence_to_str
from concordat.partnerships.models import Partnership

from . import models
from .rules import stages
from .rules.standstill import rule_for, standstill_end
from .rules.values import Change, Terms, current_terms, schedule_from_annual


def reached(procurement: models.Procurement) -> list[stages.Reached]:
    return [stages.Reached(s.stage, s.on) for s in procurement.stages.all()]


def law_of(procurement: models.Procurement) -> str | None:
    """The law the procurement follows: the one in force on the day its process was chosen (None before)."""
    chosen = next((s.on for s in procurement.stages.all() if s.stage == "process-chosen"), None)
    return None if chosen is None else stages.law_on(chosen, health_care=procurement.health_care)


def standstill_of(procurement: models.Procurement) -> tuple[date | None, date | None]:
    """(the intention to award's date, the standstill's last day under the procurement's law): (None, None)
    before the intention; the end is None while a representation is open."""
    intention = next((s.on for s in procurement.stages.all() if s.stage == "intention-to-award"), None)
    if intention is None:
        return None, None
    pauses = [(r.received, r.answered) for r in procurement.representations.all()]
    law = law_of(procurement) or stages.law_on(intention, health_care=procurement.health_care)
    return intention, standstill_end(intention, pauses, law=law)


@dataclass(frozen=True)
class Law:
    """What a procurement's page says of the law it follows: the law, its process and its standstill, each
    with the provision that sets it."""

    code: str
    words: str  # the law and when it applies
    process: str  # the process's name ("" before it is chosen)
    process_cites: str
    standstill: str  # "10 calendar days", "8 working days"; "" where the process has none
    standstill_cites: str
    no_standstill: str  # why there is none (the PSR's direct award A and B), else ""


def law_for_page(procurement: models.Procurement) -> Law | None:
    """The law of the procurement, for its page, its notice and the API (None before a process is chosen)."""
    law = law_of(procurement)
    if law is None:
        return None
    process = procurement.process
    rule = rule_for(law)
    has = stages.has_standstill(process)
    return Law(
        code=law,
        words=stages.law_words(law),
        process=stages.PROCESSES.get(process, ""),
        process_cites=stages.process_citation(process, law),
        standstill=rule.words if has else "",
        standstill_cites=rule.cites if has else "",
        no_standstill=""
        if has
        else f"{stages.PROCESSES[process]} has no standstill ({stages.process_citation(process, law)}): "
        "the transparency notice follows the award",
    )


def steps(procurement: models.Procurement) -> tuple[stages.Step, ...]:
    """The procurement's stages in its process's order, named in its law's words with their provisions."""
    return stages.steps_of(procurement.process or None, law_of(procurement))


def contract_status(contract: models.Contract, today: date | None = None) -> str:
    """The contract's status on `today` (core.clock's today when not given), from its dates."""
    return contract.status_on(today or clock.today())


def original_terms(contract: models.Contract) -> Terms:
    schedule = {p.year: p.amount_pence for p in contract.payments.all()}
    return Terms(
        end=contract.end,
        annual_pence=contract.annual_value_pence,
        whole_life_pence=contract.whole_life_value_pence,
        schedule=schedule or schedule_from_annual(contract.start, contract.end, contract.annual_value_pence),
    )


def terms_of(contract: models.Contract) -> Terms:
    """The contract's terms now: the original with every variation applied in order."""
    changes = [
        Change(
            end=v.end,
            annual_pence=v.annual_value_pence,
            whole_life_pence=v.whole_life_value_pence,
            schedule={int(year): amount for year, amount in v.schedule.items()} or None,
            on=v.on,
        )
        for v in contract.variations.all()
    ]
    return current_terms(original_terms(contract), changes)


def contracts(partnership: Partnership, provider_ids: list[int] | None = None) -> QuerySet[models.Contract]:
    """The partnership's contracts with what the register shows, in a fixed number of queries; only those of
    `provider_ids` when given (provider roles)."""
    rows = (
        models.Contract.objects.filter(partnership=partnership)
        .select_related("provider", "procurement", "partnership")
        .prefetch_related(
            "payments",
            Prefetch("variations", queryset=models.Variation.objects.order_by("on", "id")),
            "subcontracts",
            "legacy",
            "services",
            "kpis",
            "reviews",
        )
    )
    return rows if provider_ids is None else rows.filter(provider_id__in=provider_ids)


def procurements(partnership: Partnership) -> QuerySet[models.Procurement]:
    return (
        models.Procurement.objects.filter(partnership=partnership)
        .select_related("awarded_to", "partnership")
        .prefetch_related("stages", "criteria", "representations", "services", "contracts")
    )


def modality_codes(partnership: Partnership) -> set[str]:
    return set(modalities(partnership))


def modalities(partnership: Partnership) -> dict[str, tuple[str, int]]:
    """The partnership's modalities, the built-in ones and its own: code -> (name, Models of Care tier)."""
    from concordat.partnerships.rules.vocabulary import BUILT_IN_MODALITIES

    found = {code: (name, tier) for code, (name, tier, _) in BUILT_IN_MODALITIES.items()}
    for code, name, tier in partnership.modalities.values_list("code", "name", "tier"):
        found[code] = (name, tier)
    return found


def codes(queryset: Any, field: str = "code") -> dict[str, Any]:
    return {getattr(row, field): row for row in queryset}


def subcontract_values(row: models.Subcontract) -> dict[str, Any]:
    """A subcontract as its change form shows it and as the check reads it (money as pounds): what an
    editor saw is the fingerprint of this, so a save over someone else's change is refused."""
    return {
        "subcontractor": row.subcontractor,
        "description": row.description,
        "annual_value": None if row.annual_value_pence is None else pence_to_str(row.annual_value_pence),
        "source": row.source,
    }


def legacy_contract_values(row: models.LegacyContract) -> dict[str, Any]:
    """A legacy contract as its change form shows it and as the check reads it (see subcontract_values)."""
    return {
        "name": row.name,
        "holder": row.holder,
        "element": row.element,
        "annual_cost": pence_to_str(row.annual_cost_pence),
        "after_cost": None if row.after_cost_pence is None else pence_to_str(row.after_cost_pence),
        "transfers_on": row.transfers_on.isoformat(),
        "source": row.source,
    }
