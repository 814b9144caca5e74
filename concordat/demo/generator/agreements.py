"""Synthetic partnerships: the partnership file (partnership-file.md) of each partnership the generator
makes up, valid for `concordat partnership check`, marked `demo: true`.

Names, areas and providers are invented: the area codes are GSS-shaped codes in a range the ONS has not
used for councils (E06 9xxxxx), so they are not mistaken for a real place.
"""

from __future__ import annotations

import random
from datetime import date
from typing import Any

from concordat.core.years import FinancialYear

# Provider kinds a partnership may commission beside its main community service: (name, tiers).
PROVIDER_KINDS = (
    ("Specialist prescribing service", (3,)),
    ("Harm reduction and needle exchange", (2,)),
    ("Residential rehabilitation", (4,)),
    ("Inpatient detoxification unit", (4,)),
    ("Recovery service", (3,)),
    ("Criminal justice drug service", (2, 3)),
    ("Young adults' substance misuse service", (2, 3)),
)
MAIN_PROVIDER = ("Community drug and alcohol service", (2, 3))
CONTRIBUTIONS_AT_MOST = 30  # partnership-file limits: 30 contribution lines
POUNDS_A_PERSON = 1_400  # a pooled budget of the order of £1,400 a year for each person newly referred


def slug_for(index: int) -> str:
    return f"synthetic-{index + 1:03d}"


def area_codes(index: int, rng: random.Random) -> list[str]:
    first = f"E069{index + 1:05d}"
    # One partnership in seven covers a second (district) area, as joint DATs did.
    return [first, f"E079{index + 1:05d}"] if rng.random() < 1 / 7 else [first]


def providers_for(rng: random.Random) -> list[dict[str, Any]]:
    """Two to six providers: the community service, and others of the kinds above."""
    count = rng.randint(2, 6)
    kinds = [MAIN_PROVIDER, *rng.sample(PROVIDER_KINDS, count - 1)]
    return [
        {"code": f"PRV{number}", "name": f"{name} (synthetic)", "tiers": list(tiers), "source": "invented"}
        for number, (name, tiers) in enumerate(kinds, start=1)
    ]


def partnership_file(
    *,
    index: int,
    areas: list[str],
    providers: list[dict[str, Any]],
    start: date,
    years: int,
    persons_per_year: float,
    accessing_first_year: int,
    in_treatment_first_year: int,
) -> dict[str, Any]:
    """The partnership file of synthetic partnership `index`, its targets of the order of what the
    generated data shows in its first year (the baseline a fifth lower: the 1998 baselines were grown
    from)."""
    slug = slug_for(index)
    name = f"Synthetic Partnership {index + 1:03d}"
    first_year = FinancialYear.containing(start)
    streams = [
        {
            "code": "PTB",
            "name": "Pooled treatment budget",
            "partner": "NHS",
            "ring_fenced": "treatment",
            "source": "invented",
        },
        {"code": "COUNCIL", "name": "Council substance misuse budget", "partner": "LA", "source": "invented"},
        {"code": "CJ", "name": "Criminal justice drug funding", "partner": "PROB", "source": "invented"},
    ]
    shares = {"PTB": 0.65, "COUNCIL": 0.25, "CJ": 0.10}
    contributions = []
    for offset in range(min(years, CONTRIBUTIONS_AT_MOST // len(streams))):
        year = FinancialYear(first_year.start_year + offset)
        for stream in streams:
            pounds = round(persons_per_year * POUNDS_A_PERSON * shares[stream["code"]] * 1.02**offset, -3)
            contributions.append(
                {"stream": stream["code"], "year": str(year), "amount": f"{pounds:.2f}", "source": "invented"}
            )
    return {
        "slug": slug,
        "demo": True,
        "name": name,
        "client_group": "drugs-and-alcohol",
        "area": areas,
        "flexibilities": ["pooled-fund", "lead-commissioning"],
        "agreement_date": date(start.year - 1, 10, 1).isoformat(),
        "start_date": start.isoformat(),
        "responsible_officer": f"Chair of {name} (synthetic)",
        "host_partner": "LA",
        "lead_commissioner": "LA",
        "partners": [
            {
                "code": "LA",
                "name": f"Synthetic Council {index + 1:03d}",
                "kind": "local-authority",
                "org_code": areas[0],
                "source": "invented",
            },
            {
                "code": "NHS",
                "name": f"Synthetic NHS Commissioner {index + 1:03d}",
                "kind": "nhs",
                "source": "invented",
            },
            {
                "code": "POLICE",
                "name": f"Synthetic Police {index + 1:03d}",
                "kind": "police",
                "source": "invented",
            },
            {
                "code": "PROB",
                "name": f"Synthetic Probation {index + 1:03d}",
                "kind": "probation",
                "source": "invented",
            },
        ],
        "funding_streams": streams,
        "contributions": contributions,
        "eligibility": {
            "min_age": 18,
            "residence_in_area": True,
            "description": "Adults with drug or alcohol problems living in the partnership's area (synthetic).",
        },
        "targets": {
            "baseline": {
                "kpi": "in_treatment",
                "year": str(FinancialYear(first_year.start_year - 1)),
                "value": _round5(in_treatment_first_year * 0.8),
            },
            "accessing_services": {"year": str(first_year), "value": _round5(accessing_first_year * 1.05)},
            "waiting_time_days": 21,
            "waiting_within_threshold_pct": 90,
        },
        "aims": [
            "To commission drug and alcohol treatment for the partnership's area (synthetic demonstration data)."
        ],
        "providers": providers,
    }


def _round5(value: float) -> int:
    """Published local figures are rounded to the nearest 5 (NDTMS ViewIt's practice)."""
    return max(5, 5 * round(value / 5))
