"""Reading the agreement for its pages: plain values shaped the way the pages show them.

Entries are addressed by their keys (models.KeyedPart.key, a partner's code, a contribution's stream and
year); every list here reads in a constant number of queries, whatever its length.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from concordat.core.days import PartialDate
from concordat.core.money import shares_percent
from concordat.core.years import FinancialYear

from . import models
from .rules import vocabulary as words
from .rules.agreement import milestone_overdue
from .rules.reconcile import contributions_by_year, stated_total_result
from .rules.risks import Matrix, risk_matrix


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
    source: str = ""


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
    relation: str = "exact"
    years: str = ""  # "2004-05", or "2004-05 to 2010-11" for a total over several years
    met: bool = False
    invented: bool = False

    @property
    def difference_pence(self) -> int:
        return self.stated_pence - self.summed_pence


@dataclass
class YearOfContributions:
    year: FinancialYear
    lines: list[ContributionLine] = field(default_factory=list)
    partner_totals: list[PartnerTotal] = field(default_factory=list)
    total_pence: int = 0
    mismatches: list[StatedTotalCheck] = field(default_factory=list)  # the stated totals not met
    stated: list[StatedTotalCheck] = field(default_factory=list)  # every stated total, met or not


def contributions(partnership: models.Partnership) -> list[YearOfContributions]:
    """Planned contributions a table per financial year: the stream lines, each partner's total and share,
    the year's total, and every stated total that the lines do not add up to (both figures kept)."""
    lines = list(partnership.contributions.select_related("stream__partner").order_by("year", "id"))
    years: dict[FinancialYear, YearOfContributions] = {}
    for line in lines:
        year = years.setdefault(line.financial_year, YearOfContributions(line.financial_year))
        year.lines.append(ContributionLine(line.stream, line.financial_year, line.amount_pence, line.source))
    summed = contributions_by_year(
        {"year": line.financial_year, "amount_pence": line.amount_pence} for line in lines
    )
    # A total over several years is shown with its first year.
    for stated in partnership.stated_totals.all():
        year = years.setdefault(stated.financial_year, YearOfContributions(stated.financial_year))
        result = stated_total_result(
            {
                "year": stated.financial_year,
                "to_year": stated.last_financial_year if stated.to_year is not None else None,
                "amount_pence": stated.amount_pence,
                "relation": stated.relation,
                "source": "" if stated.invented else stated.source,
            },
            summed,
        )
        assert result is not None
        check = StatedTotalCheck(
            stated.source,
            stated.amount_pence,
            result.summed,
            result.message,
            stated.relation,
            stated.years,
            result.met,
            stated.invented,
        )
        year.stated.append(check)
        if not result.met:
            year.mismatches.append(check)
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
        MilestoneRow(m, milestone_overdue(m.partial_date("due"), m.status, today=today))
        for m in partnership.milestones.all()
    ]


@dataclass
class GovernanceRow:
    item: str
    label: str
    status: str
    evidence: str = ""
    signed_off_by: str = ""
    signed_off_on: PartialDate | None = None  # print with the written_date filter
    source: str = ""

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
                    item,
                    label,
                    entry.status,
                    entry.evidence,
                    entry.signed_off_by,
                    entry.partial_date("signed_off_on"),
                    entry.source,
                )
            )
    return rows


def approvals(partnership: models.Partnership) -> list[models.Approval]:
    return list(partnership.approvals.all())


def consultation(partnership: models.Partnership) -> list[models.ConsultationEntry]:
    return list(partnership.consultation.all())


def board(partnership: models.Partnership) -> list[models.BoardMember]:
    return list(partnership.board.select_related("represents"))


def risks(partnership: models.Partnership) -> list[models.Risk]:
    """The register in agreement order."""
    return list(partnership.risks.all())


def risk_register(partnership: models.Partnership) -> tuple[list[models.Risk], Matrix[models.Risk]]:
    """The register and its 5×5 likelihood × impact matrix of the open risks (closed ones are listed, not
    plotted), in one query."""
    rows = risks(partnership)
    return rows, risk_matrix((r.likelihood, r.impact, r) for r in rows if r.status != "closed")


def signatories(partnership: models.Partnership) -> list[models.Signatory]:
    """Who signed, in agreement order, with the partner each signed for (None: for the partnership)."""
    return list(partnership.signatories.select_related("partner"))
