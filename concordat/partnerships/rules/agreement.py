"""Check a partnership file (already parsed into Python values) against partnership-file.md.

`check_agreement` returns the full report and, whatever the errors, the normalised agreement: pence for
money, `FinancialYear` for years, dates for days. The loader writes it only when the report is valid.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from concordat.core.codes import ENTRY_KEY, GSS, LOCAL_CODE, MODALITY, ODS, SLUG, is_org_code
from concordat.core.days import PartialDate
from concordat.core.problems import Report

from . import vocabulary as words
from .appraisal import SCORES, WEIGHTS
from .known_keys import UNKNOWN, kept_unknown_keys, unknown_keys
from .limits import ADDRESS, CODE, LONG, NAME, OPTION_CODE, ORG_CODE, PROSE, STATEMENT, count_limit
from .pool_terms import pool_terms
from .reader import Reader, at, unstorable_text
from .reconcile import stated_total_mismatches

# The lists whose entries may carry `source:` (every list of mappings; aims and outcomes are plain text).
SOURCED = (
    "partners",
    "funding_streams",
    "contributions",
    "stated_totals",
    "modalities",
    "milestones",
    "governance",
    "approvals",
    "providers",
    "consultation",
    "board",
    "options_appraisals",
    "risks",
    "signatories",
)
# The lists whose entries have a generated stable `key`.
KEYED = (
    "stated_totals",
    "milestones",
    "approvals",
    "consultation",
    "board",
    "options_appraisals",
    "risks",
    "signatories",
)

PURPOSE = MODALITY  # spend purposes are lower-case words with hyphens, like modality codes


@dataclass
class Checked:
    report: Report
    agreement: dict[str, Any]


def check_agreement(document: object, *, today: date) -> Checked:
    """Every error and warning of the file at once, with paths into the file."""
    report = Report()
    if not isinstance(document, dict):
        report.error("", "type", "the file must hold a mapping of keys to values at the top level")
        return Checked(report, {})
    unstorable = unstorable_text(document)
    for path in unstorable:
        report.error(
            path,
            "invalid-text",
            f"{path or 'a key'} holds a character text may not contain (U+0000 or an unpaired surrogate)",
        )
    if unstorable:  # other messages would quote the text, and nothing could print or store them
        return Checked(report, {})
    read = Reader(report)
    doc: dict[str, Any] = document
    out: dict[str, Any] = {
        "slug": read.take_pattern(doc, "slug", "", SLUG, required=True, code="invalid-slug", what="slug"),
        "demo": read.take_bool(doc, "demo", "", default=False),
        "name": read.take_text(doc, "name", "", required=True, max_length=NAME),
        "client_group": read.take_choice(doc, "client_group", "", words.CLIENT_GROUPS, required=True),
        "agreement_date": read.take_date(doc, "agreement_date", ""),
        "start_date": read.take_date(doc, "start_date", ""),
        "review_date": read.take_date(doc, "review_date", ""),
        "responsible_officer": read.take_text(doc, "responsible_officer", "", max_length=LONG) or "",
    }
    out["area"] = _area(read, doc)
    out["flexibilities"] = _flexibilities(read, doc)
    out["partners"] = _partners(read, doc)
    partner_codes = {partner["code"] for partner in out["partners"] if partner["code"]}

    def partner_ref(mapping: dict[str, Any], key: str, path: str, *, required: bool = False) -> str | None:
        # "" is no reference at all
        code = read.take_text(mapping, key, path, required=required, max_length=CODE) or None
        if code is not None and code not in partner_codes:
            report.error(
                at(path, key),
                "unknown-partner",
                f"{at(path, key)}: no partner with code '{code}' in partners",
            )
            return None
        return code

    for flexibility in out["flexibilities"]:
        role = words.FLEXIBILITY_ROLES.get(flexibility)
        if role and doc.get(role) in (None, ""):
            report.error(
                role, "flexibility-role-missing", f"{role} is required with the {flexibility} flexibility"
            )
    out["host_partner"] = partner_ref(doc, "host_partner", "")
    out["lead_commissioner"] = _lead_commissioner(read, doc, partner_ref, partner_codes)

    out["funding_streams"] = _streams(read, doc, partner_ref)
    stream_codes = {stream["code"] for stream in out["funding_streams"] if stream["code"]}
    out["contributions"] = _contributions(read, doc, stream_codes)
    out["stated_totals"] = [
        _stated_total(read, item, path)
        for path, item in read.items(read.take_list(doc, "stated_totals", ""), "stated_totals")
    ]
    out["risk_share"] = _risk_share(read, doc, partner_codes, has_host=bool(doc.get("host_partner")))
    out.update(pool_terms(read, doc, partner_codes))
    out["eligibility"] = _eligibility(read, doc)
    out["modalities"] = _modalities(read, doc)
    modality_codes = set(words.BUILT_IN_MODALITIES) | {m["code"] for m in out["modalities"] if m["code"]}
    out["targets"] = _targets(read, doc, modality_codes)
    for key in ("aims", "outcomes", "improvements", "health_outcomes", "joint_working"):
        out[key] = read.texts(read.take_list(doc, key, ""), key, max_length=STATEMENT)
    out["staff_movement"] = read.take_text(doc, "staff_movement", "", max_length=PROSE) or ""
    out["milestones"] = _milestones(read, doc, today)
    out["governance"] = _governance(read, doc, today, out["start_date"])
    out["approvals"] = [
        _approval(read, item, path)
        for path, item in read.items(read.take_list(doc, "approvals", ""), "approvals")
    ]
    out["providers"] = _providers(read, doc)
    out["consultation"] = [
        {
            "who": read.take_choice(item, "who", path, words.CONSULTEE_GROUPS, required=True),
            "how": read.take_text(item, "how", path, required=True, max_length=STATEMENT),
            "date": read.take_date(item, "date", path),
            "notes": read.take_text(item, "notes", path, max_length=STATEMENT) or "",
        }
        for path, item in read.items(read.take_list(doc, "consultation", ""), "consultation")
    ]
    out["board"] = [
        {
            "name": read.take_text(item, "name", path, required=True, max_length=NAME),
            "role": read.take_text(item, "role", path, max_length=NAME) or "",
            "kind": read.take_choice(item, "kind", path, words.BOARD_MEMBER_KINDS, default="officer"),
            "represents": partner_ref(item, "represents", path),
        }
        for path, item in read.items(read.take_list(doc, "board", ""), "board")
    ]
    out["options_appraisals"] = [
        _appraisal(read, item, path)
        for path, item in read.items(read.take_list(doc, "options_appraisals", ""), "options_appraisals")
    ]
    out["risks"] = [
        _risk(read, item, path) for path, item in read.items(read.take_list(doc, "risks", ""), "risks")
    ]
    out["signatories"] = [
        {
            "partner": partner_ref(item, "partner", path),
            "name": read.take_text(item, "name", path, required=True, max_length=NAME),
            "role": read.take_text(item, "role", path, max_length=NAME) or "",
            "date": read.take_date(item, "date", path),
        }
        for path, item in read.items(read.take_list(doc, "signatories", ""), "signatories")
    ]

    for name in SOURCED:
        _sources(read, doc, name, out[name])
    for index, problem in stated_total_mismatches(out["stated_totals"], out["contributions"]):
        report.warn(at(at("stated_totals", index), "amount"), "stated-total-mismatch", problem)
    for path, message in unknown_keys(doc):
        report.warn(path, "unknown-key", message)
    # Kept with the record whose mapping holds them, so the export writes them back where they were.
    out[UNKNOWN], kept = kept_unknown_keys(doc, SOURCED)
    for name in SOURCED:
        for path, _item, entry in _entries(doc, name, out[name]):
            entry[UNKNOWN] = kept.get(name, {}).get(int(path.rpartition("[")[2][:-1]), [])
    for name in KEYED:
        _keys(read, doc, name, out[name])
    return Checked(report, out)


def _entries(
    doc: dict[str, Any], name: str, checked: list[dict[str, Any]]
) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """(path, file entry, checked entry) for each mapping of the list `name` the checker read."""
    value = doc.get(name)
    entries: list[Any] = value[: count_limit(name)] if isinstance(value, list) else []
    dicts = [(at(name, index), item) for index, item in enumerate(entries) if isinstance(item, dict)]
    return [(path, item, entry) for (path, item), entry in zip(dicts, checked, strict=False)]


def _sources(read: Reader, doc: dict[str, Any], name: str, checked: list[dict[str, Any]]) -> None:
    """Every entry's `source` ("" when it has none): a citation in words, or `invented`."""
    for path, item, entry in _entries(doc, name, checked):
        entry["source"] = read.take_source(item, path)


def _lead_commissioner(
    read: Reader, doc: dict[str, Any], partner_ref: Any, partner_codes: set[str]
) -> str | dict[str, Any] | None:
    """A partner's code, or a commissioning body that is not a partner: {name, acts_for: [codes]}."""
    value = doc.get("lead_commissioner")
    if value is not None and not isinstance(value, str | dict):
        read.wrong_type(
            "lead_commissioner",
            "a partner code, or a mapping {name, acts_for} for a body that is not a partner",
            value,
        )
        return None
    if not isinstance(value, dict):
        return partner_ref(doc, "lead_commissioner", "")  # type: ignore[no-any-return]
    path = "lead_commissioner"
    name = read.take_text(value, "name", path, required=True, max_length=NAME)
    acts_for: list[str] = []
    for index, code in enumerate(read.take_list(value, "acts_for", path)):
        where = at(at(path, "acts_for"), index)
        if not isinstance(code, str):
            read.wrong_type(where, "a partner code (text)", code)
        elif code not in partner_codes:
            read.report.error(
                where, "unknown-partner", f"{where}: no partner with code '{shown_code(code)}' in partners"
            )
        elif code in acts_for:
            read.report.error(where, "duplicate-code", f"{where}: partner '{code}' appears more than once")
        else:
            acts_for.append(code)
    return {"name": name, "acts_for": acts_for}


def shown_code(code: str) -> str:
    return code if len(code) <= 60 else code[:60] + "…"


def _stated_total(read: Reader, item: dict[str, Any], path: str) -> dict[str, Any]:
    """A total as a paper states it: for a year, or a span of years (`to_year`, the last year it covers),
    with the relation the contributions should bear to it (rules/reconcile.py)."""
    year = read.take_year(item, "year", path, required=True)
    to_year = read.take_year(item, "to_year", path)
    if year is not None and to_year is not None and to_year <= year:
        read.report.error(
            at(path, "to_year"),
            "invalid-span",
            f"{at(path, 'to_year')}: {to_year} must be a later financial year than year {year}",
        )
        to_year = None
    return {
        "year": year,
        "to_year": to_year,
        "amount_pence": read.take_money(item, "amount", path, required=True),
        "relation": read.take_choice(item, "relation", path, words.STATED_TOTAL_RELATIONS, default="exact"),
    }


def _approval(read: Reader, item: dict[str, Any], path: str) -> dict[str, Any]:
    """An approval: a decision in words (as before states existed), or a `state` with the decision's
    words optional; the date may be left out only while the approval is requested."""
    state = read.take_choice(item, "state", path, words.APPROVAL_STATES)
    stated = "state" in item and item["state"] is not None
    return {
        "body": read.take_text(item, "body", path, required=True, max_length=LONG),
        "date": read.take_date(item, "date", path, required=item.get("state") != "requested"),
        "state": state or "",
        "decision": read.take_text(item, "decision", path, required=not stated, max_length=LONG) or "",
        "reference": read.take_text(item, "reference", path, max_length=LONG) or "",
    }


def _risk(read: Reader, item: dict[str, Any], path: str) -> dict[str, Any]:
    return {
        "description": read.take_text(item, "description", path, required=True, max_length=STATEMENT),
        "cause": read.take_text(item, "cause", path, max_length=STATEMENT) or "",
        "likelihood": read.take_int(item, "likelihood", path, required=True, low=1, high=5),
        "impact": read.take_int(item, "impact", path, required=True, low=1, high=5),
        "owner": read.take_text(item, "owner", path, max_length=NAME) or "",
        "mitigation": read.take_text(item, "mitigation", path, max_length=PROSE) or "",
        "status": read.take_choice(item, "status", path, words.RISK_STATUSES, default="open"),
        "review_date": read.take_date(item, "review_date", path),
    }


def _keys(read: Reader, doc: dict[str, Any], name: str, checked: list[dict[str, Any]]) -> None:
    """The optional stable `key` of each entry (and of each option of an appraisal): the system's pattern,
    unique within its list. Entries that fail stay keyless (the loader matches them as it would)."""

    def one(item: Any, path: str, seen: set[str]) -> str | None:
        if not isinstance(item, dict) or "key" not in item:
            return None
        key = read.check_pattern(item["key"], at(path, "key"), ENTRY_KEY, what="key")
        if key is not None and _duplicate(read, seen, key, at(path, "key"), "key"):
            return None
        return key

    value = doc.get(name)
    entries: list[Any] = value if isinstance(value, list) else []
    dicts = [(index, item) for index, item in enumerate(entries) if isinstance(item, dict)]
    seen: set[str] = set()
    for (index, item), entry in zip(dicts, checked, strict=False):
        key = one(item, at(name, index), seen)
        if key:
            entry["key"] = key
        if name == "options_appraisals" and isinstance(item.get("options"), list):
            option_seen: set[str] = set()
            options = [(i, o) for i, o in enumerate(item["options"]) if isinstance(o, dict)]
            for (i, option), checked_option in zip(options, entry["options"], strict=False):
                option_key = one(option, at(at(at(name, index), "options"), i), option_seen)
                if option_key:
                    checked_option["key"] = option_key


def _duplicate(read: Reader, seen: set[Any], value: Any, path: str, what: str) -> bool:
    if value is None:
        return False
    if value in seen:
        read.report.error(path, "duplicate-code", f"{path}: {what} '{value}' appears more than once")
        return True
    seen.add(value)
    return False


def _area(read: Reader, doc: dict[str, Any]) -> list[str]:
    values = read.take_list(doc, "area", "", required=True)
    if "area" in doc and isinstance(doc["area"], list) and not values:
        read.report.error(
            "area", "required", "area must list at least one local authority area (ONS GSS code)"
        )
    codes: list[str] = []
    seen: set[str] = set()
    for index, value in enumerate(values):
        code = read.check_pattern(value, at("area", index), GSS, what="ONS GSS area code")
        if code and not _duplicate(read, seen, code, at("area", index), "area"):
            codes.append(code)
    return codes


def _flexibilities(read: Reader, doc: dict[str, Any]) -> list[str]:
    result: list[str] = []
    for index, value in enumerate(read.take_list(doc, "flexibilities", "")):
        choice = read.check_choice(value, at("flexibilities", index), words.FLEXIBILITIES)
        if choice and choice not in result:
            result.append(choice)
    return result


def _partners(read: Reader, doc: dict[str, Any]) -> list[dict[str, Any]]:
    values = read.take_list(doc, "partners", "", required=True)
    if "partners" in doc and isinstance(doc["partners"], list) and len(values) < 2:
        read.report.error("partners", "too-few-partners", "partners must list at least two partners")
    partners = []
    seen: set[str] = set()
    for path, item in read.items(values, "partners"):
        code = read.take_pattern(item, "code", path, LOCAL_CODE, required=True)
        _duplicate(read, seen, code, at(path, "code"), "partner code")
        org_code = read.take_text(item, "org_code", path, max_length=ORG_CODE) or ""
        if org_code and not is_org_code(org_code):
            read.report.error(
                at(path, "org_code"),
                "invalid-code",
                f"{at(path, 'org_code')}: '{org_code}' is neither an ONS GSS code nor an NHS ODS code",
            )
        partners.append(
            {
                "code": code,
                "name": read.take_text(item, "name", path, required=True, max_length=NAME),
                "kind": read.take_choice(item, "kind", path, words.PARTNER_KINDS, required=True),
                "org_code": org_code,
                "address": read.take_text(item, "address", path, max_length=ADDRESS) or "",
            }
        )
    return partners


def _streams(read: Reader, doc: dict[str, Any], partner_ref: Any) -> list[dict[str, Any]]:
    streams = []
    seen: set[str] = set()
    for path, item in read.items(read.take_list(doc, "funding_streams", ""), "funding_streams"):
        code = read.take_pattern(item, "code", path, LOCAL_CODE, required=True)
        _duplicate(read, seen, code, at(path, "code"), "funding stream code")
        streams.append(
            {
                "code": code,
                "name": read.take_text(item, "name", path, required=True, max_length=NAME),
                "partner": partner_ref(item, "partner", path, required=True),
                "ring_fenced": read.take_pattern(item, "ring_fenced", path, PURPOSE, what="spend purpose")
                or "",
            }
        )
    return streams


def _contributions(read: Reader, doc: dict[str, Any], stream_codes: set[str]) -> list[dict[str, Any]]:
    contributions = []
    seen: set[tuple[str, Any]] = set()
    for path, item in read.items(read.take_list(doc, "contributions", ""), "contributions"):
        stream = read.take_text(item, "stream", path, required=True, max_length=CODE)
        if stream is not None and stream not in stream_codes:
            read.report.error(
                at(path, "stream"),
                "unknown-stream",
                f"{at(path, 'stream')}: no funding stream with code '{stream}' in funding_streams",
            )
            stream = None
        year = read.take_year(item, "year", path, required=True)
        if stream and year and (stream, year) in seen:
            read.report.error(
                path,
                "duplicate-contribution",
                f"{path}: stream '{stream}' already has a contribution for {year}",
            )
        elif stream and year:
            seen.add((stream, year))
        contributions.append(
            {
                "stream": stream,
                "year": year,
                "amount_pence": read.take_money(item, "amount", path, required=True),
            }
        )
    return contributions


def _risk_share(
    read: Reader, doc: dict[str, Any], partner_codes: set[str], *, has_host: bool
) -> dict[str, Any]:
    section = read.take_mapping(doc, "risk_share", "")
    overspend = read.take_choice(
        section, "overspend", "risk_share", words.OVERSPEND_RULES, default="proportional"
    )
    underspend = read.take_choice(
        section, "underspend", "risk_share", words.UNDERSPEND_RULES, default="proportional"
    )
    shares: dict[str, Decimal] = {}
    for code, value in read.take_mapping(section, "fixed_shares", "risk_share").items():
        path = f"risk_share.fixed_shares.{code}"
        if code not in partner_codes:
            read.report.error(path, "unknown-partner", f"{path}: no partner with code '{code}' in partners")
            continue
        share = read.check_percentage(value, path)
        if share is not None:
            shares[str(code)] = share
    # Shares, once written, must add up whatever the rules: a file that states 60/30 is wrong either way.
    if ("fixed" in (overspend, underspend) or shares) and sum(shares.values(), Decimal(0)) != 100:
        read.report.error(
            "risk_share.fixed_shares",
            "fixed-shares-sum",
            f"risk_share.fixed_shares must sum to 100; they sum to {sum(shares.values(), Decimal(0))}",
        )
    for key, rule in (("overspend", overspend), ("underspend", underspend)):
        if rule == "host" and not has_host:
            read.report.error(
                f"risk_share.{key}",
                "flexibility-role-missing",
                f"risk_share.{key} is host, but the file names no host_partner",
            )
    return {
        "overspend": overspend,
        "underspend": underspend,
        "fixed_shares": {code: str(share) for code, share in shares.items()},
    }


def _eligibility(read: Reader, doc: dict[str, Any]) -> dict[str, Any]:
    section = read.take_mapping(doc, "eligibility", "")
    min_age = read.take_int(section, "min_age", "eligibility", low=0, high=120)
    max_age = read.take_int(section, "max_age", "eligibility", low=0, high=120)
    if min_age is not None and max_age is not None and min_age > max_age:
        read.report.error(
            "eligibility.max_age", "out-of-range", "eligibility.max_age must not be below min_age"
        )
    return {
        "min_age": min_age,
        "max_age": max_age,
        "residence_in_area": read.take_bool(section, "residence_in_area", "eligibility", default=False),
        "description": read.take_text(section, "description", "eligibility", max_length=PROSE) or "",
    }


def _modalities(read: Reader, doc: dict[str, Any]) -> list[dict[str, Any]]:
    modalities = []
    seen: set[str] = set()
    for path, item in read.items(read.take_list(doc, "modalities", ""), "modalities"):
        code = read.take_pattern(item, "code", path, MODALITY, required=True, what="modality code")
        if code in words.BUILT_IN_MODALITIES:
            read.report.error(
                at(path, "code"),
                "modality-clash",
                f"{at(path, 'code')}: '{code}' is a built-in modality and cannot be redefined",
            )
            code = None
        _duplicate(read, seen, code, at(path, "code"), "modality code")
        modalities.append(
            {
                "code": code,
                "name": read.take_text(item, "name", path, required=True, max_length=NAME),
                "tier": read.take_int(item, "tier", path, required=True, low=1, high=4, code="invalid-tier"),
                "structured": read.take_bool(item, "structured", path, default=False),
            }
        )
    return modalities


def _targets(read: Reader, doc: dict[str, Any], modality_codes: set[str]) -> dict[str, Any]:
    section = read.take_mapping(doc, "targets", "")
    targets: dict[str, Any] = {}
    if "baseline" in section:
        baseline = read.take_mapping(section, "baseline", "targets")
        path = "targets.baseline"
        targets["baseline"] = {
            "kpi": read.take_choice(baseline, "kpi", path, words.BASELINE_KPIS, required=True),
            "year": read.take_year(baseline, "year", path, required=True),
            "value": read.take_int(baseline, "value", path, required=True, low=0),
        }
    if "accessing_services" in section:
        accessing = read.take_mapping(section, "accessing_services", "targets")
        path = "targets.accessing_services"
        targets["accessing_services"] = {
            "year": read.take_year(accessing, "year", path, required=True),
            "value": read.take_int(accessing, "value", path, required=True, low=0),
        }
    targets["waiting_time_days"] = read.take_int(section, "waiting_time_days", "targets", low=0)
    targets["waiting_within_threshold_pct"] = read.take_percentage(
        section, "waiting_within_threshold_pct", "targets"
    )
    for key in ("modality_thresholds", "modality_mean_wait_days"):
        days: dict[str, int] = {}
        for code, value in read.take_mapping(section, key, "targets").items():
            path = f"targets.{key}.{code}"
            if code not in modality_codes:
                read.report.error(
                    path,
                    "unknown-modality",
                    f"{path}: no modality '{code}' (neither built in nor in modalities)",
                )
                continue
            number = read.check_int(value, path, low=0)
            if number is not None:
                days[str(code)] = number
        targets[key] = days
    return targets


def milestone_overdue(due: PartialDate | None, status: str, *, today: date) -> bool:
    """A milestone is overdue once every day of its due date has passed (a month: from the 1st of the next
    month) and it is not met; one with no due date is never overdue."""
    return due is not None and due.has_passed(today) and status != "met"


def _milestones(read: Reader, doc: dict[str, Any], today: date) -> list[dict[str, Any]]:
    milestones = []
    for path, item in read.items(read.take_list(doc, "milestones", ""), "milestones"):
        text = read.take_text(item, "text", path, required=True, max_length=STATEMENT)
        due = read.take_date(item, "due", path)
        status = read.take_choice(item, "status", path, words.MILESTONE_STATUSES, default="open")
        if due is not None and status is not None and milestone_overdue(due, status, today=today):
            # A month is named as people write it: "2003-04" alone reads like a financial year.
            when = (
                f"on {due.isoformat()}"
                if due.precision == "day"
                else f"in {due.as_written} ({due.isoformat()})"
            )
            read.report.warn(
                at(path, "due"), "milestone-overdue", f"{path}: '{text}' was due {when} and is not met"
            )
        milestones.append({"text": text, "due": due, "status": status})
    return milestones


def _governance(
    read: Reader, doc: dict[str, Any], today: date, start: PartialDate | None
) -> list[dict[str, Any]]:
    items = []
    seen: set[str] = set()
    for path, entry in read.items(read.take_list(doc, "governance", ""), "governance"):
        item = read.take_choice(entry, "item", path, words.GOVERNANCE_ITEMS, required=True)
        _duplicate(read, seen, item, at(path, "item"), "governance item")
        status = read.take_choice(entry, "status", path, words.GOVERNANCE_STATUSES, required=True)
        # A start date of a month is "after" only once the whole month has passed.
        if status == "open" and start is not None and start.has_passed(today):
            read.report.warn(
                at(path, "status"),
                "governance-open",
                f"{path}: '{item}' is still open after the start date {start.isoformat()}",
            )
        items.append(
            {
                "item": item,
                "status": status,
                "evidence": read.take_text(entry, "evidence", path, max_length=STATEMENT) or "",
                "signed_off_by": read.take_text(entry, "signed_off_by", path, max_length=NAME) or "",
                "signed_off_on": read.take_date(entry, "signed_off_on", path),
            }
        )
    return items


def _providers(read: Reader, doc: dict[str, Any]) -> list[dict[str, Any]]:
    providers = []
    seen: set[str] = set()
    referral_points: list[str] = []
    for path, item in read.items(read.take_list(doc, "providers", ""), "providers"):
        code = read.take_pattern(item, "code", path, LOCAL_CODE, required=True)
        _duplicate(read, seen, code, at(path, "code"), "provider code")
        tiers = []
        for index, tier in enumerate(read.take_list(item, "tiers", path)):
            number = read.check_int(tier, at(at(path, "tiers"), index), low=1, high=4, code="invalid-tier")
            if number is not None and number not in tiers:
                tiers.append(number)
        org_code = read.take_text(item, "org_code", path, max_length=ORG_CODE) or ""
        if org_code and not ODS.fullmatch(org_code):
            read.report.error(
                at(path, "org_code"),
                "invalid-code",
                f"{at(path, 'org_code')}: '{org_code}' is not an NHS ODS code (3 to 10 capital letters or figures)",
            )
            org_code = ""
        groups = []
        for index, group in enumerate(read.take_list(item, "client_groups", path)):
            chosen = read.check_choice(group, at(at(path, "client_groups"), index), words.SERVED_GROUPS)
            if chosen is not None and chosen not in groups:
                groups.append(chosen)
        ages = read.take_mapping(item, "ages", path)
        ages_path = at(path, "ages")
        min_age = read.take_int(ages, "min", ages_path, low=0, high=120)
        max_age = read.take_int(ages, "max", ages_path, low=0, high=120)
        if min_age is not None and max_age is not None and min_age > max_age:
            read.report.error(
                at(ages_path, "max"), "out-of-range", f"{at(ages_path, 'max')} must not be below the min"
            )
        single = read.take_bool(item, "single_point_of_referral", path, default=False)
        if single:
            referral_points.append(path)
        providers.append(
            {
                "code": code,
                "name": read.take_text(item, "name", path, required=True, max_length=NAME),
                "tiers": sorted(tiers),
                "sector": read.take_choice(item, "sector", path, words.PROVIDER_SECTORS) or "",
                "org_code": org_code,
                # the order of the vocabulary, so a file's order does not count as a change
                "client_groups": [g for g in words.SERVED_GROUPS if g in groups],
                "min_age": min_age,
                "max_age": max_age,
                "capacity": read.take_int(item, "capacity", path, low=0, high=1_000_000),
                "single_point_of_referral": single,
            }
        )
    for path in referral_points[1:]:  # the first one named keeps the role; each later one is refused
        read.report.error(
            at(path, "single_point_of_referral"),
            "second-referral-point",
            f"{at(path, 'single_point_of_referral')}: {referral_points[0]} is already the single point "
            "of referral; a partnership has at most one",
        )
    return providers


def _appraisal(read: Reader, item: dict[str, Any], path: str) -> dict[str, Any]:
    criteria = []
    names: set[str] = set()
    for criterion_path, criterion in read.items(read.take_list(item, "criteria", path), at(path, "criteria")):
        name = read.take_text(criterion, "name", criterion_path, required=True, max_length=NAME)
        _duplicate(read, names, name, at(criterion_path, "name"), "criterion")
        source = read.take_source(criterion, criterion_path)
        criteria.append(
            {
                "name": name,
                "weight": read.take_int(
                    criterion, "weight", criterion_path, required=True, low=min(WEIGHTS), high=max(WEIGHTS)
                ),
                **({"source": source} if source else {}),
            }
        )
    options = []
    codes: set[str] = set()
    for option_path, option in read.items(read.take_list(item, "options", path), at(path, "options")):
        code = read.take_text(option, "code", option_path, required=True, max_length=OPTION_CODE)
        _duplicate(read, codes, code, at(option_path, "code"), "option code")
        scores: dict[str, int] = {}
        for criterion_name, score in read.take_mapping(option, "scores", option_path).items():
            score_path = f"{at(option_path, 'scores')}.{criterion_name}"
            if criterion_name not in names:
                read.report.error(
                    score_path, "unknown-criterion", f"{score_path}: no criterion named '{criterion_name}'"
                )
                continue
            number = read.check_int(score, score_path, low=min(SCORES), high=max(SCORES))
            if number is not None:
                scores[str(criterion_name)] = number
        options.append(
            {
                "code": code,
                "name": read.take_text(option, "name", option_path, required=True, max_length=LONG),
                "description": read.take_text(option, "description", option_path, max_length=PROSE) or "",
                "source": read.take_source(option, option_path),
                "scores": scores,
            }
        )
    preferred = read.take_text(item, "preferred", path, max_length=OPTION_CODE) or ""
    if preferred and preferred not in codes:
        read.report.error(
            at(path, "preferred"),
            "unknown-option",
            f"{at(path, 'preferred')}: no option with code '{preferred}'",
        )
    decision_section = read.take_mapping(item, "decision", path)
    decision_path = at(path, "decision")
    decision = {
        "body": read.take_text(decision_section, "body", decision_path, max_length=LONG) or "",
        "date": read.take_date(decision_section, "date", decision_path),
        "text": read.take_text(decision_section, "text", decision_path, max_length=PROSE) or "",
    }
    return {
        "title": read.take_text(item, "title", path, required=True, max_length=LONG),
        "question": read.take_text(item, "question", path, max_length=PROSE) or "",
        "criteria": criteria,
        "options": options,
        "preferred": preferred,
        "reasons": read.texts(
            read.take_list(item, "reasons", path), at(path, "reasons"), max_length=STATEMENT
        ),
        "decision": decision,
    }
