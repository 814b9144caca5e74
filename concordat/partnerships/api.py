"""The agreement over the API: list, read, check and update, through the same checker and loader."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Body, Router, Schema

from concordat.core.api import PROBLEMS, ProblemError
from concordat.core.problems import Problem

from . import selectors, services
from .document import export_agreement
from .rules.agreement import check_agreement
from .views.base import partnership_for

router = Router(tags=["partnerships"])


class PartnershipSummary(Schema):
    slug: str
    name: str
    client_group: str


class ProblemOut(Schema):
    path: str
    code: str
    message: str


class CheckResult(Schema):
    valid: bool
    errors: list[ProblemOut]
    warnings: list[ProblemOut]


class LoadResult(CheckResult):
    partnership: str
    created: list[str]
    changed: list[str]
    removed: list[str]


@router.get("/partnerships", response=list[PartnershipSummary], summary="Partnerships you are a member of")
def partnership_list(request: HttpRequest) -> Any:
    return selectors.partnerships_of(request.user)


@router.get(
    "/partnerships/{slug}/agreement",
    response={200: dict[str, Any], **PROBLEMS},
    summary="The agreement, in the shape of the partnership file",
)
def agreement_read(request: HttpRequest, slug: str) -> Any:
    return export_agreement(partnership_for(request, slug))


@router.post(
    "/agreements/check",
    response={200: CheckResult, **PROBLEMS},
    summary="Check a partnership file's content (as JSON) without writing anything",
)
def agreement_check(request: HttpRequest, body: dict[str, Any] = Body(...)) -> Any:
    return check_agreement(body, today=services.today()).report.as_dict()


@router.put(
    "/partnerships/{slug}/agreement",
    response={200: LoadResult, **PROBLEMS},
    summary="Replace the agreement with this document, all or nothing",
)
def agreement_replace(request: HttpRequest, slug: str, body: dict[str, Any] = Body(...)) -> Any:
    document = body
    partnership = partnership_for(request, slug, "partnerships.change_agreement")
    if document.get("slug") != partnership.slug:
        raise ProblemError(
            422,
            "The request is not valid",
            "The document's slug must be the partnership's.",
            [Problem("slug", "slug-mismatch", f"slug must be '{partnership.slug}'")],
        )

    def replace(current: dict[str, Any]) -> None:
        current.clear()
        current.update(document)

    outcome = services.agreement_edit(partnership=partnership, user=request.user, edit=replace)
    if not outcome.report.valid:
        raise ProblemError(422, "The agreement is not valid", "Nothing was changed.", outcome.report.errors)
    if outcome.partnership is None:
        raise Http404
    return {**outcome.report.as_dict(), "partnership": outcome.partnership.slug, **outcome.changes.as_dict()}
