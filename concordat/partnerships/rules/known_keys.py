"""The keys the partnership file knows, mapping by mapping. A key not listed is a warning `unknown-key` at
its path ("partners[0].contact is not a key of a partner; it was not loaded"): the file still loads, and
nothing is dropped without the person loading it being told."""

from __future__ import annotations

from typing import Any

from .reader import at

# path pattern ("[]" for every entry of a list) -> (what the mapping is, its keys)
KNOWN: dict[str, tuple[str, frozenset[str]]] = {
    "": (
        "the partnership file",
        frozenset(
            [
                "slug",
                "demo",
                "name",
                "client_group",
                "area",
                "flexibilities",
                "agreement_date",
                "start_date",
                "review_date",
                "responsible_officer",
                "host_partner",
                "lead_commissioner",
                "partners",
                "funding_streams",
                "contributions",
                "stated_totals",
                "risk_share",
                "eligibility",
                "targets",
                "modalities",
                "aims",
                "outcomes",
                "improvements",
                "health_outcomes",
                "joint_working",
                "staff_movement",
                "milestones",
                "governance",
                "approvals",
                "providers",
                "consultation",
                "board",
                "options_appraisals",
                "risks",
                "signatories",
                "purposes",
                "schemes",
                "risk_reserve",
            ]
        ),
    ),
    "lead_commissioner": ("a commissioning body", frozenset({"name", "acts_for"})),
    "partners[]": ("a partner", frozenset({"code", "name", "kind", "org_code", "address", "source"})),
    "funding_streams[]": (
        "a funding stream",
        frozenset({"code", "name", "partner", "ring_fenced", "source"}),
    ),
    "contributions[]": ("a contribution", frozenset({"stream", "year", "amount", "source"})),
    "stated_totals[]": (
        "a stated total",
        frozenset({"key", "year", "to_year", "amount", "relation", "source"}),
    ),
    "risk_share": ("the risk share", frozenset({"overspend", "underspend", "fixed_shares"})),
    "eligibility": ("eligibility", frozenset({"min_age", "max_age", "residence_in_area", "description"})),
    "targets": (
        "the targets",
        frozenset(
            {
                "baseline",
                "accessing_services",
                "waiting_time_days",
                "waiting_within_threshold_pct",
                "modality_thresholds",
                "modality_mean_wait_days",
            }
        ),
    ),
    "targets.baseline": ("the baseline target", frozenset({"kpi", "year", "value"})),
    "targets.accessing_services": ("the accessing-services target", frozenset({"year", "value"})),
    "modalities[]": ("a modality", frozenset({"code", "name", "tier", "structured", "source"})),
    "milestones[]": ("a milestone", frozenset({"key", "text", "due", "status", "source"})),
    "governance[]": (
        "a governance item",
        frozenset({"item", "status", "evidence", "signed_off_by", "signed_off_on", "source"}),
    ),
    "approvals[]": (
        "an approval",
        frozenset({"key", "body", "date", "state", "decision", "reference", "source"}),
    ),
    "providers[]": (
        "a provider",
        frozenset(
            {
                "code",
                "name",
                "tiers",
                "sector",
                "org_code",
                "client_groups",
                "ages",
                "capacity",
                "single_point_of_referral",
                "source",
            }
        ),
    ),
    "providers[].ages": ("a provider's ages", frozenset({"min", "max"})),
    "consultation[]": (
        "a consultation entry",
        frozenset({"key", "who", "how", "date", "notes", "source"}),
    ),
    "board[]": ("a board member", frozenset({"key", "name", "role", "kind", "represents", "source"})),
    "options_appraisals[]": (
        "an options appraisal",
        frozenset(
            {"key", "title", "question", "criteria", "options", "preferred", "reasons", "decision", "source"}
        ),
    ),
    "options_appraisals[].criteria[]": ("a criterion", frozenset({"name", "weight", "source"})),
    "options_appraisals[].options[]": (
        "an option",
        frozenset({"key", "code", "name", "description", "scores", "source"}),
    ),
    "risks[]": (
        "a risk",
        frozenset(
            {
                "key",
                "description",
                "cause",
                "likelihood",
                "impact",
                "owner",
                "mitigation",
                "status",
                "review_date",
                "source",
            }
        ),
    ),
    "signatories[]": ("a signatory", frozenset({"key", "partner", "name", "role", "date", "source"})),
    "options_appraisals[].decision": ("a decision", frozenset({"body", "date", "text"})),
    "purposes[]": ("a spend purpose", frozenset({"code", "name"})),
    "schemes[]": (
        "a scheme",
        frozenset({"code", "name", "partner", "purpose", "maximum", "spend_lines", "source"}),
    ),
}


def _mappings(value: Any, pattern: str, path: str = "") -> list[tuple[str, dict[str, Any]]]:
    """The mappings the pattern names in `value`, with their paths."""
    if not pattern:
        return [(path, value)] if isinstance(value, dict) else []
    head, _, rest = pattern.partition(".")
    name, is_list = (head[:-2], True) if head.endswith("[]") else (head, False)
    if not isinstance(value, dict) or name not in value:
        return []
    child, child_path = value[name], at(path, name)
    if not is_list:
        return _mappings(child, rest, child_path)
    if not isinstance(child, list):
        return []
    found = []
    for index, item in enumerate(child):
        found.extend(_mappings(item, rest, at(child_path, index)))
    return found


def unknown_keys(document: dict[str, Any]) -> list[tuple[str, str]]:
    """(path, message) for each key the format does not know, in the file's order."""
    found = []
    for pattern, (what, keys) in KNOWN.items():
        for path, mapping in _mappings(document, pattern):
            for key in mapping:
                if key not in keys:
                    where = at(path, str(key))
                    found.append((where, f"{where} is not a key of {what}; it was not loaded"))
    return found
