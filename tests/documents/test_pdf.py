"""PDFs are rendered from the page's own template, on A4, numbered, and read only Concordat's static files."""

from __future__ import annotations

import subprocess
from typing import Any

import pytest

from concordat.documents.pdf import StaticFilesOnly, render_pdf
from concordat.partnerships.views.documents import notification_form_context

BASE = "https://concordat.invalid/"


def pdf_text(content: bytes) -> str:
    """The PDF's text as poppler's pdftotext reads it, page layout kept."""
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()


def pdf_pages(content: bytes) -> int:
    info = subprocess.run(["pdfinfo", "-"], input=content, capture_output=True, check=True).stdout.decode()
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


@pytest.fixture
def notification_form_pdf(partnership: Any) -> bytes:
    context = {
        "partnership": partnership,
        "page_title": "Section 31 notification form",
        **notification_form_context(partnership),
    }
    return render_pdf(None, "partnerships/notification_form.html", context)


def test_a_rendered_template_is_a_pdf(notification_form_pdf: bytes) -> None:
    assert notification_form_pdf.startswith(b"%PDF-")


def test_the_pdf_holds_the_templates_text(notification_form_pdf: bytes) -> None:
    text = pdf_text(notification_form_pdf)
    assert "Section 31 notification form" in text
    assert "Salford Drug Action Team" in text
    assert "1. Names of the statutory partners" in text


def test_every_page_is_numbered_page_n_of_m(notification_form_pdf: bytes) -> None:
    pages = pdf_pages(notification_form_pdf)
    text = pdf_text(notification_form_pdf)
    assert pages >= 2
    for number in range(1, pages + 1):
        assert f"Page {number} of {pages}" in text


def test_the_service_chrome_is_left_out_of_the_pdf(notification_form_pdf: bytes) -> None:
    text = pdf_text(notification_form_pdf)
    assert "Skip to main content" not in text
    assert "This is a new service" not in text
    assert "Download the notification form" not in text


def test_pages_are_a4(notification_form_pdf: bytes) -> None:
    info = subprocess.run(
        ["pdfinfo", "-"], input=notification_form_pdf, capture_output=True, check=True
    ).stdout
    assert b"(A4)" in info


def test_rendering_asks_only_for_static_files(partnership: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []
    real_fetch = StaticFilesOnly.fetch

    def recording_fetch(self: StaticFilesOnly, url: str, headers: Any = None) -> Any:
        asked.append(url)
        return real_fetch(self, url, headers)

    monkeypatch.setattr(StaticFilesOnly, "fetch", recording_fetch)
    render_pdf(
        None,
        "partnerships/notification_form.html",
        {"partnership": partnership, **notification_form_context(partnership)},
    )
    assert all(url.startswith(BASE + "static/") for url in asked)
    # The page's screen stylesheets are replaced by the print stylesheet, not loaded as well.
    assert not any("govuk-frontend" in url for url in asked)


def test_a_static_file_is_served_from_disk() -> None:
    response = StaticFilesOnly(BASE).fetch(BASE + "static/documents/print.css")
    assert b"@page" in response.read()
    assert response.content_type == "text/css"


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/static/documents/print.css",
        "http://169.254.169.254/latest/meta-data/",
        "file:///etc/passwd",
        BASE + "static/../settings.py",
        BASE + "partnerships/",
        BASE + "static/no-such-file.css",
    ],
)
def test_the_fetcher_refuses_anything_but_existing_static_files(url: str) -> None:
    with pytest.raises(ValueError):
        StaticFilesOnly(BASE).fetch(url)
