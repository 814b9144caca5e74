"""The Performance tab in the partnership's navigation (core.navigation), beside the treatment record's
(61-64): every member sees it; its pages are its sections, so the tab stays marked on them."""

from __future__ import annotations

from concordat.core.navigation import add_tab

from . import permissions


def add_tabs() -> None:
    add_tab(
        "performance:dashboard",
        "Performance",
        permission=permissions.VIEW,
        order=65,
        sections=(
            "performance:targets",
            "performance:edit-targets",
            "performance:money",
            "performance:episodes",
        ),
    )
