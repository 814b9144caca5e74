"""Fixtures of the pooled fund's tests: the Salford partnership with postings helpers."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from concordat.pool import services


@pytest.fixture
def post(partnership: Any) -> Any:
    """`post("payment", "P-1", "2003-05-01", "1000.00", contract="CDT", purpose="treatment")`."""

    def post(kind: str, ref: str, day: str, amount: str | None = None, **values: Any) -> Any:
        pence = None if amount is None else int(amount.replace(".", ""))
        common = {
            "partnership": values.pop("partnership", partnership),
            "ref": ref,
            "date": date.fromisoformat(day),
        }
        if kind == "reversal":
            return services.reversal_post(**common, amount_pence=pence, **values).transaction
        service = getattr(services, f"{kind}_post")
        return service(**common, amount_pence=pence, **values).transaction

    return post
