"""Options appraisals: the ranking rule, the appraisal pages, and the forms that edit them."""

from __future__ import annotations

import re
from itertools import pairwise
from typing import Any

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from concordat.core.roles import Role
from concordat.partnerships.models import OptionsAppraisal
from concordat.partnerships.rules.appraisal import rank_options
from tests.factories import agreement_document, entry_key, load_partnership, member

CRITERIA = [
    {"name": "Users and carers at the centre", "weight": 3},
    {"name": "Ends divided budgets", "weight": 3},
    {"name": "One clear lead", "weight": 2},
]


def option(code: str, users: int, budgets: int, lead: int, name: str = "") -> dict[str, Any]:
    return {
        "code": code,
        "name": name or f"Option {code}",
        "description": f"What option {code} means",
        "scores": {
            "Users and carers at the centre": users,
            "Ends divided budgets": budgets,
            "One clear lead": lead,
        },
    }


# Salford and Trafford's choice (seed paper 002): option 1(b), the local authority as lead agency.
APPRAISAL = {
    "title": "Model for integrated commissioning",
    "question": "How should health and social care commission learning difficulty services?",
    "criteria": CRITERIA,
    "options": [
        option("1(a)", 2, 3, 4),
        option("1(b)", 5, 4, 5, "Local authority as lead agency"),
        option("2", 2, 2, 3),
        option("3", 1, 1, 2),
    ],
    "preferred": "1(b)",
    "reasons": ["The board would comprise a wide range of partners, including users and carers."],
    "decision": {
        "body": "Salford City Council Cabinet",
        "date": "2000-04-25",
        "text": "Endorsed option 1(b) as the preferred option",
    },
}


@pytest.fixture
def appraised(db: None) -> Any:
    return load_partnership(agreement_document(options_appraisals=[APPRAISAL]))


@pytest.fixture
def lead_of(appraised: Any) -> Any:
    return member(appraised, Role.LEAD_COMMISSIONER, username="lead")


def get(client: Any, user: Any, name: str, *args: Any) -> Any:
    client.force_login(user)
    return client.get(reverse(f"partnerships:{name}", args=["salford-dat", *args]))


def post(client: Any, user: Any, name: str, args: list[Any], data: dict[str, Any]) -> Any:
    client.force_login(user)
    return client.post(reverse(f"partnerships:{name}", args=["salford-dat", *args]), data)


def stored(n: int = 0) -> OptionsAppraisal:
    """The partnership's `n`-th appraisal, in the agreement's order."""
    return OptionsAppraisal.objects.filter(partnership__slug="salford-dat").order_by("position")[n]


def first() -> str:
    """The key of the partnership's first appraisal (keys are generated when it is loaded)."""
    return entry_key("salford-dat", "options_appraisals", 0)


def option_key(code: str) -> str:
    """The key of the first appraisal's option with `code`."""
    return str(next(option["key"] for option in stored().options if option["code"] == code))


def text_of(response: Any) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


# --- the ranking rule -------------------------------------------------------------------------------------


def test_options_rank_by_weighted_score_highest_first() -> None:
    ranking = rank_options(CRITERIA, APPRAISAL["options"])
    assert [(r.code, r.weighted_score, r.rank) for r in ranking] == [
        ("1(b)", 37, 1),
        ("1(a)", 23, 2),
        ("2", 18, 3),
        ("3", 10, 4),
    ]
    assert {r.maximum for r in ranking} == {40}


def test_equal_scores_share_a_rank_and_keep_file_order() -> None:
    options = [option("A", 1, 1, 1), option("B", 3, 3, 3), option("C", 3, 3, 3), option("D", 5, 5, 5)]
    ranking = rank_options(CRITERIA, options)
    assert [(r.code, r.rank) for r in ranking] == [("D", 1), ("B", 2), ("C", 2), ("A", 4)]


def test_a_criterion_not_scored_counts_nothing() -> None:
    ranking = rank_options(
        CRITERIA, [{"code": "X", "name": "X", "scores": {"One clear lead": 5}}, {"code": "Y"}]
    )
    assert [(r.code, r.weighted_score) for r in ranking] == [("X", 10), ("Y", 0)]


criteria_lists = st.lists(st.integers(1, 10), min_size=1, max_size=6).map(
    lambda weights: [{"name": f"c{i}", "weight": w} for i, w in enumerate(weights)]
)


@st.composite
def appraisals(draw: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    criteria = draw(criteria_lists)
    names = [c["name"] for c in criteria]
    count = draw(st.integers(1, 8))
    options = [
        {
            "code": f"o{i}",
            "name": f"Option {i}",
            "scores": draw(st.dictionaries(st.sampled_from(names), st.integers(0, 5))),
        }
        for i in range(count)
    ]
    return criteria, options


@given(appraisals())
def test_ranks_never_decrease_and_the_first_holds_the_highest_score(case: Any) -> None:
    criteria, options = case
    ranking = rank_options(criteria, options)
    assert len(ranking) == len(options)
    assert ranking[0].rank == 1
    assert ranking[0].weighted_score == max(r.weighted_score for r in ranking)
    for before, after in pairwise(ranking):
        assert before.rank <= after.rank
        assert before.weighted_score >= after.weighted_score
        assert (before.rank == after.rank) == (before.weighted_score == after.weighted_score)
    for place, ranked in enumerate(ranking, start=1):
        assert ranked.rank <= place  # a shared rank is the place of the first of the tie
        assert 0 <= ranked.weighted_score <= ranked.maximum


# --- the pages --------------------------------------------------------------------------------------------


def test_the_list_shows_each_appraisal_with_its_preferred_option(client: Any, appraised: Any) -> None:
    reader = member(appraised, Role.BOARD_MEMBER, username="board")
    text = text_of(get(client, reader, "appraisals"))
    assert "Model for integrated commissioning" in text
    assert "1(b): Local authority as lead agency" in text
    assert "Salford City Council Cabinet" in text


def test_the_appraisal_page_shows_criteria_scores_ranking_preference_and_decision(
    client: Any, appraised: Any
) -> None:
    reader = member(appraised, Role.BOARD_MEMBER, username="board")
    response = get(client, reader, "appraisal", first())
    assert response.status_code == 200
    text = text_of(response)
    assert "How should health and social care commission learning difficulty services?" in text
    assert "Users and carers at the centre" in text
    assert "37 of 40" in text  # 1(b): 5×3 + 4×3 + 5×2
    assert "Preferred" in text
    assert "The board would comprise a wide range of partners, including users and carers." in text
    assert "25 April 2000" in text
    assert "Endorsed option 1(b) as the preferred option" in text
    assert "is also the top-ranked one" in text
    assert text.index("1 1(b): Local authority as lead agency") < text.index("2 1(a): Option 1(a)")


def test_the_page_says_plainly_when_the_preferred_option_is_not_the_top_ranked(client: Any, db: None) -> None:
    partnership = load_partnership(agreement_document(options_appraisals=[{**APPRAISAL, "preferred": "2"}]))
    text = text_of(get(client, member(partnership, Role.AUDITOR, username="a"), "appraisal", first()))
    assert "The preferred option is not the top-ranked one" in text
    assert "1(b) (Local authority as lead agency) first" in text


def test_an_unknown_appraisal_is_not_found(client: Any, lead_of: Any) -> None:
    unknown = "nokeyhere2"
    assert get(client, lead_of, "appraisal", unknown).status_code == 404
    assert get(client, lead_of, "edit-appraisal", unknown).status_code == 404
    assert get(client, lead_of, "edit-criteria", unknown).status_code == 404
    assert get(client, lead_of, "edit-decision", unknown).status_code == 404
    assert get(client, lead_of, "add-option", unknown).status_code == 404
    assert get(client, lead_of, "edit-option", first(), unknown).status_code == 404
    assert get(client, lead_of, "edit-option", unknown, option_key("1(b)")).status_code == 404


def test_the_appraisal_is_not_found_for_a_non_member(client: Any, appraised: Any, outsider: Any) -> None:
    assert get(client, outsider, "appraisal", first()).status_code == 404


def test_only_the_lead_commissioner_may_change_an_appraisal(client: Any, appraised: Any) -> None:
    auditor = member(appraised, Role.AUDITOR, username="auditor")
    assert get(client, auditor, "edit-decision", first()).status_code == 403
    response = post(client, auditor, "edit-appraisal", [first()], {"title": "Changed"})
    assert response.status_code == 403
    assert stored().title == APPRAISAL["title"]


# --- the forms --------------------------------------------------------------------------------------------


def test_adding_an_appraisal_takes_you_to_it(client: Any, lead_of: Any) -> None:
    response = post(client, lead_of, "add-appraisal", [], {"title": "Who hosts the pool", "question": ""})
    assert response.status_code == 302
    added = stored(1)
    assert added.title == "Who hosts the pool"
    assert response["Location"] == reverse("partnerships:appraisal", args=["salford-dat", added.key])


def test_an_appraisal_needs_a_title(client: Any, lead_of: Any) -> None:
    response = post(client, lead_of, "edit-appraisal", [first()], {"title": "", "question": "Why?"})
    assert response.status_code == 200
    assert response.context["form"].errors["title"] == ["Enter a title for the options appraisal"]
    assert stored().question == APPRAISAL["question"]


def test_criteria_are_read_one_a_line(client: Any, lead_of: Any) -> None:
    lines = "Users and carers at the centre | 4\n\nEnds divided budgets|3\nOne clear lead | 2\n"
    response = post(client, lead_of, "edit-criteria", [first()], {"criteria": lines})
    assert response.status_code == 302
    assert stored().criteria == [
        {"name": "Users and carers at the centre", "weight": 4},
        {"name": "Ends divided budgets", "weight": 3},
        {"name": "One clear lead", "weight": 2},
    ]


def test_a_criterion_line_without_a_weight_from_1_to_10_is_an_error(client: Any, lead_of: Any) -> None:
    response = post(
        client, lead_of, "edit-criteria", [first()], {"criteria": "Value for money\nQuality | 11"}
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["criteria"]
    assert errors[0].startswith("Line 1: write the criterion")
    assert errors[1] == "Line 2: the weight of Quality must be a whole number from 1 to 10"
    assert stored().criteria == CRITERIA


def test_removing_a_criterion_removes_its_scores(client: Any, lead_of: Any) -> None:
    lines = "Users and carers at the centre | 3\nEnds divided budgets | 3"
    assert post(client, lead_of, "edit-criteria", [first()], {"criteria": lines}).status_code == 302
    assert all("One clear lead" not in option["scores"] for option in stored().options)


def test_adding_an_option_with_its_scores(client: Any, lead_of: Any) -> None:
    response = post(
        client,
        lead_of,
        "add-option",
        [first()],
        {
            "code": "4",
            "name": "Health as lead agency",
            "description": "",
            "score_0": "3",
            "score_1": "0",
            "score_2": "",
        },
    )
    assert response.status_code == 302
    added = stored().options[-1]
    assert (added["code"], added["name"]) == ("4", "Health as lead agency")
    assert added["scores"] == {
        "Users and carers at the centre": 3,
        "Ends divided budgets": 0,
    }  # one not scored


def test_a_duplicate_option_code_is_an_error_on_the_code(client: Any, lead_of: Any) -> None:
    response = post(client, lead_of, "add-option", [first()], {"code": "1(a)", "name": "Another 1(a)"})
    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    assert len(stored().options) == 4


def test_renaming_the_preferred_option_keeps_it_preferred(client: Any, lead_of: Any) -> None:
    response = post(
        client,
        lead_of,
        "edit-option",
        [first(), option_key("1(b)")],
        {
            "code": "1b",
            "name": "Local authority as lead agency",
            "score_0": "5",
            "score_1": "4",
            "score_2": "5",
        },
    )
    assert response.status_code == 302
    assert stored().preferred == "1b"
    assert stored().options[1]["code"] == "1b"


def test_the_decision_form_records_preference_reasons_and_decision(client: Any, lead_of: Any) -> None:
    response = post(
        client,
        lead_of,
        "edit-decision",
        [first()],
        {
            "preferred": "1(a)",
            "reasons": "Cheaper\n\nQuicker to set up\n",
            "decision_body": "Cabinet",
            "decision_date_0": "2",
            "decision_date_1": "5",
            "decision_date_2": "2000",
            "decision_text": "Chose 1(a)",
        },
    )
    assert response.status_code == 302
    appraisal = stored()
    assert appraisal.preferred == "1(a)"
    assert appraisal.reasons == ["Cheaper", "Quicker to set up"]
    assert appraisal.decision == {"body": "Cabinet", "date": "2000-05-02", "text": "Chose 1(a)"}


def test_the_preferred_option_must_be_one_of_the_options(client: Any, lead_of: Any) -> None:
    response = post(
        client,
        lead_of,
        "edit-decision",
        [first()],
        {
            "preferred": "9(z)",
            "reasons": "Because",
            "decision_body": "Cabinet",
            "decision_text": "Chose 9(z)",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["preferred"] == ["Select one of this appraisal's options"]
    appraisal = stored()
    assert appraisal.preferred == "1(b)"
    assert appraisal.reasons == APPRAISAL["reasons"]
    assert appraisal.decision["body"] == "Salford City Council Cabinet"
