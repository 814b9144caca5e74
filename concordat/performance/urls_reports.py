"""The board's reports and the workforce, under /partnerships/<slug>/performance/ (the performance pages'
own routes are in urls.py)."""

from django.urls import path

from .views import reports, workforce

app_name = "performance-reports"

urlpatterns = [
    path("reports/", reports.ReportListPage.as_view(), name="list"),
    path("reports/<slug:key>/", reports.ReportPage.as_view(), name="report"),
    path("reports/<slug:key>/write/", reports.ReportEdit.as_view(), name="edit"),
    path("reports/<slug:key>/issue/", reports.ReportIssue.as_view(), name="issue"),
    path("reports/<slug:key>/report.pdf", reports.ReportDownload.as_view(fmt="pdf"), name="report-pdf"),
    path("reports/<slug:key>/report.xlsx", reports.ReportDownload.as_view(fmt="xlsx"), name="report-xlsx"),
    path("reports/<slug:key>/report.json", reports.ReportDownload.as_view(fmt="json"), name="report-json"),
    path("workforce/", workforce.WorkforceTablePage.as_view(), name="workforce"),
    path("workforce/<slug:code>/<str:year>/", workforce.FigurePage.as_view(), name="figure"),
]
