"""Nothing identifying (initials with a date of birth, a date of birth, a client_ref) in logs, URLs, the audit
trail or the access log: an import, then a browse through every client record page as each role, a key
worker's referral and the provider API, with every log captured at DEBUG."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from django.urls import reverse

from concordat.core.models import AuditEntry
from concordat.core.roles import Role
from concordat.treatment.handles import ensure_handles
from concordat.treatment.sharing import AccessEntry, ClientHandle
from concordat.treatment.tokens import api_token_create
from tests.factories import member
from tests.treatment.conftest import submit
from tests.treatment.test_nothing_identifying import identifying_strings, people
from tests.treatment.test_records import _through_check

NEW_PERSON = {
    "client_ref": "WALRUS-CLIENT-99",
    "initials": "jp",
    "date_of_birth_0": "14",
    "date_of_birth_1": "7",
    "date_of_birth_2": "1966",
    "sex": "F",
    "la_of_residence": "E08000006",
    "episode_ref": "EPISODE-PRIVATE-NEW",
    "referral_date_0": "1",
    "referral_date_1": "2",
    "referral_date_2": "2005",
    "referral_source": "self",
    "primary_substance": "alcohol",
}
SECRETS = [*identifying_strings(), "WALRUS-CLIENT-99", "1966-07-14", "JP|1966-07-14"]


@pytest.mark.django_db
def test_a_browse_as_every_role_leaves_nothing_identifying(
    partnership: Any, client: Any, caplog: Any
) -> None:
    for name in ("", "django", "concordat"):
        caplog.set_level(logging.DEBUG, logger=name)
    assert submit(partnership, people()).report.accepted
    p1 = partnership.providers.get(code="P1")
    # A record gets its handle when a list shows it (the caseload, a page at a time): every record's own
    # pages are visited below, so all of them get one now.
    ensure_handles(partnership)
    slug = partnership.slug
    visited: list[str] = []

    def visit(method: str, url: str, data: Any = None, **extra: Any) -> Any:
        response = getattr(client, method)(url, data or {}, **extra)
        visited.append(url)
        if response.status_code in (301, 302):
            visited.append(response["Location"])
        return response

    for role in Role:
        user = member(partnership, role, username=f"as-{role}")
        client.force_login(user)
        visit("get", reverse("treatment:counts", args=[slug]))
        if role in (Role.KEY_WORKER, Role.PROVIDER_DATA_OFFICER):
            caseload = visit("get", reverse("treatment:caseload", args=[slug]))
            assert caseload.status_code == 200
            for record in ClientHandle.objects.filter(provider=p1):
                assert (
                    visit("get", reverse("treatment:timeline", args=[slug, record.handle])).status_code == 200
                )
        if role == Role.KEY_WORKER:
            check = _through_check(client, reverse("treatment:refer", args=[slug]), NEW_PERSON)
            visited.append(check)
            assert visit("post", check).status_code == 302
        if role == Role.AUDITOR:
            visit("get", reverse("treatment:access-log", args=[slug]))
            export = client.get(reverse("treatment:access-log-export", args=[slug]))
            exported = b"".join(export.streaming_content).decode()
        if role == Role.PROVIDER_DATA_OFFICER:
            visit("get", reverse("treatment:tokens", args=[slug]))
    made = api_token_create(partnership=partnership, provider=p1, name="case system", actor=None)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {made.secret}"}
    listing = visit("get", "/api/v1/treatment/provider/clients", **auth).json()
    for found in listing["clients"]:
        visit("get", f"/api/v1/treatment/provider/clients/{found['handle']}", **auth)

    assert (
        AccessEntry.objects.filter(channel="api").exists()
        and AccessEntry.objects.filter(channel="page").exists()
    )
    haystacks = {
        "logs": caplog.text,
        "URLs": "\n".join(visited),
        "audit trail": json.dumps(
            list(
                AuditEntry.objects.values("summary", "object_repr", "details", "additional_data", "changes")
            ),
            default=str,
        ),
        "access log": json.dumps(list(AccessEntry.objects.values()), default=str),
        "access log export": exported,
    }
    for where, text in haystacks.items():
        for secret in SECRETS:
            assert secret not in text, f"{secret!r} found in the {where}"
