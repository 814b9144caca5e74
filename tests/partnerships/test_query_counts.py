"""A list page's query count does not grow with the number of entries it lists."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from concordat.core.roles import Role
from tests.factories import agreement_document, load_partnership, member

PAGES = [
    "overview",
    "contributions",
    "aims",
    "governance",
    "approvals",
    "consultation",
    "board",
    "appraisals",
    "notification-form",
]


def grown(n: int) -> dict[str, Any]:
    """The Salford agreement with `n` entries in every list a page shows."""
    document = agreement_document()
    document["partners"] += [{"code": f"X{i}", "name": f"Partner {i}", "kind": "other"} for i in range(n)]
    document["funding_streams"] += [
        {"code": f"S{i}", "name": f"Stream {i}", "partner": f"X{i}"} for i in range(n)
    ]
    document["contributions"] += [{"stream": f"S{i}", "year": "2004-05", "amount": "10.00"} for i in range(n)]
    document["milestones"] += [
        {"text": f"Milestone {i}", "due": "2005-01-01", "status": "open"} for i in range(n)
    ]
    document["approvals"] += [{"body": f"Body {i}", "date": "2004-01-01", "decision": "ok"} for i in range(n)]
    document["consultation"] = [{"who": "staff", "how": f"Meeting {i}"} for i in range(n)]
    document["board"] = [{"name": f"Member {i}", "represents": f"X{i}"} for i in range(n)]
    document["options_appraisals"] = [
        {
            "title": f"Appraisal {i}",
            "criteria": [{"name": "Cost", "weight": 2}],
            "options": [{"code": "A", "name": "A", "scores": {"Cost": 3}}],
        }
        for i in range(n)
    ]
    return document


def queries(client: Any, name: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse(f"partnerships:{name}", args=["salford-dat"]))
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("name", PAGES)
def test_a_list_page_reads_in_the_same_number_of_queries_for_1_and_5_entries(
    client: Any, db: None, name: str
) -> None:
    partnership = load_partnership(grown(1))
    client.force_login(member(partnership, Role.LEAD_COMMISSIONER, username="lead"))
    few = queries(client, name)
    load_partnership(grown(5))  # as many as the limits allow of the smallest list (rules/limits.py)
    many = queries(client, name)
    assert many == few, f"{name}: {few} queries for 1 entry a list, {many} for 5"
