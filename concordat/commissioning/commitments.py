"""The link to the pooled fund: a contract's payment schedule is the pool's commitment for each year.

The pool owns commitments (memorandum records). This module only translates a contract into pence by
financial year and hands them to the pool's service, when the pool app is installed.
"""

from __future__ import annotations

from typing import Any

from . import models, selectors


def schedule_by_year(contract: models.Contract) -> dict[int, int]:
    """Financial year start (2022 for 2022-23) -> pence, with every variation applied in order."""
    return dict(selectors.terms_of(contract).schedule)


def contract_ref(contract: models.Contract) -> str:
    return f"contract:{contract.key}"


def push(contract: models.Contract, *, actor: Any) -> bool:
    """Replace the pool's commitments for `contract` with its current schedule, inside the caller's
    transaction. True when the pool took them; False when there is no pool app to take them."""
    # The pool (concordat/pool, built on another branch) provides this service; until the branches merge it
    # may not exist. The lead wires it at merge: nothing else here changes then.
    if not pool_installed():
        return False
    try:
        from concordat.pool.services import commitments_replace  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return False
    commitments_replace(
        partnership=contract.partnership,
        contract_ref=contract_ref(contract),
        by_year=schedule_by_year(contract),
        description=f"{contract.title} ({contract.provider.name})",
        actor=actor,
    )
    return True


def payments_for(contract: models.Contract) -> list[Any]:
    """The pool's payments against `contract` (objects with ref, date, amount_pence); none without a pool."""
    # As above: the pool's selector exists once the pool branch is merged.
    if not pool_installed():
        return []
    try:
        from concordat.pool.selectors import payments_for_contract  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return []
    return list(payments_for_contract(contract.partnership, contract_ref(contract)))


def pool_installed() -> bool:
    """Whether the pooled fund app is installed (its module being importable is not enough: a copy of the
    package elsewhere on the path is not an installed app)."""
    from django.apps import apps

    return apps.is_installed("concordat.pool")
