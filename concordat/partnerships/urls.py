"""Partnership pages. Entries are addressed by their stable keys (a partner by its code, a contribution by
stream and year, the rest by a generated key), never by their place in a list. Reading pages are in
views/pages.py, forms in views/edit/, documents in views/documents.py, options appraisals in
views/appraisals.py, uploaded papers in views/uploads.py, the audit trail in views/audit.py, members and roles in views/members.py."""

from django.urls import path

from .views import appraisals, audit, documents, edit, jobs, members, pages, uploads

YEAR = "<str:year>"  # a financial year, 2003-04: the checker and forms read it, a bad one is a 404

app_name = "partnerships"
urlpatterns = [
    path("", pages.partnership_list, name="list"),
    path("<slug:slug>/", pages.OverviewPage.as_view(), name="overview"),
    path("<slug:slug>/details/", edit.DetailsForm.as_view(), name="edit-details"),
    path("<slug:slug>/partners/add/", edit.PartnerForm.as_view(), name="add-partner"),
    path("<slug:slug>/partners/<str:key>/", edit.PartnerForm.as_view(), name="edit-partner"),
    path("<slug:slug>/partners/<str:key>/remove/", edit.RemovePartner.as_view(), name="remove-partner"),
    path("<slug:slug>/contributions/", pages.ContributionsPage.as_view(), name="contributions"),
    path("<slug:slug>/contributions/add/", edit.ContributionForm.as_view(), name="add-contribution"),
    path(
        f"<slug:slug>/contributions/<str:stream>/{YEAR}/",
        edit.ContributionForm.as_view(),
        name="edit-contribution",
    ),
    path(
        f"<slug:slug>/contributions/<str:stream>/{YEAR}/remove/",
        edit.RemoveContribution.as_view(),
        name="remove-contribution",
    ),
    path("<slug:slug>/stated-totals/add/", edit.StatedTotalForm.as_view(), name="add-stated-total"),
    path("<slug:slug>/stated-totals/<str:key>/", edit.StatedTotalForm.as_view(), name="edit-stated-total"),
    path(
        "<slug:slug>/stated-totals/<str:key>/remove/",
        edit.RemoveStatedTotal.as_view(),
        name="remove-stated-total",
    ),
    path("<slug:slug>/providers/add/", edit.ProviderForm.as_view(), name="add-provider"),
    path("<slug:slug>/providers/<str:key>/", edit.ProviderForm.as_view(), name="edit-provider"),
    path("<slug:slug>/providers/<str:key>/remove/", edit.RemoveProvider.as_view(), name="remove-provider"),
    path("<slug:slug>/streams/add/", edit.StreamForm.as_view(), name="add-stream"),
    path("<slug:slug>/streams/<str:key>/", edit.StreamForm.as_view(), name="edit-stream"),
    path("<slug:slug>/streams/<str:key>/remove/", edit.RemoveStream.as_view(), name="remove-stream"),
    path("<slug:slug>/aims/", pages.AimsPage.as_view(), name="aims"),
    path("<slug:slug>/aims/edit/", edit.AimsForm.as_view(), name="edit-aims"),
    path("<slug:slug>/milestones/add/", edit.MilestoneForm.as_view(), name="add-milestone"),
    path("<slug:slug>/milestones/<str:key>/", edit.MilestoneForm.as_view(), name="edit-milestone"),
    path("<slug:slug>/milestones/<str:key>/remove/", edit.RemoveMilestone.as_view(), name="remove-milestone"),
    path("<slug:slug>/governance/", pages.GovernancePage.as_view(), name="governance"),
    path("<slug:slug>/governance/<str:item>/", edit.GovernanceItemForm.as_view(), name="edit-governance"),
    path("<slug:slug>/approvals/", pages.ApprovalsPage.as_view(), name="approvals"),
    path("<slug:slug>/approvals/add/", edit.ApprovalForm.as_view(), name="add-approval"),
    path("<slug:slug>/approvals/<str:key>/", edit.ApprovalForm.as_view(), name="edit-approval"),
    path("<slug:slug>/approvals/<str:key>/remove/", edit.RemoveApproval.as_view(), name="remove-approval"),
    path("<slug:slug>/consultation/", pages.ConsultationPage.as_view(), name="consultation"),
    path("<slug:slug>/consultation/add/", edit.ConsultationForm.as_view(), name="add-consultation"),
    path("<slug:slug>/consultation/<str:key>/", edit.ConsultationForm.as_view(), name="edit-consultation"),
    path(
        "<slug:slug>/consultation/<str:key>/remove/",
        edit.RemoveConsultation.as_view(),
        name="remove-consultation",
    ),
    path("<slug:slug>/board/", pages.BoardPage.as_view(), name="board"),
    path("<slug:slug>/board/add/", edit.BoardMemberForm.as_view(), name="add-board-member"),
    path("<slug:slug>/board/<str:key>/", edit.BoardMemberForm.as_view(), name="edit-board-member"),
    path("<slug:slug>/board/<str:key>/remove/", edit.RemoveBoardMember.as_view(), name="remove-board-member"),
    path("<slug:slug>/risks/", pages.RisksPage.as_view(), name="risks"),
    path("<slug:slug>/risks/add/", edit.RiskForm.as_view(), name="add-risk"),
    path("<slug:slug>/risks/<str:key>/", edit.RiskForm.as_view(), name="edit-risk"),
    path("<slug:slug>/risks/<str:key>/remove/", edit.RemoveRisk.as_view(), name="remove-risk"),
    path("<slug:slug>/signatories/add/", edit.SignatoryForm.as_view(), name="add-signatory"),
    path("<slug:slug>/signatories/<str:key>/", edit.SignatoryForm.as_view(), name="edit-signatory"),
    path(
        "<slug:slug>/signatories/<str:key>/remove/", edit.RemoveSignatory.as_view(), name="remove-signatory"
    ),
    path("<slug:slug>/appraisals/", appraisals.AppraisalListPage.as_view(), name="appraisals"),
    path("<slug:slug>/appraisals/add/", appraisals.AppraisalForm.as_view(), name="add-appraisal"),
    path("<slug:slug>/appraisals/<str:key>/", appraisals.AppraisalPage.as_view(), name="appraisal"),
    path("<slug:slug>/appraisals/<str:key>/edit/", appraisals.AppraisalForm.as_view(), name="edit-appraisal"),
    path(
        "<slug:slug>/appraisals/<str:key>/remove/",
        appraisals.RemoveAppraisal.as_view(),
        name="remove-appraisal",
    ),
    path(
        "<slug:slug>/appraisals/<str:key>/criteria/", appraisals.CriteriaForm.as_view(), name="edit-criteria"
    ),
    path("<slug:slug>/appraisals/<str:key>/options/add/", appraisals.OptionForm.as_view(), name="add-option"),
    path(
        "<slug:slug>/appraisals/<str:key>/options/<str:option>/",
        appraisals.OptionForm.as_view(),
        name="edit-option",
    ),
    path(
        "<slug:slug>/appraisals/<str:key>/options/<str:option>/remove/",
        appraisals.RemoveOption.as_view(),
        name="remove-option",
    ),
    path(
        "<slug:slug>/appraisals/<str:key>/decision/", appraisals.DecisionForm.as_view(), name="edit-decision"
    ),
    path(
        "<slug:slug>/notification-form/", documents.NotificationFormPage.as_view(), name="notification-form"
    ),
    path("<slug:slug>/notification-form/statements/", edit.NarrativeForm.as_view(), name="edit-narrative"),
    path("<slug:slug>/notification-form.pdf", documents.notification_form_pdf, name="notification-form-pdf"),
    path("<slug:slug>/partnership.yaml", documents.agreement_yaml, name="export-yaml"),
    path("<slug:slug>/jobs/<uuid:job>/", jobs.JobPage.as_view(), name="job"),
    path("<slug:slug>/agreement/upload/", jobs.AgreementUpload.as_view(), name="upload-agreement"),
    path("<slug:slug>/documents/", uploads.DocumentsPage.as_view(), name="documents"),
    path("<slug:slug>/documents/upload/", uploads.UploadDocument.as_view(), name="upload-document"),
    path("<slug:slug>/documents/<str:key>/download/", uploads.download_document, name="download-document"),
    path("<slug:slug>/documents/<str:key>/remove/", uploads.RemoveDocument.as_view(), name="remove-document"),
    path("<slug:slug>/audit/", audit.AuditTrailPage.as_view(), name="audit"),
    path("<slug:slug>/audit/entries.csv", audit.audit_trail_csv, name="audit-export"),
    path("<slug:slug>/members/", members.MembersPage.as_view(), name="members"),
    path("<slug:slug>/members/add/", members.AddMemberForm.as_view(), name="add-member"),
    path("<slug:slug>/members/<int:membership_id>/remove/", members.remove_member, name="remove-member"),
]
