"""The pooled fund's pages: the statement (page, chart, PDF, XLSX) in statement.py, the ledger and a
transaction's page with its reversal in ledger.py, the posting forms in postings.py, the manager's
quarterly report, annual return and the agreement's financial schedule in reports.py."""
