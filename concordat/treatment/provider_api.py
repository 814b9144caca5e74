"""The API for provider systems, under /api/v1/treatment/provider/: submit a file (the same import service
as the command line and the web upload), read a submission's result, read the provider's own clients.

Authenticated by a provider API token (tokens.py) as `Authorization: Bearer cct_…`, never a session; a
token acts for its one provider of its one partnership. Refused: no or a revoked token (401), another
partnership or provider's records (404), over the token's rate (429 with Retry-After). Every client record
returned writes an access log entry naming the token.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Query, Router, Schema, Status
from ninja.errors import ValidationError
from ninja.files import UploadedFile
from ninja.security import HttpBearer

from concordat.core.api import PROBLEMS, ProblemBody, ProblemError, api, problem_response

from . import access
from .handles import handles_of
from .models import Client, Submission
from .schemas import SubmissionOut, decide, receive, record_file, resource_url, submission_out
from .sharing import AccessEntry, ApiToken, ClientHandle
from .tokens import over_limit, token_named


class TokenRefused(Exception):
    """No token, an unknown one or a revoked one."""


def _token_refused(request: HttpRequest, exc: TokenRefused) -> HttpResponse:
    response = problem_response(
        401,
        "API token refused",
        "Send a provider API token that is in force as 'Authorization: Bearer cct_…'.",
    )
    response["WWW-Authenticate"] = 'Bearer realm="concordat"'
    return response


class RateLimited(Exception):
    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after


def _rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    response = problem_response(
        429, "Too many requests", f"This token's limit is reached. Try again in {exc.retry_after} seconds."
    )
    response["Retry-After"] = str(exc.retry_after)
    return response


api.add_exception_handler(RateLimited, _rate_limited)
api.add_exception_handler(TokenRefused, _token_refused)


class ProviderToken(HttpBearer):
    openapi_scheme = "bearer"

    def __call__(self, request: HttpRequest) -> ApiToken | None:
        # No Authorization header at all is refused the same way as a wrong token (not "sign in first").
        if not request.headers.get("Authorization", "").lower().startswith("bearer "):
            raise TokenRefused
        return super().__call__(request)  # type: ignore[no-any-return]

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        found = token_named(token)
        if found is None:
            raise TokenRefused
        wait = over_limit(found)
        if wait:
            raise RateLimited(wait)
        return found


router = Router(tags=["treatment: provider systems"], auth=ProviderToken())
LIMITED = {**PROBLEMS, 429: ProblemBody}
PAGE_LIMIT = 500  # clients in one answer of the list: a larger limit asked for is this


class ModalityOut(Schema):
    modality: str
    referral_date: date
    start_date: date | None
    end_date: date | None


class EpisodeOut(Schema):
    episode_ref: str
    referral_date: date
    referral_source: str
    primary_substance: str
    triage_date: date | None
    discharge_date: date | None
    discharge_reason: str
    modalities: list[ModalityOut]


class ClientOut(Schema):
    handle: str
    client_ref: str
    initials: str
    date_of_birth: date
    sex: str
    la_of_residence: str
    episodes: list[EpisodeOut]


class ClientPage(Schema):
    count: int
    offset: int
    limit: int
    clients: list[ClientOut]


def _token(request: HttpRequest) -> ApiToken:
    token: ApiToken = request.auth  # type: ignore[attr-defined]
    return token


@router.post(
    "/treatment/provider/submissions",
    response={202: SubmissionOut, **LIMITED},
    summary="Submit the provider's treatment record file (treatment-data.md): stored and checked by the worker",
)
def provider_submission_create(
    request: HttpRequest,
    response: HttpResponse,
    file: File[UploadedFile],
    period_end: Form[date],
    dry_run: bool = False,
    replace: bool = False,
) -> Any:
    """As the session API's: 202 with a Location to follow; `?dry_run=true` only checks; an accepted file
    that would undo work entered on the web waits for POST …/replace (or send `?replace=true`)."""
    token = _token(request)
    submission = receive(
        partnership=token.partnership,
        provider=token.provider,
        upload=file,
        period_end=period_end,
        actor=None,
        dry_run=dry_run,
        replace=replace,
        actor_name=_sender(token),
    )
    response["Location"] = resource_url(submission, provider_api=True)
    return Status(202, submission_out(submission, problems=True))


@router.get(
    "/treatment/provider/record.csv",
    response={200: None, **LIMITED},
    summary="The provider's current record in the submission format (text/csv); each record logged as read",
)
def provider_record_download(request: HttpRequest) -> Any:
    token = _token(request)
    return record_file(token.provider, user=None, reader=_sender(token))


def _own_submission(token: ApiToken, submission_id: int) -> Submission:
    submission = (
        Submission.objects.select_related("provider", "job", "partnership")
        .filter(pk=submission_id, partnership=token.partnership, provider=token.provider)
        .first()
    )
    if submission is None:
        raise ProblemError(404, "Not found", "This provider has no submission with that id.")
    return submission


@router.get(
    "/treatment/provider/submissions/{submission_id}",
    response={200: SubmissionOut, **LIMITED},
    summary="A submission: its state and progress, then its outcome and the problems kept",
)
def provider_submission_read(request: HttpRequest, submission_id: int) -> dict[str, Any]:
    return submission_out(_own_submission(_token(request), submission_id), problems=True)


@router.post(
    "/treatment/provider/submissions/{submission_id}/replace",
    response={200: SubmissionOut, **LIMITED, 409: ProblemBody},
    summary="Replace the provider's record with a submission waiting for it (409 when none is waiting)",
)
def provider_submission_replace(request: HttpRequest, submission_id: int) -> dict[str, Any]:
    return submission_out(decide(_own_submission(_token(request), submission_id), None), problems=True)


def _clients_out(token: ApiToken, clients: list[Client]) -> list[dict[str, Any]]:
    # Handles of these clients only, made now for any that has none: the cost follows the page asked for.
    made = handles_of(token.partnership, [(token.provider_id, c.client_ref) for c in clients])
    handles = {ref: handle for (_, ref), handle in made.items()}
    return [
        {
            "handle": handles[c.client_ref],
            "client_ref": c.client_ref,
            "initials": c.initials,
            "date_of_birth": c.date_of_birth,
            "sex": c.sex,
            "la_of_residence": c.la_of_residence,
            "episodes": [
                {
                    "episode_ref": e.episode_ref,
                    "referral_date": e.referral_date,
                    "referral_source": e.referral_source,
                    "primary_substance": e.primary_substance,
                    "triage_date": e.triage_date,
                    "discharge_date": e.discharge_date,
                    "discharge_reason": e.discharge_reason,
                    "modalities": [
                        {
                            "modality": m.modality,
                            "referral_date": m.referral_date,
                            "start_date": m.start_date,
                            "end_date": m.end_date,
                        }
                        for m in e.modalities.all()
                    ],
                }
                for e in c.episodes.all()
            ],
        }
        for c in clients
    ]


def _log(token: ApiToken, handles: list[str], what: str) -> None:
    records = list(ClientHandle.objects.filter(partnership=token.partnership, handle__in=handles))
    access.record_reads(
        partnership=token.partnership,
        records=records,
        user=None,
        channel=AccessEntry.Channel.API,
        what=what,
        reader=_sender(token),
    )


def _sender(token: ApiToken) -> str:
    """How a token is named where a person would be: by its prefix, never its secret."""
    return f"API token {token.prefix}… ({token.name})"


@router.get(
    "/treatment/provider/clients",
    response={200: ClientPage, **LIMITED},
    summary="The provider's own clients with their episodes (each one returned is logged as a read)",
)
def provider_client_list(
    request: HttpRequest,
    offset: int = Query(0, ge=0, description="How many clients to skip; at most the number there are"),
    limit: int = Query(100, ge=1, description=f"How many clients to return; at most {PAGE_LIMIT}"),
) -> dict[str, Any]:
    token = _token(request)
    limit = min(limit, PAGE_LIMIT)
    rows = Client.objects.filter(partnership=token.partnership, provider=token.provider).order_by(
        "client_ref"
    )
    count = rows.count()
    # Past the end is a mistake of the caller's paging (an empty page, at the end itself, is not); and an
    # offset the database cannot hold in a 64-bit integer never reaches it.
    if offset > count:
        raise ValidationError(
            [
                {
                    "loc": ("query", "offset"),
                    "type": "beyond-the-list",
                    "msg": f"The offset is beyond the list: this provider has {count} clients",
                }
            ]
        )
    page = list(rows.prefetch_related("episodes__modalities")[offset : offset + limit])
    out = _clients_out(token, page)
    _log(token, [c["handle"] for c in out], "API: client list")
    return {"count": count, "offset": offset, "limit": limit, "clients": out}


@router.get(
    "/treatment/provider/clients/{handle}",
    response={200: ClientOut, **LIMITED},
    summary="One of the provider's own clients, by handle (logged as a read)",
)
def provider_client_read(request: HttpRequest, handle: str) -> dict[str, Any]:
    token = _token(request)
    record = ClientHandle.objects.filter(
        partnership=token.partnership, provider=token.provider, handle=handle
    ).first()
    client = (
        Client.objects.of_provider(token.provider_id)
        .filter(partnership=token.partnership, client_ref=record.client_ref)
        .prefetch_related("episodes__modalities")
        .first()
        if record is not None
        else None
    )
    if client is None:
        raise ProblemError(404, "Not found", "This provider has no client record with that handle.")
    out = _clients_out(token, [client])[0]
    _log(token, [handle], "API: client record")
    return out
