"""The forms that change the agreement, one module per part of it. Every one edits the agreement as a
document and hands it to services.agreement_edit, which checks it whole and loads it (views/base.py)."""

from .agreement import AimsForm, DetailsForm, GovernanceItemForm, MilestoneForm, PartnerForm
from .contributions import ContributionForm, StreamForm
from .records import ApprovalForm, BoardMemberForm, ConsultationForm

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
    "StreamForm",
]
