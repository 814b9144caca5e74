"""The caseload a page at a time: 50 rows of each table a page (GOV.UK pagination, plain links), one
access-log entry per record shown in one INSERT, handles made only for the records shown, and a number of
queries that does not grow with the provider's records."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from concordat.core.roles import Role
from concordat.treatment.sharing import AccessEntry, ClientHandle
from concordat.treatment.views.clients import PER_PAGE
from tests.factories import member
from tests.treatment.conftest import submit
from tests.treatment.submissions import row

pytestmark = pytest.mark.django_db
HANDLE_LINK = re.compile(r'href="/partnerships/[a-z0-9-]+/treatment/clients/([a-z0-9]{16})/"')


def waiting_clients(n: int) -> list[dict[str, str]]:
    """`n` clients, each waiting twice: for a modality in one episode, for triage in another."""
    rows = []
    for i in range(n):
        person = {"client_ref": f"K{i:03d}", "initials": "QZ", "date_of_birth": f"19{50 + i % 40}-05-06"}
        rows.append(
            row(**person, episode_ref=f"E{i}", modality="psychosocial", modality_referral_date="2004-07-01",
                modality_start_date="")
        )  # fmt: skip
        rows.append(
            row(**person, episode_ref=f"W{i}", referral_date="2005-01-10", triage_date="", modality="",
                modality_referral_date="", modality_start_date="")
        )  # fmt: skip
    return rows


@pytest.fixture
def worker(partnership: Any, client: Any) -> Any:
    client.force_login(member(partnership, Role.KEY_WORKER, partnership.providers.get(code="P1")))
    return client


def url(partnership: Any) -> str:
    return reverse("treatment:caseload", args=[partnership.slug])


def shown(html: str) -> set[str]:
    return set(HANDLE_LINK.findall(html))


def logged() -> list[str]:
    return list(AccessEntry.objects.filter(what="caseload").values_list("handle", flat=True))


def test_a_page_shows_50_of_each_table_and_logs_each_record_shown_once(partnership: Any, worker: Any) -> None:
    assert submit(partnership, waiting_clients(PER_PAGE + 10)).report.accepted
    html = worker.get(url(partnership)).content.decode()
    assert html.count("govuk-table__row") - 2 == 2 * PER_PAGE  # two header rows
    on_page = shown(html)
    assert len(on_page) == PER_PAGE  # each client is in both tables: one record, one read
    assert sorted(logged()) == sorted(on_page)
    # Only the records shown were read, so only they were given a handle
    assert ClientHandle.objects.count() == PER_PAGE


def test_the_next_pages_show_and_log_the_rest(partnership: Any, worker: Any) -> None:
    assert submit(partnership, waiting_clients(PER_PAGE + 10)).report.accepted
    first = shown(worker.get(url(partnership)).content.decode())
    AccessEntry.objects.all().delete()
    html = worker.get(url(partnership), {"modality-page": "2", "triage-page": "2"}).content.decode()
    rest = shown(html)
    assert len(rest) == 10 and not rest & first
    assert sorted(logged()) == sorted(rest)
    assert f"51 to {PER_PAGE + 10} of {PER_PAGE + 10}" in html


def test_each_table_pages_on_its_own_with_links_that_keep_the_other(partnership: Any, worker: Any) -> None:
    assert submit(partnership, waiting_clients(PER_PAGE + 1)).report.accepted
    html = worker.get(url(partnership), {"triage-page": "2"}).content.decode()
    assert html.count('class="govuk-pagination"') == 2
    # The modality table is on its page 1: its "Next" keeps the triage table on its page 2
    assert 'href="?triage-page=2&amp;modality-page=2" rel="next"' in html
    assert 'href="?triage-page=1" rel="prev"' in html
    assert html.count("govuk-table__row") - 2 == PER_PAGE + 1  # 50 waiting for a modality, 1 for triage
    # A page number that is not one: the nearest page, not an error
    assert worker.get(url(partnership), {"modality-page": "99", "triage-page": "x"}).status_code == 200


def test_a_short_caseload_has_no_pagination(partnership: Any, worker: Any) -> None:
    assert submit(partnership, waiting_clients(3)).report.accepted
    html = worker.get(url(partnership)).content.decode()
    assert 'class="govuk-pagination"' not in html and len(shown(html)) == 3


def test_queries_are_bounded_and_the_access_log_is_one_insert(
    partnership: Any, worker: Any, django_assert_max_num_queries: Any
) -> None:
    assert submit(partnership, waiting_clients(3)).report.accepted
    with django_assert_max_num_queries(17):  # the first view also gives the records shown their handles
        worker.get(url(partnership))
    with CaptureQueriesContext(connection) as few:
        worker.get(url(partnership))
    assert submit(partnership, waiting_clients(PER_PAGE * 3)).report.accepted
    with django_assert_max_num_queries(17):
        worker.get(url(partnership))
    with CaptureQueriesContext(connection) as many:
        worker.get(url(partnership))
    assert len(many) == len(few) <= 14
    inserts = [q["sql"] for q in many.captured_queries if 'INSERT INTO "treatment_accessentry"' in q["sql"]]
    assert len(inserts) == 1
    assert len(logged()) == 2 * 3 + 2 * PER_PAGE  # four views: two of 3 records, two of a full page


def test_the_api_client_list_gives_handles_to_the_clients_it_returns_only(
    partnership: Any, client: Any
) -> None:
    from concordat.treatment.tokens import api_token_create

    assert submit(partnership, waiting_clients(12)).report.accepted
    made = api_token_create(
        partnership=partnership, provider=partnership.providers.get(code="P1"), name="case system", actor=None
    )
    auth = {"HTTP_AUTHORIZATION": f"Bearer {made.secret}"}
    listing = client.get("/api/v1/treatment/provider/clients", {"limit": 5}, **auth).json()
    handles = [found["handle"] for found in listing["clients"]]
    assert listing["count"] == 12 and len(handles) == 5
    assert set(ClientHandle.objects.values_list("handle", flat=True)) == set(handles)
    api_reads = AccessEntry.objects.filter(channel="api").values_list("handle", flat=True)
    assert sorted(api_reads) == sorted(handles)
    again = client.get("/api/v1/treatment/provider/clients", {"limit": 5}, **auth).json()
    assert [found["handle"] for found in again["clients"]] == handles  # a handle, once made, stays
