"""The agreement over the API: list, read, check and replace, through the same checker and loader.

Reading the agreement needs the same permission as the file export and is recorded as an access. Every
read carries an `ETag` (the agreement's version); a replacement must send it back in `If-Match`: without
one it is refused with 428, with a stale one 412, so no client overwrites a change it has not seen.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Body, Router, Schema

from concordat.core import clock
from concordat.core.api import PROBLEMS, ProblemBody, ProblemError
from concordat.core.audit import record_access
from concordat.core.problems import Problem

from . import selectors, services
from .errors import StaleEdit
from .permissions import partnership_for
from .rules.agreement import check_agreement
from .schemas import AgreementDocument, AgreementOut, as_document
from .shape import export_agreement

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
    version: int
    created: list[str]
    changed: list[str]
    removed: list[str]


def etag(version: int) -> str:
    return f'"{version}"'


@router.get("/partnerships", response=list[PartnershipSummary], summary="Partnerships you are a member of")
def partnership_list(request: HttpRequest) -> Any:
    return selectors.partnerships_of(request.user)


@router.get(
    "/partnerships/{slug}/agreement",
    response={200: AgreementOut, **PROBLEMS},
    summary="The agreement, in the shape of the partnership file, with its version as the ETag",
)
def agreement_read(request: HttpRequest, slug: str, response: HttpResponse) -> Any:
    partnership = partnership_for(request.user, slug, "partnerships.export_agreement")
    record_access(user=request.user, obj=partnership, partnership_slug=partnership.slug)
    response["ETag"] = etag(partnership.version)
    return export_agreement(partnership)


@router.post(
    "/agreements/check",
    response={200: CheckResult, **PROBLEMS},
    summary="Check a partnership file's content (as JSON) without writing anything",
)
def agreement_check(request: HttpRequest, body: AgreementDocument = Body(...)) -> Any:
    return check_agreement(as_document(body), today=clock.today()).report.as_dict()


@router.put(
    "/partnerships/{slug}/agreement",
    response={200: LoadResult, 412: ProblemBody, 428: ProblemBody, **PROBLEMS},
    summary="Replace the agreement with this document, all or nothing; send the ETag you read as If-Match",
)
def agreement_replace(
    request: HttpRequest, slug: str, response: HttpResponse, body: AgreementDocument = Body(...)
) -> Any:
    document = as_document(body)
    partnership = partnership_for(request.user, slug, "partnerships.change_agreement")
    wanted = request.headers.get("If-Match", "").strip()
    if not wanted:
        raise ProblemError(
            428,
            "If-Match is required",
            "Send the ETag of the agreement you read (GET …/agreement) in an If-Match header, so that a "
            "change made since is not overwritten. Nothing was changed.",
        )
    if wanted.removeprefix("W/") != etag(partnership.version):
        raise _stale(partnership.changed_by, partnership.changed_at, partnership.version)
    if document.get("slug") != partnership.slug:
        raise ProblemError(
            422,
            "The request is not valid",
            "The document's slug must be the partnership's.",
            [Problem("slug", "slug-mismatch", f"slug must be '{partnership.slug}'")],
        )
    try:
        outcome = services.agreement_replace(
            partnership=partnership, document=document, version=partnership.version, user=request.user
        )
    except StaleEdit as stale:
        raise _stale(stale.changed_by, stale.changed_at, None) from None
    if not outcome.report.valid:
        raise ProblemError(422, "The agreement is not valid", "Nothing was changed.", outcome.report.errors)
    saved = outcome.partnership or partnership
    saved.refresh_from_db(fields=["version"])
    response["ETag"] = etag(saved.version)
    return {
        **outcome.report.as_dict(),
        "partnership": saved.slug,
        "version": saved.version,
        **outcome.changes.as_dict(),
    }


def _stale(changed_by: str, changed_at: Any, version: int | None) -> ProblemError:
    when = f" at {changed_at:%H:%M on %-d %B %Y}" if changed_at else ""
    return ProblemError(
        412,
        "The agreement has changed since you read it",
        f"It was changed by {changed_by or 'someone'}{when}. Read it again (its ETag is the new version), "
        "make your change to that, and send it with the new ETag. Nothing was changed.",
    )
