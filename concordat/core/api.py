"""The REST API's shared parts: one NinjaAPI, problem bodies (RFC 9457) for every error it returns.

Apps add their routers in concordat/api_urls.py. A problem body is
{"type", "title", "status", "detail", "errors": [{"path", "code", "message"}]}, served as
application/problem+json; `path` is a JSON path into the request body ("$.partners[1].code") or names
the parameter at fault.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import django_auth

from .problems import Problem

PROBLEM_TYPE = "application/problem+json"


class ProblemEntry(Schema):
    path: str
    code: str
    message: str


class ProblemBody(Schema):
    type: str = "about:blank"
    title: str
    status: int
    detail: str = ""
    errors: list[ProblemEntry] = []


class ProblemError(Exception):
    """Raise from an endpoint to answer with a problem body."""

    def __init__(
        self, status: int, title: str, detail: str = "", problems: list[Problem] | None = None
    ) -> None:
        super().__init__(title)
        self.status, self.title, self.detail, self.problems = status, title, detail, problems or []


def json_path(path: str) -> str:
    """A checker path ("partners[1].code") as a JSON path into the request body ("$.partners[1].code")."""
    if not path:
        return "$"
    return "$" + ("" if path.startswith("[") else ".") + path


def problem_response(
    status: int, title: str, detail: str = "", errors: list[dict[str, str]] | None = None
) -> HttpResponse:
    import json

    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, "errors": errors or []}
    return HttpResponse(json.dumps(body), status=status, content_type=PROBLEM_TYPE)


api = NinjaAPI(
    title="Concordat API",
    version="1",
    description="Partnership agreements, the pooled fund, commissioning and the shared treatment record. "
    "Errors are RFC 9457 problem bodies.",
    auth=django_auth,
    urls_namespace="api",
)


@api.exception_handler(ProblemError)
def _problem(request: HttpRequest, exc: ProblemError) -> HttpResponse:
    return problem_response(
        exc.status,
        exc.title,
        exc.detail,
        [{"path": json_path(p.path), "code": p.code, "message": p.message} for p in exc.problems],
    )


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = []
    for error in exc.errors:
        location: list[Any] = list(error.get("loc", []))
        source = location.pop(0) if location else "body"
        if source == "body" and location[:1] == ["body"]:
            location.pop(0)  # endpoints name a whole-body parameter `body`: its fields start at "$"
        path = "$" if source == "body" else str(source)
        for part in location:
            path += f"[{part}]" if isinstance(part, int) else f".{part}"
        errors.append(
            {"path": path, "code": str(error.get("type", "invalid")), "message": str(error.get("msg", ""))}
        )
    return problem_response(422, "The request is not valid", "Nothing was changed.", errors)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return problem_response(401, "Sign in first", "This endpoint needs a signed-in session.")


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return problem_response(
        403, "Not allowed", "Your role in this partnership does not allow this. Nothing was changed."
    )


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem_response(404, "Not found", str(exc) or "There is nothing at this address.")


@api.exception_handler(RequestDataTooBig)
def _too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return problem_response(413, "The request is too large", "The body is larger than this server accepts.")


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return problem_response(exc.status_code, str(exc) or "Request refused")


PROBLEMS = {401: ProblemBody, 403: ProblemBody, 404: ProblemBody, 422: ProblemBody}
