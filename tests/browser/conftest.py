"""The Playwright harness: Debian's chromium against pytest-django's live server.

Every test in this folder is marked `browser` (run them alone with `-m browser`, skip them with
`-m "not browser"`). Tests sign in through the real sign-in form and check pages with axe.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.factories import PASSWORD

HERE = Path(__file__).resolve().parent
CHROMIUM = "/usr/bin/chromium"
# As root on a closed network chromium needs these (TOOLCHAIN.md).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SERIOUS = frozenset({"serious", "critical"})


@pytest.hookimpl(tryfirst=True)  # before `-m "not browser"` deselects by marker
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.browser)


def pytest_collection_finish(session: pytest.Session) -> None:
    """Playwright's sync API keeps an event loop running in this thread from the first browser test to the
    end of the session, and Django refuses ORM calls while one runs: allow them, in runs with browser tests
    only. (Set for the whole process, the variable would reach every subprocess a test starts, and
    `concordat check --deploy` rightly fails on it: async.E001. `make test` runs browser tests apart.)"""
    if any(item.path.is_relative_to(HERE) for item in session.items):
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Debian's chromium, never a downloaded browser (`playwright install` cannot work offline)."""
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [*browser_type_launch_args.get("args", []), *CHROMIUM_ARGS],
    }


def serious_axe_violations(page: Page) -> list[dict[str, Any]]:
    """axe's violations on the page as it is now, those of impact serious or critical only."""
    results = Axe().run(page)
    return [violation for violation in results.response["violations"] if violation.get("impact") in SERIOUS]


def describe_violations(violations: list[dict[str, Any]]) -> str:
    """One line per violation, with the first offending element, for assertion messages."""
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} at {v['nodes'][0]['target'] if v['nodes'] else '?'}"
        for v in violations
    )


@pytest.fixture
def axe_check() -> Callable[[Page], list[dict[str, Any]]]:
    """`assert axe_check(page) == []`: no serious or critical accessibility violations."""
    return serious_axe_violations


@pytest.fixture
def signed_in_page(live_server: Any, new_context: Callable[..., Any]) -> Callable[..., Page]:
    """`signed_in_page(user)`: a page in a fresh browser context, signed in as `user` through the real
    sign-in form, on the page the form leads to. Each call is a separate browser session."""

    def sign_in(user: Any, password: str = PASSWORD) -> Page:
        page: Page = new_context().new_page()
        page.goto(live_server.url + "/sign-in/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        expect(page).not_to_have_url(live_server.url + "/sign-in/")
        return page

    return sign_in


# --- The demo: the five partnerships and one user per role that `make demo` serves -------------------------


@pytest.fixture
def demo(transactional_db: None) -> Any:
    """The demo loaded (concordat.demo.services.demo_load), into the database the live server reads."""
    from concordat.demo.services import demo_load

    return demo_load()


@pytest.fixture
def demo_page(demo: Any, signed_in_page: Callable[..., Page]) -> Callable[[str], Page]:
    """`demo_page("lead")`: a fresh browser session signed in as that demo user through the real form."""
    from django.contrib.auth import get_user_model

    from concordat.demo.services import DEMO_PASSWORD

    def sign_in(username: str) -> Page:
        return signed_in_page(get_user_model().objects.get(username=username), DEMO_PASSWORD)

    return sign_in
