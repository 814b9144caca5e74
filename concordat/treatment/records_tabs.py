"""The client record's tabs (core.navigation): counts for every member, the caseload for a provider's
staff, the access log for auditors, API tokens for data officers and the lead commissioner."""

from concordat.core.navigation import add_tab


def add_tabs() -> None:
    add_tab("treatment:counts", "Treatment record", permission="treatment.view_counts", order=61)
    add_tab(
        "treatment:caseload",
        "Caseload",
        permission="treatment.view_clients",
        order=62,
        sections=("treatment:timeline", "treatment:refer", "treatment:step", "treatment:consent"),
    )
    add_tab("treatment:access-log", "Access log", permission="treatment.view_access_log", order=63)
    add_tab(
        "treatment:tokens",
        "API tokens",
        permission="treatment.manage_tokens",
        order=64,
        sections=("treatment:add-token", "treatment:revoke-token"),
    )
