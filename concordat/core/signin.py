"""Sign-in lock-out (django-axes), as Concordat configures it in settings.py:

- A lock is on the pair (username, client address): ten failures for one username from one address lock
  that username from that address only. Neither a colleague behind the same network nor the same user
  elsewhere is locked out by them.
- The client address is read through `TRUSTED_PROXY_COUNT` reverse proxies (`client_address`): behind a
  TLS proxy every request comes from the proxy, and locking its address would lock everyone.
- The locked-out user sees the sign-in page saying at what time they can try again (`lockout_response`);
  trying meanwhile does not move that time (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT is off).
- The records axes keeps hold addresses, which are personal data: they are removed
  `LOCKOUT_RETENTION_DAYS` after they were made, whenever a sign-in succeeds or fails
  (`SignInRecords`) and by `concordat security prune`; user agents are not kept at all.
"""

from __future__ import annotations

import ipaddress
from datetime import datetime, timedelta
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone


def client_address(request: HttpRequest) -> str | None:
    """The address of the client that sent `request`, seen through `TRUSTED_PROXY_COUNT` proxies.

    Each proxy appends the address it received the request from to X-Forwarded-For, so with N trusted
    proxies the client is the Nth entry from the right; anything to its left was written by the client and
    is not believed. A request that did not pass through all N (fewer entries), or whose entry is not an
    address, is taken from the connection itself."""
    peer = request.META.get("REMOTE_ADDR")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return peer
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if len(hops) < count:
        return peer
    try:
        return str(ipaddress.ip_address(hops[-count]))
    except ValueError:
        return peer


def clock(moment: datetime) -> str:
    """A time as GOV.UK writes it, in the service's time zone: "2:35pm", with the day if not today."""
    local = timezone.localtime(moment)
    hour = local.hour % 12 or 12
    text = f"{hour}:{local.minute:02d}{'am' if local.hour < 12 else 'pm'}"
    if local.date() != timezone.localdate():
        text += f" on {local.day} {local:%B %Y}"
    return text


def locked_until(request: HttpRequest, credentials: dict[str, Any] | None) -> datetime:
    """When the lock on this request's (username, address) pair lifts: its last counted failure plus the
    cool-off."""
    cool_off = get_cool_off(request) or timedelta(0)
    last = AccessAttempt.objects.filter(
        username=get_client_username(request, credentials),
        ip_address=getattr(request, "axes_ip_address", None),
        attempt_time__gte=timezone.now() - cool_off,
    ).aggregate(last=Max("attempt_time"))["last"]
    return (last or timezone.now()) + cool_off


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict[str, Any] | None
) -> HttpResponse:
    """The sign-in page, with an error summary saying when the user can try again (AXES_LOCKOUT_CALLABLE)."""
    context = {
        "form": AuthenticationForm(request),
        "next": request.POST.get("next", request.GET.get("next", "")),
        "lockout": "You have tried to sign in too many times. "
        f"You can try again after {clock(locked_until(request, credentials))}.",
    }
    return render(request, "core/sign_in.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)


@transaction.atomic
def sign_in_records_prune(*, older_than_days: int) -> int:
    """Remove every lock-out and sign-in record (attempts, failures, sign-ins) made more than
    `older_than_days` days ago; return how many were removed."""
    cutoff = timezone.now() - timedelta(days=older_than_days)
    removed = 0
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        count, _ = model.objects.filter(attempt_time__lt=cutoff).delete()
        removed += count
    return removed


class SignInRecords(AxesDatabaseHandler):
    """Axes's database handler (AXES_HANDLER), keeping no user agent and pruning old records as it writes.

    Axes would keep the browser's user-agent string on every record; the lock-out does not use it and it
    identifies people further, so it is blanked before any record is written (consistently, as attempts
    are looked up by it)."""

    def user_login_failed(
        self, sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
    ) -> None:
        if request is not None:
            request.axes_user_agent = ""
        super().user_login_failed(sender, credentials, request, **kwargs)
        sign_in_records_prune(older_than_days=settings.LOCKOUT_RETENTION_DAYS)

    def user_logged_in(self, sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
        request.axes_user_agent = ""
        super().user_logged_in(sender, request, user, **kwargs)
        sign_in_records_prune(older_than_days=settings.LOCKOUT_RETENTION_DAYS)

    def user_logged_out(self, sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
        request.axes_user_agent = ""
        super().user_logged_out(sender, request, user, **kwargs)
