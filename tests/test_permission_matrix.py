"""Who may use each route: every URL name and API operation × every role, anonymous, a signed-in non-member
and a member of another partnership, from one table. A route with no row fails the test, so every page
added later must say who may use it. Refused writes change nothing.

Allowed means the response is not a refusal (not a redirect to sign in, not 401, 403 or 404): what an
allowed request then does is other tests' business.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from concordat.core.roles import Role
from tests.documents.samples import upload_document
from tests.factories import UserFactory, agreement_document, load_partnership, member, row_counts

SLUG = "salford-dat"
LEAD, POOL, REP = Role.LEAD_COMMISSIONER, Role.POOL_MANAGER, Role.PARTNER_REPRESENTATIVE
OFFICER, WORKER, BOARD, AUDITOR = Role.PROVIDER_DATA_OFFICER, Role.KEY_WORKER, Role.BOARD_MEMBER, Role.AUDITOR
MEMBERS = frozenset(Role)
ANYONE = "anyone"  # also anonymous and non-members: public pages
SIGNED_IN = "signed-in"  # any signed-in user, member or not
ANY_MEMBER = "any-member"  # a member of any partnership (Salford's roles and the other partnership's lead)
EVERY_ACTOR = ["anonymous", "outsider", "other-lead", *Role]


@dataclass(frozen=True)
class Route:
    allowed: frozenset[str] | str  # roles in Salford DAT, or ANYONE / SIGNED_IN
    kwargs: Callable[[Any], dict[str, Any]] = lambda p: {"slug": SLUG}
    method: str = "get"
    writes: bool = False


def key(collection: str) -> Callable[[Any], dict[str, Any]]:
    return lambda p: {"slug": SLUG, "key": str(getattr(p, collection).order_by("position")[0].key)}


def code(value: str) -> Callable[[Any], dict[str, Any]]:
    return lambda p: {"slug": SLUG, "key": value}


def option(p: Any) -> dict[str, Any]:
    appraisal = p.options_appraisals.order_by("position")[0]
    return {"slug": SLUG, "key": appraisal.key, "option": appraisal.options[0]["key"]}


def document(p: Any) -> dict[str, Any]:
    return {"slug": SLUG, "key": p.documents.first().key}


def pool_job(p: Any) -> Any:
    """A pool import job started by no one in particular: its kind lets the pool manager see it."""
    from concordat.core.jobs import job_create
    from concordat.core.models import Job

    job = Job.objects.filter(kind="pool-import", partnership=SLUG).first()
    return job.pk if job else job_create(kind="pool-import", partnership=SLUG, actor=None).pk


def membership(p: Any) -> dict[str, Any]:
    return {"slug": SLUG, "membership_id": p.memberships.filter(role=REP).first().pk}


CONTRIBUTION = lambda p: {"slug": SLUG, "stream": "NTA-PTB", "year": "2003-04"}  # noqa: E731
ONLY = {LEAD}
MONEY = {LEAD, POOL}
READERS = {LEAD, AUDITOR}
COMMISSIONING_READERS = {LEAD, POOL, REP, BOARD, AUDITOR}


def page(allowed: Any, kwargs: Callable[[Any], dict[str, Any]] = lambda p: {"slug": SLUG}) -> list[Route]:
    return [Route(frozenset(allowed) if not isinstance(allowed, str) else allowed, kwargs)]


def form(allowed: Any, kwargs: Callable[[Any], dict[str, Any]] = lambda p: {"slug": SLUG}) -> list[Route]:
    """A form page: GET shows it, POST writes."""
    roles = frozenset(allowed)
    return [Route(roles, kwargs), Route(roles, kwargs, "post", writes=True)]


POOL_READERS = {LEAD, POOL, REP, BOARD, AUDITOR}


def posted_transaction(p: Any) -> dict[str, Any]:
    """A payment in Salford's ledger (posted the first time a row asks for it)."""
    from datetime import date

    from concordat.pool import services
    from concordat.pool.models import Transaction

    t = Transaction.objects.filter(partnership=p, ref="MATRIX-1").first()
    if t is None:
        t = services.payment_post(
            partnership=p, ref="MATRIX-1", date=date(2003, 5, 1), contract="CDT", purpose="treatment",
            amount_pence=100,
        ).transaction  # fmt: skip
    return {"slug": SLUG, "sequence": t.sequence}


# url name -> the ways it is used. Partnership routes are about Salford DAT.
PAGES: dict[str, list[Route]] = {
    "core:home": page(SIGNED_IN, lambda p: {}),
    "core:sign-in": page(ANYONE, lambda p: {}),
    "core:sign-out": [Route(SIGNED_IN, lambda p: {}, "post")],
    "core:change-password": [Route(SIGNED_IN, lambda p: {}), Route(SIGNED_IN, lambda p: {}, "post")],
    "core:accessibility": page(ANYONE, lambda p: {}),
    "core:privacy": page(ANYONE, lambda p: {}),
    "partnerships:list": page(SIGNED_IN, lambda p: {}),
    "partnerships:overview": page(MEMBERS),
    "partnerships:edit-details": form(ONLY),
    "partnerships:add-partner": form(ONLY),
    "partnerships:edit-partner": form(ONLY, code("PCT")),
    "partnerships:remove-partner": form(ONLY, code("GMP")),
    "partnerships:contributions": page(MEMBERS),
    "partnerships:add-contribution": form(MONEY),
    "partnerships:edit-contribution": form(MONEY, CONTRIBUTION),
    "partnerships:remove-contribution": form(MONEY, CONTRIBUTION),
    "partnerships:add-stated-total": form(MONEY),
    "partnerships:edit-stated-total": form(MONEY, key("stated_totals")),
    "partnerships:remove-stated-total": form(MONEY, key("stated_totals")),
    "partnerships:add-provider": form(ONLY),
    "partnerships:edit-provider": form(ONLY, code("P1")),
    "partnerships:remove-provider": form(ONLY, code("P1")),
    "partnerships:add-stream": form(MONEY),
    "partnerships:edit-stream": form(MONEY, code("NTA-PTB")),
    "partnerships:remove-stream": form(MONEY, code("NTA-PTB")),
    "partnerships:aims": page(MEMBERS),
    "partnerships:edit-aims": form(ONLY),
    "partnerships:add-milestone": form(ONLY),
    "partnerships:edit-milestone": form(ONLY, key("milestones")),
    "partnerships:remove-milestone": form(ONLY, key("milestones")),
    "partnerships:governance": page(MEMBERS),
    "partnerships:edit-governance": form(ONLY, lambda p: {"slug": SLUG, "item": "review"}),
    "partnerships:approvals": page(MEMBERS),
    "partnerships:add-approval": form(ONLY),
    "partnerships:edit-approval": form(ONLY, key("approvals")),
    "partnerships:remove-approval": form(ONLY, key("approvals")),
    "partnerships:consultation": page(MEMBERS),
    "partnerships:add-consultation": form(ONLY),
    "partnerships:edit-consultation": form(ONLY, key("consultation")),
    "partnerships:remove-consultation": form(ONLY, key("consultation")),
    "partnerships:board": page(MEMBERS),
    "partnerships:add-board-member": form(ONLY),
    "partnerships:edit-board-member": form(ONLY, key("board")),
    "partnerships:remove-board-member": form(ONLY, key("board")),
    "partnerships:risks": page(MEMBERS),
    "partnerships:add-risk": form(ONLY),
    "partnerships:edit-risk": form(ONLY, key("risks")),
    "partnerships:remove-risk": form(ONLY, key("risks")),
    "partnerships:add-signatory": form(ONLY),
    "partnerships:edit-signatory": form(ONLY, key("signatories")),
    "partnerships:remove-signatory": form(ONLY, key("signatories")),
    "partnerships:appraisals": page(MEMBERS),
    "partnerships:add-appraisal": form(ONLY),
    "partnerships:appraisal": page(MEMBERS, key("options_appraisals")),
    "partnerships:edit-appraisal": form(ONLY, key("options_appraisals")),
    "partnerships:remove-appraisal": form(ONLY, key("options_appraisals")),
    "partnerships:edit-criteria": form(ONLY, key("options_appraisals")),
    "partnerships:add-option": form(ONLY, key("options_appraisals")),
    "partnerships:edit-option": form(ONLY, option),
    "partnerships:remove-option": form(ONLY, option),
    "partnerships:edit-decision": form(ONLY, key("options_appraisals")),
    "partnerships:notification-form": page(MEMBERS),
    "partnerships:notification-form-pdf": page(MEMBERS),
    "partnerships:edit-narrative": form(ONLY),
    "partnerships:export-yaml": page(READERS),
    "partnerships:documents": page(MEMBERS),
    "partnerships:upload-document": form(ONLY),
    "partnerships:upload-agreement": form(ONLY),
    "partnerships:job": page({POOL}, lambda p: {"slug": SLUG, "job": pool_job(p)}),
    "partnerships:download-document": page(MEMBERS, document),
    "partnerships:remove-document": form(ONLY, document),
    "partnerships:audit": page(READERS),
    "partnerships:audit-export": page(READERS),
    "partnerships:members": page(READERS),
    "partnerships:add-member": form(ONLY),
    "partnerships:remove-member": form(ONLY, membership),
    # --- commissioning: partnership-wide readers see procurements; every member sees the contracts
    # register, provider roles only their own provider's contracts (the matrix's contract is P1's, the
    # provider the provider roles act for); the lead commissioner records.
    "commissioning:services": page(COMMISSIONING_READERS),
    "commissioning:add-service": form(ONLY),
    "commissioning:change-service": form(ONLY, lambda p: service_kwargs(p)),
    "commissioning:procurements": page(COMMISSIONING_READERS),
    "commissioning:add-procurement": form(ONLY),
    "commissioning:procurement": page(COMMISSIONING_READERS, lambda p: procurement_kwargs(p)),
    "commissioning:record-stage": form(ONLY, lambda p: procurement_kwargs(p)),
    "commissioning:add-representation": form(ONLY, lambda p: procurement_kwargs(p)),
    "commissioning:answer-representation": form(ONLY, lambda p: representation_kwargs(p)),
    "commissioning:add-contract": form(ONLY, lambda p: procurement_kwargs(p)),
    "commissioning:notice": page(COMMISSIONING_READERS, lambda p: procurement_kwargs(p)),
    "commissioning:contracts": page(MEMBERS),
    "commissioning:contracts-csv": page(MEMBERS),
    "commissioning:contracts-xlsx": page(MEMBERS),
    "commissioning:ocds": page(COMMISSIONING_READERS),
    "commissioning:contract": page(MEMBERS, lambda p: contract_kwargs(p)),
    "commissioning:add-variation": form(ONLY, lambda p: contract_kwargs(p)),
    "commissioning:add-subcontract": form(ONLY, lambda p: contract_kwargs(p)),
    "commissioning:add-legacy": form(ONLY, lambda p: contract_kwargs(p)),
    "commissioning:add-kpi": form(ONLY, lambda p: contract_kwargs(p)),
    "commissioning:add-review": form(ONLY, lambda p: contract_kwargs(p)),
    "commissioning:change-subcontract": form(ONLY, lambda p: subcontract_kwargs(p)),
    "commissioning:remove-subcontract": form(ONLY, lambda p: subcontract_kwargs(p)),
    "commissioning:change-legacy": form(ONLY, lambda p: legacy_kwargs(p)),
    "commissioning:remove-legacy": form(ONLY, lambda p: legacy_kwargs(p)),
    # The pooled fund's pages: the pool manager posts and reverses; the lead, partner representatives,
    # board members and auditors read; provider roles see nothing of the pool.
    **{
        f"pool:{name}": page(POOL_READERS)
        for name in (
            "statement",
            "statement-pdf",
            "statement-xlsx",
            "ledger",
            "ledger-csv",
            "report",
            "report-pdf",
            "report-xlsx",
            "schedule",
            "schedule-pdf",
        )
    },
    "pool:transaction": page(POOL_READERS, posted_transaction),
    "pool:reverse": form({POOL}, posted_transaction),
    "pool:post": form({POOL}, lambda p: {"slug": SLUG, "kind": "payment"}),
    "pool:import": form({POOL}),
    "pool:post-check": form({POOL}, lambda p: {"slug": SLUG, "kind": "payment"}),
}


# --- the treatment record (concordat/treatment) ---------------------------------------------------------
def treatment_submission(p: Any) -> dict[str, Any]:
    """A submission of P1 (the provider the matrix's data officer acts for), made on first use."""
    import io

    from concordat.treatment.models import Submission
    from concordat.treatment.services import submission_import
    from tests.treatment.submissions import PERIOD_END, csv_bytes, row

    submission = Submission.objects.filter(partnership=p).first()
    if submission is None:
        submission = submission_import(
            partnership=p,
            provider=p.providers.get(code="P1"),
            file=io.BytesIO(csv_bytes([row(sex="Q")])),
            period_end=PERIOD_END,
            file_name="matrix.csv",
            actor=None,
            channel="command-line",
        ).submission
    return {"slug": SLUG, "pk": submission.pk}


def superseded_submission(p: Any) -> dict[str, Any]:
    """A submission of P1 replaced by a later one, so that it can be restored."""
    import io

    from concordat.treatment.models import Submission
    from concordat.treatment.services import submission_import
    from tests.treatment.submissions import PERIOD_END, csv_bytes, row

    replaced = Submission.objects.filter(partnership=p, state="superseded").first()
    if replaced is None:
        for ref in ("FIRST", "SECOND"):
            submission_import(
                partnership=p,
                provider=p.providers.get(code="P1"),
                file=io.BytesIO(csv_bytes([row(episode_ref=ref)])),
                period_end=PERIOD_END,
                file_name="matrix.csv",
                actor=None,
                channel="command-line",
            )
        replaced = Submission.objects.get(partnership=p, state="superseded")
    return {"slug": SLUG, "pk": replaced.pk}


PAGES.update(
    {
        "treatment:submissions": page({OFFICER, LEAD, AUDITOR}),
        "treatment:replace-record": [Route(frozenset({OFFICER}), treatment_submission, "post", writes=True)],
        "treatment:discard-submission": [
            Route(frozenset({OFFICER}), treatment_submission, "post", writes=True)
        ],
        "treatment:restore-submission": form({OFFICER}, superseded_submission),
        "treatment:format": page({OFFICER, LEAD, AUDITOR}),
        "treatment:template": page({OFFICER, LEAD, AUDITOR}),
        "treatment:record-download": page({OFFICER}, lambda p: {"slug": SLUG, "code": "P1"}),
        "treatment:submit": form({OFFICER}),
        "treatment:submission": page({OFFICER, LEAD, AUDITOR}, treatment_submission),
        "treatment:submission-report-csv": page({OFFICER}, treatment_submission),
    }
)

# --- the treatment record's client records, access log and API tokens (treatweb) ---
STAFF = {OFFICER, WORKER}


def client_record(p: Any) -> str:
    """A handle of the first provider's record (the matrix's key worker and data officer work there)."""
    from concordat.treatment.handles import handle_for

    return handle_for(p, p.providers.order_by("id").first().pk, "MATRIX-1").handle


def handle(p: Any) -> dict[str, Any]:
    return {"slug": SLUG, "handle": client_record(p)}


def step(p: Any) -> dict[str, Any]:
    return {**handle(p), "step": "triage"}


def consent(p: Any) -> dict[str, Any]:
    from datetime import date

    from concordat.partnerships.models import Provider
    from concordat.treatment.sharing import ClientHandle, Consent

    other, _ = Provider.objects.get_or_create(partnership=p, code="P9", defaults={"name": "Other"})
    record = ClientHandle.objects.get(handle=client_record(p))
    made, _ = Consent.objects.get_or_create(
        partnership=p,
        client=record,
        shared_with=other,
        withdrawn_on=None,
        defaults={"given_on": date(2004, 1, 1)},
    )
    return {**handle(p), "consent": made.pk}


def api_token(p: Any) -> dict[str, Any]:
    from concordat.treatment.tokens import api_token_create

    made = api_token_create(
        partnership=p, provider=p.providers.order_by("id").first(), name="matrix", actor=None
    )
    return {"slug": SLUG, "token": made.token.pk}


DRAFT = "x" * 24  # a check page's token with no answers kept: it sends people back

PAGES.update(
    {
        "treatment:counts": page(MEMBERS),
        "treatment:caseload": page(STAFF),
        "treatment:caseload-export": page(STAFF),
        "treatment:refer": form(STAFF),
        "treatment:refer-check": form(STAFF, lambda p: {"slug": SLUG, "token": DRAFT}),
        "treatment:timeline": [Route(frozenset(STAFF), handle), Route(frozenset(STAFF), handle, "post")],
        "treatment:consent": form(STAFF, handle),
        "treatment:withdraw-consent": form(STAFF, consent),
        "treatment:step": form(STAFF, step),
        "treatment:step-check": form(STAFF, lambda p: {**step(p), "token": DRAFT}),
        "treatment:access-log": page({AUDITOR}),
        "treatment:access-log-export": page({AUDITOR}),
        "treatment:tokens": page({OFFICER, LEAD}),
        "treatment:add-token": form({OFFICER, LEAD}),
        "treatment:revoke-token": form({OFFICER, LEAD}, api_token),
    }
)

# --- performance against targets (concordat/performance): every member reads the figures and the targets,
# the lead commissioner changes the targets, a provider's staff open the records behind a count (their own
# and those shared with them), the pool's readers see money beside activity; members of any partnership
# compare the published figures of all.
PAGES.update(
    {
        "performance:dashboard": page(MEMBERS),
        "performance:targets": page(MEMBERS),
        "performance:edit-targets": form(ONLY),
        "performance:money": page(POOL_READERS),
        "performance:episodes": page(
            STAFF, lambda p: {"slug": SLUG, "period": "2004-05-q1", "kpi": "in_treatment"}
        ),
        "performance:national": page(ANY_MEMBER, lambda p: {}),
    }
)

# (method, API operation) -> who; paths are filled from the route's own URL name.
API: dict[str, list[Route]] = {
    "api:openapi-json": page(ANYONE, lambda p: {}),
    "api:openapi-view": page(ANYONE, lambda p: {}),
    "api:api-root": page(frozenset(), lambda p: {}),  # nothing there: 404 for everyone
    "api:partnership_list": page(SIGNED_IN, lambda p: {}),
    "api:agreement_read": page(READERS),
    "api:agreement_replace": [Route(frozenset(ONLY), lambda p: {"slug": SLUG}, "put", writes=True)],
    "api:agreement_check": [Route(SIGNED_IN, lambda p: {}, "post")],
    "api:entry_read": page(READERS, lambda p: {**key("approvals")(p), "collection": "approvals"}),
    "api:entry_change": [
        Route(frozenset(ONLY), lambda p: {**key("approvals")(p), "collection": "approvals"}, "put", True),
        Route(
            frozenset(MONEY),
            lambda p: {"slug": SLUG, "collection": "contributions", "key": "NTA-PTB 2003-04"},
            "put",
            True,
        ),
    ],
    "api:entry_delete": [
        Route(frozenset(ONLY), lambda p: {**key("approvals")(p), "collection": "approvals"}, "delete", True),
        Route(
            frozenset(MONEY),
            lambda p: {"slug": SLUG, "collection": "contributions", "key": "NTA-PTB 2003-04"},
            "delete",
            True,
        ),
    ],
    "api:entry_add": [
        Route(frozenset(ONLY), lambda p: {"slug": SLUG, "collection": "approvals"}, "post", True),
        Route(frozenset(MONEY), lambda p: {"slug": SLUG, "collection": "contributions"}, "post", True),
    ],
    # --- commissioning (see its pages above)
    "api:service_list": page(COMMISSIONING_READERS),
    "api:procurement_list": page(COMMISSIONING_READERS),
    "api:procurement_add": [Route(frozenset(ONLY), lambda p: {"slug": SLUG}, "post", True)],
    "api:procurement_read": page(COMMISSIONING_READERS, lambda p: procurement_kwargs(p)),
    "api:procurement_stage_add": [Route(frozenset(ONLY), lambda p: procurement_kwargs(p), "post", True)],
    "api:representation_add": [Route(frozenset(ONLY), lambda p: procurement_kwargs(p), "post", True)],
    "api:ocds_package": page(COMMISSIONING_READERS),
    "api:contract_list": page(MEMBERS),
    "api:contract_add": [Route(frozenset(ONLY), lambda p: {"slug": SLUG}, "post", True)],
    "api:contract_read": page(MEMBERS, lambda p: contract_kwargs(p)),
    "api:variation_add": [Route(frozenset(ONLY), lambda p: contract_kwargs(p), "post", True)],
    "api:kpi_add": [Route(frozenset(ONLY), lambda p: contract_kwargs(p), "post", True)],
    "api:review_add": [Route(frozenset(ONLY), lambda p: contract_kwargs(p), "post", True)],
}
# The pooled fund (concordat.pool): the pool manager posts; the lead, partner representatives, board and
# auditors read; provider roles see nothing.
API.update(
    {
        "api:statement_read": page(POOL_READERS, lambda p: {"slug": SLUG}),
        "api:transaction_list": page(POOL_READERS),
        "api:transaction_read": page(POOL_READERS, lambda p: {"slug": SLUG, "ref": "C-1"}),
        "api:transaction_post": [Route(frozenset({POOL}), lambda p: {"slug": SLUG}, "post", True)],
        "api:transaction_reverse": [
            Route(frozenset({POOL}), lambda p: {"slug": SLUG, "ref": "C-1"}, "post", True)
        ],
    }
)
API.update(
    {
        "api:submission_create": [
            Route(frozenset({OFFICER}), lambda p: {"slug": SLUG, "code": "P1"}, "post", writes=True)
        ],
        "api:submission_read": page(
            {OFFICER, LEAD, AUDITOR},
            lambda p: {"slug": SLUG, "submission_id": treatment_submission(p)["pk"]},
        ),
        "api:record_download": page({OFFICER}, lambda p: {"slug": SLUG, "code": "P1"}),
        # A submission not waiting for a decision: the officer is told so (409), others refused.
        "api:submission_replace": [
            Route(
                frozenset({OFFICER}),
                lambda p: {"slug": SLUG, "submission_id": treatment_submission(p)["pk"]},
                "post",
                writes=True,
            )
        ],
    }
)
# The provider systems' API takes a provider API token, never a session: refused to every signed-in person.
API.update(
    {
        "api:provider_submission_create": [Route(frozenset(), lambda p: {}, "post", writes=True)],
        "api:provider_submission_read": page(frozenset(), lambda p: {"submission_id": 1}),
        "api:provider_record_download": page(frozenset(), lambda p: {}),
        "api:provider_submission_replace": [
            Route(frozenset(), lambda p: {"submission_id": 1}, "post", writes=True)
        ],
        "api:provider_client_list": page(frozenset(), lambda p: {}),
        "api:provider_client_read": page(frozenset(), lambda p: {"handle": "x" * 16}),
    }
)
# --- the board's reports and the workforce (concordat/performance, urls_reports.py, workforce_api.py): the
# lead commissioner writes and issues reports, every partnership-wide reader reads them; the lead enters any
# provider's workforce figures and a data officer their own provider's (P1, the matrix's), which they read.
REPORT_READERS = {LEAD, POOL, REP, BOARD, AUDITOR}
REPORT = lambda p: {"slug": SLUG, "key": "quarterly-2003-04-q1"}  # noqa: E731
FIGURE = lambda p: {"slug": SLUG, "code": "P1", "year": "2003-04"}  # noqa: E731


def entered_figure(p: Any) -> dict[str, Any]:
    """P1's workforce figure for 2003-04, entered the first time a row asks for it."""
    from concordat.performance.workforce import figure_save

    figure_save(partnership=p, provider="P1", year="2003-04", fte="12.5", seen=None, user=None)
    return FIGURE(p)


PAGES.update(
    {
        "performance-reports:list": page(REPORT_READERS),
        "performance-reports:report": page(REPORT_READERS, REPORT),
        "performance-reports:edit": form(ONLY, REPORT),
        "performance-reports:issue": form(ONLY, REPORT),
        "performance-reports:report-pdf": page(REPORT_READERS, REPORT),
        "performance-reports:report-xlsx": page(REPORT_READERS, REPORT),
        "performance-reports:report-json": page(REPORT_READERS, REPORT),
        "performance-reports:workforce": page(REPORT_READERS | {OFFICER}),
        "performance-reports:figure": form({LEAD, OFFICER}, FIGURE),
    }
)
API.update(
    {
        "api:workforce_list": page(REPORT_READERS | {OFFICER}),
        "api:workforce_read": page(REPORT_READERS | {OFFICER}, entered_figure),
        "api:workforce_put": [Route(frozenset({LEAD, OFFICER}), entered_figure, "put", writes=True)],
    }
)

TABLE = {**PAGES, **API}


def url_names() -> set[str]:
    names: set[str] = set()

    def walk(resolver: URLResolver, namespace: str) -> None:
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern, f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.add(f"{namespace}{pattern.name}")

    walk(get_resolver(), "")
    return names


def test_every_route_has_a_row_in_the_table() -> None:
    missing = sorted(url_names() - TABLE.keys())
    assert not missing, f"routes with no row in the permission matrix: {missing}"
    stale = sorted(TABLE.keys() - url_names())
    assert not stale, f"rows for routes that no longer exist: {stale}"


def test_every_api_operation_has_a_row_in_the_table() -> None:
    from concordat.api_urls import api

    operations = {
        operation["operationId"]
        for methods in api.get_openapi_schema()["paths"].values()
        for operation in methods.values()
    }
    missing = sorted(
        name for name in operations if not any(name.endswith("_" + row.removeprefix("api:")) for row in API)
    )
    assert not missing, f"API operations with no row: {missing}"


@pytest.fixture
def world(db: None) -> dict[str, Any]:
    """Salford DAT with one entry in every list, a user in each role, an outsider and another
    partnership's lead commissioner."""
    document = agreement_document()
    document["consultation"] = [{"who": "staff", "how": "Workshops"}]
    document["board"] = [{"name": "Ann Board", "kind": "officer", "represents": "SCC"}]
    document["risks"] = [{"description": "Recruitment of staff", "likelihood": 3, "impact": 4}]
    document["signatories"] = [{"partner": "SCC", "name": "Ann Signer", "role": "Chief executive"}]
    document["options_appraisals"] = [
        {
            "title": "Learning difficulties",
            "criteria": [{"name": "Cost", "weight": 2}],
            "options": [{"code": "1(a)", "name": "Status quo", "scores": {"Cost": 3}}],
        }
    ]
    salford = load_partnership(document)
    upload_document(salford)
    from concordat.pool import services as pool

    pool.contribution_post(
        partnership=salford, ref="C-1", date=date(2003, 4, 1), stream="NTA-PTB", amount_pence=100
    )
    other = load_partnership(slug="other-dat", name="Other DAT")
    actors: dict[str, Any] = {
        "anonymous": None,
        "outsider": UserFactory(username="outsider"),
        "other-lead": member(other, LEAD, username="other-lead"),
    }
    for role in Role:
        actors[role] = member(salford, role, username=f"as-{role}")
    return {"partnership": salford, "actors": actors}


def allowed(route: Route, actor: str) -> bool:
    if route.allowed == ANYONE:
        return True
    if route.allowed == SIGNED_IN:
        return actor != "anonymous"
    if route.allowed == ANY_MEMBER:
        return actor not in ("anonymous", "outsider")
    return actor in route.allowed


def refused(response: Any, actor: str) -> bool:
    if actor == "anonymous" and response.status_code == 302:
        return "/sign-in/" in response["Location"]
    return response.status_code in (401, 403, 404)


def send(client: Any, route: Route, url: str, partnership: Any) -> Any:
    """The request, with a body the API's schema accepts (the agreement as it is) so that what decides is
    who sends it, not what."""
    body = None
    if route.method in ("put", "post") and url.startswith("/api/"):
        from concordat.partnerships.shape import export_agreement

        body = export_agreement(partnership) if url.endswith(("/agreement", "/check")) else {}
    if body is not None:
        return getattr(client, route.method)(url, body, content_type="application/json")
    return getattr(client, route.method)(url)


@pytest.mark.parametrize("name", sorted(TABLE))
def test_who_may_use_the_route(client: Any, world: dict[str, Any], name: str) -> None:
    partnership = world["partnership"]
    failures = []
    for route in TABLE[name]:
        url = reverse(name, kwargs=route.kwargs(partnership))
        for actor in EVERY_ACTOR:
            client.logout()
            user = world["actors"][actor]
            if user is not None:
                client.force_login(user)
            before = row_counts() if route.writes else None
            response = send(client, route, url, partnership)
            expected = allowed(route, actor)
            if refused(response, actor) == expected:
                failures.append(
                    f"{route.method.upper()} {url} as {actor}: {response.status_code}, expected "
                    f"{'allowed' if expected else 'refused'}"
                )
            elif not expected and route.writes and row_counts() != before:
                failures.append(f"{route.method.upper()} {url} as {actor} was refused but changed data")
    assert not failures, "\n".join(failures)


# --- commissioning's records for the routes above, made once per test through its services ---------------


def _commissioned(p: Any) -> tuple[Any, Any]:
    from concordat.commissioning import models as commissioning
    from concordat.commissioning import services as commissioning_services
    from tests.commissioning.conftest import contract_values, walk

    procurement = commissioning.Procurement.objects.filter(partnership=p, key="matrix-procurement").first()
    if procurement is None:
        procurement, _ = commissioning_services.procurement_create(
            partnership=p, values={"key": "matrix-procurement", "title": "Matrix"}, user=None
        )
        on = walk(procurement, None, "intention-to-award")
        commissioning_services.representation_record(
            procurement=procurement, values={"received": on.isoformat(), "made_by": "A bidder"}, user=None
        )
        commissioning_services.contract_create(
            partnership=p, values=contract_values(key="matrix-contract", provider="P1"), user=None
        )
    return procurement, commissioning.Contract.objects.get(partnership=p, key="matrix-contract")


def procurement_kwargs(p: Any) -> dict[str, Any]:
    return {"slug": SLUG, "key": _commissioned(p)[0].key}


def representation_kwargs(p: Any) -> dict[str, Any]:
    procurement = _commissioned(p)[0]
    return {"slug": SLUG, "key": procurement.key, "pk": procurement.representations.get().pk}


def service_kwargs(p: Any) -> dict[str, Any]:
    from concordat.commissioning import models as commissioning
    from concordat.commissioning import services as commissioning_services

    service = commissioning.Service.objects.filter(partnership=p, key="matrix-service").first()
    if service is None:
        service = commissioning_services.service_save(
            partnership=p,
            values={
                "key": "matrix-service",
                "name": "Matrix",
                "tier": 3,
                "modality": "advice",
                "client_group": "adults",
            },
            user=None,
        )
    return {"slug": SLUG, "key": service.key}


def contract_kwargs(p: Any) -> dict[str, Any]:
    return {"slug": SLUG, "key": _commissioned(p)[1].key}


# --- a subcontract and a legacy contract of the matrix contract, changed and removed by key (commapi) ------


def subcontract_kwargs(p: Any) -> dict[str, Any]:
    from concordat.commissioning import services as commissioning_services

    contract = _commissioned(p)[1]
    if not contract.subcontracts.filter(key="matrix-sub").exists():
        commissioning_services.contract_subcontract_add(
            contract=contract,
            values={"subcontractor": "Pharmacies", "description": "Supervised consumption"},
            user=None,
            token="matrix-sub",
        )
    return {"slug": SLUG, "key": contract.key, "part": "matrix-sub"}


def legacy_kwargs(p: Any) -> dict[str, Any]:
    from concordat.commissioning import services as commissioning_services

    contract = _commissioned(p)[1]
    if not contract.legacy.filter(key="matrix-legacy").exists():
        commissioning_services.contract_legacy_add(
            contract=contract,
            values={
                "name": "Old service",
                "element": "Needle exchange",
                "annual_cost": "1000.00",
                "transfers_on": "2024-04-01",
            },
            user=None,
            token="matrix-legacy",
        )
    return {"slug": SLUG, "key": contract.key, "part": "matrix-legacy"}
