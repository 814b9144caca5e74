"""The agreement's web forms (agreement.py, appraisals.py) and the fields they are made of (fields.py)."""

from .agreement import (
    AgreementForm,
    AimsForm,
    ApprovalForm,
    BoardMemberForm,
    ConsultationForm,
    ContributionForm,
    DetailsForm,
    GovernanceItemForm,
    MilestoneForm,
    NarrativeForm,
    PartnerForm,
    ProviderForm,
    StatedTotalForm,
    StreamForm,
    partner_choices,
)
from .fields import FinancialYearField, GovukDateField, LinesField, MoneyField, pence_from_text

__all__ = [
    "AgreementForm",
    "AimsForm",
    "ApprovalForm",
    "BoardMemberForm",
    "ConsultationForm",
    "ContributionForm",
    "DetailsForm",
    "FinancialYearField",
    "GovernanceItemForm",
    "GovukDateField",
    "LinesField",
    "MilestoneForm",
    "MoneyField",
    "NarrativeForm",
    "PartnerForm",
    "ProviderForm",
    "StatedTotalForm",
    "StreamForm",
    "partner_choices",
    "pence_from_text",
]
