"""The treatment record's pages, under /partnerships/<slug>/treatment/. Client records are addressed by
their opaque handle (sharing.ClientHandle), never by an id or the provider's client_ref."""

from django.urls import path

from .views import access, casework, clients, submissions, tokens

app_name = "treatment"
urlpatterns = [
    path("<slug:slug>/treatment/submissions/", submissions.SubmissionsPage.as_view(), name="submissions"),
    path("<slug:slug>/treatment/submissions/new/", submissions.SubmitFile.as_view(), name="submit"),
    path(
        "<slug:slug>/treatment/submissions/<int:pk>/", submissions.SubmissionPage.as_view(), name="submission"
    ),
    path(
        "<slug:slug>/treatment/submissions/<int:pk>/replace/",
        submissions.replace_record,
        name="replace-record",
    ),
    path(
        "<slug:slug>/treatment/submissions/<int:pk>/discard/",
        submissions.discard_submission,
        name="discard-submission",
    ),
    path(
        "<slug:slug>/treatment/submissions/<int:pk>/restore/",
        submissions.RestoreSubmission.as_view(),
        name="restore-submission",
    ),
    path("<slug:slug>/treatment/submission-file/", submissions.FormatPage.as_view(), name="format"),
    path(
        "<slug:slug>/treatment/submission-file/template.csv", submissions.submission_template, name="template"
    ),
    path(
        "<slug:slug>/treatment/providers/<str:code>/record.csv",
        submissions.record_download,
        name="record-download",
    ),
    path(
        "<slug:slug>/treatment/submissions/<int:pk>/report.csv",
        submissions.submission_report_csv,
        name="submission-report-csv",
    ),
    path("<slug:slug>/treatment/", clients.CountsPage.as_view(), name="counts"),
    path("<slug:slug>/treatment/caseload/", clients.CaseloadPage.as_view(), name="caseload"),
    path("<slug:slug>/treatment/caseload.csv", clients.CaseloadExport.as_view(), name="caseload-export"),
    path(
        "<slug:slug>/treatment/clients/refer/",
        casework.QuestionPage.as_view(),
        {"step": "refer"},
        name="refer",
    ),
    path(
        "<slug:slug>/treatment/clients/refer/check/<str:token>/",
        casework.CheckPage.as_view(),
        {"step": "refer"},
        name="refer-check",
    ),
    path("<slug:slug>/treatment/clients/<str:handle>/", clients.TimelinePage.as_view(), name="timeline"),
    path(
        "<slug:slug>/treatment/clients/<str:handle>/consent/", clients.ConsentPage.as_view(), name="consent"
    ),
    path(
        "<slug:slug>/treatment/clients/<str:handle>/consent/<int:consent>/withdraw/",
        clients.WithdrawPage.as_view(),
        name="withdraw-consent",
    ),
    path(
        "<slug:slug>/treatment/clients/<str:handle>/<str:step>/", casework.QuestionPage.as_view(), name="step"
    ),
    path(
        "<slug:slug>/treatment/clients/<str:handle>/<str:step>/check/<str:token>/",
        casework.CheckPage.as_view(),
        name="step-check",
    ),
    path("<slug:slug>/treatment/access-log/", access.AccessLogPage.as_view(), name="access-log"),
    path("<slug:slug>/treatment/access-log.csv", access.AccessLogExport.as_view(), name="access-log-export"),
    path("<slug:slug>/treatment/tokens/", tokens.TokenList.as_view(), name="tokens"),
    path("<slug:slug>/treatment/tokens/new/", tokens.TokenCreate.as_view(), name="add-token"),
    path(
        "<slug:slug>/treatment/tokens/<int:token>/revoke/", tokens.TokenRevoke.as_view(), name="revoke-token"
    ),
]
