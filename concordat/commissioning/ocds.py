"""A partnership's procurements and contracts as an Open Contracting Data Standard 1.1 release package.

One release per contracting process: each procurement (planning with its budget, the tender, the award,
its contracts with their variations as amendments and the pool's payments as implementation transactions),
and each contract recorded without a procurement. A partnership with neither publishes one planning
release of its commissioning budget, so the package always holds a release (the schema asks for one).
Identifiers: ocid = OCDS_PREFIX + "-" + partnership slug + "-" + the procurement's (or contract's) key.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from django.conf import settings

from concordat.core import clock
from concordat.partnerships.models import Partnership, Provider

from . import commitments, models, selectors
from .rules import stages

VERSION = "1.1"
CURRENCY = "GBP"

# How each process reads in OCDS's closed procurementMethod codelist.
METHODS = {
    "direct-award-a": "direct",
    "direct-award-b": "direct",
    "direct-award-c": "direct",
    "most-suitable-provider": "limited",
    "competitive": "open",
    "open": "open",
    "restricted": "selective",
    "competitive-flexible": "selective",
}
# The status worked out from the dates (rules/status.py) in OCDS's contractStatus codelist: a contract
# that has come to a close, at its end or early, is "terminated"; an extended one is still "active".
CONTRACT_STATUSES = {
    "planned": "pending",
    "active": "active",
    "extended": "active",
    "ended": "terminated",
    "terminated": "terminated",
}


def _when(day: date | None) -> str | None:
    return datetime.combine(day, time(0), tzinfo=UTC).isoformat().replace("+00:00", "Z") if day else None


def _value(pence: int | None) -> dict[str, Any] | None:
    # OCDS amounts are JSON numbers; pence / 100 is exact to the penny in a double below 2^53 pence
    return None if pence is None else {"amount": pence / 100, "currency": CURRENCY}


def _org(provider: Provider) -> dict[str, Any]:
    return {"id": f"provider-{provider.code}", "name": provider.name}


def _buyer(partnership: Partnership) -> dict[str, Any]:
    return {"id": f"buyer-{partnership.slug}", "name": partnership.lead_commissioner_name or partnership.name}


def _drop_none(mapping: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in mapping.items() if v not in (None, [], {}, "")}


def ocid(partnership: Partnership, key: str) -> str:
    return f"{settings.OCDS_PREFIX}-{partnership.slug}-{key}"


def _contract(contract: models.Contract, award_id: str) -> dict[str, Any]:
    terms = selectors.terms_of(contract)
    signed = None
    if contract.procurement is not None:
        signed = next((s.on for s in contract.procurement.stages.all() if s.stage == "contract-signed"), None)
    return _drop_none(
        {
            "id": contract.key,
            "awardID": award_id,
            "title": contract.title,
            "status": CONTRACT_STATUSES[contract.status_on(clock.today())],
            "period": _drop_none(
                {"startDate": _when(contract.start), "endDate": _when(terms.end), "maxExtentDate": None}
            ),
            "value": _value(
                terms.whole_life_pence if terms.whole_life_pence is not None else sum(terms.schedule.values())
            ),
            "dateSigned": _when(signed),
            "amendments": [
                _drop_none(
                    {
                        "id": v.key,
                        "date": _when(v.on),
                        "rationale": v.reason,
                        "description": _variation_words(v),
                    }
                )
                for v in contract.variations.all()
            ],
            "implementation": _drop_none(
                {
                    "transactions": [
                        {
                            "id": str(payment.ref),
                            "date": _when(payment.date),
                            "value": _value(payment.amount_pence),
                            "payer": {
                                "id": f"buyer-{contract.partnership.slug}",
                                "name": contract.partnership.name,
                            },
                            "payee": _org(contract.provider),
                        }
                        for payment in commitments.payments_for(contract)
                    ]
                }
            ),
        }
    )


def _variation_words(v: models.Variation) -> str:
    from concordat.core.money import format_pounds

    parts = []
    if v.end:
        parts.append(f"end date {v.end.isoformat()}")
    if v.annual_value_pence is not None:
        parts.append(f"annual value {format_pounds(v.annual_value_pence)}")
    if v.whole_life_value_pence is not None:
        parts.append(f"whole-life value {format_pounds(v.whole_life_value_pence)}")
    if v.schedule:
        parts.append(f"payments for {len(v.schedule)} financial year(s)")
    return "New " + ", ".join(parts) if parts else ""


def _procurement_release(p: models.Procurement, published: str) -> dict[str, Any]:
    partnership = p.partnership
    done = {s.stage: s for s in p.stages.all()}
    tags = ["planning"]
    tender_status = "planning"
    if "notice-published" in done:
        tags.append("tender")
        tender_status = "active"
    if "awarded" in done:
        tender_status = "complete"
    parties: dict[str, dict[str, Any]] = {
        _buyer(partnership)["id"]: {**_buyer(partnership), "roles": ["buyer", "procuringEntity"]}
    }
    awards = []
    contracts = list(p.contracts.all())
    if "awarded" in done and p.awarded_to is not None:
        tags.append("award")
        award_id = f"{p.key}-award"
        supplier = _org(p.awarded_to)
        parties[supplier["id"]] = {**supplier, "roles": ["supplier"]}
        awards.append(
            _drop_none(
                {
                    "id": award_id,
                    "status": "active",
                    "date": _when(done["awarded"].on),
                    "value": _value(p.estimated_whole_life_pence),
                    "suppliers": [supplier],
                }
            )
        )
    if contracts:
        tags.append("contract")
        if any(commitments.payments_for(c) for c in contracts):
            tags.append("implementation")
    for c in contracts:
        supplier = _org(c.provider)
        parties.setdefault(supplier["id"], {**supplier, "roles": ["supplier"]})
    latest = max((s.on for s in done.values()), default=None)
    tender = _drop_none(
        {
            "id": p.key,
            "title": p.title,
            "status": tender_status,
            "procuringEntity": _buyer(partnership),
            "value": _value(p.estimated_whole_life_pence),
            "procurementMethod": METHODS.get(p.process),
            "procurementMethodDetails": stages.PROCESSES.get(p.process),
            "procurementMethodRationale": done["process-chosen"].notes if "process-chosen" in done else None,
            "mainProcurementCategory": "services",
            "awardCriteriaDetails": "; ".join(
                f"{c.name} ({c.weight}%): {c.how_assessed}" for c in p.criteria.all()
            ),
            "awardPeriod": _drop_none(
                {
                    "startDate": _when(done["intention-to-award"].on)
                    if "intention-to-award" in done
                    else None,
                    "endDate": _when(done["awarded"].on) if "awarded" in done else None,
                }
            ),
            "milestones": [
                {
                    "id": s.stage,
                    "title": stages.label(s.stage, p.process or None, selectors.law_of(p)),
                    "status": "met",
                    "dateMet": _when(s.on),
                }
                for s in done.values()
            ],
        }
    )
    release_id = f"{ocid(partnership, p.key)}-{(latest or clock.today()).isoformat()}"
    return _drop_none(
        {
            "ocid": ocid(partnership, p.key),
            "id": release_id,
            "date": published,
            "tag": tags,
            "initiationType": "tender",
            "parties": list(parties.values()),
            "buyer": _buyer(partnership),
            "planning": _drop_none(
                {
                    "rationale": done["strategy-approved"].notes if "strategy-approved" in done else None,
                    "budget": _drop_none(
                        {
                            "id": f"{p.key}-budget",
                            "description": f"{p.title}: estimated value over {p.max_term_years} years"
                            if p.max_term_years
                            else f"{p.title}: estimated value",
                            "amount": _value(p.estimated_whole_life_pence or p.estimated_annual_pence),
                        }
                    ),
                }
            ),
            "tender": tender,
            "awards": awards,
            "contracts": [_contract(c, f"{p.key}-award") for c in contracts],
        }
    )


def _direct_release(c: models.Contract, published: str) -> dict[str, Any]:
    """A contract recorded without a procurement (a legacy or direct contract): its own award and contract."""
    partnership = c.partnership
    supplier = _org(c.provider)
    award_id = f"{c.key}-award"
    tags = ["award", "contract"] + (["implementation"] if commitments.payments_for(c) else [])
    return {
        "ocid": ocid(partnership, c.key),
        "id": f"{ocid(partnership, c.key)}-{c.start.isoformat()}",
        "date": published,
        "tag": tags,
        "initiationType": "tender",
        "parties": [{**_buyer(partnership), "roles": ["buyer"]}, {**supplier, "roles": ["supplier"]}],
        "buyer": _buyer(partnership),
        "awards": [
            {
                "id": award_id,
                "status": "active",
                "suppliers": [supplier],
                "value": _value(c.annual_value_pence),
            }
        ],
        "contracts": [_contract(c, award_id)],
    }


def _budget_release(partnership: Partnership, published: str) -> dict[str, Any]:
    total = sum(partnership.contributions.values_list("amount_pence", flat=True))
    return {
        "ocid": ocid(partnership, "commissioning"),
        "id": f"{ocid(partnership, 'commissioning')}-{published[:10]}",
        "date": published,
        "tag": ["planning"],
        "initiationType": "tender",
        "parties": [{**_buyer(partnership), "roles": ["buyer"]}],
        "buyer": _buyer(partnership),
        "planning": {
            "budget": {
                "id": f"{partnership.slug}-budget",
                "description": "Planned contributions to the partnership's commissioning, all years",
                "amount": _value(total),
            }
        },
    }


def release_package(partnership: Partnership) -> dict[str, Any]:
    """The OCDS 1.1 release package of `partnership`'s procurements and contracts."""
    published = _when(clock.today()) or ""
    procurements = list(
        selectors.procurements(partnership).prefetch_related("contracts__variations", "contracts__provider")
    )
    direct = list(selectors.contracts(partnership).filter(procurement__isnull=True))
    releases = [_procurement_release(p, published) for p in procurements]
    releases += [_direct_release(c, published) for c in direct]
    if not releases:
        releases = [_budget_release(partnership, published)]
    return {
        "uri": f"urn:concordat:ocds:{partnership.slug}",
        "version": VERSION,
        "publishedDate": published,
        "publisher": {"name": partnership.name},
        "releases": releases,
    }


def exported(partnership: Partnership, actor: Any) -> dict[str, Any]:
    """The release package, its export an entry on the audit trail (web, API and command line alike)."""
    from concordat.core.audit import record_event
    from concordat.core.models import Kind

    package = release_package(partnership)
    record_event(
        kind=Kind.FILE_EXPORTED,
        actor=actor,
        partnership_slug=partnership.slug,
        summary="exported the procurements and contracts as open contracting data (OCDS)",
        obj=partnership,
    )
    return package
