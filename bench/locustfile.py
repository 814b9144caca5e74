"""The load mix bench/load.py drives: the demo's people at work, one locust user class per role.

Each simulated person signs in with their demo password, then opens the pages their role uses in the
proportions a working week has them (weights below), reads documents, and, for the lead commissioner,
saves a real change: a milestone's status set one way and back, with the form's own `seen` fingerprint,
so the write goes through the same stale-edit check and version bump as a person's would. Now and then a
person signs out and in again (a sign-in costs its Argon2 hash).

The server runs in production settings behind no proxy, so the bench plays the TLS proxy: every request
says `X-Forwarded-Proto: https` (the app then sets and expects its Secure cookies and checks a form's
Referer as it would on https) and `X-Forwarded-For` (TRUSTED_PROXY_COUNT=1). The client keeps those Secure
cookies on this loopback connection.

A page joins the mix by being added to a role's `PAGES` with its weight; a page a user's navigation does
not offer (a permission they lack) is left out for them rather than counted as an error. Every later page
is added here in the issue that adds it.
"""

from __future__ import annotations

import itertools
import random
import re
from typing import Any, ClassVar

from locust import HttpUser, between, events, task
from requests.cookies import RequestsCookieJar

PASSWORD = "concordat-demo"  # the demo users' password (concordat/demo/services.py)
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SEEN = re.compile(r'name="seen" value="([^"]*)"')
CHECKED_STATUS = re.compile(r'name="status"[^>]*value="([^"]+)"\s*checked', re.S)
FIELD = re.compile(r'<input type="text" name="(due_[012])" value="([^"]*)"')
TEXT = re.compile(r'<textarea name="text"[^>]*>(.*?)</textarea>', re.S)
PARTNERSHIP_LINK = re.compile(r'href="/partnerships/([a-z0-9-]+)/"')
MILESTONE_LINK = re.compile(r'href="/partnerships/([a-z0-9-]+)/milestones/([a-z0-9]+)/"')

# Think time between one page and the next (load.py sets them from its options through the environment).
THINK = between(1, 3)

# (name in the results, path under /partnerships/<slug>/ or an absolute path, weight)
LIST = ("partnerships list", "/partnerships/", 2)
OVERVIEW = ("overview", "", 4)
CONTRIBUTIONS = ("contributions", "contributions/", 3)
AIMS = ("aims and milestones", "aims/", 3)
GOVERNANCE = ("governance", "governance/", 2)
APPROVALS = ("approvals", "approvals/", 2)
CONSULTATION = ("consultation", "consultation/", 1)
BOARD = ("board", "board/", 2)
APPRAISALS = ("appraisals", "appraisals/", 1)
FORM_HTML = ("notification form", "notification-form/", 2)
FORM_PDF = ("notification form PDF", "notification-form.pdf", 1)
YAML = ("partnership file YAML", "partnership.yaml", 1)
AUDIT = ("audit trail", "audit/", 2)
MEMBERS = ("members", "members/", 1)
RISKS = ("risks", "risks/", 1)
DOCUMENTS = ("documents", "documents/", 1)
TREATMENT_SUBMISSIONS = ("treatment submissions", "treatment/submissions/", 1)
# The treatment record's client pages (treatweb): counts for every member, the caseload for a provider's
# staff, the access log for auditors, API tokens for data officers.
TREATMENT_COUNTS = ("treatment record counts", "treatment/", 1)
CASELOAD = ("caseload", "treatment/caseload/", 5)
ACCESS_LOG = ("access log", "treatment/access-log/", 2)
API_TOKENS = ("API tokens", "treatment/tokens/", 1)
# commissioning (its tabs: services, procurements, the contracts register)
SERVICES = ("services", "services/", 1)
PROCUREMENTS = ("procurements", "procurements/", 1)
CONTRACTS = ("contracts register", "contracts/", 1)
# The pooled fund's pages.
POOL_STATEMENT = ("pool statement", "pool/", 3)
POOL_LEDGER = ("pool ledger", "pool/ledger/", 2)
# Performance against targets: every member's dashboard, the national table of published figures.
DASHBOARD = ("performance dashboard", "performance/", 3)
NATIONAL = ("national table", "/performance/national/", 1)
# The board's reports and the workforce (concordat/performance/urls_reports.py).
BOARD_REPORTS = ("board reports", "performance/reports/", 1)
WORKFORCE = ("workforce", "performance/workforce/", 1)
CHOSEN_YEAR = re.compile(r'<option value="([0-9]{4}-[0-9]{2})"[^>]*\bselected')
# A small real PDF for the lead's uploads (the type is checked by its bytes).
SIGNED_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
TOKEN = re.compile(r'name="token" value="([^"]*)"')

# Milestones handed out one per lead-commissioner user, so two simulated leads never edit the same one.
_milestone_turn = itertools.count()


class LoopbackTlsCookies(RequestsCookieJar):
    """Keep the app's Secure cookies for the bench's plain loopback connection, where a TLS proxy would have
    carried them over https. (requests copies the session's cookies into a fresh jar for every request, so
    a cookie policy set on the jar would be lost: the Secure flag is dropped as a cookie is stored.)"""

    def set_cookie(self, cookie: Any, *args: Any, **kwargs: Any) -> Any:
        cookie.secure = False
        return super().set_cookie(cookie, *args, **kwargs)


class Person(HttpUser):
    abstract = True
    wait_time = THINK
    username: ClassVar[str] = ""
    PAGES: ClassVar[tuple[tuple[str, str, int], ...]] = ()

    def on_start(self) -> None:
        self.client.cookies = LoopbackTlsCookies()
        self.client.headers.update({"X-Forwarded-Proto": "https", "X-Forwarded-For": "127.0.0.1"})
        self.sign_in()
        listing = self.client.get("/partnerships/", name=LIST[0]).text
        self.slugs = sorted(set(PARTNERSHIP_LINK.findall(listing)))
        # The pages this person's navigation and documents offer, for one of their partnerships.
        slug = self.slugs[0]
        offered = self.client.get(f"/partnerships/{slug}/", name=OVERVIEW[0]).text
        offered += self.client.get(f"/partnerships/{slug}/{FORM_HTML[1]}", name=FORM_HTML[0]).text
        self.pages = [
            page
            for page in self.PAGES
            if page in (LIST, OVERVIEW, NATIONAL) or f"/partnerships/{slug}/{page[1]}" in offered
        ]
        self.weights = [page[2] for page in self.pages]

    def referer(self, path: str) -> dict[str, str]:
        return {"Referer": f"https://{self.host.split('://', 1)[1]}{path}"}

    def post_form(self, path: str, data: dict[str, str], name: str) -> Any:
        """Post a form the way a browser on https does (its CSRF token, a same-origin Referer); a success
        is the redirect the app answers a saved form with."""
        with self.client.post(
            path, data=data, headers=self.referer(path), name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code == 302:
                response.success()
            else:
                response.failure(f"{name}: {response.status_code}, not a redirect")
            return response

    def sign_in(self) -> None:
        page = self.client.get("/sign-in/", name="sign-in page").text
        token = CSRF.search(page)
        data = {
            "username": self.username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": token.group(1) if token else "",
        }
        self.post_form("/sign-in/", data, "sign-in")

    @task(60)
    def read(self) -> None:
        name, path, _ = random.choices(self.pages, weights=self.weights)[0]
        url = path if path.startswith("/") else f"/partnerships/{random.choice(self.slugs)}/{path}"
        with self.client.get(url, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}")
            elif path.endswith(".pdf") and not response.content.startswith(b"%PDF-"):
                response.failure("not a PDF")

    @task(1)
    def sign_out_and_in(self) -> None:
        page = self.client.get("/partnerships/", name=LIST[0]).text
        token = CSRF.search(page)
        self.post_form("/sign-out/", {"csrfmiddlewaretoken": token.group(1) if token else ""}, "sign-out")
        self.sign_in()


class LeadCommissioner(Person):
    weight = 3
    username = "lead"
    PAGES = (
        LIST,
        OVERVIEW,
        DASHBOARD,
        NATIONAL,
        CONTRIBUTIONS,
        AIMS,
        GOVERNANCE,
        APPROVALS,
        CONSULTATION,
        BOARD,
        APPRAISALS,
        FORM_HTML,
        FORM_PDF,
        YAML,
        AUDIT,
        MEMBERS,
        RISKS,
        DOCUMENTS,
        TREATMENT_SUBMISSIONS,
        SERVICES,
        PROCUREMENTS,
        CONTRACTS,
        BOARD_REPORTS,
        WORKFORCE,
    )

    def on_start(self) -> None:
        super().on_start()
        found: list[tuple[str, str]] = []
        for slug in self.slugs:
            page = self.client.get(f"/partnerships/{slug}/{AIMS[1]}", name=AIMS[0]).text
            found.extend(m for m in dict.fromkeys(MILESTONE_LINK.findall(page)) if m[1] != "add")
        self.milestone = found[next(_milestone_turn) % len(found)] if found else None

    @task(1)
    def upload_a_document(self) -> None:
        """Upload a board paper through the GOV.UK upload form (multipart, its CSRF and one-time token)."""
        slug = self.slugs[0]
        path = f"/partnerships/{slug}/documents/upload/"
        page = self.client.get(path, name="upload form").text
        token, once = CSRF.search(page), TOKEN.search(page)
        if not token:
            return
        data = {
            "csrfmiddlewaretoken": token.group(1),
            "token": once.group(1) if once else "",
            "title": "Board paper",
            "kind": "board-paper",
        }
        with self.client.post(
            path,
            data=data,
            files={"file": ("board-paper.pdf", SIGNED_PDF, "application/pdf")},
            headers=self.referer(path),
            name="document upload",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code == 302:
                response.success()
            else:
                response.failure(f"document upload: {response.status_code}, not a redirect")

    @task(1)
    def download_a_board_report(self) -> None:
        """Open the board's reports and download the quarterly report of the year they offer first (its
        first quarter), as the lead commissioner does before a board meeting."""
        slug = self.slugs[0]
        page = self.client.get(f"/partnerships/{slug}/{BOARD_REPORTS[1]}", name=BOARD_REPORTS[0]).text
        year = CHOSEN_YEAR.search(page)
        if not year:
            return
        path = f"/partnerships/{slug}/{BOARD_REPORTS[1]}quarterly-{year.group(1)}-q1/report.pdf"
        with self.client.get(path, name="board report PDF", catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}")
            elif not response.content.startswith(b"%PDF-"):
                response.failure("not a PDF")

    @task(3)
    def change_a_milestone(self) -> None:
        """Open a milestone's form and save it with its status changed (met and in progress, in turn)."""
        if self.milestone is None:
            return
        slug, key = self.milestone
        path = f"/partnerships/{slug}/milestones/{key}/"
        page = self.client.get(path, name="milestone form").text
        status = CHECKED_STATUS.search(page)
        text = TEXT.search(page)
        token, seen = CSRF.search(page), SEEN.search(page)
        if not (status and text and token and seen):
            return
        data = {
            "csrfmiddlewaretoken": token.group(1),
            "seen": seen.group(1),
            "text": _unescape(text.group(1).strip()),
            "status": "in-progress" if status.group(1) == "met" else "met",
            **dict(FIELD.findall(page)),
        }
        self.post_form(path, data, "milestone save")


class PoolManager(Person):
    weight = 3
    username = "finance"
    PAGES = (
        LIST,
        OVERVIEW,
        DASHBOARD,
        NATIONAL,
        (CONTRIBUTIONS[0], CONTRIBUTIONS[1], 8),
        AIMS,
        GOVERNANCE,
        APPROVALS,
        FORM_HTML,
        FORM_PDF,
        RISKS,
        DOCUMENTS,
        SERVICES,
        PROCUREMENTS,
        CONTRACTS,
        POOL_STATEMENT,
        POOL_LEDGER,
    )


class PartnerRepresentative(Person):
    weight = 5
    username = "partner"
    PAGES = (
        LIST,
        OVERVIEW,
        DASHBOARD,
        NATIONAL,
        CONTRIBUTIONS,
        AIMS,
        GOVERNANCE,
        APPROVALS,
        CONSULTATION,
        BOARD,
        FORM_HTML,
        FORM_PDF,
        RISKS,
        DOCUMENTS,
        SERVICES,
        PROCUREMENTS,
        CONTRACTS,
        POOL_STATEMENT,
        POOL_LEDGER,
    )


class BoardMember(Person):
    weight = 4
    username = "board"
    PAGES = (
        LIST,
        OVERVIEW,
        DASHBOARD,
        NATIONAL,
        CONTRIBUTIONS,
        AIMS,
        (BOARD[0], BOARD[1], 4),
        APPRAISALS,
        GOVERNANCE,
        FORM_HTML,
        FORM_PDF,
        RISKS,
        DOCUMENTS,
        SERVICES,
        PROCUREMENTS,
        CONTRACTS,
        BOARD_REPORTS,
    )


class Auditor(Person):
    weight = 2
    username = "auditor"
    PAGES = (
        LIST,
        OVERVIEW,
        DASHBOARD,
        NATIONAL,
        CONTRIBUTIONS,
        GOVERNANCE,
        APPROVALS,
        CONSULTATION,
        (AUDIT[0], AUDIT[1], 5),
        ACCESS_LOG,
        TREATMENT_COUNTS,
        MEMBERS,
        FORM_HTML,
        FORM_PDF,
        (YAML[0], YAML[1], 2),
        RISKS,
        DOCUMENTS,
        TREATMENT_SUBMISSIONS,
        SERVICES,
        PROCUREMENTS,
        CONTRACTS,
    )


def _unescape(html: str) -> str:
    import html as html_module

    return html_module.unescape(html)


@events.init_command_line_parser.add_listener
def _options(parser: Any) -> None:
    parser.add_argument("--think-min", type=float, default=1.0, help="shortest think time, seconds")
    parser.add_argument("--think-max", type=float, default=3.0, help="longest think time, seconds")


@events.init.add_listener
def _think_time(environment: Any, **kwargs: Any) -> None:
    options = environment.parsed_options
    if options is not None:
        for user_class in (
            LeadCommissioner,
            PoolManager,
            PartnerRepresentative,
            BoardMember,
            Auditor,
            KeyWorker,
            ProviderDataOfficer,
        ):
            user_class.wait_time = between(options.think_min, options.think_max)


class KeyWorker(Person):
    weight = 4
    username = "keyworker"
    PAGES = (LIST, OVERVIEW, TREATMENT_COUNTS, CASELOAD, DOCUMENTS)


class ProviderDataOfficer(Person):
    weight = 2
    username = "provider"
    PAGES = (LIST, OVERVIEW, TREATMENT_COUNTS, CASELOAD, TREATMENT_SUBMISSIONS, API_TOKENS, DOCUMENTS)

    @task(1)
    def check_a_submission_file(self) -> None:
        """Upload a small submission file to be checked only (its job runs in the worker beside the web
        server), then open its page: the upload's request never waits for the check."""
        slug = self.slugs[0]
        path = f"/partnerships/{slug}/treatment/submissions/new/"
        page = self.client.get(path, name="submission upload form").text
        token, provider = CSRF.search(page), PROVIDER_CHOICE.search(page)
        if not token or not provider:
            return
        data = {
            "csrfmiddlewaretoken": token.group(1),
            "provider": provider.group(1),
            "period_end_0": "31",
            "period_end_1": "3",
            "period_end_2": "2005",
            "action": "check",
        }
        with self.client.post(
            path,
            data=data,
            files={"file": ("check.csv", SUBMISSION_CSV, "text/csv")},
            headers=self.referer(path),
            name="submission upload",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"submission upload: {response.status_code}, not a redirect")
                return
            response.success()
            location = response.headers["Location"]
        self.client.get(location, name="submission page")


PROVIDER_CHOICE = re.compile(r'name="provider"[^>]*value="([^"]+)"')
# Two rows of invented people, as the upload page's template has them.
SUBMISSION_CSV = (
    b"client_ref,initials,date_of_birth,sex,la_of_residence,episode_ref,referral_date,referral_source,"
    b"primary_substance,triage_date,modality,modality_referral_date,modality_start_date,modality_end_date,"
    b"discharge_date,discharge_reason\r\n"
    b"C900001,JS,1980-02-14,F,E08000006,E900001,2004-06-01,gp,opiates,2004-06-03,pharmacological,2004-06-03,"
    b"2004-06-20,,,\r\n"
    b"C900002,AB,1975-11-30,M,E08000006,E900002,2004-07-12,self,alcohol,,,,,,,\r\n"
)
