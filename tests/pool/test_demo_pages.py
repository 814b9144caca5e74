"""Every pool page of every demo partnership opens for the finance officer, with the demo marker."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from concordat.demo.services import demo_load
from concordat.partnerships.models import Partnership

PAGES = ("statement", "ledger", "report", "schedule", "statement-xlsx", "ledger-csv")


@pytest.mark.django_db
def test_the_demo_pool_pages_open(client: Any, fixed_today: Any) -> None:
    demo_load()
    client.force_login(get_user_model().objects.get(username="finance"))
    for slug in Partnership.objects.filter(memberships__user__username="finance").values_list(
        "slug", flat=True
    ):
        for name in PAGES:
            response = client.get(reverse(f"pool:{name}", args=[slug]), {"year": "2003-04"})
            assert response.status_code == 200, (slug, name)
        html = client.get(reverse("pool:statement", args=[slug])).content.decode()
        assert "Demonstration data" in html
