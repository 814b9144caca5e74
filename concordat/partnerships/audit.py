"""Which partnership tables the audit trail watches: all of them."""

from auditlog.registry import auditlog

from . import models

for model in (
    models.Partnership,
    models.Partner,
    models.FundingStream,
    models.Contribution,
    models.StatedTotal,
    models.Provider,
    models.Modality,
    models.Aim,
    models.Outcome,
    models.Milestone,
    models.GovernanceItem,
    models.Approval,
    models.ConsultationEntry,
    models.BoardMember,
    models.OptionsAppraisal,
    models.Membership,
):
    auditlog.register(model)
