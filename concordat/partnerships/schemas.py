"""The partnership file's shape as typed models, for the API's OpenAPI document and its request checks.

They mirror shape.py's declarations (the keys of known_keys.KNOWN); the agreement checker still judges
values (codes, dates, money, references) and reports every problem with its path. Every model allows
keys it does not list, so they reach the checker and come back as `unknown-key` warnings.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator

Day = date | str  # "2003-04-01", or "2003-04" when only the month is known; the checker reads and reports it
Money = str | int  # "1200000.00" or whole pounds


class Entry(BaseModel):
    # A plain pydantic model, not ninja's Schema: Schema reads its input through a getter of attributes,
    # which sees only the declared fields, so a key the format does not know was dropped before the checker
    # (no `unknown-key`) and from the agreement the API returns. from_attributes: ninja hands responses over
    # wrapped; a body that is not an object still fails, as the document's required keys are missing.
    model_config = ConfigDict(extra="allow", from_attributes=True)


class Sourced(Entry):
    """An entry of a list: it may say where it comes from."""

    source: str | None = None  # a citation in words, or "invented"


class PartnerIn(Sourced):
    code: str
    name: str
    kind: str
    org_code: str | None = None
    address: str | None = None


class FundingStreamIn(Sourced):
    code: str
    name: str
    partner: str
    ring_fenced: str | None = None


class ContributionIn(Sourced):
    stream: str
    year: str
    amount: Money


class StatedTotalIn(Sourced):
    key: str | None = None
    year: str
    to_year: str | None = None  # a total over several years: the last one
    amount: Money
    relation: str | None = None  # exact (default), over, under, about


class RiskShareIn(Entry):
    overspend: str | None = None
    underspend: str | None = None
    fixed_shares: dict[str, str | int | float] | None = None


class EligibilityIn(Entry):
    min_age: int | None = None
    max_age: int | None = None
    residence_in_area: bool | None = None
    description: str | None = None


class ModalityIn(Sourced):
    code: str
    name: str
    tier: int
    structured: bool | None = None


class MilestoneIn(Sourced):
    key: str | None = None
    text: str
    due: Day | None = None
    status: str | None = None


class GovernanceItemIn(Sourced):
    item: str
    status: str
    evidence: str | None = None
    signed_off_by: str | None = None
    signed_off_on: Day | None = None


class ApprovalIn(Sourced):
    key: str | None = None
    body: str
    date: Day | None = None  # may be left out while the approval is requested
    state: str | None = None  # requested, approved, endorsed, refused, deferred
    decision: str | None = None  # required when there is no state
    reference: str | None = None


class AgesIn(Entry):
    min: int | None = None
    max: int | None = None


class ProviderIn(Sourced):
    code: str
    name: str
    tiers: list[int] | None = None
    sector: str | None = None  # statutory, voluntary, private
    org_code: str | None = None  # NHS ODS code
    client_groups: list[str] | None = None  # adults, young-people
    ages: AgesIn | None = None
    capacity: int | None = None
    single_point_of_referral: bool | None = None  # at most one provider of a partnership


class ConsultationIn(Sourced):
    key: str | None = None
    who: str
    how: str
    date: Day | None = None
    notes: str | None = None


class BoardMemberIn(Sourced):
    key: str | None = None
    name: str
    role: str | None = None
    kind: str | None = None
    represents: str | None = None


class CriterionIn(Sourced):
    name: str
    weight: int


class OptionIn(Sourced):
    key: str | None = None
    code: str
    name: str
    description: str | None = None
    scores: dict[str, int] | None = None


class DecisionIn(Entry):
    body: str | None = None
    date: Day | None = None
    text: str | None = None


class OptionsAppraisalIn(Sourced):
    key: str | None = None
    title: str
    question: str | None = None
    criteria: list[CriterionIn] | None = None
    options: list[OptionIn] | None = None
    preferred: str | None = None
    reasons: list[str] | None = None
    decision: DecisionIn | None = None


class RiskIn(Sourced):
    key: str | None = None
    description: str
    cause: str | None = None
    likelihood: int
    impact: int
    owner: str | None = None
    mitigation: str | None = None
    status: str | None = None
    review_date: Day | None = None


class SignatoryIn(Sourced):
    key: str | None = None
    partner: str | None = None
    name: str
    role: str | None = None
    date: Day | None = None


class CommissioningBodyIn(Entry):
    """A lead commissioner that is not a partner."""

    name: str
    acts_for: list[str] | None = None


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
    demo: bool | None = None
    name: str
    client_group: str
    area: list[str]
    flexibilities: list[str] | None = None
    agreement_date: Day | None = None
    start_date: Day | None = None
    review_date: Day | None = None
    responsible_officer: str | None = None
    host_partner: str | None = None
    lead_commissioner: str | CommissioningBodyIn | None = None
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
    risks: list[RiskIn] | None = None
    signatories: list[SignatoryIn] | None = None
    # The pooled fund's terms (rules/pool_terms.py)
    purposes: list[dict[str, str]] | None = None
    schemes: list[dict[str, object]] | None = None
    risk_reserve: dict[str, str | int] | None = None


def as_document(body: AgreementDocument) -> dict[str, object]:
    """The request's document as the checker reads it: what was sent, nothing added."""
    return body.model_dump(mode="python", exclude_unset=True)


class AgreementOut(AgreementDocument):
    """The agreement as the API returns it."""
