"""How the audit trail names commissioning's records: every row change is an entry on its partnership's
trail, in plain English ("recorded the stage 'Strategy approved on 2021-03-15' of ...")."""

from __future__ import annotations

from typing import Any

from auditlog.registry import auditlog

from concordat.core.audit import Wording, describe, untracked_fields

from . import models

_PART = frozenset({"partnership", "key"})
_MONEY = {
    "annual_value_pence": "annual value",
    "whole_life_value_pence": "whole-life value",
    "estimated_annual_pence": "estimated annual value",
    "estimated_whole_life_pence": "estimated whole-life value",
    "amount_pence": "amount",
    "annual_cost_pence": "annual cost before",
    "after_cost_pence": "annual cost after",
}

WORDINGS: dict[type[Any], Wording] = {
    models.Service: Wording(noun="service", skip=_PART, labels={"client_group": "client group"}),
    models.Procurement: Wording(noun="procurement", skip=_PART, labels=_MONEY),
    models.StageRecord: Wording(
        noun="stage",
        ref=lambda s: f"the stage '{s}' of the procurement '{s.procurement.title}'",
        skip=frozenset({"procurement", "recorded_at", "recorded_by"}),
        labels={"on": "date", "decided_by": "decision maker"},
    ),
    models.Criterion: Wording(
        noun="evaluation criterion",
        ref=lambda c: f"the criterion '{c}' of the procurement '{c.procurement.title}'",
        skip=frozenset({"procurement"}),
        labels={"how_assessed": "how it was assessed"},
    ),
    models.Representation: Wording(
        noun="representation", skip=frozenset({"procurement", "key"}), labels={"made_by": "made by"}
    ),
    models.Contract: Wording(noun="contract", skip=_PART, labels=_MONEY),
    models.Payment: Wording(
        noun="scheduled payment",
        ref=lambda p: f"the payment of {p.contract.title} for {p.financial_year}",
        skip=frozenset({"contract"}),
        labels=_MONEY,
    ),
    models.Variation: Wording(
        noun="variation",
        ref=lambda v: f"the variation of {v.contract.title} dated {v.on.isoformat()}",
        skip=frozenset({"contract", "key", "recorded_at"}),
        labels={**_MONEY, "on": "date", "end": "new end date", "terminates": "ends the contract early"},
    ),
    models.Subcontract: Wording(noun="subcontract", skip=frozenset({"contract", "key"}), labels=_MONEY),
    models.LegacyContract: Wording(
        noun="legacy contract",
        skip=frozenset({"contract", "key"}),
        labels={**_MONEY, "transfers_on": "transfer date"},
    ),
    models.ContractKpi: Wording(
        noun="contract KPI",
        ref=lambda k: f"the KPI '{k.name}' of {k.contract.title}",
        skip=frozenset({"contract", "key"}),
    ),
    models.ContractReview: Wording(
        noun="contract review",
        ref=lambda r: f"the review of {r.contract.title} for {r.financial_year} Q{r.quarter}",
        skip=frozenset({"contract"}),
        labels={"rag": "RAG status", "reviewed_on": "review date", "year": "financial year"},
    ),
}

for model, wording in WORDINGS.items():
    describe(model, wording)
    auditlog.register(model, exclude_fields=untracked_fields(model))
