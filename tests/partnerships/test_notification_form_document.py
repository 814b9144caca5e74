"""The notification form as a form to send: its recipient, a signature block, a "Draft" marker while the
agreement has errors, warnings or open governance items, a "Demonstration data" marker for a demo
partnership — on the page and on every page of its PDF, which is tagged (PDF/UA) and reads in order
with no hidden words in its text."""

from __future__ import annotations

import subprocess
from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from concordat.core.roles import Role
from concordat.documents.pdf import render_pdf
from concordat.partnerships import notification, selectors, services
from concordat.partnerships.models import Partnership
from concordat.partnerships.rules import vocabulary as words
from concordat.partnerships.shape import export_agreement
from concordat.partnerships.views.documents import notification_form_context
from tests.factories import agreement_document, load_partnership, member

SLUG = "salford-dat"


def ready_document() -> dict[str, Any]:
    """An agreement with nothing left to do: no warnings, all ten governance arrangements confirmed."""
    document = agreement_document()
    document["stated_totals"][0]["amount"] = "2001500.00"  # the lines' sum: no mismatch
    document["governance"] = [
        {"item": item, "status": "confirmed", "evidence": "Partnership agreement, schedule 2"}
        for item in words.GOVERNANCE_ITEMS
    ]
    return document


def pdf_pages_text(content: bytes) -> list[str]:
    """Each page's text as poppler's pdftotext reads it (pages end with a form feed)."""
    text = subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True).stdout
    return [page for page in text.decode().split("\f") if page.strip()]


def pdf_of(partnership: Partnership, **extra: Any) -> bytes:
    context = {
        "partnership": partnership,
        "page_title": "Section 31 notification form",
        **notification_form_context(partnership),
        **extra,
    }
    return render_pdf(None, "partnerships/notification_form.html", context)


def page_of(client: Any, partnership: Partnership) -> str:
    client.force_login(member(partnership, Role.BOARD_MEMBER, username="board"))
    return client.get(reverse("partnerships:notification-form", args=[partnership.slug])).content.decode()


@pytest.fixture
def ready(db: None, fixed_today: Any) -> Partnership:
    return load_partnership(ready_document())


# --- the recipient and the signature block ----------------------------------------------------------------


def test_the_form_says_who_it_is_sent_to(client: Any, partnership: Any) -> None:
    assert "Department of Health" in page_of(client, partnership)
    assert "Department of Health" in pdf_pages_text(pdf_of(partnership))[0]


def test_the_recipient_may_be_set_for_a_deployment(settings: Any, partnership: Any) -> None:
    settings.NOTIFICATION_FORM_RECIPIENT = "Department of Health and Social Care"
    assert notification.recipient() == "Department of Health and Social Care"


def test_the_signature_block_has_a_blank_line_for_each_partner(partnership: Any) -> None:
    text = " ".join(" ".join(pdf_pages_text(pdf_of(partnership))).split())
    block = text[text.index("Signatures") :]
    for name in ("Salford City Council", "Salford Primary Care Trust", "Salford Probation"):
        assert name in block
    assert "Not signed yet" not in text  # words for screen readers only, not in the PDF's text


def test_recorded_signatories_fill_their_partners_lines(partnership: Any) -> None:
    signatories = [{"partner": "SCC", "name": "Anne Williams", "role": "Chair", "date": date(2004, 3, 2)}]
    lines = notification.signature_lines(selectors.partners(partnership), signatories)
    assert [(line.partner.code, line.signed) for line in lines][:2] == [("SCC", True), ("PCT", False)]
    context = notification_form_context(partnership)
    assert context["signatories"] == []  # the hook: none are recorded yet
    text = " ".join(" ".join(pdf_pages_text(pdf_of(partnership, signature_lines=lines))).split())
    assert "Anne Williams Chair Signed 2 March 2004" in text


# --- the draft marker -------------------------------------------------------------------------------------


def test_the_form_is_a_draft_while_warnings_or_open_governance_items_remain(
    client: Any, partnership: Any
) -> None:
    reasons = notification_form_context(partnership)["draft_reasons"]
    assert "1 warning about the agreement" in reasons
    assert any("governance arrangements of item 13 still open" in reason for reason in reasons)
    page = page_of(client, partnership)
    assert "This form is a draft" in page and ">Draft</strong>" in page
    pages = pdf_pages_text(pdf_of(partnership))
    assert len(pages) >= 2
    for number, text in enumerate(pages, start=1):
        assert "Draft" in text, f"page {number} has no Draft marker"


def test_a_form_with_nothing_left_to_do_is_not_a_draft(client: Any, ready: Partnership) -> None:
    assert notification_form_context(ready)["draft_reasons"] == []
    assert ">Draft<" not in page_of(client, ready)
    assert all("Draft" not in text for text in pdf_pages_text(pdf_of(ready)))


def test_one_open_governance_item_makes_it_a_draft(db: None, fixed_today: Any) -> None:
    document = ready_document()
    document["governance"][4]["status"] = "open"
    partnership = load_partnership(document)
    reasons = notification_form_context(partnership)["draft_reasons"]
    assert "1 governance arrangement of item 13 still open" in reasons


# --- demonstration data -----------------------------------------------------------------------------------


def test_a_demo_partnership_says_so_on_every_page_and_every_pdf_page(client: Any, ready: Partnership) -> None:
    Partnership.objects.filter(pk=ready.pk).update(demo=True)
    ready.refresh_from_db()
    lead = member(ready, Role.LEAD_COMMISSIONER, username="lead")
    client.force_login(lead)
    for name in ("overview", "contributions", "aims", "governance", "approvals", "notification-form"):
        page = client.get(reverse(f"partnerships:{name}", args=[ready.slug])).content.decode()
        assert 'aria-label="Demonstration data"' in page, name
    pages = pdf_pages_text(pdf_of(ready))
    assert all("Demonstration data" in text for text in pages)
    assert all("Draft" not in text for text in pages)


def test_a_partnership_that_is_not_a_demo_has_no_demo_marker(client: Any, ready: Partnership) -> None:
    assert "Demonstration data</strong>" not in page_of(client, ready)
    assert all("Demonstration data" not in text for text in pdf_pages_text(pdf_of(ready)))


# --- an accessible PDF ------------------------------------------------------------------------------------


def test_the_pdf_is_tagged_pdf_ua(partnership: Any) -> None:
    content = pdf_of(partnership)
    info = subprocess.run(["pdfinfo", "-"], input=content, capture_output=True, check=True).stdout.decode()
    assert "Tagged:          yes" in info
    meta = subprocess.run(["pdfinfo", "-meta", "-"], input=content, capture_output=True, check=True).stdout
    assert 'pdfuaid:part="1"' in meta.decode()  # PDF/UA-1, said in its XMP metadata


def test_the_pdf_text_has_no_words_hidden_from_sight(client: Any, partnership: Any) -> None:
    """Captions and link words meant for screen readers on the web page are not stray text on paper."""
    text = " ".join(" ".join(pdf_pages_text(pdf_of(partnership, can_change=True))).split())
    for hidden in (
        "The partners and their addresses",
        "Targets with their due dates and status",
        "The ten governance arrangements",
        "Who signed for each partner",
        "Change",
    ):
        assert hidden not in text


def test_the_pdf_text_reads_in_the_forms_order(partnership: Any) -> None:
    text = " ".join(" ".join(pdf_pages_text(pdf_of(partnership))).split())
    places = [text.index(f"{n}. ") for n in range(1, 14)]
    assert places == sorted(places)
    assert text.index("Department of Health") < places[0] < text.index("Signatures")


def test_recorded_signatories_fill_the_signature_block_as_precisely_as_recorded(
    client: Any, partnership: Partnership
) -> None:
    document = export_agreement(partnership)
    document["signatories"] = [
        {"partner": "SCC", "name": "Don Richards", "role": "DAT Co-ordinator", "date": "2004-02"},
        {"name": "Anne Williams", "role": "Chair of the DAT", "date": "2004-03-01"},
    ]
    outcome = services.partnership_load(document=document)
    assert outcome.report.valid, [p.as_dict() for p in outcome.report.errors]
    pages = pdf_pages_text(pdf_of(Partnership.objects.get(pk=partnership.pk)))
    text = " ".join(" ".join(pages).split())  # table cells wrap names across lines
    assert "Don Richards" in text and "February 2004" in text and "1 February 2004" not in text
    assert "Anne Williams" in text and "1 March 2004" in text
