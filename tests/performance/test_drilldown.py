"""From a count to the records behind it: only a provider's staff, only the records they may see (their own
provider's, and those shared with it by a consent to the whole record), each record by its handle, each
record shown written to the access log once; everyone else sees counts only."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from concordat.core.roles import Role
from concordat.performance import selectors
from concordat.treatment.consent import consent_give
from concordat.treatment.handles import handle_for
from concordat.treatment.sharing import AccessEntry, Consent
from tests.factories import member
from tests.performance.pages import in_treatment, queries, recorded, section, text
from tests.treatment.conftest import submit

pytestmark = pytest.mark.django_db
HANDLE = re.compile(r'href="/partnerships/salford-dat/treatment/clients/([a-z0-9]{16})/"')


def url(period: str = "2004-05", kpi: str = "in_treatment", provider: str | None = None) -> str:
    found = reverse("performance:episodes", args=["salford-dat", period, kpi])
    return f"{found}?provider={provider}" if provider else found


@pytest.fixture
def officer(partnership: Any, client: Any) -> Any:
    recorded(partnership)
    client.force_login(member(partnership, Role.PROVIDER_DATA_OFFICER, provider="P1", username="pat"))
    return client


def logged(what: str = "performance") -> list[str]:
    return list(AccessEntry.objects.filter(what__startswith=what).values_list("handle", flat=True))


def test_a_data_officer_opens_the_records_behind_a_count_and_each_is_logged_once(
    officer: Any, partnership: Any
) -> None:
    page = text(officer.get(url()))
    shown = HANDLE.findall(page)
    # P1's five records (C0 to C3 and DONE, who is C0's person again), none of P2's
    assert len(shown) == len(set(shown)) == 5
    assert "P2-" not in page and ">C0<" in page and ">DONE<" in page
    assert sorted(logged()) == sorted(shown)
    entry = AccessEntry.objects.filter(what__startswith="performance").first()
    assert entry is not None and entry.user_name and entry.channel == "page"
    assert entry.what == "performance: in_treatment, 2004-05"
    assert "4 people (5 rows)" in page  # C0 and DONE are one person
    everyone = {g.label: g.kpis for g in selectors.grid(partnership)}["2004-05"]["in_treatment"]
    assert everyone == 6 and "The dashboard's figure, for everyone, is 6" in page  # with P2's two
    for href in re.findall(r'href="([^"]+)"', page):  # records are addressed by handle, never by ref
        assert "C0" not in href and "DONE" not in href


def test_the_dashboard_links_the_officers_own_counts_to_their_records(officer: Any) -> None:
    page = text(officer.get(reverse("performance:dashboard", args=["salford-dat"])))
    providers = section(page, 'id="by-provider"')
    assert f'href="{url("2004-05-q4", "in_treatment", "P1")}"' in providers
    assert "?provider=P2" not in providers  # another provider's count: no link
    assert f'href="{url("2004-05-q4", "in_treatment")}"' in section(page, 'id="kpi-in_treatment"', "</tr>")
    trend = section(page, 'id="table-in-treatment"')  # each quarter of a trend's table, too
    assert f'href="{url("2004-05-q1", "in_treatment")}"' in trend
    assert f'href="{url("2004-05-q2", "new_starts")}"' in section(page, 'id="table-new-starts"')


def test_another_providers_client_is_listed_only_with_a_consent_to_the_whole_record(
    officer: Any, partnership: Any
) -> None:
    p1, p2 = partnership.providers.get(code="P1"), partnership.providers.get(code="P2")
    record = handle_for(partnership, p2.pk, "P2-0")
    consent, report = consent_give(
        record=record, shared_with=p1, scope=Consent.Scope.REFERRAL, given_on=date(2004, 8, 1), actor=None
    )
    assert consent is not None, report.errors
    assert record.handle not in HANDLE.findall(text(officer.get(url())))  # referrals only: no modalities
    consent.withdrawn_on = date(2004, 9, 1)
    consent.save()
    consent_give(
        record=record, shared_with=p1, scope=Consent.Scope.RECORD, given_on=date(2004, 9, 1), actor=None
    )
    page = text(officer.get(url()))
    assert record.handle in HANDLE.findall(page)
    assert "P2-1" not in page
    assert record.handle in logged()


def test_a_provider_the_period_or_a_waiting_modality(officer: Any) -> None:
    only_p1 = text(officer.get(url(provider="P1")))
    assert len(HANDLE.findall(only_p1)) == 5
    assert HANDLE.findall(text(officer.get(url(provider="P2")))) == []
    waiting = text(officer.get(url("2004-05-q1", "waiting.pharmacological")))
    assert len(HANDLE.findall(waiting)) == 5 and ">17<" in waiting  # referred 3 June, started 20 June
    assert HANDLE.findall(text(officer.get(url("2004-05-q2", "new_starts")))) == []


@pytest.mark.parametrize(
    "address",
    [
        url("2004-06"),
        url("2004-05 Q1"),
        url("2004-05-Q1"),
        url(kpi="retention_12wk"),
        url(kpi="waiting"),
        url(kpi="waiting.no-such-modality"),
        url(kpi="in_treatment.x"),
        url(provider="P9"),
    ],
)
def test_what_does_not_exist_is_not_found(officer: Any, address: str) -> None:
    assert officer.get(address).status_code == 404
    assert logged() == []


@pytest.mark.parametrize("role", [Role.LEAD_COMMISSIONER, Role.BOARD_MEMBER, Role.AUDITOR, Role.POOL_MANAGER])
def test_everyone_else_sees_counts_only(client: Any, partnership: Any, role: str) -> None:
    recorded(partnership)
    client.force_login(member(partnership, role))
    assert client.get(url()).status_code == 403
    page = text(client.get(reverse("performance:dashboard", args=["salford-dat"])))
    assert "see who" not in page and "/performance/2004-05" not in page
    assert logged() == []


def test_fifty_records_a_page_each_logged_and_the_same_queries_whatever_the_size(
    client: Any, partnership: Any
) -> None:
    submit(partnership, in_treatment(3))
    selectors.recompute(partnership.pk)
    client.force_login(member(partnership, Role.KEY_WORKER, provider="P1"))
    text(client.get(url()))  # the records shown get their handles
    few = queries(client, url())
    submit(partnership, in_treatment(60))
    selectors.recompute(partnership.pk)
    AccessEntry.objects.all().delete()
    text(client.get(url()))
    assert len(logged()) == 50  # one entry per record shown, in one INSERT
    assert queries(client, url()) == few
    second = text(client.get(url(), {"page": "2"}))
    assert len(HANDLE.findall(second)) == 10 and "51 to 60 of 60" in second
