"""Errors under /api/ that never reach the API's own handlers (an unknown path, a method the endpoint does
not take, a CSRF refusal) are problem bodies too, as every API error is."""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus

from django.http import HttpRequest, HttpResponse

from .api import PROBLEM_TYPE, problem_response

API_PREFIX = "/api/"


class ApiProblems:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            request.path.startswith(API_PREFIX)
            and response.status_code >= 400
            and not response.get("Content-Type", "").startswith((PROBLEM_TYPE, "application/json"))
        ):
            problem = problem_response(response.status_code, HTTPStatus(response.status_code).phrase)
            if "Allow" in response:
                problem["Allow"] = response["Allow"]
            return problem
        return response
