"""The forms that change the agreement, one module per part of it. Each calls one service of
services.py with what the page showed (`seen`), so a stale save is refused; removals go through a
confirmation page (entries.RemoveEntryView)."""

from .agreement import (
    AimsForm,
    DetailsForm,
    GovernanceItemForm,
    MilestoneForm,
    NarrativeForm,
    PartnerForm,
    RemoveMilestone,
    RemovePartner,
)
from .contributions import (
    ContributionForm,
    RemoveContribution,
    RemoveStatedTotal,
    RemoveStream,
    StatedTotalForm,
    StreamForm,
)
from .records import (
    ApprovalForm,
    BoardMemberForm,
    ConsultationForm,
    ProviderForm,
    RemoveApproval,
    RemoveBoardMember,
    RemoveConsultation,
    RemoveProvider,
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
    "NarrativeForm",
    "PartnerForm",
    "ProviderForm",
    "RemoveApproval",
    "RemoveBoardMember",
    "RemoveConsultation",
    "RemoveContribution",
    "RemoveMilestone",
    "RemovePartner",
    "RemoveProvider",
    "RemoveRisk",
    "RemoveSignatory",
    "RemoveStatedTotal",
    "RemoveStream",
    "RiskForm",
    "SignatoryForm",
    "StatedTotalForm",
    "StreamForm",
]
