"""The partnership file's shape as typed models, for the API's OpenAPI document and its request checks.

They mirror shape.py's declarations (the keys of known_keys.KNOWN); the agreement checker still judges
values (codes, dates, money, references) and reports every problem with its path. Every model allows
keys it does not list, so they reach the checker and come back as `unknown-key` warnings.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ninja import Schema
from pydantic import ConfigDict, model_validator

Day = date | str  # "2003-04-01"; the checker reads and reports it
Money = str | int  # "1200000.00" or whole pounds


class Entry(Schema):
    # from_attributes: ninja hands responses over wrapped; a body that is not an object still fails, as the
    # document's required keys are missing from it.
    model_config = ConfigDict(extra="allow", from_attributes=True)


class PartnerIn(Entry):
    code: str
    name: str
    kind: str
    org_code: str | None = None
    address: str | None = None


class FundingStreamIn(Entry):
    code: str
    name: str
    partner: str
    ring_fenced: str | None = None


class ContributionIn(Entry):
    stream: str
    year: str
    amount: Money


class StatedTotalIn(Entry):
    key: str | None = None
    year: str
    amount: Money
    source: str | None = None


class RiskShareIn(Entry):
    overspend: str | None = None
    underspend: str | None = None
    fixed_shares: dict[str, str | int | float] | None = None


class EligibilityIn(Entry):
    min_age: int | None = None
    max_age: int | None = None
    residence_in_area: bool | None = None
    description: str | None = None


class ModalityIn(Entry):
    code: str
    name: str
    tier: int
    structured: bool | None = None


class MilestoneIn(Entry):
    key: str | None = None
    text: str
    due: Day
    status: str | None = None


class GovernanceItemIn(Entry):
    item: str
    status: str
    evidence: str | None = None
    signed_off_by: str | None = None
    signed_off_on: Day | None = None


class ApprovalIn(Entry):
    key: str | None = None
    body: str
    date: Day
    decision: str


class ProviderIn(Entry):
    code: str
    name: str
    tiers: list[int] | None = None


class ConsultationIn(Entry):
    key: str | None = None
    who: str
    how: str
    date: Day | None = None
    notes: str | None = None


class BoardMemberIn(Entry):
    key: str | None = None
    name: str
    role: str | None = None
    kind: str | None = None
    represents: str | None = None


class CriterionIn(Entry):
    name: str
    weight: int


class OptionIn(Entry):
    key: str | None = None
    code: str
    name: str
    description: str | None = None
    scores: dict[str, int] | None = None


class DecisionIn(Entry):
    body: str | None = None
    date: Day | None = None
    text: str | None = None


class OptionsAppraisalIn(Entry):
    key: str | None = None
    title: str
    question: str | None = None
    criteria: list[CriterionIn] | None = None
    options: list[OptionIn] | None = None
    preferred: str | None = None
    reasons: list[str] | None = None
    decision: DecisionIn | None = None


class AgreementDocument(Entry):
    """A partnership file's content, as JSON."""

    @model_validator(mode="before")
    @classmethod
    def _an_object(cls, value: Any) -> Any:
        # A list, a string or a number is no document: one problem at the root, not "slug is required".
        # (ninja hands the value over wrapped in a DjangoGetter.)
        inner = getattr(value, "_obj", value)
        if isinstance(inner, list | str | int | float | bool) or inner is None:
            raise ValueError("the document must be a JSON object of keys and values")
        return value

    slug: str
    name: str
    client_group: str
    area: list[str]
    flexibilities: list[str] | None = None
    agreement_date: Day | None = None
    start_date: Day | None = None
    review_date: Day | None = None
    responsible_officer: str | None = None
    host_partner: str | None = None
    lead_commissioner: str | None = None
    partners: list[PartnerIn]
    funding_streams: list[FundingStreamIn] | None = None
    contributions: list[ContributionIn] | None = None
    stated_totals: list[StatedTotalIn] | None = None
    risk_share: RiskShareIn | None = None
    eligibility: EligibilityIn | None = None
    targets: dict[str, object] | None = None
    modalities: list[ModalityIn] | None = None
    aims: list[str] | None = None
    outcomes: list[str] | None = None
    improvements: list[str] | None = None
    health_outcomes: list[str] | None = None
    joint_working: list[str] | None = None
    staff_movement: str | None = None
    milestones: list[MilestoneIn] | None = None
    governance: list[GovernanceItemIn] | None = None
    approvals: list[ApprovalIn] | None = None
    providers: list[ProviderIn] | None = None
    consultation: list[ConsultationIn] | None = None
    board: list[BoardMemberIn] | None = None
    options_appraisals: list[OptionsAppraisalIn] | None = None


def as_document(body: AgreementDocument) -> dict[str, object]:
    """The request's document as the checker reads it: what was sent, nothing added."""
    return body.model_dump(mode="python", exclude_unset=True)


class AgreementOut(AgreementDocument):
    """The agreement as the API returns it."""
