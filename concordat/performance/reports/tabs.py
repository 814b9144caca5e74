"""The board's reports' tabs in the partnership's navigation (core.navigation), after the treatment
record's: Board reports (the list, each report's page and forms) and Workforce (the table and the form of
one figure; a provider data officer, who reads no report, enters their own provider's there)."""

from __future__ import annotations

from concordat.core.navigation import add_tab

from .. import report_permissions as permissions

NS = "performance-reports"


def add_report_tabs() -> None:
    add_tab(
        f"{NS}:list",
        "Board reports",
        permission=permissions.VIEW_REPORTS,
        order=66,
        sections=(f"{NS}:report", f"{NS}:edit", f"{NS}:issue"),
    )
    add_tab(
        f"{NS}:workforce",
        "Workforce",
        permission=permissions.VIEW_WORKFORCE,
        order=67,
        sections=(f"{NS}:figure",),
    )
