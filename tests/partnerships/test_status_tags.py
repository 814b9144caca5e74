"""One style of status tag on every page: one template tag, one colour per meaning, the same words always
the same colour (milestones, governance, approvals, options, the form's draft)."""

from __future__ import annotations

import re
from typing import Any

from django.urls import reverse

from concordat.partnerships.templatetags.agreement import MEANING_COLOURS, STATUSES, status
from tests.factories import agreement_document, load_partnership, member
from tests.partnerships.test_appraisals import APPRAISAL

TAG = re.compile(r'<strong class="govuk-tag ([^"]*)">([^<]*)</strong>')
# Tags that label a thing rather than say its status (the host partner, a ring fence, the phase).
LABELS = {"Host partner", "Lead commissioner", "Treatment", "Alpha", "Beta"}


def test_each_meaning_has_its_own_colour() -> None:
    assert len(set(MEANING_COLOURS.values())) == len(MEANING_COLOURS)


def test_the_same_words_always_mean_the_same() -> None:
    meanings: dict[str, set[str]] = {}
    for values in STATUSES.values():
        for words, meaning in values.values():
            meanings.setdefault(words, set()).add(meaning)
    assert all(len(found) == 1 for found in meanings.values()), meanings


def test_the_tag_says_the_status_in_words() -> None:
    assert (
        status("milestone", "met")
        == '<strong class="govuk-tag concordat-status govuk-tag--green">Met</strong>'
    )
    assert "Not started" in status("milestone", "open")
    assert "govuk-tag--red" in status("milestone", "overdue")
    assert "govuk-tag--grey" in status("governance", "open")
    assert "govuk-tag--green" in status("approval", "approved")
    assert "Something else" in status("approval", "something-else")
    assert status("approval", "") == ""


def test_every_status_on_every_page_is_the_one_tag(client: Any, db: None, fixed_today: Any) -> None:
    from concordat.core.roles import Role

    partnership = load_partnership(agreement_document(options_appraisals=[APPRAISAL]))
    client.force_login(member(partnership, Role.LEAD_COMMISSIONER, username="lead"))
    appraisal = partnership.options_appraisals.get().key
    colours: dict[str, set[str]] = {}
    seen = 0
    for name, args in [
        ("overview", []),
        ("contributions", []),
        ("aims", []),
        ("governance", []),
        ("approvals", []),
        ("appraisals", []),
        ("appraisal", [appraisal]),
        ("notification-form", []),
    ]:
        page = client.get(reverse(f"partnerships:{name}", args=["salford-dat", *args])).content.decode()
        for classes, words in TAG.findall(page):
            if words.strip() in LABELS or "phase-banner" in classes:
                continue
            assert "concordat-status" in classes, (name, words)
            colour = next(c for c in classes.split() if c.startswith("govuk-tag--"))
            colours.setdefault(words.strip(), set()).add(colour)
            seen += 1
    assert seen >= 10
    assert {"Met", "Open", "Confirmed", "Preferred", "Draft"} <= colours.keys()
    assert all(len(found) == 1 for found in colours.values()), colours
