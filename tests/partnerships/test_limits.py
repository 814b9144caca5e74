"""Limits on every text and list of an agreement: the checker refuses beyond them (`too-long`, `too-many`,
with the path), the forms keep and state the same numbers, and the API, going through the checker, too."""

from __future__ import annotations

import copy
import importlib.util
import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from concordat.core.roles import Role
from concordat.partnerships.models import Aim, Milestone
from concordat.partnerships.rules import limits
from concordat.partnerships.rules.agreement import check_agreement
from tests.factories import agreement_document, member, row_counts

TODAY = __import__("datetime").date(2004, 2, 1)
BENCH = Path(__file__).resolve().parents[2] / "bench" / "pdf_at_limits.py"


def problems(document: dict[str, Any], code: str) -> list[str]:
    report = check_agreement(document, today=TODAY).report
    return [p.path for p in report.errors if p.code == code]


# --- the findings -------------------------------------------------------------------------------------


def test_two_hundred_thousand_aims_are_refused_with_one_problem() -> None:
    document = agreement_document(aims=["Reduce drug-related deaths"] * 200_000)
    report = check_agreement(document, today=TODAY).report
    assert [(p.path, p.code) for p in report.errors] == [("aims", "too-many")]
    assert "200,000" in report.errors[0].message


def test_twenty_megabytes_of_milestone_text_are_refused() -> None:
    document = agreement_document()
    document["milestones"][0]["text"] = "x" * 20_000_000
    assert problems(document, "too-long") == ["milestones[0].text"]


def test_prose_without_a_column_limit_has_one_now() -> None:
    for key, path in (
        ("staff_movement", "staff_movement"),
        ("eligibility", "eligibility.description"),
    ):
        value = "y" * (limits.PROSE + 1)
        document = agreement_document(**{key: value if key == "staff_movement" else {"description": value}})
        assert problems(document, "too-long") == [path]


# --- every limit, from the partnership at the limits the benchmark builds ---------------------------------


def _bench() -> Any:
    spec = importlib.util.spec_from_file_location("pdf_at_limits", BENCH)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def at_limits() -> dict[str, Any]:
    return _bench().document_at_limits()


def _walk(value: Any, path: str = "") -> list[tuple[str, Any]]:
    found = [(path, value)]
    if isinstance(value, dict):
        for key, child in value.items():
            found += _walk(child, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += _walk(child, f"{path}[{index}]")
    return found


def _get(document: Any, path: str) -> Any:
    for part in re.findall(r"[^.\[\]]+|\[[0-9]+\]", path):
        document = document[int(part[1:-1])] if part.startswith("[") else document[part]
    return document


def test_the_partnership_at_every_limit_at_once_is_valid(at_limits: dict[str, Any]) -> None:
    report = check_agreement(at_limits, today=TODAY).report
    assert report.errors == []
    collections = {
        re.sub(r"\[[0-9]+\]", "[]", path)
        for path, value in _walk(at_limits)
        if isinstance(value, list | dict)
    }
    assert set(limits.COUNTS) <= collections


@pytest.mark.parametrize("pattern", sorted(limits.COUNTS))
def test_one_entry_more_than_a_list_allows_is_too_many(at_limits: dict[str, Any], pattern: str) -> None:
    document = copy.deepcopy(at_limits)
    path = pattern.replace("[]", "[0]")
    collection = _get(document, path)
    assert len(collection) == limits.COUNTS[pattern], f"the benchmark fills {pattern}"
    if isinstance(collection, list):
        collection.append(copy.deepcopy(collection[-1]))
    else:
        collection["one-more"] = next(iter(collection.values()))
    assert path in problems(document, "too-many")


def _texts_at_their_limit(document: dict[str, Any]) -> dict[str, str]:
    """One path for each kind of text (its path with positions as []) that the benchmark wrote at its limit."""
    lengths = {limits.NAME, limits.LONG, limits.ADDRESS, limits.STATEMENT, limits.PROSE, limits.OPTION_CODE}
    kinds: dict[str, str] = {}
    for path, value in _walk(document):
        if isinstance(value, str) and len(value) in lengths:
            kinds.setdefault(re.sub(r"\[[0-9]+\]", "[]", path), path)
    return kinds


def test_the_benchmark_writes_every_free_text_at_its_limit(at_limits: dict[str, Any]) -> None:
    kinds = set(_texts_at_their_limit(at_limits))
    assert {
        "name",
        "responsible_officer",
        "partners[].name",
        "partners[].address",
        "aims[]",
        "milestones[].text",
        "consultation[].how",
        "consultation[].notes",
        "governance[].evidence",
        "eligibility.description",
        "staff_movement",
        "options_appraisals[].criteria[].name",
        "options_appraisals[].options[].code",
        "options_appraisals[].options[].description",
        "options_appraisals[].reasons[]",
        "options_appraisals[].decision.text",
    } <= kinds


def test_one_character_more_than_any_text_allows_is_too_long(at_limits: dict[str, Any]) -> None:
    refused = {}
    for kind, path in _texts_at_their_limit(at_limits).items():
        document = copy.deepcopy(at_limits)
        *parent, last = re.findall(r"[^.\[\]]+|\[[0-9]+\]", path)
        container = _get(document, "".join(p if p.startswith("[") else f".{p}" for p in parent).lstrip("."))
        key: Any = int(last[1:-1]) if last.startswith("[") else last
        container[key] += "z"
        refused[kind] = path in problems(document, "too-long")
    assert refused and all(refused.values()), [kind for kind, ok in refused.items() if not ok]


# --- the forms and the API keep the same limits ------------------------------------------------------------


def test_no_form_field_tells_the_browser_to_cut_text(lead: Any) -> None:
    from tests.partnerships.test_escaping import crawl

    client = Client()
    client.force_login(lead)
    pages = crawl(client, "salford-dat")
    assert len(pages) > 20
    cut = [path for path, html in pages.items() if "maxlength" in html]
    assert cut == []


def test_a_form_states_the_checkers_limit_in_its_hint(lead: Any) -> None:
    from tests.partnerships.test_escaping import crawl, page_with_field

    client = Client()
    client.force_login(lead)
    pages = crawl(client, "salford-dat")
    html = pages[page_with_field(pages, "text")]  # the milestone's form
    assert f"At most {limits.STATEMENT:,} characters" in html
    html = pages[page_with_field(pages, "aims")]
    assert f"At most {limits.COUNTS['aims']} aims, each at most {limits.STATEMENT:,} characters" in html


def _post_form(client: Client, pages: dict[str, str], field: str, value: str) -> Any:
    from tests.partnerships.test_escaping import form_on, page_with_field

    path = page_with_field(pages, field)
    values = form_on(pages[path], field)
    values[field] = value
    return client.post(path, values)


def test_a_milestone_at_the_limit_is_saved_and_one_longer_is_refused_on_its_field(lead: Any) -> None:
    from tests.partnerships.test_escaping import crawl

    client = Client()
    client.force_login(lead)
    pages = crawl(client, "salford-dat")
    before = row_counts()
    refused = _post_form(client, pages, "text", "m" * (limits.STATEMENT + 1))
    assert refused.status_code == 200
    assert refused.context["form"].errors["text"] == [
        f"Milestone must be {limits.STATEMENT:,} characters or fewer"
    ]
    assert row_counts() == before
    assert _post_form(client, pages, "text", "m" * limits.STATEMENT).status_code == 302
    assert Milestone.objects.filter(text="m" * limits.STATEMENT).exists()


def test_one_aim_too_many_is_refused_on_the_aims_field(lead: Any) -> None:
    from tests.partnerships.test_escaping import crawl

    client = Client()
    client.force_login(lead)
    pages = crawl(client, "salford-dat")
    aims = [f"Aim {n}" for n in range(limits.COUNTS["aims"] + 1)]
    refused = _post_form(client, pages, "aims", "\n".join(aims))
    assert refused.status_code == 200
    assert refused.context["form"].has_error("aims")
    assert Aim.objects.count() == 1
    assert _post_form(client, pages, "aims", "\n".join(aims[:-1])).status_code == 302
    assert Aim.objects.count() == limits.COUNTS["aims"]


def test_the_api_refuses_a_list_beyond_its_limit_with_the_path(lead: Any) -> None:
    client = Client()
    client.force_login(lead)
    read = client.get("/api/v1/partnerships/salford-dat/agreement")
    document = read.json()
    document["aims"] = [f"Aim {n}" for n in range(limits.COUNTS["aims"] + 1)]
    headers = {"HTTP_IF_MATCH": read["ETag"]} if read.has_header("ETag") else {}
    response = client.put(
        "/api/v1/partnerships/salford-dat/agreement",
        json.dumps(document),
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 422
    assert {"path": "$.aims", "code": "too-many"}.items() <= response.json()["errors"][0].items()


def test_the_models_columns_are_the_checkers_limits() -> None:
    from concordat.partnerships import models

    assert models.Partner._meta.get_field("name").max_length == limits.NAME
    assert models.Partner._meta.get_field("address").max_length == limits.ADDRESS
    assert models.Approval._meta.get_field("body").max_length == limits.LONG
    assert models.OptionsAppraisal._meta.get_field("preferred").max_length == limits.OPTION_CODE


def test_the_pdf_of_a_partnership_at_the_limits_renders(db: None, at_limits: dict[str, Any]) -> None:
    """Not timed (bench/pdf_at_limits.py is): the PDF of a partnership at the limits renders at all."""
    from tests.factories import load_partnership

    partnership = load_partnership(copy.deepcopy(at_limits))
    client = Client()
    client.force_login(member(partnership, Role.BOARD_MEMBER))
    response = client.get(f"/partnerships/{partnership.slug}/notification-form.pdf")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
