"""The pool's tabs in the partnership's navigation (core.navigation): after Contributions and Aims, before
Governance. The pages under each tab are its sections, so the tab stays marked on them."""

from __future__ import annotations

from concordat.core.navigation import add_tab

from . import permissions


def add_pool_tabs() -> None:
    add_tab(
        "pool:statement",
        "Pooled fund",
        permission=permissions.VIEW,
        order=24,
        sections=("pool:report", "pool:schedule"),
    )
    add_tab(
        "pool:ledger",
        "Ledger",
        permission=permissions.VIEW,
        order=26,
        sections=("pool:transaction", "pool:reverse", "pool:post", "pool:post-check"),
    )
