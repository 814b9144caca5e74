"""Pages that read the agreement: its overview, contributions, aims and milestones, governance checklist,
approvals trail, consultation log and board. The forms that change them are in views/edit/."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from concordat.core import clock

from .. import selectors, uploads
from ..rules import vocabulary as words
from .base import PartnershipPage, navigation


@login_required
def partnership_list(request: HttpRequest) -> HttpResponse:
    partnerships = selectors.partnerships_of(request.user)
    return render(
        request,
        "partnerships/list.html",
        {
            "page_title": "Partnerships",
            "partnerships": partnerships,
            "navigation": navigation(request, None, "partnerships:list"),
        },
    )


class OverviewPage(PartnershipPage):
    template_name = "partnerships/overview.html"
    section = "partnerships:overview"
    page_title = "Overview"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        p = self.partnership
        context.update(
            partner_rows=selectors.partners(p),
            flexibilities=[words.FLEXIBILITIES.get(code, code) for code in p.flexibilities],
            host_partner=p.host_partner,
            lead_commissioner=p.lead_commissioner,
            eligibility=p.eligibility,
            providers=p.providers.all(),
        )
        return context


class ContributionsPage(PartnershipPage):
    template_name = "partnerships/contributions.html"
    section = "partnerships:contributions"
    page_title = "Contributions"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        p = self.partnership
        context.update(
            years=selectors.contributions(p),
            streams=p.funding_streams.select_related("partner"),
            stated_totals=p.stated_totals.all(),
        )
        return context


class AimsPage(PartnershipPage):
    template_name = "partnerships/aims.html"
    section = "partnerships:aims"
    page_title = "Aims and milestones"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        p = self.partnership
        context.update(
            aims=p.aims.all(),
            outcomes=p.outcomes.all(),
            milestones=selectors.milestones(p, today=clock.today()),
        )
        return context


class GovernancePage(PartnershipPage):
    template_name = "partnerships/governance.html"
    section = "partnerships:governance"
    page_title = "Governance checklist"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        checklist = selectors.governance_checklist(self.partnership)
        context.update(
            checklist=checklist,
            confirmed=sum(row.confirmed for row in checklist),
            evidence=uploads.evidence_for(self.partnership, "governance"),
        )
        return context


class ApprovalsPage(PartnershipPage):
    template_name = "partnerships/approvals.html"
    section = "partnerships:approvals"
    page_title = "Approvals"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            approvals=selectors.approvals(self.partnership),
            evidence=uploads.evidence_for(self.partnership, "approvals"),
            can_attach=self.request.user.has_perm("partnerships.manage_documents", self.partnership),
            signatories=selectors.signatories(self.partnership),
            **kwargs,
        )


class ConsultationPage(PartnershipPage):
    template_name = "partnerships/consultation.html"
    section = "partnerships:consultation"
    page_title = "Consultation and involvement"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(entries=selectors.consultation(self.partnership), **kwargs)


class BoardPage(PartnershipPage):
    template_name = "partnerships/board.html"
    section = "partnerships:board"
    page_title = "Board membership"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(members=selectors.board(self.partnership), **kwargs)


class RisksPage(PartnershipPage):
    """The risk register: the list, and the 5×5 matrix of likelihood by impact of the open risks, each
    cell naming its count and its risks (readable without colour)."""

    template_name = "partnerships/risks.html"
    section = "partnerships:risks"
    page_title = "Risks"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        risks, matrix = selectors.risk_register(self.partnership)
        return super().get_context_data(risks=risks, matrix=matrix, **kwargs)
