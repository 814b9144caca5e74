"""The board's documents (docs/architecture.md, "The board's reports and the workforce"): the quarterly
performance report and the annual treatment plan, as a page, a tagged PDF, a workbook and a JSON file,
all from one dict of data (`data.report_data`), which issuing a report stores with it.

    rules      pure: periods, keys, headline figures, workforce growth (mypy --strict)
    data       what a report shows, from the KPI engine (performance.selectors), the pool and the register
    services   the lead commissioner's draft (narrative, risks, sign-off) and issuing it
    document   the PDF, XLSX and JSON of a report's data; charts and workbook beside it
"""
