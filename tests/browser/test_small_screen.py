"""Every partnership page fits a 375 px wide screen (an iPhone SE, WCAG 1.4.10 reflow): the page never
scrolls sideways and nothing in it runs off the screen, tables included — on a small screen each row of a
table stacks into a card with its column's name beside each value."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page

WIDTH = 375
DEMO_SLUGS = ["bnes-dat", "croydon-dat", "salford-dat", "salford-ld", "trafford-ld"]

# The widest thing on the page: the document's own width, and any element whose right edge is beyond the
# screen's (an element clipped by a scrolling box would hide that the page does not fit). What is out of
# sight on purpose (a table's header row on a small screen, visually hidden text) is clipped to nothing.
MEASURE = """() => {
  const overflowing = [];
  for (const element of document.querySelectorAll("main *")) {
    if (element.closest("thead, .govuk-visually-hidden")) continue;
    const box = element.getBoundingClientRect();
    if (box.width > 0 && box.right > window.innerWidth + 0.5) {
      overflowing.push(element.tagName.toLowerCase() + "." + element.className + " " + Math.round(box.right));
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, overflowing: overflowing.slice(0, 5)};
}"""


def pages_of(page: Page, base: str, slug: str) -> list[str]:
    """The partnership's pages: every tab of its navigation, and each options appraisal's page."""
    page.goto(f"{base}/partnerships/{slug}/")
    hrefs = page.eval_on_selector_all(
        ".govuk-service-navigation__list a", "links => links.map(a => a.getAttribute('href'))"
    )
    paths = [href for href in hrefs if href.startswith(f"/partnerships/{slug}/")]
    page.goto(f"{base}/partnerships/{slug}/appraisals/")
    paths += page.eval_on_selector_all("main table a", "links => links.map(a => a.getAttribute('href'))")
    return list(dict.fromkeys(paths))


@pytest.mark.parametrize("username", ["lead", "board"])
def test_every_partnership_page_fits_a_375_pixel_screen(
    demo_page: Callable[[str], Page], live_server: Any, username: str
) -> None:
    page = demo_page(username)
    page.set_viewport_size({"width": WIDTH, "height": 800})
    too_wide = {}
    measured = 0
    for slug in DEMO_SLUGS:
        for path in pages_of(page, live_server.url, slug):
            page.goto(live_server.url + path)
            result = page.evaluate(MEASURE)
            measured += 1
            if result["scrollWidth"] > WIDTH or result["overflowing"]:
                too_wide[path] = result
    assert measured >= 40, measured  # every tab of five partnerships, and the appraisals
    assert too_wide == {}


def test_a_stacked_table_names_each_value_on_a_small_screen(
    demo_page: Callable[[str], Page], live_server: Any, axe_check: Any
) -> None:
    """The amount of a contribution is on the screen, with its column's name beside it."""
    page = demo_page("lead")
    page.set_viewport_size({"width": WIDTH, "height": 800})
    page.goto(f"{live_server.url}/partnerships/salford-dat/contributions/")
    amount = page.locator("main table tbody td.concordat-money").first
    box = amount.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= WIDTH
    label = amount.evaluate("cell => getComputedStyle(cell, '::before').content")
    assert label == '"Amount"'
    assert axe_check(page) == []
