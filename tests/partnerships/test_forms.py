"""The forms that change the agreement: who may use them, what a valid form changes, and that an invalid one
changes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from concordat.core.models import AuditEntry as LogEntry
from concordat.core.roles import Role
from concordat.partnerships.document import export_agreement
from concordat.partnerships.forms import GovukDateField, pence_from_text
from concordat.partnerships.models import (
    Approval,
    BoardMember,
    ConsultationEntry,
    Contribution,
    FundingStream,
    GovernanceItem,
    Milestone,
    Partner,
    Partnership,
)
from tests.factories import entry_key, load_partnership, member

SLUG = "salford-dat"


@dataclass(frozen=True)
class Nth:
    """In a URL's arguments: the key of the `n`-th entry of `collection`, read from the database when the
    test runs (keys are generated when the partnership is loaded, so the parameters cannot spell them)."""

    collection: str
    n: int = 0

    def __str__(self) -> str:
        return f"{self.collection}[{self.n}]"


def day(name: str, when: date) -> dict[str, str]:
    """The three inputs of a GOV.UK date input."""
    return {f"{name}_0": str(when.day), f"{name}_1": str(when.month), f"{name}_2": str(when.year)}


DETAILS = {
    "name": "Salford Drug Action Team",
    "client_group": "drugs",
    "area": "E08000006",
    "flexibilities": ["pooled-fund", "lead-commissioning"],
    "host_partner": "SCC",
    "lead_commissioner": "SCC",
    **day("agreement_date", date(2002, 3, 1)),
    **day("start_date", date(2003, 4, 1)),
    **day("review_date", date(2005, 3, 31)),
    "responsible_officer": "Anne Williams",
    "min_age": "18",
    "max_age": "",
    "residence_in_area": "on",
    "eligibility_description": "Adults with drug problems",
    "overspend": "proportional",
    "underspend": "carry-forward",
    "fixed_shares": "",
}

# (url name, url arguments, a valid POST) for every form.
FORMS: list[tuple[str, list[Any], dict[str, Any]]] = [
    ("edit-details", [], DETAILS),
    ("add-partner", [], {"code": "NHSE", "name": "NHS England", "kind": "nhs"}),
    ("edit-partner", ["PCT"], {"name": "Salford PCT", "kind": "nhs", "address": "St James's House"}),
    ("add-stream", [], {"code": "DIP", "name": "Drug Interventions Programme", "partner": "GMP"}),
    (
        "edit-stream",
        ["MAINSTREAM-HEALTH"],
        {"name": "Mainstream health", "partner": "PCT", "ring_fenced": "treatment"},
    ),
    ("add-contribution", [], {"stream": "NTA-PTB", "year": "2004-05", "amount": "£1,300,000"}),
    (
        "edit-contribution",
        ["SOCIAL-SERVICES", "2003-04"],
        {"stream": "SOCIAL-SERVICES", "year": "2003-04", "amount": "352,500.00"},
    ),
    (
        "edit-aims",
        [],
        {"aims": "To commission treatment\nTo pool the budgets", "outcomes": "An agreed strategy"},
    ),
    ("add-milestone", [], {"text": "Pool in place", **day("due", date(2004, 4, 1)), "status": "open"}),
    (
        "edit-milestone",
        [Nth("milestones", 0)],
        {"text": "Joint Commissioning Group formed", **day("due", date(2003, 3, 31)), "status": "met"},
    ),
    (
        "edit-governance",
        ["auditors-consulted"],
        {
            "status": "confirmed",
            "evidence": "Audit Commission letter",
            "signed_off_by": "Anne Williams",
            **day("signed_off_on", date(2004, 1, 5)),
        },
    ),
    (
        "add-approval",
        [],
        {"body": "Salford PCT Board", **day("date", date(2004, 3, 2)), "decision": "approved"},
    ),
    (
        "edit-approval",
        [Nth("approvals", 0)],
        {"body": "Salford Drug Action Team", **day("date", date(2004, 1, 16)), "decision": "supported"},
    ),
    (
        "add-consultation",
        [],
        {"who": "carers", "how": "Carers' forum", **day("date", date(2003, 2, 3)), "notes": ""},
    ),
    (
        "add-board-member",
        [],
        {
            "name": "Sam Smith",
            "role": "Service user representative",
            "kind": "service-user",
            "represents": "",
        },
    ),
    (
        "add-risk",
        [],
        {
            "description": "Recruitment of specialist staff",
            "likelihood": "4",
            "impact": "3",
            "status": "open",
        },
    ),
    ("add-signatory", [], {"partner": "SCC", "name": "Ann Signer", "role": "Chief executive"}),
]
FORM_NAMES = [name for name, _, _ in FORMS]


def url(name: str, *args: Any) -> str:
    keys = [entry_key(SLUG, arg.collection, arg.n) if isinstance(arg, Nth) else arg for arg in args]
    return reverse(f"partnerships:{name}", args=[SLUG, *keys])


def state(partnership: Partnership | None = None) -> dict[str, Any]:
    return export_agreement(partnership or Partnership.objects.get(slug=SLUG))


def entries() -> int:
    return LogEntry.objects.filter(additional_data__partnership=SLUG).count()


@pytest.fixture
def as_lead(client: Any, lead: Any) -> Any:
    client.force_login(lead)
    return client


@pytest.fixture
def representative(partnership: Any) -> Any:
    return member(partnership, Role.PARTNER_REPRESENTATIVE, username="representative")


# --- who may use the forms -----------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "args", "data"), FORMS, ids=FORM_NAMES)
def test_auditor_may_not_open_a_form(
    client: Any, auditor: Any, name: str, args: list[Any], data: Any
) -> None:
    client.force_login(auditor)
    assert client.get(url(name, *args)).status_code == 403


@pytest.mark.parametrize(("name", "args", "data"), FORMS, ids=FORM_NAMES)
def test_auditor_may_not_post_a_form_and_nothing_changes(
    client: Any, auditor: Any, name: str, args: list[Any], data: dict[str, Any]
) -> None:
    before, logged = state(), entries()
    client.force_login(auditor)
    assert client.post(url(name, *args), data).status_code == 403
    assert state() == before
    assert entries() == logged


@pytest.mark.parametrize(("name", "args", "data"), FORMS, ids=FORM_NAMES)
def test_member_without_the_change_permission_may_not_post_a_form(
    client: Any, representative: Any, name: str, args: list[Any], data: dict[str, Any]
) -> None:
    before = state()
    client.force_login(representative)
    assert client.get(url(name, *args)).status_code == 403
    assert client.post(url(name, *args), data).status_code == 403
    assert state() == before


@pytest.mark.parametrize(("name", "args", "data"), FORMS, ids=FORM_NAMES)
def test_form_is_not_found_for_a_user_who_is_not_a_member(
    client: Any, outsider: Any, partnership: Any, name: str, args: list[Any], data: dict[str, Any]
) -> None:
    client.force_login(outsider)
    assert client.get(url(name, *args)).status_code == 404
    assert client.post(url(name, *args), data).status_code == 404


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("edit-partner", ["NOPE"]),
        ("edit-stream", ["NOPE"]),
        ("edit-contribution", ["SOCIAL-SERVICES", "2004-05"]),  # a stream, but not that year
        ("edit-contribution", ["NOPE", "2003-04"]),
        ("edit-contribution", ["NTA-PTB", "2003-05"]),  # not a financial year
        ("edit-milestone", ["nokeyhere2"]),
        ("edit-governance", ["not-an-item"]),
        ("edit-approval", ["nokeyhere2"]),
        ("edit-consultation", ["nokeyhere2"]),
        ("edit-board-member", ["nokeyhere2"]),
    ],
)
def test_changing_an_entry_that_does_not_exist_is_not_found(as_lead: Any, name: str, args: list[Any]) -> None:
    assert as_lead.get(url(name, *args)).status_code == 404
    # A save names an entry that may have been removed since the form was opened: it saves nothing and says
    # so (tests/partnerships/test_edits.py). A generated key that never named anything, or an unknown
    # governance item, is still a 404; a code (partner, stream, contribution) cannot tell the two apart.
    before, logged = state(), entries()
    response = as_lead.post(url(name, *args), {}, follow=True)
    if name in {
        "edit-governance",
        "edit-milestone",
        "edit-approval",
        "edit-consultation",
        "edit-board-member",
    }:
        assert response.status_code == 404
    else:
        assert response.redirect_chain and response.status_code == 200
        assert "Nothing was saved" in response.content.decode()
    assert state() == before
    assert entries() == logged


@pytest.mark.parametrize(
    ("name", "args", "data"),
    [f for f in FORMS if f[0] in {"add-stream", "edit-stream", "add-contribution", "edit-contribution"}],
)
def test_pool_manager_may_change_streams_and_contributions(
    client: Any, pool_manager: Any, name: str, args: list[Any], data: dict[str, Any]
) -> None:
    client.force_login(pool_manager)
    response = client.post(url(name, *args), data)
    assert response.status_code == 302, response.content.decode()


def test_pool_manager_may_not_change_the_rest_of_the_agreement(client: Any, pool_manager: Any) -> None:
    client.force_login(pool_manager)
    assert client.get(url("edit-details")).status_code == 403
    assert client.get(url("add-approval")).status_code == 403


# --- what a valid form does ----------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "args", "data"), FORMS, ids=FORM_NAMES)
def test_form_page_shows_the_form_to_the_lead_commissioner(
    as_lead: Any, name: str, args: list[Any], data: dict[str, Any]
) -> None:
    response = as_lead.get(url(name, *args))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<span class="govuk-caption-l">Salford Drug Action Team</span>' in html
    main = html[html.index("<main") : html.index("</main>")]
    forms = [part[: part.index("</form>")] for part in main.split("<form")[1:]]
    assert len(forms) == 1  # the form itself: removing is a link to a confirmation page, not a second form
    assert all(form.count('name="csrfmiddlewaretoken"') == 1 for form in forms)  # one token each, not two


@pytest.mark.parametrize(("name", "args", "data"), FORMS, ids=FORM_NAMES)
def test_valid_form_changes_the_agreement_and_writes_the_audit_trail(
    as_lead: Any, name: str, args: list[Any], data: dict[str, Any]
) -> None:
    before, logged = state(), entries()
    response = as_lead.post(url(name, *args), data)
    assert response.status_code == 302, response.content.decode()
    assert state() != before
    assert entries() > logged


def test_adding_a_partner_creates_it(as_lead: Any) -> None:
    as_lead.post(
        url("add-partner"), {"code": "NHSE", "name": "NHS England", "kind": "nhs", "org_code": "X24"}
    )
    partner = Partner.objects.get(partnership__slug=SLUG, code="NHSE")
    assert (partner.name, partner.kind, partner.org_code) == ("NHS England", "nhs", "X24")


def test_changing_a_partner_keeps_its_code(as_lead: Any) -> None:
    as_lead.post(url("edit-partner", "PCT"), {"code": "CHANGED", "name": "Salford PCT", "kind": "nhs"})
    assert Partner.objects.get(partnership__slug=SLUG, code="PCT").name == "Salford PCT"
    assert not Partner.objects.filter(code="CHANGED").exists()


def test_change_form_shows_the_entrys_current_values(as_lead: Any) -> None:
    html = as_lead.get(url("edit-approval", Nth("approvals", 1))).content.decode()
    assert 'value="Salford City Council Cabinet"' in html
    assert 'value="24"' in html


def test_contribution_amount_is_read_with_commas_and_a_pound_sign(as_lead: Any) -> None:
    as_lead.post(url("add-contribution"), {"stream": "NTA-PTB", "year": "2004-05", "amount": "£1,300,000"})
    line = Contribution.objects.get(stream__code="NTA-PTB", year=2004)
    assert line.amount_pence == 130_000_000


def test_a_contribution_too_large_to_store_is_a_form_error(as_lead: Any) -> None:
    # The form passed it to the loader, which crashed with a 500 (OverflowError / bigint out of range).
    before = entries()
    response = as_lead.post(
        url("add-contribution"), {"stream": "NTA-PTB", "year": "2004-05", "amount": "99999999999999999999.00"}
    )
    assert response.status_code == 200
    assert "at most £10,000,000,000,000.00" in response.content.decode()
    assert entries() == before


def test_changing_a_contribution_changes_its_amount(as_lead: Any) -> None:
    as_lead.post(
        url("edit-contribution", "SOCIAL-SERVICES", "2003-04"),
        {"stream": "SOCIAL-SERVICES", "year": "2003-04", "amount": "352500.00"},
    )
    assert Contribution.objects.get(stream__code="SOCIAL-SERVICES", year=2003).amount_pence == 35_250_000


def test_contribution_page_has_no_warning_once_the_lines_add_up(as_lead: Any) -> None:
    as_lead.post(
        url("edit-contribution", "SOCIAL-SERVICES", "2003-04"),
        {"stream": "SOCIAL-SERVICES", "year": "2003-04", "amount": "352,500.00"},
    )
    html = as_lead.get(url("contributions")).content.decode()
    assert "govuk-warning-text" not in html


def test_adding_a_stream_ring_fenced_for_a_purpose(as_lead: Any) -> None:
    as_lead.post(
        url("add-stream"),
        {
            "code": "YP",
            "name": "Young people's substance misuse",
            "partner": "SCC",
            "ring_fenced": "young-people",
        },
    )
    stream = FundingStream.objects.get(partnership__slug=SLUG, code="YP")
    assert (stream.partner.code, stream.ring_fenced) == ("SCC", "young-people")


def test_aims_are_saved_one_a_line_without_blank_lines(as_lead: Any) -> None:
    as_lead.post(url("edit-aims"), {"aims": "First aim\n\n  Second aim  \n", "outcomes": "An outcome"})
    assert state()["aims"] == ["First aim", "Second aim"]
    assert state()["outcomes"] == ["An outcome"]


def test_adding_a_milestone_records_its_due_date_and_status(as_lead: Any) -> None:
    as_lead.post(
        url("add-milestone"),
        {"text": "Pool in place", **day("due", date(2004, 4, 1)), "status": "in-progress"},
    )
    milestone = Milestone.objects.get(partnership__slug=SLUG, text="Pool in place")
    assert (milestone.due, milestone.status) == (date(2004, 4, 1), "in-progress")


def test_confirming_a_governance_item_records_evidence_and_sign_off(as_lead: Any) -> None:
    as_lead.post(
        url("edit-governance", "auditors-consulted"),
        {
            "status": "confirmed",
            "evidence": "Audit Commission letter",
            "signed_off_by": "Anne Williams",
            **day("signed_off_on", date(2004, 1, 5)),
        },
    )
    item = GovernanceItem.objects.get(partnership__slug=SLUG, item="auditors-consulted")
    assert (item.status, item.evidence, item.signed_off_by, item.signed_off_on) == (
        "confirmed",
        "Audit Commission letter",
        "Anne Williams",
        date(2004, 1, 5),
    )


def test_governance_item_may_be_reopened_without_evidence(as_lead: Any) -> None:
    as_lead.post(url("edit-governance", "review"), {"status": "open", "evidence": "", "signed_off_by": ""})
    assert GovernanceItem.objects.get(partnership__slug=SLUG, item="review").status == "open"


def test_adding_an_approval_appends_it_to_the_trail(as_lead: Any) -> None:
    as_lead.post(
        url("add-approval"),
        {"body": "Salford PCT Board", **day("date", date(2004, 3, 2)), "decision": "approved"},
    )
    assert list(Approval.objects.filter(partnership__slug=SLUG).values_list("body", flat=True)) == [
        "Salford Drug Action Team",
        "Salford City Council Cabinet",
        "Salford PCT Board",
    ]


def test_adding_a_consultation_entry_without_a_date(as_lead: Any) -> None:
    as_lead.post(url("add-consultation"), {"who": "public", "how": "Public consultation"})
    entry = ConsultationEntry.objects.get(partnership__slug=SLUG)
    assert (entry.who, entry.how, entry.date) == ("public", "Public consultation", None)


def test_adding_a_board_member_who_represents_a_partner(as_lead: Any) -> None:
    as_lead.post(url("add-board-member"), {"name": "Pat Jones", "kind": "officer", "represents": "GMP"})
    assert BoardMember.objects.get(partnership__slug=SLUG, name="Pat Jones").represents.code == "GMP"


def test_changing_a_board_member_may_clear_whom_they_represent(as_lead: Any) -> None:
    as_lead.post(url("add-board-member"), {"name": "Pat Jones", "kind": "officer", "represents": "GMP"})
    as_lead.post(
        url("edit-board-member", Nth("board", 0)), {"name": "Pat Jones", "kind": "carer", "represents": ""}
    )
    board_member = BoardMember.objects.get(partnership__slug=SLUG, name="Pat Jones")
    assert (board_member.kind, board_member.represents) == ("carer", None)


def test_changing_the_details_sets_the_review_date(as_lead: Any) -> None:
    as_lead.post(url("edit-details"), DETAILS)
    assert Partnership.objects.get(slug=SLUG).review_date == date(2005, 3, 31)


def test_audit_entries_name_the_user_who_made_the_change(as_lead: Any, lead: Any) -> None:
    as_lead.post(
        url("add-approval"),
        {"body": "Salford PCT Board", **day("date", date(2004, 3, 2)), "decision": "approved"},
    )
    entry = LogEntry.objects.filter(additional_data__partnership=SLUG).latest("id")
    assert entry.actor == lead


def as_post(form: Any) -> dict[str, Any]:
    """What a browser sends back for a form shown with its initial values."""
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(field, GovukDateField):
            parts = field.widget.decompress(value)
            data.update({f"{name}_{i}": "" if part is None else str(part) for i, part in enumerate(parts)})
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, list):
            data[name] = value
        else:
            data[name] = "" if value is None else field.prepare_value(value)
    return data


@pytest.mark.parametrize(
    ("name", "args"), [(name, args) for name, args, _ in FORMS if not name.startswith("add-")]
)
def test_saving_a_change_form_as_shown_changes_nothing(as_lead: Any, name: str, args: list[Any]) -> None:
    before, logged = state(), entries()
    page = as_lead.get(url(name, *args)).context
    data = {**as_post(page["form"]), "seen": page["seen"]}
    response = as_lead.post(url(name, *args), data, follow=True)
    assert "No changes to save" in response.content.decode()
    assert state() == before
    assert entries() == logged


def test_saving_the_details_as_shown_keeps_fixed_shares_and_eligibility(client: Any, db: None) -> None:
    partnership = load_partnership(
        review_date=date(2005, 3, 31),
        risk_share={
            "overspend": "fixed",
            "underspend": "carry-forward",
            "fixed_shares": {"SCC": "60.50", "PCT": 39.5},
        },
        eligibility={
            "min_age": 18,
            "max_age": 65,
            "residence_in_area": False,
            "description": "Adults with drug problems aged 18 or over",
        },
    )
    client.force_login(member(partnership, Role.LEAD_COMMISSIONER))
    before = state()
    form = client.get(url("edit-details")).context["form"]
    client.post(url("edit-details"), as_post(form))
    assert state() == before


# --- what an invalid form does -------------------------------------------------------------------------


def assert_rejected(response: Any, message: str, before: dict[str, Any], logged: int) -> None:
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert message in html
    assert state() == before
    assert entries() == logged


INVALID = [
    pytest.param(
        "add-stream",
        [],
        {"code": "DIP", "name": "DIP", "partner": "NOPE"},
        "NOPE is not a partner of this agreement",
        id="stream-of-an-unknown-partner",
    ),
    pytest.param(
        "add-board-member",
        [],
        {"name": "Pat", "kind": "officer", "represents": "NOPE"},
        "NOPE is not one",
        id="board-member-representing-an-unknown-partner",
    ),
    pytest.param(
        "add-contribution",
        [],
        {"stream": "NOPE", "year": "2004-05", "amount": "5.00"},
        "NOPE is not a funding stream of this agreement",
        id="contribution-to-an-unknown-stream",
    ),
    pytest.param(
        "add-contribution",
        [],
        {"stream": "NTA-PTB", "year": "2004-05", "amount": "-5.00"},
        "Enter an amount of £0.00 or more",
        id="negative-amount",
    ),
    pytest.param(
        "add-contribution",
        [],
        {"stream": "NTA-PTB", "year": "2004-05", "amount": "lots"},
        "Enter an amount in pounds",
        id="amount-that-is-not-money",
    ),
    pytest.param(
        "add-contribution",
        [],
        {"stream": "NTA-PTB", "year": "2004-06", "amount": "5.00"},
        "Enter the financial year like 2003-04",
        id="financial-year-whose-parts-do-not-follow",
    ),
    pytest.param(
        "add-contribution",
        [],
        {"stream": "NTA-PTB", "year": "2003-04", "amount": "5.00"},
        "already has a contribution for 2003-04",
        id="second-contribution-of-a-stream-in-a-year",
    ),
    pytest.param(
        "edit-governance",
        ["auditors-consulted"],
        {"status": "confirmed", "signed_off_by": "Anne Williams"},
        "Enter the evidence that this is robust",
        id="confirmed-governance-without-evidence",
    ),
    pytest.param(
        "edit-governance",
        ["auditors-consulted"],
        {"status": "confirmed", "evidence": "A letter"},
        "Enter the name of the person who signed this off",
        id="confirmed-governance-without-sign-off",
    ),
    pytest.param(
        "add-approval",
        [],
        {"body": "Board", "date_0": "31", "date_1": "2", "date_2": "2004", "decision": "approved"},
        "Enter a real date",
        id="date-that-does-not-exist",
    ),
    pytest.param(
        "add-approval",
        [],
        {"body": "Board", "date_0": "1", "date_1": "", "date_2": "2004", "decision": "approved"},
        "must include a month",
        id="date-without-a-month",
    ),
    pytest.param(
        "add-approval",
        [],
        {"body": "", "decision": ""},
        "Enter the body that decided",
        id="approval-without-a-body",
    ),
    pytest.param(
        "add-partner",
        [],
        {"code": "SCC", "name": "Another council", "kind": "local-authority"},
        "There is already a partner with code SCC",
        id="duplicate-partner-code",
    ),
    pytest.param(
        "add-stream",
        [],
        {"code": "NTA-PTB", "name": "Again", "partner": "PCT"},
        "There is already a funding stream with code NTA-PTB",
        id="duplicate-stream-code",
    ),
    pytest.param(
        "add-milestone",
        [],
        {"text": "Pool in place", "status": "open", "due_0": "1", "due_1": "", "due_2": "2004"},
        "must include a month",
        id="milestone-due-date-without-a-month",
    ),
    pytest.param(
        "edit-details",
        [],
        DETAILS | {"area": "Salford"},
        "Enter ONS GSS codes",
        id="area-that-is-not-a-gss-code",
    ),
    pytest.param(
        "edit-details",
        [],
        DETAILS | {"min_age": "65", "max_age": "18"},
        "must not be below the minimum age",
        id="maximum-age-below-minimum",
    ),
]


@pytest.mark.parametrize(("name", "args", "data", "message"), INVALID)
def test_invalid_form_shows_the_problem_and_changes_nothing(
    as_lead: Any, name: str, args: list[Any], data: dict[str, Any], message: str
) -> None:
    before, logged = state(), entries()
    assert_rejected(as_lead.post(url(name, *args), data), message, before, logged)


def test_problem_found_by_the_agreement_checker_is_shown_on_its_field(as_lead: Any) -> None:
    before, logged = state(), entries()
    response = as_lead.post(
        url("add-partner"), {"code": "NHSE", "name": "NHS England", "kind": "nhs", "org_code": "not a code"}
    )
    assert_rejected(response, "is neither an ONS GSS code nor an NHS ODS code", before, logged)
    assert response.context["form"].errors["org_code"]


def test_details_problem_found_by_the_checker_is_shown_on_its_field(as_lead: Any) -> None:
    before, logged = state(), entries()
    response = as_lead.post(url("edit-details"), DETAILS | {"host_partner": ""})
    # In words at the field: the form does not show the file's key (the file and the API keep it).
    assert_rejected(response, "Host partner is required with the pooled-fund flexibility", before, logged)
    assert response.context["form"].errors["host_partner"]


def test_removing_a_flexibility_lets_its_role_go(as_lead: Any) -> None:
    data = DETAILS | {"flexibilities": ["lead-commissioning"], "host_partner": ""}
    assert as_lead.post(url("edit-details"), data).status_code == 302
    assert Partnership.objects.get(slug=SLUG).host_partner is None


# --- reading what people type --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "pence"),
    [
        ("1200000.00", 120_000_000),
        ("1,200,000.00", 120_000_000),
        ("£1,200,000", 120_000_000),
        ("597500.5", 59_750_050),
        (" £0.01 ", 1),
        ("0", 0),
    ],
)
def test_money_is_read_in_the_ways_people_write_it(text: str, pence: int) -> None:
    assert pence_from_text(text) == pence


@pytest.mark.parametrize("text", ["1,20,000", "1.234", "£", "12 pounds", "-5", "£-5.00", "1e6"])
def test_money_that_is_not_an_amount_is_refused(text: str) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        pence_from_text(text)


def test_date_input_reads_day_month_and_year() -> None:
    assert GovukDateField(label="Due date").clean(["1", "4", "2003"]) == date(2003, 4, 1)


def test_optional_date_input_left_empty_is_no_date() -> None:
    assert GovukDateField(label="Date", required=False).clean(["", "", ""]) is None
