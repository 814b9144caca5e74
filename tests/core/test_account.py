"""A signed-in user can change their own password (with the password rules), and a refused form token
shows the service's own page, or a problem body on the API."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD

CHANGE = "/account/password/"
NEW = "a-longer-passphrase-for-2004"


@pytest.fixture
def signed_in(client: Any, lead: Any) -> Any:
    client.force_login(lead)
    return client


def change(client: Any, old: str, new: str, again: str | None = None) -> Any:
    return client.post(
        CHANGE, {"old_password": old, "new_password1": new, "new_password2": new if again is None else again}
    )


def password_is(user: Any, password: str) -> bool:
    return bool(get_user_model().objects.get(pk=user.pk).check_password(password))


def test_the_change_password_page_is_at_its_address() -> None:
    assert reverse("core:change-password") == CHANGE


def test_the_header_links_a_signed_in_user_to_change_their_password(signed_in: Any) -> None:
    html = signed_in.get(reverse("partnerships:list")).content.decode()
    assert f'href="{CHANGE}"' in html
    assert ">Change password<" in html


def test_a_signed_out_visitor_sees_no_link_and_is_sent_to_sign_in(client: Any, db: None) -> None:
    assert CHANGE not in client.get(reverse("core:sign-in")).content.decode()
    response = client.get(CHANGE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("core:sign-in"))


def test_the_page_is_a_govuk_form(signed_in: Any) -> None:
    html = signed_in.get(CHANGE).content.decode()
    assert '<h1 class="govuk-heading-l">Change your password</h1>' in html
    for label in ("Current password", "New password", "Confirm new password"):
        assert label in html
    assert 'autocomplete="current-password"' in html
    assert 'autocomplete="new-password"' in html
    assert "must contain at least 12 characters" in html
    assert "<ul>" not in html.split("govuk-hint")[1][:200]  # the rules as one plain hint, not Django's list


def test_the_right_current_password_and_a_good_new_one_change_it_and_keep_the_user_signed_in(
    signed_in: Any, lead: Any
) -> None:
    response = change(signed_in, PASSWORD, NEW)
    assert response.status_code == 302
    assert password_is(lead, NEW)
    page = signed_in.get(response["Location"], follow=True)
    assert page.status_code == 200
    assert page.context["user"] == lead
    assert "Your password has been changed" in page.content.decode()


def test_a_wrong_current_password_changes_nothing_and_says_so_in_the_error_summary(
    signed_in: Any, lead: Any
) -> None:
    response = change(signed_in, "not-my-password", NEW)
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "Your current password is not correct" in html
    assert "<title>Error: " in html
    assert password_is(lead, PASSWORD)


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("short-one", "This password is too short. It must contain at least 12 characters."),
        ("password1234", "This password is too common."),
        ("lead@example.org", "The password is too similar to the email address."),  # the lead's address
    ],
)
def test_the_password_rules_apply(signed_in: Any, lead: Any, new: str, message: str) -> None:
    html = change(signed_in, PASSWORD, new).content.decode()
    assert "govuk-error-summary" in html
    assert message in html
    assert password_is(lead, PASSWORD)


def test_the_two_new_passwords_must_match(signed_in: Any, lead: Any) -> None:
    html = change(signed_in, PASSWORD, NEW, again=NEW + "x").content.decode()
    assert "The new passwords do not match" in html
    assert password_is(lead, PASSWORD)


def test_a_form_sent_without_its_token_shows_the_service_page(db: None) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("core:sign-in"), {"username": "someone", "password": "x"})
    assert response.status_code == 403
    html = response.content.decode()
    assert '<h1 class="govuk-heading-l">Sorry, your form could not be sent</h1>' in html
    assert "govuk-header" in html
    assert "CSRF" not in html


def test_a_refused_token_on_the_api_is_a_problem_body(lead: Any, partnership: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(lead)
    response = client.put(
        f"/api/v1/partnerships/{partnership.slug}/agreement", data="{}", content_type="application/json"
    )
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"


def test_the_csrf_failure_view_answers_api_paths_with_a_problem_body(rf: Any) -> None:
    from concordat.core.views import csrf_failure

    response = csrf_failure(rf.post("/api/v1/partnerships"), reason="CSRF cookie not set.")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert b"CSRF" in response.content
