"""The forms that change the agreement, one module per part of it. Each calls one service of
services.py with what the page showed (`seen`), so a stale save is refused; removals go through a
confirmation page (entries.RemoveEntryView)."""

from .agreement import (
    AimsForm,
    DetailsForm,
    GovernanceItemForm,
    MilestoneForm,
    PartnerForm,
    RemoveMilestone,
    RemovePartner,
)
from .contributions import ContributionForm, RemoveContribution, RemoveStream, StreamForm
from .records import (
    ApprovalForm,
    BoardMemberForm,
    ConsultationForm,
    RemoveApproval,
    RemoveBoardMember,
    RemoveConsultation,
    RemoveRisk,
    RemoveSignatory,
    RiskForm,
    SignatoryForm,
)

__all__ = [
    "AimsForm",
    "ApprovalForm",
    "BoardMemberForm",
    "ConsultationForm",
    "ContributionForm",
    "DetailsForm",
    "GovernanceItemForm",
    "MilestoneForm",
    "PartnerForm",
    "RemoveApproval",
    "RemoveBoardMember",
    "RemoveConsultation",
    "RemoveContribution",
    "RemoveMilestone",
    "RemovePartner",
    "RemoveRisk",
    "RemoveSignatory",
    "RemoveStream",
    "RiskForm",
    "SignatoryForm",
    "StreamForm",
]
