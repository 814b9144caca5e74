"""What every request goes through, so that each app gets it without asking:

- `ApiProblems`: errors under /api/ that never reach the API's own handlers (an unknown path, a method the
  endpoint does not take, a CSRF refusal) are problem bodies too, as every API error is.
- `NoStore`: nothing a signed-in user is sent, and no API answer, may be kept by a browser or proxy cache.
- `PageMethods`: pages answer GET, HEAD and POST only. Django's form views treat PUT as POST, so a PUT
  carrying no form data once saved an empty form; OPTIONS is refused too, because the CSRF check lets it
  through as a safe method and a view that writes on "not GET" would write on it.
- `SessionTimeouts`: a session ends after a spell of inactivity and, whatever the activity, a fixed time
  after signing in.
- `ServicePages`: the service's own 404 and 403 pages, in development mode (the demo) too, where Django
  would show its technical pages.
"""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import OperationalError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.template.loader import render_to_string
from django.urls import Resolver404, get_resolver
from django.views import defaults

from . import sessions
from .api import PROBLEM_TYPE, problem_response

API_PREFIX = "/api/"
PAGE_METHODS = ("GET", "HEAD", "POST")

GetResponse = Callable[[HttpRequest], HttpResponse]


def waited_for_a_lock(exception: BaseException) -> bool:
    """Whether a database error is a write that waited too long for a lock someone else held."""
    if not isinstance(exception, OperationalError):
        return False
    cause = exception.__cause__
    if getattr(cause, "sqlstate", None) == "55P03":  # PostgreSQL's lock_not_available (lock_timeout)
        return True
    return "database is locked" in str(exception)  # SQLite's busy timeout


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


class ApiProblems:
    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            is_api(request)
            and response.status_code >= 400
            and not response.get("Content-Type", "").startswith((PROBLEM_TYPE, "application/json"))
        ):
            problem = problem_response(response.status_code, HTTPStatus(response.status_code).phrase)
            if "Allow" in response:
                problem["Allow"] = response["Allow"]
            return problem
        return response


class NoStore:
    """`Cache-Control: no-store` on every response to a signed-in user (pages, downloads, error pages) and on
    every API answer, whoever asks: a provider system's bearer token is no session, and its answers carry
    clients' initials and dates of birth. Placed outside `ApiProblems`, which may replace a response.
    Static files are served before authentication runs (WhiteNoise), so they keep their own caching."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if is_api(request) or (user is not None and user.is_authenticated):
            response["Cache-Control"] = "no-store"
        return response


class PageMethods:
    """Every path outside the API refuses methods other than GET, HEAD and POST with 405, before any view
    (or the CSRF check) runs. The API declares its own methods per endpoint."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in PAGE_METHODS or is_api(request):
            return self.get_response(request)
        return HttpResponseNotAllowed(PAGE_METHODS, content=render_to_string("405.html", request=request))


class SessionTimeouts:
    """Signs out a user whose session has been idle for `SESSION_IDLE_TIMEOUT` seconds, or began
    `SESSION_COOKIE_AGE` seconds ago, and sends them to sign in with a message saying why (an API caller
    simply gets the API's 401). See concordat/core/sessions.py for what the session records."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            ended = sessions.touch(request.session)
            if ended is not None:
                logout(request)
                if not is_api(request):
                    messages.info(request, ended)
                    return redirect_to_login(request.get_full_path())
        return self.get_response(request)


class ServicePages:
    """The service's 404 and 403 pages for every path outside the API, whatever DEBUG says. (With DEBUG on
    Django answers an unknown address or a view's Http404 with its technical page, which the demo must not
    show.) The API keeps its problem bodies."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not is_api(request):
            try:
                get_resolver(getattr(request, "urlconf", None)).resolve(request.path_info)
            except Resolver404 as exc:
                # CommonMiddleware, further out, still redirects to the address with a slash if that exists.
                return defaults.page_not_found(request, exc)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if waited_for_a_lock(exception):
            # A write that waited its time for another's lock (LOCK_TIMEOUT_MS on PostgreSQL, the busy
            # timeout on SQLite): rolled back whole, so a plain "try again" rather than an error page.
            if is_api(request):
                response = problem_response(
                    503, "The record is being updated", "Try again in a minute: nothing was changed."
                )
            else:
                response = HttpResponse(render_to_string("busy.html", request=request), status=503)
            response["Retry-After"] = "60"
            return response
        if is_api(request):
            return None
        if isinstance(exception, Http404):
            return defaults.page_not_found(request, exception)
        if isinstance(exception, PermissionDenied):
            return defaults.permission_denied(request, exception)
        return None
