"""An error summary's links move focus to the field: each link names an element that is a form control (a
date's day box, the first radio), never a <div> or nothing. Checked on pages of the pool and the treatment
record whose forms have dates and radios."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from concordat.core.roles import Role
from tests.factories import member

pytestmark = pytest.mark.django_db


def summary_targets(html: str) -> list[str]:
    summary = re.search(r'<div class="govuk-error-summary".*?</ul>', html, re.S)
    assert summary, "no error summary"
    return re.findall(r'href="#([^"]+)"', summary.group(0))


def control_ids(html: str) -> set[str]:
    return set(re.findall(r'<(?:input|select|textarea)\b[^>]*\bid="([^"]+)"', html))


def assert_links_reach_controls(html: str) -> list[str]:
    targets = summary_targets(html)
    assert targets
    missing = [t for t in targets if t not in control_ids(html)]
    assert missing == [], f"error summary links to no form control: {missing}"
    return targets


def test_a_posting_forms_date_error_links_to_the_day_box(client: Any, partnership: Any) -> None:
    client.force_login(member(partnership, Role.POOL_MANAGER, username="finance"))
    response = client.post(reverse("pool:post", args=[partnership.slug, "payment"]), {})
    assert response.status_code == 422
    assert "date_0" in assert_links_reach_controls(response.content.decode())[0]


def test_a_referrals_date_and_radio_errors_link_to_their_first_box(client: Any, partnership: Any) -> None:
    client.force_login(member(partnership, Role.KEY_WORKER, username="worker"))
    response = client.post(reverse("treatment:refer", args=[partnership.slug]), {})
    targets = assert_links_reach_controls(response.content.decode())
    assert "id_date_of_birth_0" in targets and "id_sex_1" in targets
