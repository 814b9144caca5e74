"""Reads of commissioning: a procurement's stages and standstill, a contract's current terms, the register."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Prefetch, QuerySet

from concordat.core.money import pence_to_str
from concordat.partnerships.models import Partnership

from . import models
from .rules import stages
from .rules.standstill import standstill_end
from .rules.values import Change, Terms, current_terms, schedule_from_annual


def reached(procurement: models.Procurement) -> list[stages.Reached]:
    return [stages.Reached(s.stage, s.on) for s in procurement.stages.all()]


def standstill_of(procurement: models.Procurement) -> tuple[date | None, date | None]:
    """(the intention to award's date, the standstill's last day): (None, None) before the intention; the
    end is None while a representation is open."""
    intention = next((s.on for s in procurement.stages.all() if s.stage == "intention-to-award"), None)
    if intention is None:
        return None, None
    pauses = [(r.received, r.answered) for r in procurement.representations.all()]
    return intention, standstill_end(intention, pauses)


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
    from concordat.partnerships.rules.vocabulary import BUILT_IN_MODALITIES

    return set(BUILT_IN_MODALITIES) | set(partnership.modalities.values_list("code", flat=True))


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
