"""Commissioning over the API, through the same services as the pages: procurements and their stages,
representations, contracts and variations, services. Money is written as a string with two places
("2984360.00"), dates as YYYY-MM-DD, financial years as "2022-23". Every body is typed (schemas.py: the
OpenAPI document describes each field) and read against its type after the permission check; a body of the
wrong shape, or one the rules refuse, is a 422 problem body whose errors' paths point into the request body
($.annual_value, $.schedule[1].amount); nothing is changed."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Body, Router, Schema, Status
from ninja.errors import ValidationError as InvalidRequest
from pydantic import BaseModel
from pydantic import ValidationError as InvalidBody

from concordat.core.api import PROBLEMS, ProblemError
from concordat.core.money import pence_to_str
from concordat.core.years import FinancialYear
from concordat.partnerships.permissions import partnership_for

from . import commitments, models, ocds, schemas, selectors, services
from .errors import Refused
from .permissions import provider_scope
from .rules import stages

router = Router(tags=["commissioning"])
VIEW = "commissioning.view_commissioning"
CONTRACTS = "commissioning.view_contracts"
CHANGE = "commissioning.change_commissioning"


class ProblemOut(Schema):
    path: str
    code: str
    message: str


class StageOut(Schema):
    stage: str
    label: str
    date: str
    decided_by: str
    reference: str
    notes: str


class CriterionOut(Schema):
    name: str
    weight: int
    how_assessed: str


class RepresentationOut(Schema):
    id: int
    received: str
    answered: str | None
    made_by: str
    summary: str


class LawOut(Schema):
    law: str
    name: str
    process_cites: str
    standstill: str | None
    standstill_cites: str | None


class ProcurementOut(Schema):
    key: str
    title: str
    health_care: bool
    process: str | None
    law: LawOut | None
    estimated_annual_value: str | None
    estimated_whole_life_value: str | None
    max_term_years: int | None
    provider: str | None
    conflicts_of_interest: str
    next_stage: str | None
    standstill_ends: str | None
    stages: list[StageOut]
    criteria: list[CriterionOut]
    representations: list[RepresentationOut]
    contracts: list[str]
    warnings: list[ProblemOut] = []


class PaymentOut(Schema):
    year: str
    amount: str


class VariationOut(Schema):
    key: str
    date: str
    reason: str
    end: str | None
    annual_value: str | None
    whole_life_value: str | None
    schedule: list[PaymentOut]
    terminates: bool


class SubcontractOut(Schema):
    subcontractor: str
    description: str
    annual_value: str | None


class LegacyOut(Schema):
    name: str
    holder: str
    element: str
    annual_cost: str
    after_cost: str | None
    transfers_on: str


class TermsOut(Schema):
    end: str
    annual_value: str
    whole_life_value: str | None
    schedule: list[PaymentOut]


class KpiOut(Schema):
    key: str
    name: str
    kpi: str
    direction: str
    target: str
    unit: str


class ReviewOut(Schema):
    year: str
    quarter: int
    reviewed_on: str
    rag: str
    reason: str
    notes: str


class ContractOut(Schema):
    key: str
    title: str
    procurement: str | None
    provider: str
    services: list[str]
    status: str
    start: str
    original: TermsOut
    current: TermsOut
    max_term_years: int | None
    extensions: str
    variations: list[VariationOut]
    subcontracts: list[SubcontractOut]
    legacy: list[LegacyOut]
    kpis: list[KpiOut]
    reviews: list[ReviewOut]
    spent_from_pool: str
    warnings: list[ProblemOut] = []


class ServiceOut(Schema):
    key: str
    name: str
    tier: int
    modality: str
    client_group: str
    providers: list[str]


def _money(pence: int | None) -> str | None:
    return None if pence is None else pence_to_str(pence)


def _schedule(schedule: dict[int, int]) -> list[dict[str, str]]:
    return [{"year": str(FinancialYear(y)), "amount": pence_to_str(p)} for y, p in sorted(schedule.items())]


def _refused(refusal: Refused) -> ProblemError:
    return ProblemError(422, "Not valid", "Nothing was changed.", refusal.report.errors)


def _procurement_out(p: models.Procurement, warnings: list[Any] = ()) -> dict[str, Any]:  # type: ignore[assignment]
    reached = [stages.Reached(s.stage, s.on) for s in p.stages.all()]
    _, end = selectors.standstill_of(p)
    law = selectors.law_for_page(p)
    process = p.process or None
    return {
        "key": p.key,
        "title": p.title,
        "health_care": p.health_care,
        "process": process,
        "law": None
        if law is None
        else {
            "law": law.code,
            "name": stages.LAWS[law.code],
            "process_cites": law.process_cites,
            "standstill": law.standstill or None,
            "standstill_cites": law.standstill_cites or None,
        },
        "estimated_annual_value": _money(p.estimated_annual_pence),
        "estimated_whole_life_value": _money(p.estimated_whole_life_pence),
        "max_term_years": p.max_term_years,
        "provider": p.awarded_to.code if p.awarded_to else None,
        "conflicts_of_interest": p.conflicts_of_interest,
        "next_stage": stages.next_stage(reached, process),
        "standstill_ends": end.isoformat() if end else None,
        "stages": [
            {
                "stage": s.stage,
                "label": stages.label(s.stage, process, law.code if law else None),
                "date": s.on.isoformat(),
                "decided_by": s.decided_by,
                "reference": s.reference,
                "notes": s.notes,
            }
            for s in p.stages.all()
        ],
        "criteria": [
            {"name": c.name, "weight": c.weight, "how_assessed": c.how_assessed} for c in p.criteria.all()
        ],
        "representations": [
            {
                "id": r.pk,
                "received": r.received.isoformat(),
                "answered": r.answered.isoformat() if r.answered else None,
                "made_by": r.made_by,
                "summary": r.summary,
            }
            for r in p.representations.all()
        ],
        "contracts": [c.key for c in p.contracts.all()],
        "warnings": [w.as_dict() for w in warnings],
    }


def _contract_out(c: models.Contract, warnings: list[Any] = ()) -> dict[str, Any]:  # type: ignore[assignment]
    original, current = selectors.original_terms(c), selectors.terms_of(c)

    def terms(t: Any) -> dict[str, Any]:
        return {
            "end": t.end.isoformat(),
            "annual_value": pence_to_str(t.annual_pence),
            "whole_life_value": _money(t.whole_life_pence),
            "schedule": _schedule(t.schedule),
        }

    return {
        "key": c.key,
        "title": c.title,
        "procurement": c.procurement.key if c.procurement else None,
        "provider": c.provider.code,
        "services": [s.key for s in c.services.all()],
        "status": c.status,  # from the dates, today (models.Contract.status_on)
        "start": c.start.isoformat(),
        "original": terms(original),
        "current": terms(current),
        "max_term_years": c.max_term_years,
        "extensions": c.extensions,
        "variations": [
            {
                "key": v.key,
                "date": v.on.isoformat(),
                "reason": v.reason,
                "end": v.end.isoformat() if v.end else None,
                "annual_value": _money(v.annual_value_pence),
                "whole_life_value": _money(v.whole_life_value_pence),
                "schedule": _schedule({int(y): p for y, p in v.schedule.items()}),
                "terminates": v.terminates,
            }
            for v in c.variations.all()
        ],
        "subcontracts": [
            {
                "subcontractor": s.subcontractor,
                "description": s.description,
                "annual_value": _money(s.annual_value_pence),
            }
            for s in c.subcontracts.all()
        ],
        "legacy": [
            {
                "name": x.name,
                "holder": x.holder,
                "element": x.element,
                "annual_cost": pence_to_str(x.annual_cost_pence),
                "after_cost": _money(x.after_cost_pence),
                "transfers_on": x.transfers_on.isoformat(),
            }
            for x in c.legacy.all()
        ],
        "kpis": [
            {
                "key": k.key,
                "name": k.name,
                "kpi": k.kpi,
                "direction": k.direction,
                "target": f"{k.target.normalize():f}",
                "unit": k.unit,
            }
            for k in c.kpis.all()
        ],
        "reviews": [
            {
                "year": str(r.financial_year),
                "quarter": r.quarter,
                "reviewed_on": r.reviewed_on.isoformat(),
                "rag": r.rag,
                "reason": r.reason,
                "notes": r.notes,
            }
            for r in c.reviews.all()
        ],
        "spent_from_pool": pence_to_str(sum(p.amount_pence for p in commitments.payments_for(c))),
        "warnings": [w.as_dict() for w in warnings],
    }


def _typed(schema: type[BaseModel], body: dict[str, Any]) -> dict[str, Any]:
    """The body, once its shape is `schema`'s; read after the permission check, so a caller who may not
    write learns nothing from a 422. A wrong shape is raised as ninja's own validation error, so it is the
    same problem body, with the same JSON paths, as a typed body anywhere else in the API (core/api.py).
    The body goes on as it was sent: its values are the rules' to judge."""
    try:
        schema.model_validate(body)
    except InvalidBody as invalid:
        raise InvalidRequest(
            [
                {"loc": ("body", "body", *error["loc"]), "type": error["type"], "msg": error["msg"]}
                for error in invalid.errors()
            ]
        ) from None
    return body


def _find_procurement(partnership: Any, key: str) -> models.Procurement:
    found = selectors.procurements(partnership).filter(key=key).first()
    if found is None:
        raise ProblemError(404, "Not found", f"There is no procurement {key}")
    return found


def _find_contract(request: HttpRequest, partnership: Any, key: str) -> models.Contract:
    found = (
        selectors.contracts(partnership, provider_scope(request.user, partnership)).filter(key=key).first()
    )
    if found is None:
        raise ProblemError(404, "Not found", f"There is no contract {key}")
    return found


@router.get(
    "/partnerships/{slug}/services",
    response={200: list[ServiceOut], **PROBLEMS},
    summary="Services commissioned",
)
def service_list(request: HttpRequest, slug: str) -> Any:
    partnership = partnership_for(request.user, slug, VIEW)
    return [
        {
            "key": s.key,
            "name": s.name,
            "tier": s.tier,
            "modality": s.modality,
            "client_group": s.client_group,
            "providers": [p.code for p in s.providers.all()],
        }
        for s in models.Service.objects.filter(partnership=partnership).prefetch_related("providers")
    ]


@router.get(
    "/partnerships/{slug}/procurements",
    response={200: list[ProcurementOut], **PROBLEMS},
    summary="Procurements",
)
def procurement_list(request: HttpRequest, slug: str) -> Any:
    partnership = partnership_for(request.user, slug, VIEW)
    return [_procurement_out(p) for p in selectors.procurements(partnership)]


@router.post(
    "/partnerships/{slug}/procurements",
    response={201: ProcurementOut, **PROBLEMS},
    summary="Start a procurement: title, health_care, services, estimated values, max_term_years, key",
    openapi_extra=schemas.request_body(schemas.ProcurementIn),
)
def procurement_add(request: HttpRequest, slug: str, body: dict[str, Any] = Body(...)) -> Any:
    partnership = partnership_for(request.user, slug, CHANGE)
    body = _typed(schemas.ProcurementIn, body)
    try:
        made, report = services.procurement_create(partnership=partnership, values=body, user=request.user)
    except Refused as refusal:
        raise _refused(refusal) from None
    return Status(201, _procurement_out(_find_procurement(partnership, made.key), report.warnings))


@router.get(
    "/partnerships/{slug}/procurements/{key}",
    response={200: ProcurementOut, **PROBLEMS},
    summary="A procurement",
)
def procurement_read(request: HttpRequest, slug: str, key: str) -> Any:
    partnership = partnership_for(request.user, slug, VIEW)
    return _procurement_out(_find_procurement(partnership, key))


@router.post(
    "/partnerships/{slug}/procurements/{key}/stages",
    response={201: ProcurementOut, **PROBLEMS},
    summary="Record the next stage: stage, date, decided_by and what the stage needs (process, criteria, provider)",
    openapi_extra=schemas.request_body(schemas.StageIn),
)
def procurement_stage_add(request: HttpRequest, slug: str, key: str, body: dict[str, Any] = Body(...)) -> Any:
    partnership = partnership_for(request.user, slug, CHANGE)
    body = _typed(schemas.StageIn, body)
    procurement = _find_procurement(partnership, key)
    try:
        services.procurement_advance(procurement=procurement, values=body, user=request.user)
    except Refused as refusal:
        raise _refused(refusal) from None
    return Status(201, _procurement_out(_find_procurement(partnership, key)))


@router.post(
    "/partnerships/{slug}/procurements/{key}/representations",
    response={201: ProcurementOut, **PROBLEMS},
    summary="Record a representation during the standstill: received, made_by, summary, answered",
    openapi_extra=schemas.request_body(schemas.RepresentationIn),
)
def representation_add(request: HttpRequest, slug: str, key: str, body: dict[str, Any] = Body(...)) -> Any:
    partnership = partnership_for(request.user, slug, CHANGE)
    body = _typed(schemas.RepresentationIn, body)
    procurement = _find_procurement(partnership, key)
    try:
        services.representation_record(procurement=procurement, values=body, user=request.user)
    except Refused as refusal:
        raise _refused(refusal) from None
    return Status(201, _procurement_out(_find_procurement(partnership, key)))


@router.get(
    "/partnerships/{slug}/ocds",
    response={200: dict[str, Any], **PROBLEMS},
    summary="The procurements and contracts as an OCDS 1.1 release package (as `concordat contracts export-ocds`)",
)
def ocds_package(request: HttpRequest, slug: str) -> Any:
    partnership = partnership_for(request.user, slug, VIEW)
    return ocds.exported(partnership, request.user)


@router.get(
    "/partnerships/{slug}/contracts",
    response={200: list[ContractOut], **PROBLEMS},
    summary="Contracts (provider roles: their own provider's)",
)
def contract_list(request: HttpRequest, slug: str) -> Any:
    partnership = partnership_for(request.user, slug, CONTRACTS)
    return [
        _contract_out(c) for c in selectors.contracts(partnership, provider_scope(request.user, partnership))
    ]


@router.post(
    "/partnerships/{slug}/contracts",
    response={201: ContractOut, **PROBLEMS},
    summary="Record a contract with its schedule, subcontracts and legacy contracts",
    openapi_extra=schemas.request_body(schemas.ContractIn),
)
def contract_add(request: HttpRequest, slug: str, body: dict[str, Any] = Body(...)) -> Any:
    partnership = partnership_for(request.user, slug, CHANGE)
    body = _typed(schemas.ContractIn, body)
    try:
        contract, report = services.contract_create(partnership=partnership, values=body, user=request.user)
    except Refused as refusal:
        raise _refused(refusal) from None
    return Status(201, _contract_out(_find_contract(request, partnership, contract.key), report.warnings))


@router.get(
    "/partnerships/{slug}/contracts/{key}", response={200: ContractOut, **PROBLEMS}, summary="A contract"
)
def contract_read(request: HttpRequest, slug: str, key: str) -> Any:
    partnership = partnership_for(request.user, slug, CONTRACTS)
    return _contract_out(_find_contract(request, partnership, key))


@router.post(
    "/partnerships/{slug}/contracts/{key}/variations",
    response={201: ContractOut, **PROBLEMS},
    summary="Record a variation: date, reason and new values (end, annual_value, whole_life_value, schedule)",
    openapi_extra=schemas.request_body(schemas.VariationIn),
)
def variation_add(request: HttpRequest, slug: str, key: str, body: dict[str, Any] = Body(...)) -> Any:
    partnership = partnership_for(request.user, slug, CHANGE)
    body = _typed(schemas.VariationIn, body)
    contract = _find_contract(request, partnership, key)
    try:
        _, report = services.contract_vary(contract=contract, values=body, user=request.user)
    except Refused as refusal:
        raise _refused(refusal) from None
    return Status(201, _contract_out(_find_contract(request, partnership, key), report.warnings))


@router.post(
    "/partnerships/{slug}/contracts/{key}/kpis",
    response={201: ContractOut, **PROBLEMS},
    summary="Add a KPI the contract is held to: name, direction (at-least, at-most), target, unit, kpi",
    openapi_extra=schemas.request_body(schemas.KpiIn),
)
def kpi_add(request: HttpRequest, slug: str, key: str, body: dict[str, Any] = Body(...)) -> Any:
    partnership = partnership_for(request.user, slug, CHANGE)
    body = _typed(schemas.KpiIn, body)
    contract = _find_contract(request, partnership, key)
    try:
        services.contract_kpi_add(contract=contract, values=body, user=request.user)
    except Refused as refusal:
        raise _refused(refusal) from None
    return Status(201, _contract_out(_find_contract(request, partnership, key)))


@router.post(
    "/partnerships/{slug}/contracts/{key}/reviews",
    response={201: ContractOut, **PROBLEMS},
    summary="Record a quarterly review: year, quarter, reviewed_on, rag (green, amber, red), reason, notes",
    openapi_extra=schemas.request_body(schemas.ReviewIn),
)
def review_add(request: HttpRequest, slug: str, key: str, body: dict[str, Any] = Body(...)) -> Any:
    partnership = partnership_for(request.user, slug, CHANGE)
    body = _typed(schemas.ReviewIn, body)
    contract = _find_contract(request, partnership, key)
    try:
        services.contract_review_record(contract=contract, values=body, user=request.user)
    except Refused as refusal:
        raise _refused(refusal) from None
    return Status(201, _contract_out(_find_contract(request, partnership, key)))
