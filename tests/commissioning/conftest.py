"""What commissioning tests share: a partnership with providers, its lead commissioner, and a procurement
walked through its stages by the one write path (services)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from concordat.commissioning import models, services
from concordat.commissioning.rules import stages
from concordat.core.roles import Role
from tests.factories import load_partnership, member

PROVIDERS = [
    {"code": "P1", "name": "Example Community Drug Service", "tiers": [2, 3]},
    {"code": "P2", "name": "Example Prescribing Service", "tiers": [3], "sector": "statutory"},
]
START = date(2024, 1, 8)  # a Monday
CRITERIA = [
    {"name": name, "weight": weight, "how_assessed": "Scored 0-5 by a panel of three"}
    for name, weight in zip(stages.PSR_CRITERIA, [40, 20, 15, 15, 10], strict=True)
]


def stage_values(stage: str, on: date) -> dict[str, Any]:
    values: dict[str, Any] = {"stage": stage, "date": on.isoformat(), "decided_by": "Cabinet"}
    if stage == "process-chosen":
        values["process"] = "competitive"
    if stage == "evaluated":
        values["criteria"] = CRITERIA
        values["conflicts_of_interest"] = "None declared"
    if stage == "intention-to-award":
        values["provider"] = "P1"
    return values


def walk(procurement: models.Procurement, user: Any, upto: str, start: date = START) -> date:
    """Record every stage up to and including `upto`, a week apart (the standstill's end where it must be);
    returns the last stage's date."""
    on = start
    for stage in stages.ORDER[: stages.ORDER.index(upto) + 1]:
        if stage == "contract-signed" and not procurement.contracts.exists():
            services.contract_create(
                partnership=procurement.partnership, values=contract_values(procurement), user=user
            )
        services.procurement_advance(procurement=procurement, values=stage_values(stage, on), user=user)
        on += timedelta(days=14)
    return on - timedelta(days=14)


def contract_values(procurement: models.Procurement | None = None, **overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "key": "main-contract",
        "title": "Integrated drug and alcohol treatment service",
        "provider": "P1",
        "start": "2024-04-01",
        "end": "2031-03-31",
        "annual_value": "2984360.00",
        "whole_life_value": "20890520.00",
        "max_term_years": 7,
        **({"procurement": procurement.key} if procurement is not None else {}),
    }
    return {**values, **overrides}


@pytest.fixture
def partnership(db: None) -> Any:
    return load_partnership(providers=PROVIDERS)


@pytest.fixture
def lead(partnership: Any) -> Any:
    return member(partnership, Role.LEAD_COMMISSIONER, username="lena")


@pytest.fixture
def procurement(partnership: Any, lead: Any) -> models.Procurement:
    made, _ = services.procurement_create(
        partnership=partnership,
        values={"key": "idats-2024", "title": "Integrated service", "estimated_annual_value": "2984360.00"},
        user=lead,
    )
    return made
