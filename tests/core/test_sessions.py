"""A session ends after a spell of inactivity, and at a fixed time after signing in whatever the activity;
the user is sent to sign in and told why."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from concordat.core import sessions
from tests.factories import PASSWORD

HOUR = 3600
MINUTE = 60


@pytest.fixture
def signed_in(client: Any, lead: Any) -> Any:
    """The lead signed in through the sign-in form, as a person would."""
    response = client.post(reverse("core:sign-in"), {"username": lead.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def age_session(client: Any, *, signed_in_ago: float, last_seen_ago: float) -> None:
    """Move the session's sign-in and last activity back in time."""
    session = client.session
    moment = sessions.now()
    session[sessions.SIGNED_IN_AT] = moment - signed_in_ago
    session[sessions.LAST_SEEN] = moment - last_seen_ago
    session.save()


def overview(partnership: Any) -> str:
    return reverse("partnerships:overview", args=[partnership.slug])


def test_signing_in_records_when_the_session_began(signed_in: Any) -> None:
    session = signed_in.session
    assert abs(session[sessions.SIGNED_IN_AT] - sessions.now()) < 5
    assert session[sessions.LAST_SEEN] == session[sessions.SIGNED_IN_AT]


def test_a_session_idle_for_longer_than_the_limit_is_sent_to_sign_in_and_told_why(
    signed_in: Any, partnership: Any, settings: Any
) -> None:
    assert settings.SESSION_IDLE_TIMEOUT == 30 * MINUTE
    age_session(signed_in, signed_in_ago=HOUR, last_seen_ago=31 * MINUTE)
    response = signed_in.get(overview(partnership))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('core:sign-in')}?next={overview(partnership)}"
    page = signed_in.get(response["Location"]).content.decode()
    assert "You were signed out after 30 minutes of inactivity. Sign in again to carry on." in page
    assert signed_in.get(overview(partnership)).status_code == 302  # the session is gone, not just hidden


def test_a_session_used_within_the_idle_limit_carries_on(signed_in: Any, partnership: Any) -> None:
    age_session(signed_in, signed_in_ago=HOUR, last_seen_ago=29 * MINUTE)
    assert signed_in.get(overview(partnership)).status_code == 200


def test_each_request_counts_as_activity(signed_in: Any, partnership: Any) -> None:
    age_session(signed_in, signed_in_ago=HOUR, last_seen_ago=20 * MINUTE)
    assert signed_in.get(overview(partnership)).status_code == 200
    assert sessions.now() - signed_in.session[sessions.LAST_SEEN] < 5


def test_the_idle_limit_comes_from_the_settings(signed_in: Any, partnership: Any, settings: Any) -> None:
    settings.SESSION_IDLE_TIMEOUT = 5 * MINUTE
    age_session(signed_in, signed_in_ago=HOUR, last_seen_ago=6 * MINUTE)
    response = signed_in.get(overview(partnership), follow=True)
    assert "You were signed out after 5 minutes of inactivity." in response.content.decode()


def test_a_session_ends_eight_hours_after_signing_in_however_active(
    signed_in: Any, partnership: Any, settings: Any
) -> None:
    assert settings.SESSION_COOKIE_AGE == 8 * HOUR
    age_session(signed_in, signed_in_ago=8 * HOUR - 2 * MINUTE, last_seen_ago=MINUTE)
    assert signed_in.get(overview(partnership)).status_code == 200
    age_session(signed_in, signed_in_ago=8 * HOUR, last_seen_ago=MINUTE)
    response = signed_in.get(overview(partnership), follow=True)
    assert "You were signed out because you had been signed in for 8 hours." in response.content.decode()


def test_a_session_with_no_record_of_its_sign_in_has_ended(signed_in: Any, partnership: Any) -> None:
    session = signed_in.session
    del session[sessions.SIGNED_IN_AT]
    session.save()
    assert signed_in.get(overview(partnership)).status_code == 302


def test_an_expired_session_on_the_api_gets_the_api_401(signed_in: Any, partnership: Any) -> None:
    age_session(signed_in, signed_in_ago=HOUR, last_seen_ago=31 * MINUTE)
    response = signed_in.get("/api/v1/partnerships")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


def test_signing_in_again_starts_a_fresh_session(signed_in: Any, lead: Any, partnership: Any) -> None:
    age_session(signed_in, signed_in_ago=HOUR, last_seen_ago=31 * MINUTE)
    signed_in.get(overview(partnership))
    signed_in.post(reverse("core:sign-in"), {"username": lead.username, "password": PASSWORD})
    assert signed_in.get(overview(partnership)).status_code == 200
