"""The keys the partnership file knows, mapping by mapping. A key not listed is a warning `unknown-key` at
its path ("partners[0].contact is not a key of a partner; it is kept as written but not read"): the file
still loads, and the key is kept, so `partnership export` writes it back where it was.

What is kept, and by whom (docs/partnership-file.md, "Keys the format does not know"): each unknown key
belongs to the record that holds the mapping it is in — a list entry's row (a partner, a provider, an
options appraisal …) for the entry and the mappings inside it, the partnership's row for the rest of the
file — as `[path of the mapping within that record, key, the value written as JSON text]`, in the file's
order. A list, and the value as text: PostgreSQL's jsonb keeps neither the order of an object's keys nor
a big float as it was written. A value JSON cannot hold as written (a key that is not text inside it, a
number that is not finite, a YAML tag's object), or one past the limits (limits.UNKNOWN_VALUE,
UNKNOWN_KEYS), is not kept, and its warning says so.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Collection
from typing import Any

from .limits import UNKNOWN_KEYS, UNKNOWN_VALUE
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


# The checked agreement's key (and each checked entry's) for the unknown keys it keeps, and the models' field.
UNKNOWN = "unknown_keys"
# One unknown key kept: [path of its mapping within the record that keeps it, key, its value as JSON text].
Kept = list[list[str]]
_OWNED = re.compile(r"^([a-z_]+)\[([0-9]+)\]\.?(.*)$")
_STEP = re.compile(r"([^.\[\]]+)|\[([0-9]+)\]")


def _found(document: Any, patterns: dict[str, tuple[str, frozenset[str]]]) -> list[tuple[str, str, Any, str]]:
    """(path of the mapping, key, value, what the mapping is) for each key the format does not know."""
    found = []
    for pattern, (what, keys) in patterns.items():
        for path, mapping in _mappings(document, pattern):
            for key, value in mapping.items():
                if key not in keys:
                    found.append((path, key, value, what))
    return found


def _keepable(key: Any, value: Any) -> str:
    """Why the key and its value cannot be kept as written ("" when they can)."""
    if not isinstance(key, str):
        return "a key that is not text"
    budget = [UNKNOWN_VALUE - len(key)]

    def fits(item: Any) -> str:
        # Walked with a budget, not by writing it out: an alias bomb (a YAML list of itself, nine deep)
        # is a few bytes in the file and gigabytes written.
        budget[0] -= 1
        if budget[0] < 0:
            return f"longer than {UNKNOWN_VALUE:,} characters"
        if item is None or isinstance(item, bool | int):
            budget[0] -= len(str(item))
            return ""
        if isinstance(item, float):
            budget[0] -= len(repr(item))
            return "" if math.isfinite(item) else "a number that is not finite"
        if isinstance(item, str):
            budget[0] -= len(item)
            return "" if budget[0] >= 0 else f"longer than {UNKNOWN_VALUE:,} characters"
        if isinstance(item, list):
            return next((why for why in map(fits, item) if why), "")
        if isinstance(item, dict):
            for inner, inner_value in item.items():
                if not isinstance(inner, str):
                    return "a key that is not text"
                budget[0] -= len(inner)
                why = fits(inner_value)
                if why:
                    return why
            return ""
        return f"a value of the kind {type(item).__name__}"

    why = fits(value)
    if not why and len(key) + len(_as_text(value)) > UNKNOWN_VALUE:  # the walk's costs are below the text's
        why = f"longer than {UNKNOWN_VALUE:,} characters"
    return why


def _as_text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


def unknown_keys(document: dict[str, Any]) -> list[tuple[str, str]]:
    """(path, message) for each key the format does not know, in the file's order."""
    return [(path, message) for path, message, _ in _sorted(document)]


def _sorted(document: dict[str, Any]) -> list[tuple[str, str, list[str] | None]]:
    """(path, message, [mapping path, key, value as JSON text] when it is kept) for each unknown key."""
    out: list[tuple[str, str, list[str] | None]] = []
    kept = 0
    for path, key, value, what in _found(document, KNOWN):
        where = at(path, str(key))
        why = _keepable(key, value)
        if not why and kept >= UNKNOWN_KEYS:
            why = f"the file has more than {UNKNOWN_KEYS} keys the format does not know"
        if why:
            out.append((where, f"{where} is not a key of {what}; it was not kept ({why})", None))
        else:
            kept += 1
            out.append(
                (
                    where,
                    f"{where} is not a key of {what}; it is kept as written but not read",
                    [path, key, _as_text(value)],
                )
            )
    return out


def kept_unknown_keys(
    document: dict[str, Any], lists: Collection[str]
) -> tuple[Kept, dict[str, dict[int, Kept]]]:
    """The unknown keys the file's records keep: (the partnership's, {list: {index of the entry: the
    entry's}}), each path relative to its record ("ages" inside providers[2], "" for the entry itself)."""
    own: Kept = []
    entries: dict[str, dict[int, Kept]] = {}
    for _, _, item in _sorted(document):
        if item is None:
            continue
        path, key, value = item
        owned = _OWNED.match(path)
        if owned and owned.group(1) in lists:
            entries.setdefault(owned.group(1), {}).setdefault(int(owned.group(2)), []).append(
                [owned.group(3), key, value]
            )
        else:
            own.append([path, key, value])
    return own, entries


def unknown_in_entry(collection: str, entry: dict[str, Any]) -> Kept:
    """The unknown keys of one entry of a list, as a document holds it, relative to the entry; only those
    not inside a list of the entry (an appraisal's options), whose places the entry's own edits change."""
    prefix = f"{collection}[]"
    patterns = {
        pattern[len(prefix) :].lstrip("."): known
        for pattern, known in KNOWN.items()
        if pattern.startswith(prefix) and "[]" not in pattern[len(prefix) :]
    }
    return [
        [path, key, _as_text(value)]
        for path, key, value, _ in _found(entry, patterns)
        if not _keepable(key, value)
    ]


def put_back(document: Any, kept: Kept) -> None:
    """Write kept unknown keys into `document` at their paths (a mapping an export left out, being empty,
    is made again); a key already there is left as it is."""
    for path, key, value in kept:
        target = document
        for name, index in _STEP.findall(path):
            if name:
                if not isinstance(target, dict):
                    break
                target = target.setdefault(name, {})
            elif isinstance(target, list) and int(index) < len(target):
                target = target[int(index)]
            else:
                break
        else:
            if isinstance(target, dict) and key not in target:
                target[key] = json.loads(value)
