"""Where each value comes from is shown beside it: a citation in small print, or the tag "Invented for the
demonstration", on the pages and in the notification form's PDF, so invented values never pass as fact."""

from __future__ import annotations

import subprocess
from typing import Any

from django.urls import reverse

from concordat.core.roles import Role
from concordat.partnerships.views.documents import render_notification_form_pdf
from tests.factories import agreement_document, load_partnership, member

INVENTED = "Invented for the demonstration"


def sourced_partnership() -> Any:
    document = agreement_document()
    document["milestones"][0]["source"] = "invented"
    document["milestones"][1]["source"] = "Notification form, item 6"
    document["contributions"][0]["source"] = "invented"
    document["approvals"][0]["source"] = "Briefing paper 000, conclusion"
    return load_partnership(document)


def test_invented_and_cited_values_are_marked_on_the_pages(client: Any, db: None) -> None:
    partnership = sourced_partnership()
    client.force_login(member(partnership, Role.BOARD_MEMBER, username="board"))
    aims = client.get(reverse("partnerships:aims", args=[partnership.slug])).content.decode()
    assert aims.count(INVENTED) == 1
    assert "Source: Notification form, item 6" in aims
    contributions = client.get(
        reverse("partnerships:contributions", args=[partnership.slug])
    ).content.decode()
    assert INVENTED in contributions
    approvals = client.get(reverse("partnerships:approvals", args=[partnership.slug])).content.decode()
    assert "Source: Briefing paper 000, conclusion" in approvals and INVENTED not in approvals


def test_invented_values_are_marked_in_the_pdf(db: None) -> None:
    from concordat.core import clock

    partnership = sourced_partnership()
    pdf = render_notification_form_pdf(partnership, today=clock.today())
    text = " ".join(
        subprocess.run(["pdftotext", "-raw", "-", "-"], input=pdf, capture_output=True, check=True)
        .stdout.decode()
        .split()
    )
    assert text.count(INVENTED) == 2  # the milestone and the contribution
    assert "Source: Notification form, item 6" in text
