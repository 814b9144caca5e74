"""Stored text is shown as text, never as markup: labels, legends and hints the form library builds from
a criterion's name (it marks them safe), and every page and PDF of a partnership whose every free text
holds markup, seen by every role."""

from __future__ import annotations

import json
import re
import subprocess
import urllib.parse
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import crispy_forms_gds
from django.template.loader import get_template
from django.test import Client

from concordat.core.roles import Role
from concordat.partnerships.models import Partnership
from tests.factories import agreement_document, load_partnership, member

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


# --- every free text of a partnership, every page, every role ------------------------------------------


def marked(label: str) -> str:
    """Markup, then a label saying which field holds it (so texts that must differ do, and a failure
    can be traced to its field)."""
    return f"{MARKUP} {label}"


SHORT = MARKUP  # 31 characters: fits option codes and `preferred` (32)


def marked_document() -> dict[str, Any]:
    """A valid partnership file with markup in every free-text field the format has."""
    return agreement_document(
        slug="marked",
        name=marked("name"),
        responsible_officer=marked("responsible_officer"),
        review_date=date(2005, 3, 31),
        partners=[
            {
                "code": "SCC",
                "name": marked("partner SCC"),
                "kind": "local-authority",
                "address": marked("address"),
            },
            {"code": "PCT", "name": marked("partner PCT"), "kind": "nhs"},
        ],
        host_partner="SCC",
        lead_commissioner="SCC",
        funding_streams=[{"code": "NTA-PTB", "name": marked("stream"), "partner": "PCT"}],
        contributions=[{"stream": "NTA-PTB", "year": "2003-04", "amount": "1200000.00"}],
        stated_totals=[{"year": "2003-04", "amount": "1300000.00", "source": marked("source")}],
        eligibility={"min_age": 18, "residence_in_area": True, "description": marked("eligibility")},
        modalities=[{"code": "gp-prescribing", "name": marked("modality"), "tier": 3}],
        aims=[marked("aim")],
        outcomes=[marked("outcome")],
        improvements=[marked("improvement")],
        health_outcomes=[marked("health outcome")],
        joint_working=[marked("joint working")],
        staff_movement=marked("staff_movement"),
        milestones=[
            {"text": marked("milestone met"), "due": date(2003, 3, 31), "status": "met"},
            {"text": marked("milestone overdue"), "due": date(2003, 6, 30), "status": "open"},
        ],
        governance=[
            {
                "item": "review",
                "status": "confirmed",
                "evidence": marked("evidence"),
                "signed_off_by": marked("signed_off_by"),
                "signed_off_on": date(2003, 3, 1),
            },
            {"item": "complaints", "status": "open", "evidence": marked("open evidence")},
        ],
        approvals=[
            {"body": marked("approval body"), "date": date(2004, 1, 15), "decision": marked("decision")}
        ],
        providers=[{"code": "P1", "name": marked("provider"), "tiers": [2, 3]}],
        consultation=[
            {"who": "service-users", "how": marked("how"), "date": date(2003, 2, 1), "notes": marked("notes")}
        ],
        board=[
            {
                "name": marked("board name"),
                "role": marked("board role"),
                "kind": "officer",
                "represents": "SCC",
            }
        ],
        options_appraisals=[
            {
                "title": marked("title"),
                "question": marked("question"),
                "criteria": [
                    {"name": marked("criterion 1"), "weight": 3},
                    {"name": marked("criterion 2"), "weight": 2},
                ],
                "options": [
                    {
                        "code": SHORT,
                        "name": marked("option name"),
                        "description": marked("option description"),
                        "scores": {marked("criterion 1"): 4, marked("criterion 2"): 1},
                    },
                    {"code": "B", "name": marked("option B"), "scores": {marked("criterion 1"): 5}},
                ],
                "preferred": SHORT,
                "reasons": [marked("reason")],
                "decision": {
                    "body": marked("decision body"),
                    "date": date(2004, 2, 1),
                    "text": marked("decision text"),
                },
            }
        ],
    )


class Form(HTMLParser):
    """The fields of the form on a page that holds the field `wanted`, with their current values, as a
    browser would submit them (hidden fields included, so a version or token the form carries goes too)."""

    def __init__(self, wanted: str) -> None:
        super().__init__(convert_charrefs=True)
        self.wanted = wanted
        self.forms: list[dict[str, Any]] = []
        self.current: dict[str, Any] | None = None
        self.textarea: str | None = None
        self.select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "form":
            self.current = {"action": a.get("action", ""), "fields": {}}
            self.forms.append(self.current)
        if self.current is None or not a.get("name"):
            return
        fields = self.current["fields"]
        if tag == "input" and a.get("type") in ("radio", "checkbox"):
            if "checked" in a:
                fields.setdefault(a["name"], []).append(a.get("value", "on"))
        elif tag == "input" and a.get("type") not in ("submit", "button"):
            fields[a["name"]] = a.get("value", "")
        elif tag == "textarea":
            self.textarea = a["name"]
            fields[a["name"]] = ""
        elif tag == "select":
            self.select = a["name"]
            fields.setdefault(a["name"], "")
        if tag == "option" and self.select and "selected" in a:
            self.current["fields"][self.select] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self.textarea = None
        if tag == "select":
            self.select = None
        if tag == "form":
            self.current = None

    def handle_data(self, data: str) -> None:
        if self.textarea and self.current is not None:
            self.current["fields"][self.textarea] += (
                data.removeprefix("\n") if not self.current["fields"][self.textarea] else data
            )

    def values(self) -> dict[str, Any]:
        for form in self.forms:
            if self.wanted in form["fields"]:
                return dict(form["fields"])
        raise AssertionError(f"no form with a field {self.wanted}")


def form_on(html: str, wanted: str) -> dict[str, Any]:
    parser = Form(wanted)
    parser.feed(html)
    return parser.values()


def page_with_field(pages: dict[str, str], name: str) -> str:
    for path, html in pages.items():
        if name in elements(html).input_names:
            return path
    raise AssertionError(f"no page has a form field {name}")


def crawl_files(client: Client, pages: dict[str, str]) -> dict[str, bytes]:
    """The downloads the pages link to (PDF, YAML): path -> bytes."""

    files = {}
    for path, html in pages.items():
        for link in elements(html).links:
            target = urllib.parse.urlsplit(urllib.parse.urljoin(path, link)).path
            if target.endswith((".pdf", ".yaml")) and target not in files:
                response = client.get(target)
                if response.status_code == 200:
                    files[target] = response.content
    return files


def pdf_text(content: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()


def test_markup_in_every_free_text_stays_text_on_every_page_for_every_role(
    db: None, fixed_today: Any
) -> None:
    partnership = load_partnership(marked_document())
    lead = member(partnership, Role.LEAD_COMMISSIONER, username="lead", first_name=MARKUP, last_name="Lead")
    client = Client()
    client.force_login(lead)
    pages = crawl(client, partnership.slug)

    # Through a form: an aim and a criterion typed in by a lead.
    aims_page = page_with_field(pages, "aims")
    values = form_on(pages[aims_page], "aims")
    values["aims"] += "\n" + marked("aim typed in a form")
    assert client.post(aims_page, values).status_code == 302
    criteria_page = page_with_field(pages, "criteria")
    values = form_on(pages[criteria_page], "criteria")
    values["criteria"] += "\n" + marked("criterion typed in a form") + " | 4"
    assert client.post(criteria_page, values).status_code == 302
    # A refused form quotes the stored text back in its error messages.
    refused = client.post(
        criteria_page, {**values, "criteria": values["criteria"] + "\n" + marked("criterion 1") + " | 4"}
    )
    assert refused.status_code == 200
    assert_no_injected_markup(refused.content.decode(), f"{criteria_page} (refused)")

    # Through the API: a board member added to the agreement as read.
    read = client.get(f"/api/v1/partnerships/{partnership.slug}/agreement")
    assert read.status_code == 200
    document = read.json()
    document["board"].append({"name": marked("board member from the API"), "kind": "other"})
    headers = {"HTTP_IF_MATCH": read["ETag"]} if read.has_header("ETag") else {}
    written = client.put(
        f"/api/v1/partnerships/{partnership.slug}/agreement",
        json.dumps(document),
        content_type="application/json",
        **headers,
    )
    assert written.status_code == 200, written.content

    pages = crawl(client, partnership.slug)
    everywhere = set(pages) | {"/", "/partnerships/"}
    for role in Role:
        user = member(
            Partnership.objects.get(pk=partnership.pk),
            role,
            username=f"as-{role.value}",
            first_name=marked("first name"),
            last_name=marked("last name"),
        )
        client = Client()
        client.force_login(user)
        seen = crawl(client, partnership.slug, also=everywhere)
        assert seen, role
        for path, html in seen.items():
            assert_no_injected_markup(html, f"{path} as {role.label}")
        for path, content in crawl_files(client, seen).items():
            if path.endswith(".pdf"):
                assert '<b id="x">' in pdf_text(content), f"{path} as {role.label} shows the text as written"
    # The markup was on the pages, as text: the crawl saw the stored texts, the form's and the API's.
    text = " ".join(" ".join(elements(html).text) for html in pages.values())
    for label in (
        "aim typed in a form",
        "criterion typed in a form",
        "board member from the API",
        "milestone overdue",
        "criterion 1",
        "address",
    ):
        assert marked(label) in text, label
