"""Money beside activity and outcomes: per contract and per provider, what the pool paid in the period, the
people in treatment and successful completions at the provider, the cost of each to the penny (half up),
and each contract's monitoring KPIs against the engine's figure; for the pool's readers only."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from concordat.commissioning import services as commissioning
from concordat.commissioning.models import Contract
from concordat.core.roles import Role
from concordat.pool import services as pool
from tests.factories import member
from tests.performance.pages import queries, recorded, section, text

pytestmark = pytest.mark.django_db
URL = reverse("performance:money", args=["salford-dat"])


def contract(partnership: Any, key: str, provider: str = "P1") -> Contract:
    made = commissioning.contract_create(
        partnership=partnership,
        values={
            "key": key,
            "title": f"Treatment contract {key}",
            "provider": provider,
            "start": "2004-04-01",
            "end": "2007-03-31",
            "annual_value": "120000.00",
            "whole_life_value": "360000.00",
            "max_term_years": 3,
        },
        user=None,
    )
    return made if isinstance(made, Contract) else Contract.objects.get(partnership=partnership, key=key)


def pay(partnership: Any, ref: str, day: date, line: str, pence: int) -> None:
    pool.payment_post(
        partnership=partnership, ref=ref, date=day, contract=line, purpose="treatment", amount_pence=pence
    )


@pytest.fixture
def paid(partnership: Any) -> Any:
    recorded(partnership)
    pool.contribution_post(
        partnership=partnership,
        ref="C-2004",
        date=date(2004, 4, 1),
        stream="NTA-PTB",
        amount_pence=10_000_000,
    )
    main = contract(partnership, "cdt-one")
    second = contract(partnership, "cdt-two")
    pay(partnership, "P-1", date(2004, 5, 15), "contract:cdt-one", 300_000)  # Q1
    pay(partnership, "P-2", date(2005, 2, 10), "contract:cdt-one", 100_002)  # Q4: £1,000.02
    pay(partnership, "P-3", date(2005, 2, 11), "contract:cdt-two", 20_000)
    pay(partnership, "P-4", date(2005, 2, 12), "outreach-grant", 50_000)  # a spend line with no contract
    for values in (
        {"key": "people-count", "name": "People in treatment", "kpi": "in_treatment", "target": "4", "unit": "people"},
        {"key": "waits-mean", "name": "Average wait for prescribing", "kpi": "waiting.pharmacological.mean_days",
         "direction": "at-most", "target": "14", "unit": "days"},
        {"key": "survey-one", "name": "Service users satisfied", "target": "80", "unit": "%"},
        {"key": "typo-one", "name": "Misnamed", "kpi": "waiting_within_threshold", "target": "80", "unit": "%"},
    ):  # fmt: skip
        commissioning.contract_kpi_add(contract=main, values=values, user=None)
    del second
    return partnership


def test_payments_people_and_cost_per_head_by_contract_and_provider(client: Any, paid: Any) -> None:
    client.force_login(member(paid, Role.POOL_MANAGER))
    page = text(client.get(URL))  # Q4 2004-05: P1 has four people in treatment
    contracts = section(page, 'id="by-contract"')
    main = contracts[contracts.index("Treatment contract cdt-one<") :]
    main = main[: main.index("</tr>")]
    assert "£1,000.02" in main and ">4<" in main
    assert "£250.01" in main  # 100,002p over four: 25,000.5p, half up
    assert "No completions" in main
    second = contracts[contracts.index("Treatment contract cdt-two") :]
    assert "£200.00" in second[: second.index("</tr>")] and "£50.00" in second[: second.index("</tr>")]
    providers = section(page, 'id="by-provider"')
    p1 = providers[providers.index("(P1)") : providers.index("</tr>", providers.index("(P1)"))]
    assert "£1,200.02" in p1 and "£300.01" in p1  # 120,002p over four: 30,000.5p, half up
    whole = section(page, 'id="total"', "</dl>")
    assert "£1,700.02" in whole and "£283.34" in whole  # over six people: 28,333.67p
    assert "outreach-grant" in section(page, 'id="other-spend"')


def test_a_quarter_counts_only_its_own_payments(client: Any, paid: Any) -> None:
    client.force_login(member(paid, Role.BOARD_MEMBER))
    q1 = text(client.get(URL, {"period": "2004-05-q1"}))
    main = section(q1, 'id="by-contract"')
    assert "£3,000.00" in main and "£1,000.02" not in main
    year = text(client.get(URL, {"period": "2004-05"}))
    assert "£4,000.02" in section(year, 'id="by-contract"')


def test_each_contracts_monitoring_kpis_against_the_engines_figure(client: Any, paid: Any) -> None:
    client.force_login(member(paid, Role.LEAD_COMMISSIONER))
    q4 = section(text(client.get(URL)), 'id="monitoring-cdt-one"')
    people = q4[q4.index("People in treatment") : q4.index("</tr>", q4.index("People in treatment"))]
    assert ">4" in people and "At least 4" in people and "Target met" in people
    waits = q4[q4.index("Average wait") : q4.index("</tr>", q4.index("Average wait"))]
    assert "No figure" in waits  # nobody started prescribing in Q4
    assert "Not measured by the KPI engine (no KPI code)" in q4
    assert "Not a figure the KPI engine computes" in q4
    q1 = section(text(client.get(URL, {"period": "2004-05-q1"})), 'id="monitoring-cdt-one"')
    waits = q1[q1.index("Average wait") : q1.index("</tr>", q1.index("Average wait"))]
    assert "17.0" in waits and "At most 14" in waits and "Target missed" in waits  # over 110% of 14


def test_provider_roles_see_no_money(client: Any, paid: Any) -> None:
    for role in (Role.PROVIDER_DATA_OFFICER, Role.KEY_WORKER):
        client.force_login(member(paid, role))
        assert client.get(URL).status_code == 403
        assert "Money, activity and outcomes" not in text(
            client.get(reverse("performance:dashboard", args=["salford-dat"]))
        )


def test_the_same_number_of_queries_for_two_contracts_or_six(client: Any, paid: Any) -> None:
    client.force_login(member(paid, Role.AUDITOR))
    few = queries(client, URL)
    for n in range(4):
        made = contract(paid, f"more-{n}", provider="P2")
        commissioning.contract_kpi_add(
            contract=made,
            values={"key": "kpi-one", "name": "People", "kpi": "in_treatment", "target": "1"},
            user=None,
        )
        pay(paid, f"M-{n}", date(2005, 1, 5), f"contract:more-{n}", 1_000)
    assert queries(client, URL) == few
