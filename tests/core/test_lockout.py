"""Sign-in lock-out is by the pair (username, client address), the address taken through the configured
number of trusted proxies; a locked-out user is told when to try again; sign-in records are kept for a set
number of days and then removed."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from concordat.core.signin import client_address
from tests.factories import PASSWORD, UserFactory

A, B = "192.0.2.10", "192.0.2.20"
PROXY = "10.0.0.1"
LIMIT = 10


@pytest.fixture(autouse=True)
def lockout_on(settings: Any) -> None:
    settings.AXES_ENABLED = True  # tests/conftest.py turns it off for every other test


@pytest.fixture
def user_x(db: None) -> Any:
    return UserFactory(username="xavier")


@pytest.fixture
def user_y(db: None) -> Any:
    return UserFactory(username="yvonne")


def sign_in(client: Any, username: str, password: str, address: str, forwarded: str | None = None) -> Any:
    extra = {"REMOTE_ADDR": address, "HTTP_USER_AGENT": "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(reverse("core:sign-in"), {"username": username, "password": password}, **extra)


def fail(client: Any, username: str, address: str, times: int = LIMIT, forwarded: str | None = None) -> Any:
    for _ in range(times):
        response = sign_in(client, username, "wrong-password", address, forwarded)
    return response


def test_ten_failures_lock_that_username_from_that_address(client: Any, user_x: Any) -> None:
    assert fail(client, "xavier", A, times=LIMIT - 1).status_code == 200
    assert sign_in(client, "xavier", "wrong-password", A).status_code == 429  # the tenth failure locks
    response = sign_in(client, "xavier", PASSWORD, A)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_ten_failures_for_one_user_do_not_lock_another_user_from_the_same_address(
    client: Any, user_x: Any, user_y: Any
) -> None:
    fail(client, "xavier", A)
    response = sign_in(client, "yvonne", PASSWORD, A)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user_y.pk)


def test_ten_failures_from_one_address_do_not_lock_the_same_user_from_another(
    client: Any, user_x: Any
) -> None:
    fail(client, "xavier", A)
    response = sign_in(client, "xavier", PASSWORD, B)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user_x.pk)


def test_the_locked_out_user_sees_the_sign_in_page_saying_when_to_try_again(client: Any, user_x: Any) -> None:
    before = timezone.localtime()
    response = fail(client, "xavier", A)
    assert response.status_code == 429
    html = response.content.decode()
    assert '<h1 class="govuk-heading-l">Sign in to Concordat</h1>' in html
    assert "govuk-error-summary" in html
    until = re.search(r"You can try again after (\d{1,2}):(\d\d)(am|pm)", html)
    assert until, html
    hour = int(until.group(1)) % 12 + (12 if until.group(3) == "pm" else 0)
    expected = before + timedelta(minutes=15)
    assert (hour, int(until.group(2))) in {
        (moment.hour, moment.minute) for moment in (expected, expected + timedelta(minutes=1))
    }


def test_trying_again_while_locked_out_does_not_move_the_time(client: Any, user_x: Any) -> None:
    fail(client, "xavier", A)
    attempt_time = AccessAttempt.objects.get().attempt_time
    assert sign_in(client, "xavier", PASSWORD, A).status_code == 429
    assert AccessAttempt.objects.get().attempt_time == attempt_time


def test_the_lock_lifts_after_the_cool_off(client: Any, user_x: Any) -> None:
    fail(client, "xavier", A)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert sign_in(client, "xavier", PASSWORD, A).status_code == 302


def test_without_trusted_proxies_the_forwarded_header_is_ignored(
    client: Any, user_x: Any, settings: Any
) -> None:
    assert settings.TRUSTED_PROXY_COUNT == 0
    for n in range(LIMIT):
        sign_in(client, "xavier", "wrong-password", A, forwarded=f"198.51.100.{n}")
    assert sign_in(client, "xavier", PASSWORD, A, forwarded="198.51.100.99").status_code == 429


def test_behind_one_trusted_proxy_the_forwarded_address_is_the_client(
    client: Any, user_x: Any, settings: Any
) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    fail(client, "xavier", PROXY, forwarded=A)
    assert AccessAttempt.objects.get().ip_address == A
    # Everyone comes through the proxy: only the client at A is locked out.
    assert sign_in(client, "xavier", PASSWORD, PROXY, forwarded=A).status_code == 429
    assert sign_in(client, "xavier", PASSWORD, PROXY, forwarded=B).status_code == 302


def test_behind_one_trusted_proxy_a_client_cannot_choose_its_address(
    client: Any, user_x: Any, settings: Any
) -> None:
    # The proxy appends the address it saw; whatever the client put before it is not believed.
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(LIMIT):
        sign_in(client, "xavier", "wrong-password", PROXY, forwarded=f"198.51.100.{n}, {A}")
    assert sign_in(client, "xavier", PASSWORD, PROXY, forwarded=f"198.51.100.99, {A}").status_code == 429


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (0, "198.51.100.1", PROXY),
        (1, "198.51.100.1", "198.51.100.1"),
        (1, "203.0.113.9, 198.51.100.1", "198.51.100.1"),
        (2, "203.0.113.9, 198.51.100.1, 10.0.0.2", "198.51.100.1"),
        (2, "198.51.100.1", PROXY),  # fewer hops than proxies: not through them all, so the peer
        (1, "not-an-address", PROXY),
        (1, "", PROXY),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_client_address_counts_trusted_proxies_from_the_right(
    rf: Any, settings: Any, count: int, forwarded: str, expected: str
) -> None:
    settings.TRUSTED_PROXY_COUNT = count
    request = rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected


def test_sign_in_records_keep_no_user_agent_password_or_csrf_token(client: Any, user_x: Any) -> None:
    client.post(
        reverse("core:sign-in"),
        {"username": "xavier", "password": "wrong-password", "csrfmiddlewaretoken": "the-form-token"},
        REMOTE_ADDR=A,
        HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0",
    )
    sign_in(client, "xavier", PASSWORD, B)
    attempt, log = AccessAttempt.objects.get(), AccessLog.objects.get()
    assert attempt.user_agent == log.user_agent == ""
    assert "wrong-password" not in attempt.post_data
    assert "the-form-token" not in attempt.post_data
    assert "csrfmiddlewaretoken=****" in attempt.post_data


def old_records(days: int, username: str = "old") -> None:
    """One record of each kind for `username`, `days` old."""
    fields = {"username": username, "ip_address": B, "user_agent": "", "http_accept": "", "path_info": "/"}
    AccessAttempt.objects.create(**fields, get_data="", post_data="", failures_since_start=1)
    AccessFailureLog.objects.create(**fields)
    AccessLog.objects.create(**fields)
    moment = timezone.now() - timedelta(days=days)
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.filter(username=username).update(attempt_time=moment)


def kept(model: Any) -> set[str]:
    return set(model.objects.values_list("username", flat=True))


def test_records_older_than_the_retention_are_removed_when_a_failure_is_recorded(
    client: Any, user_x: Any, settings: Any
) -> None:
    assert settings.LOCKOUT_RETENTION_DAYS == 30
    settings.AXES_COOLOFF_TIME = 24 * 60  # hours: axes's own clean-up of expired attempts stays out of it
    old_records(days=31)
    old_records(days=29, username="recent")
    fail(client, "xavier", A, times=1)
    assert kept(AccessAttempt) == {"recent", "xavier"}
    assert kept(AccessFailureLog) == {"recent"}
    assert kept(AccessLog) == {"recent"}


def test_records_older_than_the_retention_are_removed_when_someone_signs_in(client: Any, user_x: Any) -> None:
    old_records(days=31)
    sign_in(client, "xavier", PASSWORD, A)
    assert not AccessLog.objects.filter(username="old").exists()
    assert not AccessFailureLog.objects.filter(username="old").exists()
    assert AccessLog.objects.filter(username="xavier").count() == 1


def test_the_prune_command_removes_records_older_than_the_retention(
    db: None, settings: Any, capsys: Any
) -> None:
    settings.LOCKOUT_RETENTION_DAYS = 7
    old_records(days=8)
    old_records(days=6, username="recent")
    call_command("security", "prune")
    assert kept(AccessAttempt) == kept(AccessFailureLog) == kept(AccessLog) == {"recent"}
    assert "Removed 3 sign-in records older than 7 days." in capsys.readouterr().out
