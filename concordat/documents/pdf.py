"""PDFs from the same HTML templates as the web pages, rendered with WeasyPrint.

A page and its PDF never drift apart because they are one template: the PDF is styled by a print
stylesheet in place of the page's screen CSS (A4, running header and footer, "Page N of M", the service's
chrome hidden). WeasyPrint reads stylesheets and images only from Concordat's own static files, straight
from disk: it never opens a network connection or an arbitrary local file, whatever a template links to.

Use `render_pdf` for the bytes (a command, a cache) and `pdf_download` to send them. A
template's `h1` and `.govuk-caption-*` become the running header; an element with the class
`concordat-document-footer` the running footer; `concordat-no-print` hides, `concordat-keep-together`
keeps a block on one page; an element with the class `concordat-document-marker` ("Draft",
"Demonstration data") is printed at the top of every page.

The PDFs are tagged PDF/UA-1 (ISO 14289): headings, lists and tables are marked up for screen readers and
the text reads in the order of the page. Visually hidden text (a table's caption for screen readers, the
rest of a "Change" link) is left out of the PDF: on paper it would be stray words between the lines.
"""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

PRINT_STYLESHEETS = ("documents/print.css",)
# Tagged, accessible PDF (WeasyPrint's PDF/UA-1 variant: PDF 1.7 with structure tags and UA metadata).
PDF_VARIANT = "pdf/ua-1"
# Where relative links resolve when there is no request (a command or a background job).
OFFLINE_BASE_URL = "https://concordat.invalid/"


class StaticFilesOnly(URLFetcher):
    """Serve URLs under the static prefix from the static files on disk; refuse everything else."""

    def __init__(self, base_url: str) -> None:
        super().__init__(allowed_protocols=())
        self.static_prefix = urljoin(base_url, settings.STATIC_URL)

    def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> URLFetcherResponse:
        if not url.startswith(self.static_prefix):
            raise ValueError(f"PDFs load only Concordat's static files, not {url}")
        name = unquote(urlsplit(url).path[len(urlsplit(self.static_prefix).path) :])
        found = finders.find(name) if name and ".." not in Path(name).parts else None
        if not found:
            raise ValueError(f"no static file {name!r}")
        path = Path(found if isinstance(found, str) else found[0])
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})


# The page's own stylesheets are left out of its PDF: GOV.UK Frontend's screen CSS is mostly media queries
# and browser features WeasyPrint does not support (hundreds of warnings, a second to parse), and the print
# stylesheet styles the same classes for paper on its own.
_PAGE_STYLESHEET = re.compile(r"<link\b[^>]*\brel=[\"']?stylesheet\b[^>]*>", re.IGNORECASE)


def _stylesheet(name: str, fetcher: StaticFilesOnly) -> CSS:
    path = finders.find(name)
    if not path:
        raise ImproperlyConfigured(f"no static file {name!r} for the PDF's print stylesheet")
    return CSS(filename=str(path), base_url=urljoin(fetcher.static_prefix, name), url_fetcher=fetcher)


def render_pdf(
    request: HttpRequest | None,
    template_name: str,
    context: Mapping[str, Any],
    *,
    stylesheets: Sequence[str] = PRINT_STYLESHEETS,
) -> bytes:
    """The template rendered as an A4 PDF, styled by `stylesheets` (static file names) in place of the
    page's own. `request` may be None (command line, background work): the template is then rendered
    without context processors, so it must not need them."""
    html = _PAGE_STYLESHEET.sub("", render_to_string(template_name, dict(context), request=request))
    base_url = request.build_absolute_uri("/") if request is not None else OFFLINE_BASE_URL
    fetcher = StaticFilesOnly(base_url)
    document = HTML(string=html, base_url=base_url, url_fetcher=fetcher, media_type="print")
    pdf: bytes = document.write_pdf(
        stylesheets=[_stylesheet(name, fetcher) for name in stylesheets], pdf_variant=PDF_VARIANT
    )
    return pdf


def pdf_download(content: bytes, *, filename: str) -> HttpResponse:
    """A PDF's bytes as a download named `filename`."""
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
