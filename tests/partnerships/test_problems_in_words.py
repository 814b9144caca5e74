"""Forms show the checker's problems in words, at the field: never a path into the file
("funding_streams[0].partner: no partner with code 'LBC' in partners" reads "No partner has the code
LBC"). The file, the command line and the API keep the paths."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from django.urls import URLPattern, get_resolver, reverse

from concordat.core.problems import Problem
from concordat.partnerships import services
from concordat.partnerships.models import Partnership
from concordat.partnerships.rules.agreement import check_agreement
from concordat.partnerships.views.base import AgreementFormView
from tests.factories import agreement_document, entry_key, load_partnership, member
from tests.partnerships.test_appraisals import APPRAISAL
from tests.partnerships.test_forms import FORMS, Nth
from tests.partnerships.test_notification_form_edits import NARRATIVE
from tests.performance.test_targets import answers

TARGETS = answers()

SLUG = "salford-dat"
# A path as the checker writes it, with a position or a dot: partners[0].code, risk_share.overspend.
PATH = re.compile(r"\b[a-z_]+(\[[0-9]+\]|\.[a-z_]+)[\w.\[\]]*")
SNAKE = re.compile(r"\b[a-z]+_[a-z_]+\b")


def appraisal(p: Partnership) -> str:
    return str(p.options_appraisals.order_by("position")[0].key)


def option(p: Partnership, code: str) -> str:
    return next(o["key"] for o in p.options_appraisals.order_by("position")[0].options if o["code"] == code)


# Every form of the agreement with a valid POST: the checker is then made to find problems everywhere.
EVERY_FORM: list[tuple[str, Any, dict[str, Any]]] = [
    *FORMS,
    ("edit-narrative", [], NARRATIVE),
    ("add-stated-total", [], {"year": "2004-05", "amount": "100", "source": ""}),
    ("edit-stated-total", [Nth("stated_totals")], {"year": "2003-04", "amount": "100", "source": ""}),
    ("add-provider", [], {"code": "P2", "name": "Another service", "tiers": ["2"]}),
    ("edit-provider", ["P1"], {"name": "A service", "tiers": ["2"]}),
    ("edit-consultation", [Nth("consultation")], {"who": "carers", "how": "A forum", "notes": ""}),
    (
        "edit-risk",
        [Nth("risks")],
        {"description": "Recruitment", "likelihood": "3", "impact": "4", "status": "open"},
    ),
    ("edit-signatory", [Nth("signatories")], {"partner": "SCC", "name": "Ann Signer", "role": ""}),
    ("edit-board-member", [Nth("board")], {"name": "Sam", "role": "", "kind": "officer", "represents": ""}),
    ("add-appraisal", [], {"title": "Who hosts the pool", "question": ""}),
    ("edit-appraisal", [appraisal], {"title": "Model", "question": ""}),
    ("edit-criteria", [appraisal], {"criteria": "Users and carers at the centre | 4"}),
    ("add-option", [appraisal], {"code": "9", "name": "Nine", "description": ""}),
    ("edit-option", [appraisal, lambda p: option(p, "2")], {"code": "2", "name": "Two", "description": ""}),
    (
        "edit-decision",
        [appraisal],
        {"preferred": "1(b)", "reasons": "Because", "decision_body": "Cabinet", "decision_text": "Chose"},
    ),
    # Another app's form of the agreement names its namespace.
    ("performance:edit-targets", [], TARGETS),
]


def test_every_form_of_the_agreement_is_in_the_table() -> None:
    forms = {
        pattern.name
        for resolver in get_resolver().url_patterns
        for pattern in getattr(resolver, "url_patterns", [])
        if isinstance(pattern, URLPattern)
        and isinstance(getattr(pattern.callback, "view_class", None), type)
        and issubclass(pattern.callback.view_class, AgreementFormView)
    }
    assert forms, "no agreement forms found"
    tested = {name.rsplit(":", 1)[-1] for name, _, _ in EVERY_FORM}
    assert forms <= tested, forms - tested


def noisy_checker(document: Any, *, today: Any) -> Any:
    """The real checker, then an error at every key of every entry and every field of the agreement,
    worded as the checker words them (a path first)."""
    checked = check_agreement(document, today=today)
    for name, value in document.items():
        if isinstance(value, list):
            for index, entry in enumerate(value):
                for key in entry if isinstance(entry, dict) else [None]:
                    path = f"{name}[{index}]" + (f".{key}" if key else "")
                    checked.report.error(
                        path, "unknown-partner", f"{path}: no partner with code 'LBC' in partners"
                    )
        elif isinstance(value, dict):
            for key in value:
                path = f"{name}.{key}"
                checked.report.error(path, "required", f"{path} is required")
        else:
            checked.report.error(name, "type", f"{name} must be text, not a number: put it in quotes")
    return checked


@pytest.mark.parametrize(("name", "args", "data"), EVERY_FORM, ids=[name for name, _, _ in EVERY_FORM])
def test_a_form_shows_the_checkers_problems_without_their_paths(
    client: Any,
    db: None,
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    args: list[Any],
    data: dict[str, Any],
) -> None:
    from concordat.core.roles import Role

    partnership = load_partnership(
        agreement_document(
            options_appraisals=[APPRAISAL],
            consultation=[{"who": "carers", "how": "Carers' forum"}],
            board=[{"name": "Sam Smith", "kind": "officer"}],
            risks=[{"description": "Prevalence may not support the targets", "likelihood": 3, "impact": 4}],
            signatories=[{"partner": "SCC", "name": "Don Richards"}],
        )
    )
    client.force_login(member(partnership, Role.LEAD_COMMISSIONER, username="lead"))
    keys = [
        entry_key(SLUG, a.collection, a.n) if isinstance(a, Nth) else a(partnership) if callable(a) else a
        for a in args
    ]
    monkeypatch.setattr(services, "check_agreement", noisy_checker)
    response = client.post(reverse(name if ":" in name else f"partnerships:{name}", args=[SLUG, *keys]), data)
    assert response.status_code == 200, response.get("Location")
    page = response.content.decode()
    shown = [str(error) for errors in response.context["form"].errors.values() for error in errors]
    assert shown, "the problems are on the page"
    for text in shown:
        assert not PATH.search(text) and not SNAKE.search(text), text
        assert text[0].isupper(), text
    assert not PATH.search(re.sub(r"<[^>]*>", "", page)), PATH.search(re.sub(r"<[^>]*>", "", page))
    assert any("No partner has the code LBC" in text for text in shown) or name in (
        "edit-details",
        "add-appraisal",
        "performance:edit-targets",  # the targets are one mapping: its problems are "required" ones
    )


def test_a_removal_refused_by_the_checker_says_why_in_words(client: Any, lead: Any) -> None:
    client.force_login(lead)
    response = client.post(reverse("partnerships:remove-partner", args=[SLUG, "PCT"]))
    assert response.status_code == 409
    text = re.sub(r"<[^>]*>", "", response.content.decode())
    assert "funding stream" in text and not PATH.search(text)


@pytest.mark.parametrize(
    ("problem", "text"),
    [
        (
            Problem(
                "funding_streams[0].partner",
                "unknown-partner",
                "funding_streams[0].partner: no partner with code 'LBC' in partners",
            ),
            "No partner has the code LBC",
        ),
        (
            Problem(
                "contributions[2].stream",
                "unknown-stream",
                "contributions[2].stream: no funding stream with code 'X' in funding_streams",
            ),
            "No funding stream has the code X",
        ),
        (
            Problem(
                "partners[4].org_code",
                "invalid-code",
                "partners[4].org_code: 'X1' is neither an ONS GSS code nor an NHS ODS code",
            ),
            "'X1' is neither an ONS GSS code nor an NHS ODS code",
        ),
        (Problem("name", "required", "name is required"), "Name is required"),
        (
            Problem("aims[2]", "too-long", "aims[2] must be at most 500 characters, not 600"),
            "Aims must be at most 500 characters, not 600",
        ),
        (
            Problem(
                "risk_share.overspend",
                "flexibility-role-missing",
                "risk_share.overspend is host, but the file names no host_partner",
            ),
            "Overspend is host, but the file names no host partner",
        ),
        (Problem("", "type", "the file must hold a mapping"), "The file must hold a mapping"),
    ],
)
def test_a_problem_in_words(problem: Problem, text: str) -> None:
    assert problem.text == text
    assert problem.as_dict()["message"] == problem.message  # the API and the command line keep the path


def test_every_problem_of_a_broken_file_reads_without_a_path() -> None:
    document = agreement_document()
    document["funding_streams"][0]["partner"] = "LBC"
    document["partners"][0]["org_code"] = "X1"
    document["contributions"][0]["stream"] = "NOPE"
    document["contributions"][1]["amount"] = "lots"
    document["milestones"][0]["due"] = "2004-02-30"
    document["risk_share"] = {"overspend": "host", "underspend": "proportional", "fixed_shares": {"ZZ": "10"}}
    document.pop("name")
    report = check_agreement(document, today=date(2004, 2, 1)).report
    assert len(report.errors) >= 6
    for problem in report.errors:
        assert problem.path not in problem.text or not problem.path, problem
        assert not PATH.search(problem.text) and not SNAKE.search(problem.text), problem.text
