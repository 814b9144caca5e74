"""The link to the pooled fund: a contract's payment schedule is the pool's commitment for each year, and
the pool's payments on the contract are its spend.

The pool owns commitments (memorandum records, `pool.Commitment`) and payments; commissioning sits above
the pool and tells it, through the pool's own service, whenever a contract's schedule changes.
"""

from __future__ import annotations

from typing import Any

from concordat.pool import selectors as pool_selectors
from concordat.pool import services as pool_services

from . import models, selectors


def schedule_by_year(contract: models.Contract) -> dict[int, int]:
    """Financial year start (2022 for 2022-23) -> pence, with every variation applied in order."""
    return dict(selectors.terms_of(contract).schedule)


def contract_ref(contract: models.Contract) -> str:
    """How the pool names the contract: its spend lines and commitments carry this reference."""
    return f"contract:{contract.key}"


def references(partnership: Any) -> dict[str, tuple[str, str]]:
    """What the pool recognises as naming one of the partnership's contracts (pool/contracts.py): the
    contract's own reference, and the one its commitments carry, each -> (the latter, its title and
    provider)."""
    found: dict[str, tuple[str, str]] = {}
    rows = models.Contract.objects.filter(partnership=partnership).order_by("start", "id")
    for key, title, provider in rows.values_list("key", "title", "provider__name"):
        found[key] = found[f"contract:{key}"] = (f"contract:{key}", f"{title}, {provider}")
    return found


def push(contract: models.Contract, *, actor: Any) -> None:
    """Make the pool's commitments for `contract` its current schedule, inside the caller's transaction."""
    pool_services.commitments_replace(
        partnership=contract.partnership,
        contract_ref=contract_ref(contract),
        by_year=schedule_by_year(contract),
        description=f"{contract.title} ({contract.provider.name})",
        actor=actor,
    )


def payments_for(contract: models.Contract) -> list[Any]:
    """The pool's payments and accruals on `contract` that stand (not reversed), in the order posted."""
    return pool_selectors.payments_for_contract(contract.partnership, contract_ref(contract), contract.key)
