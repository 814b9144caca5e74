"""The treatment workforce over the API: the table with its growth, and one figure by its natural key
(provider code and financial year), read with an ETag and written with PUT through `workforce.figure_save`.

A figure that exists is changed only with `If-Match: <the ETag you read>` (428 without one, 412 when it
changed since), so no client overwrites a change it has not seen; a new one is entered without If-Match
(201). The same PUT again is harmless: a figure that already holds the values answers 200, whatever
If-Match says, and changes nothing. Problems are problem bodies at `$.fte`, `$.source`.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Body, Router, Schema, Status
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from concordat.core.api import PROBLEMS, ProblemBody, ProblemError
from concordat.core.problems import Problem
from concordat.core.years import FinancialYear, YearError
from concordat.partnerships.errors import Refused, StaleEdit
from concordat.partnerships.models import Partnership, Provider
from concordat.partnerships.permissions import partnership_for

from . import workforce
from .models import WorkforceFigure
from .report_permissions import CHANGE_WORKFORCE, VIEW_WORKFORCE, workforce_providers
from .reports.rules import FteError, fte_text, parse_fte

router = Router(tags=["workforce"])


class FigureOut(Schema):
    provider: str
    year: str
    fte: str = Field(description="Whole-time equivalent treatment staff, two decimal places")
    source: str
    changed_by: str
    changed_at: str


class YearOut(Schema):
    year: str
    fte: str | None
    growth_pct: float | None = Field(description="On the year before, half-up to one decimal")


class ProviderOut(Schema):
    code: str
    name: str
    years: list[YearOut]


class TotalOut(Schema):
    year: str
    fte: str | None
    growth_pct: float | None = Field(description="Like for like: the providers with a figure in both years")
    compared: int


class WorkforceOut(Schema):
    partnership: str
    years: list[str]
    providers: list[ProviderOut]
    total: list[TotalOut]


class FigureIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    fte: str = Field(max_length=12, description='Whole-time equivalents, at most two decimal places: "12.50"')
    source: str = Field("", max_length=300, description="Where the figure comes from")


def _fte(value: int | None) -> str | None:
    return None if value is None else fte_text(value)


@router.get(
    "/partnerships/{slug}/workforce",
    response={200: WorkforceOut, **PROBLEMS},
    summary="Treatment staff by provider and financial year, with year-on-year growth",
)
def workforce_list(request: HttpRequest, slug: str) -> Any:
    partnership = partnership_for(request.user, slug, VIEW_WORKFORCE)
    t = workforce.table(partnership, workforce_providers(request.user, partnership))
    years = [str(y) for y in t.years]
    return {
        "partnership": partnership.slug,
        "years": years,
        "providers": [
            {
                "code": provider.code,
                "name": provider.name,
                "years": [
                    {"year": year, "fte": _fte(fte), "growth_pct": growth}
                    for year, fte, growth in zip(years, row.fte, row.growth_pct, strict=True)
                ],
            }
            for provider, row in zip(t.providers, t.growth.providers, strict=True)
        ],
        "total": [
            {"year": year, "fte": _fte(fte), "growth_pct": growth, "compared": compared}
            for year, fte, growth, compared in zip(
                years, t.growth.total_fte, t.growth.total_growth_pct, t.growth.compared, strict=True
            )
        ],
    }


def _figure_of(
    request: HttpRequest, slug: str, code: str, year: str, permission: str
) -> tuple[Partnership, Provider, FinancialYear, WorkforceFigure | None]:
    """The provider and year a path names, if the caller may read (or write) that provider's figures."""
    partnership = partnership_for(request.user, slug, permission)
    provider = Provider.objects.filter(partnership=partnership, code=code).first()
    if provider is None:
        raise ProblemError(404, "Not found", f"No provider of this partnership has the code '{code}'.")
    allowed = workforce_providers(request.user, partnership, change=permission == CHANGE_WORKFORCE)
    if allowed is not None and provider.pk not in allowed:
        raise ProblemError(403, "Not allowed", "You may read and enter only your own provider's figures.")
    try:
        financial_year = FinancialYear.parse(year)
    except YearError as error:
        raise ProblemError(
            422, "The request is not valid", "", [Problem("year", "bad-year", str(error))]
        ) from None
    figure = (
        WorkforceFigure.objects.select_related("provider")
        .filter(partnership=partnership, provider=provider, year=financial_year.start_year)
        .first()
    )
    return partnership, provider, financial_year, figure


def _etag(figure: WorkforceFigure | None) -> str:
    return f'"{workforce.figure_seen(figure)}"'


def _out(figure: WorkforceFigure) -> dict[str, Any]:
    return {
        "provider": figure.provider.code,
        "year": str(figure.financial_year),
        "fte": fte_text(figure.fte_hundredths),
        "source": figure.source,
        "changed_by": figure.changed_by,
        "changed_at": figure.changed_at.isoformat(),
    }


@router.get(
    "/partnerships/{slug}/workforce/{code}/{year}",
    response={200: FigureOut, **PROBLEMS},
    summary="One provider's figure for one financial year, with its ETag",
)
def workforce_read(request: HttpRequest, slug: str, code: str, year: str, response: HttpResponse) -> Any:
    _, _, financial_year, figure = _figure_of(request, slug, code, year, VIEW_WORKFORCE)
    if figure is None:
        raise ProblemError(404, "Not found", f"No figure has been entered for {code} in {financial_year}.")
    response["ETag"] = _etag(figure)
    return _out(figure)


def _holds(figure: WorkforceFigure, values: FigureIn) -> bool:
    """Whether the figure already holds these values (as the service would read them)."""
    try:
        fte = parse_fte(values.fte)
    except FteError:
        return False
    return (figure.fte_hundredths, figure.source) == (fte, values.source.strip())


def _stale(stale: StaleEdit) -> ProblemError:
    when = f" at {stale.changed_at:%H:%M on %-d %B %Y}" if stale.changed_at else ""
    return ProblemError(
        412,
        "The figure has changed since you read it",
        f"It was entered by {stale.changed_by or 'someone'}{when}. Read it again (its ETag is the new one), "
        "and send your change with that ETag. Nothing was changed.",
    )


@router.put(
    "/partnerships/{slug}/workforce/{code}/{year}",
    response={200: FigureOut, 201: FigureOut, 412: ProblemBody, 428: ProblemBody, **PROBLEMS},
    summary="Enter a provider's figure for a year (201), or change it with If-Match: the ETag you read",
    openapi_extra={
        "requestBody": {"content": {"application/json": {"schema": FigureIn.model_json_schema()}}}
    },
)
def workforce_put(
    request: HttpRequest,
    slug: str,
    code: str,
    year: str,
    response: HttpResponse,
    body: dict[str, Any] = Body(...),  # noqa: B008  (django-ninja declares the body so)
) -> Any:
    partnership, provider, financial_year, figure = _figure_of(request, slug, code, year, CHANGE_WORKFORCE)
    try:
        values = FigureIn.model_validate(body)
    except ValidationError as invalid:
        problems = [
            Problem(".".join(str(part) for part in error["loc"]), str(error["type"]), str(error["msg"]))
            for error in invalid.errors()
        ]
        raise ProblemError(422, "The request is not valid", "Nothing was changed.", problems) from None
    wanted = request.headers.get("If-Match", "").strip().removeprefix("W/")
    seen: str | None = wanted.strip('"') if wanted else workforce.figure_seen(None)
    if figure is not None and not wanted:
        if not _holds(figure, values):
            raise ProblemError(
                428,
                "If-Match is required",
                "This figure exists: send the ETag you read (GET …/workforce/PROVIDER/YEAR) in an If-Match "
                "header, so that a change made since is not overwritten. Nothing was changed.",
            )
        seen = None  # the same values again: nothing to overwrite
    try:
        saved = workforce.figure_save(
            partnership=partnership,
            provider=provider.code,
            year=str(financial_year),
            fte=values.fte,
            source=values.source,
            seen=seen,
            user=request.user,
        )
    except Refused as refusal:
        raise ProblemError(
            422, "The figure is not valid", "Nothing was changed.", refusal.report.errors
        ) from None
    except StaleEdit as stale:
        raise _stale(stale) from None
    response["ETag"] = _etag(saved.figure)
    return Status(201 if figure is None else 200, _out(saved.figure))
