"""The source papers' commissioning, through the same services as every other write.

Croydon (paper 003): the Cabinet approved the strategy for a single stage procurement of one integrated
Adults and Young People's Community Drug and Alcohol Treatment Service, £2,984,360 a year, £20,890,520 for
a maximum seven-year term, bringing about 20 separately held contracts (pharmacy needle exchange, pharmacy
supervised administration, GP Shared Care) into it with a phased transition, the primary care elements
subcontracted by the lead provider. The paper gives no dates, no bidders and no provider: every date after
the strategy, the provider and the 20 legacy contracts' names and values are invented (marked so), the
legacy values summing to the new contract's annual value, as the minutes say the budgets are maintained.
A "single stage procurement" in 2021 is the open procedure (the Provider Selection Regime came in 2024).

B&NES (paper 004): services by Models of Care tier, BADAS the single point of referral, DHI and AWP at
tier 3, In-Volve's young people's service "commissioned until 2007".

load() is idempotent: a partnership whose demo procurement or services exist is left as it is.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from concordat.partnerships.models import Partnership

from . import models, services

INVENTED = "invented"

_CROYDON_SERVICES = [
    {
        "key": "adult-treatment",
        "name": "Adults' community drug and alcohol treatment",
        "tier": 3,
        "modality": "psychosocial",
        "client_group": "adults",
        "source": "Cabinet decision, resolution 1 (tier and modality inferred)",
    },
    {
        "key": "young-people",
        "name": "Young people's community drug and alcohol service",
        "tier": 3,
        "modality": "psychosocial",
        "client_group": "young-people",
        "source": "Cabinet decision, resolution 1 (tier and modality inferred)",
    },
    {
        "key": "needle-exchange",
        "name": "Pharmacy needle exchange",
        "tier": 2,
        "modality": "needle-exchange",
        "client_group": "adults",
        "source": "Cabinet decision, resolution 2",
    },
    {
        "key": "supervised-consumption",
        "name": "Pharmacy supervised administration",
        "tier": 3,
        "modality": "pharmacological",
        "client_group": "adults",
        "source": "Cabinet decision, resolution 2",
    },
    {
        "key": "gp-shared-care",
        "name": "GP Shared Care",
        "tier": 3,
        "modality": "pharmacological",
        "client_group": "adults",
        "source": "Cabinet decision, resolution 2",
    },
]

# The 20 contracts folded in (names, holders and values invented; they sum to £2,984,360.00 a year, the
# budgets the minutes say are maintained), with the phased transition (dates invented).
_ELEMENTS = [
    # element, how many, each a year (pounds), transfer date, holder
    ("Adults' community treatment", 1, 1_874_360, date(2022, 4, 1), "Incumbent adult treatment provider"),
    ("Young people's service", 1, 310_000, date(2022, 4, 1), "Incumbent young people's provider"),
    ("Pharmacy needle exchange", 8, 18_000, date(2022, 10, 1), "Community pharmacy"),
    ("Pharmacy supervised administration", 6, 56_000, date(2023, 1, 1), "Community pharmacy"),
    ("GP Shared Care", 4, 80_000, date(2023, 4, 1), "GP practice"),
]


def _legacy() -> list[dict[str, Any]]:
    entries = []
    for element, count, pounds, transfers_on, holder in _ELEMENTS:
        for n in range(1, count + 1):
            suffix = f" {n}" if count > 1 else ""
            entries.append(
                {
                    "name": f"{element}{suffix} (invented)",
                    "holder": f"{holder}{suffix} (invented)",
                    "element": element,
                    "annual_cost": f"{pounds}.00",
                    "after_cost": f"{pounds}.00",
                    "transfers_on": transfers_on.isoformat(),
                    "source": "invented (the minutes: 'move from 20 contracts to one'; budgets maintained)",
                }
            )
    return entries


def _croydon(partnership: Partnership) -> None:
    if models.Procurement.objects.filter(partnership=partnership, key="idats-2021").exists():
        return
    for values in _CROYDON_SERVICES:
        services.service_save(partnership=partnership, values=values, user=None)
    procurement, _ = services.procurement_create(
        partnership=partnership,
        values={
            "key": "idats-2021",
            "title": "Integrated Adults and Young People's Community Drug and Alcohol Treatment Service",
            "health_care": False,
            "services": [s["key"] for s in _CROYDON_SERVICES],
            "estimated_annual_value": "2984360.00",
            "estimated_whole_life_value": "20890520.00",
            "max_term_years": 7,
            "source": "Cabinet decision, resolutions 1 and 2; every stage after the strategy is invented",
        },
        user=None,
    )
    cabinet = "Croydon Council Cabinet (authority delegated by the Leader of the Council)"
    stages = [
        (
            "strategy-approved",
            "2021-07-12",
            cabinet,
            "Approved the procurement strategy for a single stage procurement resulting in a single contract "
            "(resolution 1); noted the pharmacy and GP elements to be brought into scope with a phased "
            "transition (resolution 2). Date invented: the paper gives none.",
            {},
        ),
        (
            "process-chosen",
            "2021-07-12",
            cabinet,
            "A single stage procurement: the open procedure.",
            {"process": "open"},
        ),
        ("notice-published", "2021-08-02", "", "Invented date.", {"reference": "Invented notice reference"}),
        ("bids-received", "2021-09-13", "", "Invented date; bidders not in the paper.", {}),
        (
            "evaluated",
            "2021-10-15",
            "Evaluation panel (invented)",
            "Invented: the paper gives no criteria.",
            {
                "criteria": [
                    {
                        "name": "Quality and innovation",
                        "weight": 60,
                        "how_assessed": "Method statements scored 0-5 (invented)",
                    },
                    {
                        "name": "Value",
                        "weight": 30,
                        "how_assessed": "Price against the maximum contract value (invented)",
                    },
                    {
                        "name": "Social value",
                        "weight": 10,
                        "how_assessed": "Social value commitments scored 0-5 (invented)",
                    },
                ],
                "conflicts_of_interest": "None declared (invented)",
            },
        ),
        (
            "intention-to-award",
            "2021-11-01",
            "Director of Public Health",
            "Invented date.",
            {"provider": "LEAD"},
        ),
        (
            "standstill-ended",
            "2021-11-11",
            "",
            "Invented: 10 calendar days after the intention to award (the Public Contracts Regulations "
            "2015, regulation 87).",
            {},
        ),
        ("awarded", "2021-11-15", "Director of Public Health", "Invented date.", {}),
    ]
    for stage, on, decided_by, notes, extra in stages:
        services.procurement_advance(
            procurement=procurement,
            values={"stage": stage, "date": on, "decided_by": decided_by, "notes": notes, **extra},
            user=None,
            today=date.fromisoformat(on),  # the papers' history, whatever day the demo is loaded on
        )
    services.contract_create(
        partnership=partnership,
        values={
            "key": "idats-contract",
            "title": "Integrated Adults and Young People's Community Drug and Alcohol Treatment Service",
            "procurement": "idats-2021",
            "provider": "LEAD",
            "services": [s["key"] for s in _CROYDON_SERVICES],
            "start": "2022-04-01",
            "end": "2029-03-31",
            "annual_value": "2984360.00",
            "whole_life_value": "20890520.00",
            "max_term_years": 7,
            "extensions": "Up to the maximum seven-year term (the initial term and extensions are not in the paper)",
            "source": "Cabinet decision, resolution 1 (the dates are invented)",
            "subcontracts": [
                {
                    "subcontractor": "Croydon community pharmacies (invented)",
                    "description": "Pharmacy needle exchange",
                    "annual_value": "144000.00",
                    "source": "Cabinet decision, resolution 2 (value invented)",
                },
                {
                    "subcontractor": "Croydon community pharmacies (invented)",
                    "description": "Pharmacy supervised administration",
                    "annual_value": "336000.00",
                    "source": "Cabinet decision, resolution 2 (value invented)",
                },
                {
                    "subcontractor": "Croydon GP practices (invented)",
                    "description": "GP Shared Care",
                    "annual_value": "320000.00",
                    "source": "Cabinet decision, resolution 2 (value invented)",
                },
            ],
            "legacy": _legacy(),
        },
        user=None,
    )
    services.procurement_advance(
        procurement=procurement,
        values={
            "stage": "contract-signed",
            "date": "2021-12-01",
            "decided_by": "Director of Public Health",
            "notes": "Invented date.",
        },
        user=None,
        today=date(2021, 12, 1),
    )
    # Monitoring (all invented: the paper sets no KPIs): two measures and the first quarter's review.
    contract = models.Contract.objects.get(partnership=partnership, key="idats-contract")
    for values in (
        {
            "key": "waits",
            "name": "Starting treatment within 3 weeks of referral (invented)",
            "target": "95",
            "unit": "%",
        },
        {"key": "completions", "name": "Successful completions (invented)", "target": "20", "unit": "%"},
    ):
        services.contract_kpi_add(contract=contract, values=values, user=None)
    services.contract_review_record(
        contract=contract,
        values={
            "year": "2022-23",
            "quarter": 1,
            "reviewed_on": "2022-07-20",
            "rag": "amber",
            "reason": "Pharmacy needle exchange still moving across: transfers from October (invented)",
            "notes": "Invented for the demonstration.",
        },
        user=None,
    )


_BNES_SERVICES = [
    {
        "key": "tier-1-training",
        "name": "Training for front line staff in the NHS, criminal justice and education",
        "tier": 1,
        "modality": "advice",
        "client_group": "adults",
        "providers": [],
        "source": "Report 4.4 (modality inferred)",
    },
    {
        "key": "open-access",
        "name": "Open access interventions and harm minimisation; the single point of referral",
        "tier": 2,
        "modality": "advice",
        "client_group": "adults",
        "providers": ["BADAS"],
        "source": "Report 4.5",
    },
    {
        "key": "needle-exchange",
        "name": "Needle exchange with pharmacies",
        "tier": 2,
        "modality": "needle-exchange",
        "client_group": "adults",
        "providers": ["BADAS"],
        "source": "Report 4.5",
    },
    {
        "key": "structured-counselling",
        "name": "Structured care-planned treatment",
        "tier": 3,
        "modality": "psychosocial",
        "client_group": "adults",
        "providers": ["DHI", "AWP"],
        "source": "Report 4.6 (modality inferred)",
    },
    {
        "key": "specialist-prescribing",
        "name": "Specialist prescribing",
        "tier": 3,
        "modality": "specialist-prescribing",
        "client_group": "adults",
        "providers": ["AWP"],
        "source": "Report 4.6 (which agency prescribes is inferred)",
    },
    {
        "key": "gp-shared-care",
        "name": "GP shared care prescribing",
        "tier": 3,
        "modality": "gp-prescribing",
        "client_group": "adults",
        "providers": ["BADAS"],
        "source": "Report 4.5 ('with GPs on shared care prescribing')",
    },
    {
        "key": "young-people-treatment",
        "name": "Young people's comprehensive treatment service (Southgate Street, about 100 young people)",
        "tier": 3,
        "modality": "psychosocial",
        "client_group": "young-people",
        "providers": ["INVOLVE"],
        "source": "Report 4.7",
    },
    {
        "key": "young-people-outreach",
        "name": "Rural outreach and primary school project (700-800 young people a year)",
        "tier": 2,
        "modality": "advice",
        "client_group": "young-people",
        "providers": ["INVOLVE"],
        "source": "Report 4.7",
    },
]


def _bnes(partnership: Partnership) -> None:
    if models.Service.objects.filter(partnership=partnership).exists():
        return
    for values in _BNES_SERVICES:
        services.service_save(partnership=partnership, values=values, user=None)
    services.contract_create(
        partnership=partnership,
        values={
            "key": "involve-2007",
            "title": "In-Volve Young People's Drug Service",
            "provider": "INVOLVE",
            "services": ["young-people-treatment", "young-people-outreach"],
            "start": "2004-04-01",
            "end": "2007-03-31",
            "annual_value": "150000.00",
            "source": "Report 4.7: 'commissioned until 2007' (start, end day and value invented)",
        },
        user=None,
    )


def load() -> None:
    """The commissioning of the Croydon and B&NES demo partnerships; loading twice changes nothing."""
    for slug, loader in (("croydon-dat", _croydon), ("bnes-dat", _bnes)):
        partnership = Partnership.objects.filter(slug=slug).first()
        if partnership is not None:
            loader(partnership)
