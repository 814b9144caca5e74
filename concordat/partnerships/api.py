"""The agreement over the API: list, read, check and replace, through the same checker and loader.

Reading the agreement needs the same permission as the file export and is recorded as an access. Every
read carries an `ETag` (the agreement's version); a replacement must send it back in `If-Match`: without
one it is refused with 428, with a stale one 412, so no client overwrites a change it has not seen.
"""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Body, Router, Schema, Status

from concordat.core import clock
from concordat.core.api import PROBLEMS, ProblemBody, ProblemError
from concordat.core.audit import record_access
from concordat.core.problems import Problem

from . import selectors, services
from .errors import AlreadySaved, EntryGone, StaleEdit
from .permissions import partnership_for
from .rules.agreement import check_agreement
from .schemas import AgreementDocument, AgreementOut, as_document
from .shape import COLLECTIONS, export_agreement

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
    if _if_match(request, "the agreement you read (GET …/agreement)") != etag(partnership.version):
        raise _stale(partnership.changed_by, partnership.changed_at)
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
        raise _stale(stale.changed_by, stale.changed_at) from None
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


def _stale(changed_by: str, changed_at: Any) -> ProblemError:
    when = f" at {changed_at:%H:%M on %-d %B %Y}" if changed_at else ""
    return ProblemError(
        412,
        "The agreement has changed since you read it",
        f"It was changed by {changed_by or 'someone'}{when}. Read it again (its ETag is the new version), "
        "make your change to that, and send it with the new ETag. Nothing was changed.",
    )


# --- one entry at a time, by its key -------------------------------------------------------------------

ENTRY_COLLECTIONS = [c.name for c in COLLECTIONS if not c.scalar]
CollectionName = Literal[tuple(ENTRY_COLLECTIONS)]  # type: ignore[valid-type]
MONEY_COLLECTIONS = {"funding_streams", "contributions"}


class EntryResult(Schema):
    key: str
    entry: dict[str, Any]
    warnings: list[ProblemOut]


def _change_permission(collection: str) -> str:
    return (
        "partnerships.change_contributions"
        if collection in MONEY_COLLECTIONS
        else "partnerships.change_agreement"
    )


def _entry_etag(entry: Any) -> str:
    return f'"{services.fingerprint(entry)}"'


def _if_match(request: HttpRequest, what: str) -> str:
    """The ETag the client read, from If-Match (a weak one's "W/" dropped); 428 when there is none."""
    wanted = request.headers.get("If-Match", "").strip().removeprefix("W/")
    if not wanted:
        raise ProblemError(
            428,
            "If-Match is required",
            f"Send the ETag of {what} in an If-Match header, so that a change made since is not "
            "overwritten. Nothing was changed.",
        )
    return wanted


def _written(outcome: services.Outcome, collection: str, response: HttpResponse) -> dict[str, Any]:
    if not outcome.report.valid:
        raise ProblemError(422, "The entry is not valid", "Nothing was changed.", outcome.report.errors)
    assert outcome.partnership is not None
    entry = services.entry_in(export_agreement(outcome.partnership), collection, outcome.key)
    response["ETag"] = _entry_etag(entry)
    return {"key": outcome.key, "entry": entry, "warnings": outcome.report.as_dict()["warnings"]}


def _refusals(call: Any) -> Any:
    """Domain errors as problem bodies: gone 404, stale 412, a second submission 409."""
    try:
        return call()
    except EntryGone as gone:
        raise ProblemError(404, "Not found", str(gone)) from None
    except StaleEdit as stale:
        raise _stale(stale.changed_by, stale.changed_at) from None
    except AlreadySaved as saved:
        raise ProblemError(409, "Already saved", f"{saved}; nothing was changed.") from None


@router.get(
    "/partnerships/{slug}/entries/{collection}/{key}",
    response={200: EntryResult, **PROBLEMS},
    summary="One entry of the agreement by its key, with its ETag",
)
def entry_read(
    request: HttpRequest, slug: str, collection: CollectionName, key: str, response: HttpResponse
) -> Any:
    partnership = partnership_for(request.user, slug, "partnerships.export_agreement")
    record_access(user=request.user, obj=partnership, partnership_slug=partnership.slug)
    entry = _refusals(lambda: services.entry_in(export_agreement(partnership), collection, key))
    response["ETag"] = _entry_etag(entry)
    return {"key": key, "entry": entry, "warnings": []}


@router.post(
    "/partnerships/{slug}/entries/{collection}",
    response={201: EntryResult, 409: ProblemBody, **PROBLEMS},
    summary="Add an entry; an Idempotency-Key header (4–40 lower-case letters, figures, hyphens) becomes "
    "its key, so sending the same request twice adds it once",
)
def entry_add(
    request: HttpRequest,
    slug: str,
    collection: CollectionName,
    response: HttpResponse,
    body: dict[str, Any] = Body(...),
) -> Any:
    partnership = partnership_for(request.user, slug, _change_permission(collection))
    outcome = _refusals(
        lambda: services.entry_save(
            partnership=partnership,
            user=request.user,
            collection=collection,
            key=None,
            entry={k: v for k, v in body.items() if k != "key"},
            new_key=request.headers.get("Idempotency-Key"),
        )
    )
    return Status(201, _written(outcome, collection, response))


@router.put(
    "/partnerships/{slug}/entries/{collection}/{key}",
    response={200: EntryResult, 412: ProblemBody, 428: ProblemBody, **PROBLEMS},
    summary="Change one entry; send the ETag you read as If-Match",
)
def entry_change(
    request: HttpRequest,
    slug: str,
    collection: CollectionName,
    key: str,
    response: HttpResponse,
    body: dict[str, Any] = Body(...),
) -> Any:
    partnership = partnership_for(request.user, slug, _change_permission(collection))
    seen = _if_match(request, "the entry you read").strip('"')
    outcome = _refusals(
        lambda: services.entry_save(
            partnership=partnership,
            user=request.user,
            collection=collection,
            key=key,
            entry={k: v for k, v in body.items() if k != "key"},
            seen=seen,
        )
    )
    return _written(outcome, collection, response)


@router.delete(
    "/partnerships/{slug}/entries/{collection}/{key}",
    response={204: None, 409: ProblemBody, 412: ProblemBody, 428: ProblemBody, **PROBLEMS},
    summary="Remove one entry (and what belongs to it); send the ETag you read as If-Match",
)
def entry_delete(request: HttpRequest, slug: str, collection: CollectionName, key: str) -> Any:
    partnership = partnership_for(request.user, slug, _change_permission(collection))
    seen = _if_match(request, "the entry you read").strip('"')
    outcome = _refusals(
        lambda: services.entry_remove(
            partnership=partnership, user=request.user, collection=collection, key=key, seen=seen
        )
    )
    if not outcome.report.valid:
        raise ProblemError(409, "The entry cannot be removed", "Nothing was changed.", outcome.report.errors)
    return Status(204, None)
