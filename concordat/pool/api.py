"""The pooled fund over the API: read a statement (the same JSON as `concordat pool statement --json`),
list and read transactions, post a contribution, payment, accrual or reversal, through the same services.

Posting is idempotent by `ref`: sending the same posting again answers 200 with the transaction already
posted (201 the first time); the same ref with other content is refused (409, `ref-conflict`). Any other
broken rule is a 422 problem body whose errors name the field (`$.amount`, code `ring-fence` …).
"""

from __future__ import annotations

from datetime import date as Day
from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest, JsonResponse
from ninja import Body, Query, Router, Schema, Status
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from concordat.core.api import PROBLEMS, ProblemBody, ProblemEntry, ProblemError
from concordat.core.money import pence_to_str
from concordat.core.problems import Problem
from concordat.core.years import FinancialYear, YearError
from concordat.partnerships.permissions import partnership_for

from . import selectors, services
from .errors import PostingRefused
from .models import Transaction
from .permissions import POST, VIEW
from .rules.postings import Draft, parse_amount

router = Router(tags=["pool"])


class PartnerOut(Schema):
    code: str
    planned: str
    received: str
    share_pct: str | None
    attributed_spend: str
    variance_share: str


class StreamOut(Schema):
    code: str
    planned: str
    received: str
    ring_fenced: str | None


class WarningOut(Schema):
    code: str
    message: str


class SchemeOut(Schema):
    code: str
    name: str
    partner: str
    purpose: str
    maximum: str | None
    actual_spend: str
    committed: str
    forecast: str


class StatementOut(Schema):
    partnership: str
    year: str
    quarter: int | None
    budget: str
    received: str
    actual_spend: str
    committed: str
    forecast_outturn: str
    variance: str
    partners: list[PartnerOut]
    streams: list[StreamOut]
    warnings: list[WarningOut]
    schemes: list[SchemeOut] | None = Field(None, description="Only for a partnership with schemes")
    risk_reserve: str | None = Field(None, description="Only for a year with a risk reserve")


class LegOut(Schema):
    account: str
    amount: str


class TransactionOut(Schema):
    ref: str
    sequence: int
    date: Day
    year: str
    quarter: int
    kind: str
    description: str
    stream: str
    contract: str
    purpose: str
    scheme: str
    amount: str
    reverses: str | None
    reversed_by: str | None
    posted_by: str
    posted_at: datetime
    hash: str
    legs: list[LegOut]
    warnings: list[ProblemEntry] = Field(
        [], description="When just posted: what was posted but should be looked at (not-a-contract, …)"
    )


class PostingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # Fields are checked after the permission (a caller who may not post learns nothing from a 422) and
    # by the same rules as the file: a missing ref, date or kind is a problem at its field.
    ref: str = Field("", max_length=64)
    date: Day | None = None
    kind: Literal["contribution", "payment", "accrual", "reversal", ""] = ""
    amount: str | None = Field(
        None, description="Positive decimal pounds with two places; not for a reversal"
    )
    stream: str = Field("", max_length=32)
    contract: str = Field("", max_length=64)
    purpose: str = Field("", max_length=40)
    reverses: str = Field("", max_length=64)
    description: str = Field("", max_length=500)


class ReversalIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ref: str = Field("", max_length=64, description="The reversal's own ref")
    date: Day | None = None
    description: str = Field("", max_length=500)


class Filters(Schema):
    year: str | None = None
    quarter: int | None = Field(None, ge=1, le=4)
    kind: str | None = None
    stream: str | None = None
    scheme: str | None = None
    limit: int = Field(100, ge=1, le=500)
    offset: int = Field(0, ge=0)


def transaction_out(t: Transaction) -> dict[str, Any]:
    reversed_by = getattr(t, "reversed_by", None) if hasattr(t, "reversed_by") else None
    return {
        "ref": t.ref,
        "sequence": t.sequence,
        "date": t.date,
        "year": str(t.financial_year),
        "quarter": t.quarter,
        "kind": t.kind,
        "description": t.description,
        "stream": t.stream,
        "contract": t.contract,
        "purpose": t.purpose,
        "scheme": t.scheme,
        "amount": pence_to_str(t.amount_pence),
        "reverses": t.reverses.ref if t.reverses_id else None,
        "reversed_by": reversed_by.ref if reversed_by is not None else None,
        "posted_by": t.posted_by,
        "posted_at": t.posted_at,
        "hash": t.hash,
        "legs": [
            {"account": leg.account.code, "amount": pence_to_str(leg.amount_pence)} for leg in t.legs.all()
        ],
    }


def _year(text: str, where: str) -> FinancialYear:
    try:
        return FinancialYear.parse(text)
    except YearError as error:
        raise ProblemError(
            422, "The request is not valid", "", [Problem(where, "invalid-year", str(error))]
        ) from None


@router.get(
    "/partnerships/{slug}/pool/statement",
    response={200: StatementOut, **PROBLEMS},
    summary="The pooled fund's statement for a financial year, or for the year to a quarter's end",
)
def statement_read(
    request: HttpRequest, slug: str, year: str | None = None, quarter: int | None = None
) -> Any:
    partnership = partnership_for(request.user, slug, VIEW)  # before the parameters: outsiders learn nothing
    if quarter is not None and quarter not in (1, 2, 3, 4):
        raise ProblemError(
            422, "The request is not valid", "", [Problem("quarter", "invalid-quarter", "1 to 4")]
        )
    result = selectors.statement(partnership, _year(year or "", "year"), quarter)
    return JsonResponse(selectors.statement_json(result))  # exactly the command's JSON, optional keys absent


@router.get(
    "/partnerships/{slug}/pool/transactions",
    response={200: list[TransactionOut], **PROBLEMS},
    summary="The ledger, in the order posted, filtered by year, quarter, kind, stream or scheme",
)
def transaction_list(request: HttpRequest, slug: str, filters: Query[Filters]) -> Any:
    partnership = partnership_for(request.user, slug, VIEW)
    rows = selectors.transactions(
        partnership,
        year=_year(filters.year, "year") if filters.year else None,
        quarter=filters.quarter,
        kind=filters.kind,
        stream=filters.stream,
        scheme=filters.scheme,
    )
    return [transaction_out(t) for t in rows[filters.offset : filters.offset + filters.limit]]


@router.get(
    "/partnerships/{slug}/pool/transactions/{ref}",
    response={200: TransactionOut, **PROBLEMS},
    summary="One transaction, with its legs",
)
def transaction_read(request: HttpRequest, slug: str, ref: str) -> Any:
    partnership = partnership_for(request.user, slug, VIEW)
    found = selectors.transactions(partnership).filter(ref=ref).first()
    if found is None:
        raise ProblemError(404, "Not found", f"There is no transaction {ref} in this ledger.")
    return transaction_out(found)


def _body(schema: type[BaseModel], body: dict[str, Any]) -> Any:
    """The body read as `schema`, after the permission check (a caller who may not post learns nothing
    from a 422); its problems as a problem body, paths into the body."""
    try:
        return schema.model_validate(body)
    except ValidationError as invalid:
        problems = [
            Problem(".".join(str(part) for part in error["loc"]), str(error["type"]), str(error["msg"]))
            for error in invalid.errors()
        ]
        raise ProblemError(422, "The request is not valid", "Nothing was posted.", problems) from None


def _required(**values: Any) -> None:
    missing = [
        Problem(name, "missing-value", f"{name} is required") for name, value in values.items() if not value
    ]
    if missing:
        raise ProblemError(422, "The posting was refused", "Nothing was posted.", missing)


def _posted(partnership: Any, draft: Draft, user: Any) -> Any:
    try:
        batch = services.postings_post(partnership=partnership, drafts=[draft], actor=user)
    except PostingRefused as refused:  # pragma: no cover - postings_post reports, it does not raise
        raise ProblemError(
            422, "The posting was refused", "Nothing was posted.", refused.report.errors
        ) from None
    if not batch.accepted:
        problems = [Problem(i.column, i.code, i.message) for i in batch.issues[0]]
        status = 409 if any(p.code == "ref-conflict" for p in problems) else 422
        raise ProblemError(status, "The posting was refused", "Nothing was posted.", problems)
    if batch.created:
        out = transaction_out(selectors.transactions(partnership).get(pk=batch.created[0].pk))
        out["warnings"] = [Problem(i.column, i.code, i.message) for i in batch.warnings.get(0, [])]
        return Status(201, out)
    return Status(200, transaction_out(selectors.transactions(partnership).get(pk=batch.skipped[0].pk)))


@router.post(
    "/partnerships/{slug}/pool/transactions",
    response={200: TransactionOut, 201: TransactionOut, 409: ProblemBody, **PROBLEMS},
    summary="Post a contribution, payment, accrual or reversal; the same ref and content again changes nothing",
    openapi_extra={
        "requestBody": {"content": {"application/json": {"schema": PostingIn.model_json_schema()}}}
    },
)
def transaction_post(request: HttpRequest, slug: str, body: dict[str, Any] = Body(...)) -> Any:
    partnership = partnership_for(request.user, slug, POST)
    body = _body(PostingIn, body)
    _required(ref=body.ref, date=body.date, kind=body.kind)
    assert body.date is not None
    amount = None
    if body.amount not in (None, ""):
        amount, issue = parse_amount(str(body.amount))
        if issue:
            raise ProblemError(
                422,
                "The posting was refused",
                "Nothing was posted.",
                [Problem(issue.column, issue.code, issue.message)],
            )
    draft = Draft(
        body.ref,
        body.kind,
        body.date,
        amount,
        stream=body.stream,
        contract=body.contract,
        purpose=body.purpose,
        reverses=body.reverses,
        description=body.description,
    )
    return _posted(partnership, draft, request.user)


@router.post(
    "/partnerships/{slug}/pool/transactions/{ref}/reversal",
    response={200: TransactionOut, 201: TransactionOut, 409: ProblemBody, **PROBLEMS},
    summary="Reverse a transaction (once), with a new transaction of the opposite legs",
    openapi_extra={
        "requestBody": {"content": {"application/json": {"schema": ReversalIn.model_json_schema()}}}
    },
)
def transaction_reverse(request: HttpRequest, slug: str, ref: str, body: dict[str, Any] = Body(...)) -> Any:
    partnership = partnership_for(request.user, slug, POST)
    body = _body(ReversalIn, body)
    _required(ref=body.ref, date=body.date)
    assert body.date is not None
    draft = Draft(body.ref, "reversal", body.date, None, reverses=ref, description=body.description)
    return _posted(partnership, draft, request.user)
