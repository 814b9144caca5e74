"""Reading the agreement for its pages: plain values shaped the way the pages show them.

Entries are addressed by their keys (models.KeyedPart.key, a partner's code, a contribution's stream and
year); every list here reads in a constant number of queries, whatever its length.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from concordat.core.money import shares_percent
from concordat.core.years import FinancialYear

from . import models
from .rules import vocabulary as words
from .rules.agreement import milestone_overdue
from .rules.reconcile import contributions_by_year, mismatch_message


def partnerships_of(user: Any) -> Any:
    """The partnerships `user` holds any role in, by name: all a user may know exists."""
    return models.Partnership.objects.filter(memberships__user=user).distinct().order_by("name")


@dataclass
class PartnerRow:
    partner: models.Partner
    is_host: bool
    is_lead: bool


def partners(partnership: models.Partnership) -> list[PartnerRow]:
    """The partners in agreement order, the host and the lead commissioner marked."""
    return [
        PartnerRow(
            partner, partner.pk == partnership.host_partner_id, partner.pk == partnership.lead_commissioner_id
        )
        for partner in partnership.partners.all()
    ]


@dataclass
class ContributionLine:
    stream: models.FundingStream
    year: FinancialYear
    amount_pence: int


@dataclass
class PartnerTotal:
    partner: models.Partner
    amount_pence: int
    share_pct: Decimal | None


@dataclass
class StatedTotalCheck:
    source: str
    stated_pence: int
    summed_pence: int
    message: str

    @property
    def difference_pence(self) -> int:
        return self.stated_pence - self.summed_pence


@dataclass
class YearOfContributions:
    year: FinancialYear
    lines: list[ContributionLine] = field(default_factory=list)
    partner_totals: list[PartnerTotal] = field(default_factory=list)
    total_pence: int = 0
    mismatches: list[StatedTotalCheck] = field(default_factory=list)


def contributions(partnership: models.Partnership) -> list[YearOfContributions]:
    """Planned contributions a table per financial year: the stream lines, each partner's total and share,
    the year's total, and every stated total that the lines do not add up to (both figures kept)."""
    lines = list(partnership.contributions.select_related("stream__partner").order_by("year", "id"))
    years: dict[FinancialYear, YearOfContributions] = {}
    for line in lines:
        year = years.setdefault(line.financial_year, YearOfContributions(line.financial_year))
        year.lines.append(ContributionLine(line.stream, line.financial_year, line.amount_pence))
    summed = contributions_by_year(
        {"year": line.financial_year, "amount_pence": line.amount_pence} for line in lines
    )
    for stated in partnership.stated_totals.all():
        year = years.setdefault(stated.financial_year, YearOfContributions(stated.financial_year))
        total = summed.get(stated.financial_year, 0)
        if stated.amount_pence != total:
            year.mismatches.append(
                StatedTotalCheck(
                    stated.source,
                    stated.amount_pence,
                    total,
                    mismatch_message(stated.financial_year, stated.amount_pence, total, stated.source),
                )
            )
    for year in years.values():
        year.total_pence = summed.get(year.year, 0)
        by_partner: dict[int, PartnerTotal] = {}
        for line in year.lines:
            partner = line.stream.partner
            row = by_partner.setdefault(partner.pk, PartnerTotal(partner, 0, None))
            row.amount_pence += line.amount_pence
        year.partner_totals = sorted(by_partner.values(), key=lambda row: row.partner.pk)
        # Shares split 100.00% by largest remainders, so they always add up (three equal partners: 33.34,
        # 33.33, 33.33); ties go to the partner listed first.
        shares = shares_percent({f"{i:06d}": row.amount_pence for i, row in enumerate(year.partner_totals)})
        for i, row in enumerate(year.partner_totals):
            row.share_pct = shares[f"{i:06d}"] if year.total_pence else None
    return [years[year] for year in sorted(years)]


@dataclass
class MilestoneRow:
    milestone: models.Milestone
    overdue: bool


def milestones(partnership: models.Partnership, *, today: date) -> list[MilestoneRow]:
    """The milestones in agreement order, each marked overdue or not by the file's own rule."""
    return [
        MilestoneRow(m, milestone_overdue(m.due, m.status, today=today)) for m in partnership.milestones.all()
    ]


@dataclass
class GovernanceRow:
    item: str
    label: str
    status: str
    evidence: str = ""
    signed_off_by: str = ""
    signed_off_on: date | None = None

    @property
    def confirmed(self) -> bool:
        return self.status == "confirmed"


def governance_checklist(partnership: models.Partnership) -> list[GovernanceRow]:
    """All ten items of notification form item 13 in the form's order; an item the agreement does not
    mention yet is open."""
    recorded = {g.item: g for g in partnership.governance_items.all()}
    rows = []
    for item, label in words.GOVERNANCE_ITEMS.items():
        entry = recorded.get(item)
        if entry is None:
            rows.append(GovernanceRow(item, label, "open"))
        else:
            rows.append(
                GovernanceRow(
                    item, label, entry.status, entry.evidence, entry.signed_off_by, entry.signed_off_on
                )
            )
    return rows


def approvals(partnership: models.Partnership) -> list[models.Approval]:
    return list(partnership.approvals.all())


def consultation(partnership: models.Partnership) -> list[models.ConsultationEntry]:
    return list(partnership.consultation.all())


def board(partnership: models.Partnership) -> list[models.BoardMember]:
    return list(partnership.board.select_related("represents"))
