"""The pooled fund's pages, under /partnerships/<slug>/pool/. Transactions are addressed by their
sequence number in the partnership's ledger: it never changes and is never reused."""

from django.urls import path

from .views import imports, ledger, postings, reports, statement

KIND = "<str:kind>"  # contribution, payment or accrual: anything else is a 404

app_name = "pool"
urlpatterns = [
    path("", statement.StatementPage.as_view(), name="statement"),
    path("statement.pdf", statement.StatementPdf.as_view(), name="statement-pdf"),
    path("statement.xlsx", statement.StatementXlsx.as_view(), name="statement-xlsx"),
    path("ledger/", ledger.LedgerPage.as_view(), name="ledger"),
    path("ledger.csv", ledger.LedgerCsv.as_view(), name="ledger-csv"),
    path("transactions/<int:sequence>/", ledger.TransactionPage.as_view(), name="transaction"),
    path("transactions/<int:sequence>/reverse/", ledger.ReverseTransaction.as_view(), name="reverse"),
    path("import/", imports.ImportFile.as_view(), name="import"),
    path(f"post/{KIND}/", postings.PostingQuestions.as_view(), name="post"),
    path(f"post/{KIND}/check/", postings.PostingCheck.as_view(), name="post-check"),
    path("report/", reports.ReportPage.as_view(), name="report"),
    path("report.pdf", reports.ReportPdf.as_view(), name="report-pdf"),
    path("report.xlsx", reports.ReportXlsx.as_view(), name="report-xlsx"),
    path("schedule/", reports.SchedulePage.as_view(), name="schedule"),
    path("schedule.pdf", reports.SchedulePdf.as_view(), name="schedule-pdf"),
]
