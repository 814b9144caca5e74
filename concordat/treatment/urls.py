"""The treatment record's pages, under /partnerships/<slug>/treatment/."""

from django.urls import path

from . import views

app_name = "treatment"
urlpatterns = [
    path("<slug:slug>/treatment/submissions/", views.SubmissionsPage.as_view(), name="submissions"),
    path("<slug:slug>/treatment/submissions/new/", views.SubmitFile.as_view(), name="submit"),
    path("<slug:slug>/treatment/submissions/<int:pk>/", views.SubmissionPage.as_view(), name="submission"),
    path(
        "<slug:slug>/treatment/submissions/<int:pk>/report.csv",
        views.submission_report_csv,
        name="submission-report-csv",
    ),
]
