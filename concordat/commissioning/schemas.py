"""The commissioning API's request bodies as typed models: the OpenAPI document describes every field from
them, and a body is read against them after the permission check (a caller who may not write learns
nothing from a 422), so a wrong type, a missing required field or a key nobody reads is a problem at its
JSON path before anything else runs.

They type the shape only. What a value means — money written as pounds with two places, a date that is a
real day, a stage in its turn, a code the partnership has, a text within its limit — stays with the rules
(rules/check.py, rules/monitoring.py), which read the body exactly as it was sent: the patterns, limits and
vocabularies below are what those rules accept, written into the document, and the rules refuse the rest
with their own codes (`invalid-money`, `invalid-choice` …) whatever the way in (page, API, demo).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    StrictBool,
    StrictInt,
    StrictStr,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

from concordat.core.codes import ENTRY_KEY
from concordat.partnerships.rules.limits import CODE, LONG, NAME, PROSE, SOURCE

from .rules import monitoring, stages
from .rules.check import MAX_LIST
from .rules.status import STATUSES

MONEY_PATTERN = r"^[0-9]+\.[0-9]{2}$"
YEAR_PATTERN = r"^[0-9]{4}-[0-9]{2}$"


def _text(max_length: int) -> Any:
    return Annotated[StrictStr, WithJsonSchema({"type": "string", "maxLength": max_length})]


def _choice(values: Any) -> Any:
    return Annotated[StrictStr, WithJsonSchema({"type": "string", "enum": list(values)})]


def _whole(low: int, high: int) -> Any:
    return Annotated[StrictInt, WithJsonSchema({"type": "integer", "minimum": low, "maximum": high})]


def _about(description: str, default: Any = None, **extra: Any) -> Any:
    """A field's description in the document (and its default: None for an optional field)."""
    return Field(default, description=description, json_schema_extra=extra or None)


def _listed(description: str) -> Any:
    return _about(f"{description}; at most {MAX_LIST}", maxItems=MAX_LIST)


Money = Annotated[
    StrictStr,
    WithJsonSchema(
        {
            "type": "string",
            "pattern": MONEY_PATTERN,
            "description": "Pounds with two decimal places, as a string",
            "examples": ["2984360.00"],
        }
    ),
]
Day = Annotated[date, WithJsonSchema({"type": "string", "format": "date", "description": "YYYY-MM-DD"})]
Year = Annotated[
    StrictStr,
    WithJsonSchema(
        {
            "type": "string",
            "pattern": YEAR_PATTERN,
            "description": "A financial year",
            "examples": ["2022-23"],
        }
    ),
]
Key = Annotated[
    StrictStr,
    WithJsonSchema(
        {
            "type": "string",
            "pattern": ENTRY_KEY.pattern,
            "description": "The record's stable reference; one is made when it is left out",
        }
    ),
]
Code = _text(CODE)
Name = _text(NAME)
Line = _text(LONG)
Prose = _text(PROSE)
Short = _text(40)
Source = _text(SOURCE)
Term = _whole(1, 50)
Weight = _whole(1, 100)
Quarter = _whole(1, 4)
Stage = _choice(stages.ORDER)
Process = _choice(stages.PROCESSES)
Status = _choice(STATUSES)
Direction = _choice(monitoring.DIRECTIONS)
Rag = _choice(monitoring.RAG)
SOURCE_TEXT = "Where the record comes from: a citation in words, or 'invented'"


def _number(value: Any) -> Any:
    # Text or a JSON number: rules/monitoring reads either the same way (at most two decimal places).
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        raise PydanticCustomError("number_type", "Input should be a number, or a number written as text")
    return value


Number = Annotated[
    Any,
    PlainValidator(_number),
    WithJsonSchema(
        {
            "anyOf": [{"type": "string", "pattern": r"^-?[0-9]+(\.[0-9]{1,2})?$"}, {"type": "number"}],
            "description": "A number with at most two decimal places",
            "examples": ["85", "12.5"],
        }
    ),
]


class Body(BaseModel):
    """A request body: an object of the keys below and no others (a misspelt key is not ignored)."""

    model_config = ConfigDict(extra="forbid")


class ProcurementIn(Body):
    key: Key | None = None
    title: Line
    health_care: StrictBool | None = _about(
        "A health care service (the Provider Selection Regime); true when left out"
    )
    services: list[Code] | None = _listed("The services it buys, by their keys")
    estimated_annual_value: Money | None = None
    estimated_whole_life_value: Money | None = None
    max_term_years: Term | None = None
    source: Source | None = _about(SOURCE_TEXT)


class CriterionIn(Body):
    name: Name
    weight: Weight = _about("Percent; the weights add up to 100", ...)
    how_assessed: Prose


class StageIn(Body):
    stage: Stage = _about("The next stage: stages are recorded in this order, none skipped", ...)
    date: Day
    decided_by: Line | None = _about("Who decided; needed for strategy-approved, process-chosen and awarded")
    notes: Prose | None = None
    reference: Line | None = None
    conflicts_of_interest: Prose | None = None
    process: Process | None = _about(
        "For process-chosen: a process of the law in force on its date: before 1 January 2024 the Public "
        "Contracts Regulations 2015 (open, restricted); then for health care the Provider Selection Regime "
        "(direct-award-a/b/c, most-suitable-provider, competitive); for other services the Public Contracts "
        "Regulations 2015 until 24 February 2025, the Procurement Act 2023 (open, competitive-flexible) after"
    )
    criteria: list[CriterionIn] | None = _listed(
        "For evaluated: the weighted criteria the bids were evaluated against"
    )
    provider: Code | None = _about(
        "For intention-to-award, or for awarded where the process has none (direct award A and B): the "
        "provider's code"
    )


class RepresentationIn(Body):
    received: Day
    answered: Day | None = None
    made_by: Name
    summary: Prose | None = None


class PaymentIn(Body):
    year: Year
    amount: Money


class SubcontractIn(Body):
    subcontractor: Name
    description: Line
    annual_value: Money | None = None
    source: Source | None = _about(SOURCE_TEXT)


class LegacyContractIn(Body):
    name: Line
    holder: Name | None = _about("Who held it")
    element: Name = _about("The element of the new service it becomes", ...)
    annual_cost: Money = _about("What it cost a year before", ...)
    after_cost: Money | None = _about("What the element costs a year inside the new contract")
    transfers_on: Day = _about("When the element moves into the new contract", ...)
    source: Source | None = _about(SOURCE_TEXT)


class ContractIn(Body):
    key: Key | None = None
    title: Line
    procurement: Code | None = _about("The procurement that awarded it, by its key")
    provider: Code = _about("The provider's code", ...)
    services: list[Code] | None = _listed("The services it delivers, by their keys")
    start: Day
    end: Day
    annual_value: Money
    whole_life_value: Money | None = None
    max_term_years: Term | None = None
    extensions: Line | None = None
    status: Status | None = _about(
        "Ignored, with a warning: the status is worked out from the dates and the variations"
    )
    source: Source | None = _about(SOURCE_TEXT)
    schedule: list[PaymentIn] | None = _listed(
        "Payments by financial year; derived from the annual value when left out"
    )
    subcontracts: list[SubcontractIn] | None = _listed("Parts delivered by other organisations")
    legacy: list[LegacyContractIn] | None = _listed("Contracts folded into this one")


class VariationIn(Body):
    key: Key | None = None
    date: Day
    reason: Prose
    end: Day | None = _about("The new end date")
    annual_value: Money | None = None
    whole_life_value: Money | None = None
    schedule: list[PaymentIn] | None = _listed("The new schedule, by financial year")
    terminates: StrictBool | None = _about(
        "Ends the contract early: `end` is its last day (the contract is then terminated after it)"
    )


class KpiIn(Body):
    key: Key | None = None
    name: Name
    kpi: Short | None = _about("The KPI engine's code for this measure, if any")
    direction: Direction | None = _about("at-least when left out")
    target: Number
    unit: Short | None = None


class ReviewIn(Body):
    year: Year
    quarter: Quarter = _about("Q1 is April to June", ...)
    reviewed_on: Day
    rag: Rag = _about("The RAG status", ...)
    reason: Prose
    notes: Prose | None = None


def request_body(schema: type[BaseModel]) -> dict[str, Any]:
    """The operation's requestBody for the OpenAPI document: the model's JSON schema with its nested
    models written in place (a `$ref` to the model's own `$defs` would point into the document's root)."""
    found = schema.model_json_schema()
    defs = found.pop("$defs", {})

    def inline(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                return inline(defs[ref.removeprefix("#/$defs/")])
            return {k: inline(v) for k, v in node.items()}
        if isinstance(node, list):
            return [inline(item) for item in node]
        return node

    return {"requestBody": {"required": True, "content": {"application/json": {"schema": inline(found)}}}}
