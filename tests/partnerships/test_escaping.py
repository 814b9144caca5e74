"""Stored text is shown as text, never as markup: labels, legends and hints the form library builds from
a criterion's name (it marks them safe), and every page and PDF of a partnership whose every free text
holds markup, seen by every role."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

from django.test import Client

from tests.factories import agreement_document, load_partnership, member
from concordat.core.roles import Role

# Each piece would be an element if it were not escaped: an id to look for, an input a form would
# submit, a button that would send the form elsewhere.
MARKUP = '"><b id="x"><input name="evil">'


class Elements(HTMLParser):
    """What a browser would see as elements: ids, input names, formaction attributes, links, forms."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.input_names: set[str] = set()
        self.formactions: list[str] = []
        self.links: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"] or "")
        if tag in ("input", "textarea", "select", "button") and values.get("name"):
            self.input_names.add(values["name"] or "")
        if "formaction" in values:
            self.formactions.append(values["formaction"] or "")
        if tag == "a" and values.get("href"):
            self.links.append(values["href"] or "")
        if tag == "form" and values.get("action"):
            self.links.append(values["action"] or "")

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def elements(html: str) -> Elements:
    parser = Elements()
    parser.feed(html)
    parser.close()
    return parser


def assert_no_injected_markup(html: str, where: str) -> Elements:
    seen = elements(html)
    assert "x" not in seen.ids, f"{where}: stored markup became an element (id=x)"
    assert "evil" not in seen.input_names, f"{where}: stored markup became a form input"
    assert not seen.formactions, f"{where}: stored markup became a formaction button"
    return seen


def crawl(client: Client, slug: str, also: set[str] = frozenset()) -> dict[str, str]:
    """Every HTML page of the partnership the client can open, by following links (and form actions)
    from its overview: path -> HTML. Only GETs, so crawling changes nothing; `also` adds paths to try."""
    import urllib.parse

    root = f"/partnerships/{slug}/"
    queue = [root, *sorted(also)]
    pages: dict[str, str] = {}
    seen: set[str] = set(queue)
    while queue:
        path = queue.pop(0)
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        pages[path] = html
        for link in elements(html).links:
            target = urllib.parse.urljoin(path, link)
            parts = urllib.parse.urlsplit(target)
            if parts.netloc or not parts.path.startswith(root) or parts.path in seen:
                continue
            seen.add(parts.path)
            queue.append(parts.path)
    return pages


def test_a_criterion_name_is_escaped_in_the_option_form_label(db: None) -> None:
    document = agreement_document(
        options_appraisals=[
            {
                "title": "Model",
                "criteria": [{"name": MARKUP, "weight": 3}],
                "options": [{"code": "A", "name": "Option A", "scores": {MARKUP: 2}}],
            }
        ]
    )
    partnership = load_partnership(document)
    lead = member(partnership, Role.LEAD_COMMISSIONER)
    client = Client()
    client.force_login(lead)
    pages = crawl(client, partnership.slug)
    option_forms = [url for url in pages if "/options/" in url and not url.endswith("/add/")]
    assert option_forms, "the appraisal's page links to its option's form"
    seen = assert_no_injected_markup(pages[option_forms[0]], option_forms[0])
    assert any(MARKUP in text for text in seen.text), "the criterion's name is shown, as text"


# What the form library may still mark safe: HTML it renders itself (fields, attributes from the layout in
# code, button text written in code), never a label, legend, hint or choice built from data.
_RENDERED_BY_THE_LIBRARY = {
    "fields",
    "content",
    "links",
    "choices",
    "conditional_content",
    "flat_attrs",
    "div.flat_attrs",
    "fieldset.flat_attrs",
    "input.flat_attrs",
    "accordion.flat_attrs",
    "tabs.flat_attrs",
    "input.value",
}


def test_no_form_library_template_marks_text_safe() -> None:
    """Every template of crispy-forms-gds, as the project resolves it (our overrides first), escapes what
    it is given: an upgrade that adds a template marking a label safe fails here."""
    import re
    from pathlib import Path

    import crispy_forms_gds
    from django.template.loader import get_template

    library = Path(crispy_forms_gds.__file__).parent / "templates"
    names = sorted(str(path.relative_to(library)) for path in library.rglob("*.html"))
    assert "gds/field.html" in names
    marked = {}
    for name in names:
        source = get_template(name).template.source
        unsafe = set(re.findall(r"\{\{\s*([\w.]+)\s*\|\s*safe", source)) - _RENDERED_BY_THE_LIBRARY
        if unsafe:
            marked[name] = sorted(unsafe)
    assert marked == {}
