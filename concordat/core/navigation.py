"""The partnership's navigation: each domain app adds its tabs here when it starts (AppConfig.ready), so a
new app (the pooled fund, commissioning, the treatment record) gains a tab without editing another app.

A tab is shown to a user who holds its permission on the partnership; `order` places it among the others.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse


@dataclass(frozen=True)
class Tab:
    url_name: str  # takes the partnership's slug as its one argument
    text: str
    permission: str
    order: int
    sections: tuple[str, ...] = ()  # other url names under this tab (forms, detail pages)


_TABS: dict[str, Tab] = {}


def add_tab(url_name: str, text: str, *, permission: str, order: int, sections: tuple[str, ...] = ()) -> None:
    """Register a tab; registering the same url name again replaces it (apps may be reloaded in tests)."""
    _TABS[url_name] = Tab(url_name, text, permission, order, sections)


def tabs() -> list[Tab]:
    return sorted(_TABS.values(), key=lambda tab: (tab.order, tab.text))


def partnership_tabs(user: Any, partnership: Any, current: str | None) -> list[dict[str, Any]]:
    """The tabs `user` may open for `partnership`, the current one marked, as the navigation shows them."""
    return [
        {
            "href": reverse(tab.url_name, args=[partnership.slug]),
            "text": tab.text,
            "current": current == tab.url_name or current in tab.sections,
        }
        for tab in tabs()
        if user.has_perm(tab.permission, partnership)
    ]
