"""HTTP-level protections every page has without asking: methods other than GET, HEAD and POST refused,
nothing a signed-in user sees kept by a cache, and the service's own 404 and 403 pages in development
mode (the demo) too."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from concordat.partnerships.models import Partnership
from tests.factories import UserFactory

SAMPLE = {
    "slug": "salford-dat",
    "int": "0",
    "str": "x",
    "path": "x",
    "uuid": "00000000-0000-0000-0000-000000000000",
}


def page_paths() -> Iterator[str]:
    """A concrete path for every route outside the API, its parameters filled with sample values."""

    def walk(patterns: list[Any], prefix: str) -> Iterator[str]:
        for entry in patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                if not route.startswith("api/"):
                    yield from walk(entry.url_patterns, route)
            elif isinstance(entry, URLPattern):
                yield "/" + re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLE[m.group(1) or "str"], route)

    return walk(get_resolver().url_patterns, "")


PAGE_PATHS = sorted(set(page_paths()))


def csrf_client(user: Any, path: str) -> tuple[Client, str]:
    """A client that enforces CSRF as a browser meets it, signed in, with a valid token from `path`."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.get(path)
    assert response.status_code == 200
    return client, client.cookies["csrftoken"].value


def test_every_route_outside_the_api_is_checked() -> None:
    assert "/partnerships/salford-dat/aims/edit/" in PAGE_PATHS
    assert "/sign-in/" in PAGE_PATHS
    assert not any(path.startswith("/api/") for path in PAGE_PATHS)


def test_put_with_a_valid_csrf_token_to_a_form_page_changes_nothing(lead: Any, partnership: Any) -> None:
    path = reverse("partnerships:edit-aims", args=[partnership.slug])
    aims = list(partnership.aims.values_list("text", flat=True))
    assert aims
    client, token = csrf_client(lead, path)
    response = client.put(path, data="", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 405
    assert list(Partnership.objects.get(pk=partnership.pk).aims.values_list("text", flat=True)) == aims


@pytest.mark.parametrize("method", ["put", "patch", "delete", "options", "trace"])
@pytest.mark.parametrize("path", PAGE_PATHS)
def test_every_page_refuses_methods_other_than_get_head_and_post(
    client: Any, lead: Any, path: str, method: str
) -> None:
    client.force_login(lead)
    response = client.generic(method.upper(), path)
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, POST"


def test_the_api_keeps_its_own_methods(client: Any, lead: Any, partnership: Any) -> None:
    client.force_login(lead)
    response = client.put(
        f"/api/v1/partnerships/{partnership.slug}/agreement", data="{", content_type="application/json"
    )
    assert response.status_code != 405
    assert response["Content-Type"].startswith("application/problem+json")


@pytest.mark.parametrize(
    "path",
    [
        "/partnerships/",
        "/partnerships/salford-dat/",
        "/partnerships/salford-dat/aims/edit/",
        "/partnerships/salford-dat/notification-form.pdf",
        "/partnerships/salford-dat/partnership.yaml",
        "/api/v1/partnerships",
        "/api/v1/partnerships/salford-dat/agreement",
        "/api/v1/no-such-endpoint",
        "/partnerships/no-such-partnership/",
        "/accessibility/",
    ],
)
def test_no_response_to_a_signed_in_user_may_be_stored(
    client: Any, lead: Any, partnership: Any, path: str
) -> None:
    client.force_login(lead)
    response = client.get(path)
    assert response["Cache-Control"] == "no-store", (path, response.status_code)


@pytest.mark.parametrize("path", ["/api/v1/partnerships", "/api/v1/openapi.json", "/api/v1/no-such-endpoint"])
def test_no_api_answer_may_be_stored_whoever_asks(client: Any, path: str) -> None:
    # Not only a signed-in session: a provider system's bearer token, or nobody at all.
    response = client.get(path)
    assert response["Cache-Control"] == "no-store", (path, response.status_code)


def test_the_redirect_after_signing_in_may_not_be_stored(client: Any, lead: Any) -> None:
    from tests.factories import PASSWORD

    response = client.post(reverse("core:sign-in"), {"username": lead.username, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Cache-Control"] == "no-store"


def test_static_files_keep_their_own_caching(client: Any, lead: Any) -> None:
    client.force_login(lead)
    response = client.get("/static/concordat/concordat.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


@pytest.fixture
def development_mode(settings: Any) -> None:
    # pytest-django runs tests with DEBUG off; the demo runs with DEBUG=1.
    settings.DEBUG = True


def test_in_development_a_partnership_one_does_not_belong_to_shows_the_service_404(
    client: Any, development_mode: None, partnership: Any
) -> None:
    client.force_login(UserFactory(username="former-lead"))
    response = client.get(reverse("partnerships:overview", args=[partnership.slug]))
    assert response.status_code == 404
    html = response.content.decode()
    assert '<h1 class="govuk-heading-l">Page not found</h1>' in html
    assert "govuk-header" in html
    assert "Django" not in html


def test_in_development_an_unknown_address_shows_the_service_404(
    client: Any, development_mode: None, db: None
) -> None:
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert '<h1 class="govuk-heading-l">Page not found</h1>' in response.content.decode()


def test_in_development_an_address_without_its_slash_is_still_redirected(
    client: Any, development_mode: None, db: None
) -> None:
    response = client.get("/accessibility")
    assert response.status_code == 301
    assert response["Location"] == "/accessibility/"


def test_in_development_a_refusal_shows_the_service_403(
    client: Any, development_mode: None, partnership: Any
) -> None:
    from concordat.core.roles import Role
    from tests.factories import member

    client.force_login(member(partnership, Role.PROVIDER_DATA_OFFICER, username="key-worker"))
    response = client.get(reverse("partnerships:export-yaml", args=[partnership.slug]))
    assert response.status_code == 403
    assert "You do not have permission to do that" in response.content.decode()


def test_in_development_the_api_still_answers_not_found_with_a_problem_body(
    client: Any, development_mode: None, lead: Any
) -> None:
    client.force_login(lead)
    for path in ["/api/v1/partnerships/no-such-partnership/agreement", "/api/v1/no-such-endpoint"]:
        response = client.get(path)
        assert response.status_code == 404
        assert response["Content-Type"] == "application/problem+json", path


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", "/no-such-page/"), ("put", "/partnerships/salford-dat/aims/edit/"), ("get", "/api/v1/nothing")],
)
def test_responses_answered_early_carry_the_security_headers(
    client: Any, lead: Any, method: str, path: str
) -> None:
    """A 404 the service's own page answers, a refused method and an API problem: each answered by a
    middleware before any view, and each still framed by the Content-Security-Policy and X-Frame-Options."""
    client.force_login(lead)
    response = getattr(client, method)(path)
    assert response.status_code in (404, 405)
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize(
    "path", ["/partnerships/salford-dat/members/add/", "/partnerships/salford-dat/documents/upload/"]
)
def test_a_form_carries_one_csrf_token(client: Any, lead: Any, path: str) -> None:
    client.force_login(lead)
    main = client.get(path).content.decode().split("<main", 1)[1]  # the header's sign-out form has its own
    assert main.count('name="csrfmiddlewaretoken"') == 1


def test_the_service_error_pages_name_themselves_in_their_title(
    client: Any, development_mode: None, partnership: Any
) -> None:
    """The 403, 404 and CSRF pages were titled "Concordat" alone: the title is what a screen reader and a
    browser tab say first."""
    from django.test import Client

    from concordat.core.roles import Role
    from tests.factories import member

    def title(response: Any) -> str:
        return re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1).strip()

    assert title(client.get("/no-such-page/")) == "Page not found – Concordat"
    client.force_login(member(partnership, Role.PROVIDER_DATA_OFFICER, username="officer"))
    refused = client.get(reverse("partnerships:export-yaml", args=[partnership.slug]))
    assert title(refused) == "You do not have permission to do that – Concordat"
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(member(partnership, Role.POOL_MANAGER, username="finance"))
    no_token = strict.post(reverse("pool:post", args=[partnership.slug, "payment"]), {})
    assert no_token.status_code == 403 and title(no_token) == "Sorry, your form could not be sent – Concordat"
