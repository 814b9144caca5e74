"""What the performance pages' tests share: a record submitted by two providers with the grid stored as the
background job stores it, and reading pages."""

from __future__ import annotations

import re
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from concordat.performance import selectors
from tests.treatment.conftest import submit
from tests.treatment.submissions import a_file, row


def p2_rows(n: int = 2) -> list[dict[str, str]]:
    return [
        row(client_ref=f"P2-{i}", episode_ref=f"P2-E{i}", date_of_birth=f"198{i}-01-02", sex="F",
            primary_substance="alcohol", modality="psychosocial", modality_referral_date="2004-07-01",
            modality_start_date="2004-07-10")
        for i in range(n)
    ]  # fmt: skip


def in_treatment(n: int, prefix: str = "K") -> list[dict[str, str]]:
    """`n` clients in treatment from June 2004 (pharmacological, open), each a person of their own."""
    return [
        row(client_ref=f"{prefix}{i:03d}", episode_ref=f"{prefix}E{i:03d}",
            date_of_birth=f"19{50 + i % 40}-{1 + i // 40 % 12:02d}-{1 + i // 480 % 28:02d}")
        for i in range(n)
    ]  # fmt: skip


def recorded(partnership: Any, clients: int = 4, others: int = 2) -> Any:
    """P1 with `clients` clients (tests.treatment.submissions.a_file), P2 with `others`; the grid stored."""
    assert submit(partnership, a_file(clients)).report.accepted
    if others:
        assert submit(partnership, p2_rows(others), provider="P2").report.accepted
    selectors.recompute(partnership.pk)
    return partnership


def text(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    return str(response.content.decode())


def section(page: str, start: str, end: str = "</table>") -> str:
    """The part of the page from `start` to the next `end`."""
    at = page.index(start)
    return page[at : page.index(end, at)]


def queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(captured)


def links(page: str, pattern: str) -> list[str]:
    return re.findall(pattern, page)
