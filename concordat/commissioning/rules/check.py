"""Checks of what people send to commissioning (a form, an API body, the demo), with every problem at its
path: values read as the partnership file reads them (partnerships.rules.reader), so money that is not
money, a date that is not a date and an unknown code are said the same way everywhere."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from concordat.core.codes import ENTRY_KEY, MODALITY
from concordat.core.days import PartialDate
from concordat.core.money import format_pounds
from concordat.core.problems import Report
from concordat.partnerships.rules import vocabulary as words
from concordat.partnerships.rules.limits import CODE, LONG, NAME, PROSE, SOURCE
from concordat.partnerships.rules.reader import MISSING, Reader, at

from . import consistency, stages
from .values import value_term_mismatch

MAX_LIST = 40  # entries in any list of a contract (schedule years, subcontracts, legacy contracts)


def day(
    read: Reader, mapping: dict[str, Any], key: str, path: str = "", *, required: bool = False
) -> date | None:
    """A day (YYYY-MM-DD): commissioning's dates are days, never only a month."""
    value: PartialDate | None = read.take_date(mapping, key, path, required=required)
    if value is None:
        return None
    if value.precision != "day":
        read.report.error(at(path, key), "invalid-date", f"{at(path, key)}: give the day, YYYY-MM-DD")
        return None
    return value.first


def key_of(read: Reader, mapping: dict[str, Any], path: str = "") -> str | None:
    return read.take_pattern(mapping, "key", path, ENTRY_KEY, code="invalid-key", what="reference")


def code_in(
    read: Reader,
    mapping: dict[str, Any],
    key: str,
    path: str,
    known: set[str],
    noun: str,
    *,
    required: bool = False,
) -> str | None:
    """A reference by code to something the partnership has: an unknown one is `unknown-<noun>`."""
    code = read.take_text(mapping, key, path, required=required, max_length=CODE)
    if code and code not in known:
        read.report.error(
            at(path, key),
            f"unknown-{noun}",
            f"{at(path, key)}: no {noun} with code '{code}' in this partnership",
        )
        return None
    return code or None


def codes_in(
    read: Reader, mapping: dict[str, Any], key: str, path: str, known: set[str], noun: str
) -> list[str]:
    """A list of references by code, each checked at its own path (services[1])."""
    found: list[str] = []
    for index, value in enumerate(_list(read, mapping, key)):
        where = at(at(path, key), index)
        if not isinstance(value, str):
            read.wrong_type(where, f"a {noun} code", value)
        elif value not in known:
            read.report.error(
                where, f"unknown-{noun}", f"{where}: no {noun} with code '{value}' in this partnership"
            )
        elif value not in found:
            found.append(value)
    return found


def check_service(
    values: dict[str, Any], *, providers: set[str], modalities: Mapping[str, tuple[str, int]]
) -> tuple[Report, dict[str, Any]]:
    """`modalities`: the partnership's, code -> (name, Models of Care tier)."""
    report = Report()
    read = Reader(report)
    modality = read.take_pattern(values, "modality", "", MODALITY, required=True, what="modality code")
    if modality and modality not in modalities:
        report.error(
            "modality",
            "unknown-modality",
            f"modality: no modality with code '{modality}' in this partnership",
        )
    out = {
        "key": key_of(read, values),
        "name": read.take_text(values, "name", "", required=True, max_length=NAME),
        "tier": read.take_int(values, "tier", "", required=True, low=1, high=4, code="invalid-tier"),
        "modality": modality,
        "client_group": read.take_choice(values, "client_group", "", words.SERVED_GROUPS, required=True),
        "providers": codes_in(read, values, "providers", "", providers, "provider"),
        "source": read.take_source(values, ""),
    }
    tier = out["tier"]
    if isinstance(tier, int) and modality is not None and modality in modalities:
        name, modality_tier = modalities[modality]
        consistency.tier_against_modality(
            report, "tier", tier=tier, modality=name, modality_tier=modality_tier
        )
    return report, out


def check_procurement(values: dict[str, Any], *, services: set[str]) -> tuple[Report, dict[str, Any]]:
    report = Report()
    read = Reader(report)
    out: dict[str, Any] = {
        "key": key_of(read, values),
        "title": read.take_text(values, "title", "", required=True, max_length=LONG),
        "health_care": read.take_bool(values, "health_care", "", default=True),
        "services": codes_in(read, values, "services", "", services, "service"),
        "estimated_annual_pence": read.take_money(values, "estimated_annual_value", ""),
        "estimated_whole_life_pence": read.take_money(values, "estimated_whole_life_value", ""),
        "max_term_years": read.take_int(values, "max_term_years", "", low=1, high=50),
        "source": read.take_source(values, ""),
    }
    annual, whole, term = (
        out["estimated_annual_pence"],
        out["estimated_whole_life_pence"],
        out["max_term_years"],
    )
    if annual is not None and whole is not None and term:
        mismatch = value_term_mismatch(annual, whole, term)
        if mismatch:
            report.warn("estimated_whole_life_value", "value-term-mismatch", mismatch)
    return report, out


def check_stage(
    values: dict[str, Any],
    *,
    reached: list[stages.Reached],
    health_care: bool,
    providers: set[str],
    process: str = "",
    today: date | None = None,
) -> tuple[Report, dict[str, Any]]:
    """A stage to record: the stage machine's refusals for the procurement's `process` (chosen at the
    second stage, by the law of that day), then what the stage itself needs. A stage dated after `today`
    has not happened: refused."""
    report = Report()
    read = Reader(report)
    stage = read.take_text(values, "stage", "", required=True, max_length=32)
    on = day(read, values, "date", required=True)
    chosen = next((r.on for r in reached if r.stage == "process-chosen"), None)
    law = stages.law_on(chosen, health_care=health_care) if chosen else None
    if stage and on:
        for path, code, message in stages.advance_problems(reached, stage, on, process, law):
            report.error(path, code, message)
    consistency.not_in_future(report, "date", day=on, today=today, what="the stage")
    out: dict[str, Any] = {
        "stage": stage,
        "on": on,
        "decided_by": read.take_text(values, "decided_by", "", max_length=LONG) or "",
        "notes": read.take_text(values, "notes", "", max_length=PROSE) or "",
        "reference": read.take_text(values, "reference", "", max_length=LONG) or "",
        "conflicts_of_interest": read.take_text(values, "conflicts_of_interest", "", max_length=PROSE),
    }
    if stage in ("strategy-approved", "process-chosen", "awarded") and not out["decided_by"]:
        report.error("decided_by", "required", "decided_by: say who made the decision")
    if stage == "process-chosen":
        chosen_now = read.take_choice(values, "process", "", stages.PROCESSES, required=True)
        wrong = stages.process_problem(chosen_now, on, health_care=health_care) if chosen_now and on else None
        if wrong:
            report.error("process", "invalid-choice", wrong)  # the code it had before laws were dated
        out["process"] = None if wrong else chosen_now
    if stage == "evaluated":
        out["criteria"] = _criteria(read, values)
    # The provider is named with the intention to award, or with the award where the process has none.
    if stage == "intention-to-award" or (
        stage == "awarded" and "intention-to-award" not in stages.stages_of(process)
    ):
        out["provider"] = code_in(read, values, "provider", "", providers, "provider", required=True)
    return report, out


def _criteria(read: Reader, values: dict[str, Any]) -> list[dict[str, Any]]:
    criteria: list[dict[str, Any]] = []
    raw = read.get(values, "criteria", "", required=True)
    if raw is MISSING:
        return criteria
    if not isinstance(raw, list) or not raw:
        read.report.error(
            "criteria", "required", "criteria: list the weighted criteria the bids were evaluated against"
        )
        return criteria
    names: set[str] = set()
    for path, item in read.items(raw[:MAX_LIST], "criteria"):
        name = read.take_text(item, "name", path, required=True, max_length=NAME)
        if name and name in names:
            read.report.error(at(path, "name"), "duplicate", f"{at(path, 'name')}: '{name}' is named twice")
        names.add(name or "")
        criteria.append(
            {
                "name": name,
                "weight": read.take_int(item, "weight", path, required=True, low=1, high=100),
                "how_assessed": read.take_text(item, "how_assessed", path, required=True, max_length=PROSE),
            }
        )
    total = sum(c["weight"] or 0 for c in criteria)
    if criteria and all(c["weight"] for c in criteria) and total != 100:
        read.report.error(
            "criteria", "weights-not-100", f"criteria: the weights add up to {total}%, not 100%"
        )
    return criteria


def check_representation(
    values: dict[str, Any], *, today: date | None = None
) -> tuple[Report, dict[str, Any]]:
    report = Report()
    read = Reader(report)
    out: dict[str, Any] = {
        "received": day(read, values, "received", required=True),
        "answered": day(read, values, "answered"),
        "made_by": read.take_text(values, "made_by", "", required=True, max_length=NAME),
        "summary": read.take_text(values, "summary", "", max_length=PROSE) or "",
    }
    if out["received"] and out["answered"] and out["answered"] < out["received"]:
        report.error(
            "answered",
            "date-before-received",
            "answered: a representation cannot be answered before it is received",
        )
    for key in ("received", "answered"):
        consistency.not_in_future(report, key, day=out[key], today=today, what=f"the day it was {key}")
    return report, out


def check_contract(
    values: dict[str, Any], *, providers: set[str], services: set[str], procurements: set[str]
) -> tuple[Report, dict[str, Any]]:
    """A new contract with its schedule, subcontracts (none worth more than the contract, nor all together)
    and legacy contracts (each transferring while the contract runs). A `status` is not read: the status
    is computed from the dates (rules/status.py), and one given is warned as ignored."""
    report = Report()
    read = Reader(report)
    out: dict[str, Any] = {
        "key": key_of(read, values),
        "title": read.take_text(values, "title", "", required=True, max_length=LONG),
        "procurement": code_in(read, values, "procurement", "", procurements, "procurement"),
        "provider": code_in(read, values, "provider", "", providers, "provider", required=True),
        "services": codes_in(read, values, "services", "", services, "service"),
        "start": day(read, values, "start", required=True),
        "end": day(read, values, "end", required=True),
        "annual_value_pence": read.take_money(values, "annual_value", "", required=True),
        "whole_life_value_pence": read.take_money(values, "whole_life_value", ""),
        "max_term_years": read.take_int(values, "max_term_years", "", low=1, high=50),
        "extensions": read.take_text(values, "extensions", "", max_length=LONG) or "",
        "source": read.take_source(values, ""),
    }
    if out["start"] and out["end"] and out["end"] < out["start"]:
        report.error("end", "end-before-start", "end: the contract cannot end before it starts")
    if values.get("status") not in (None, ""):
        # Accepted from callers written before the status was computed; never stored, never trusted.
        report.warn(
            "status",
            "status-is-computed",
            "status: a contract's status is worked out from its dates and variations: the one given is "
            "ignored",
        )
    out["schedule"] = _schedule(read, values, "schedule", "")
    out["subcontracts"] = [
        subcontract(read, item, path)
        for path, item in read.items(_list(read, values, "subcontracts"), "subcontracts")
    ]
    legacy = list(read.items(_list(read, values, "legacy"), "legacy"))
    out["legacy"] = [legacy_contract(read, item, path) for path, item in legacy]
    consistency.subcontracts_within(
        report,
        contract_pence=out["annual_value_pence"],
        subcontracts=[
            (at(f"subcontracts[{i}]", "annual_value"), s["annual_value_pence"])
            for i, s in enumerate(out["subcontracts"])
        ],
    )
    for (path, _), entry in zip(legacy, out["legacy"], strict=True):
        consistency.transfer_within(
            report,
            at(path, "transfers_on"),
            transfers_on=entry["transfers_on"],
            start=out["start"],
            end=out["end"],
        )
    term = out["max_term_years"]
    if out["annual_value_pence"] is not None and out["whole_life_value_pence"] is not None and term:
        mismatch = value_term_mismatch(out["annual_value_pence"], out["whole_life_value_pence"], term)
        if mismatch:
            report.warn("whole_life_value", "value-term-mismatch", mismatch)
    return report, out


def subcontract(read: Reader, item: dict[str, Any], path: str = "") -> dict[str, Any]:
    """One subcontract: in a new contract's list, or added to a contract on its own (path "")."""
    return {
        "subcontractor": read.take_text(item, "subcontractor", path, required=True, max_length=NAME),
        "description": read.take_text(item, "description", path, required=True, max_length=LONG),
        "annual_value_pence": read.take_money(item, "annual_value", path),
        "source": read.take_text(item, "source", path, max_length=SOURCE) or "",
    }


def legacy_contract(read: Reader, item: dict[str, Any], path: str = "") -> dict[str, Any]:
    """One legacy contract folded in: in a new contract's list, or added on its own (path "")."""
    return {
        "name": read.take_text(item, "name", path, required=True, max_length=LONG),
        "holder": read.take_text(item, "holder", path, max_length=NAME) or "",
        "element": read.take_text(item, "element", path, required=True, max_length=NAME),
        "annual_cost_pence": read.take_money(item, "annual_cost", path, required=True),
        "after_cost_pence": read.take_money(item, "after_cost", path),
        "transfers_on": day(read, item, "transfers_on", path, required=True),
        "source": read.take_text(item, "source", path, max_length=SOURCE) or "",
    }


def check_subcontract(
    values: dict[str, Any], *, contract_pence: int | None = None, others_pence: int = 0
) -> tuple[Report, dict[str, Any]]:
    """One subcontract of a contract worth `contract_pence` a year whose other subcontracts are worth
    `others_pence`."""
    report = Report()
    out = subcontract(Reader(report), values)
    consistency.subcontracts_within(
        report,
        contract_pence=contract_pence,
        subcontracts=[("annual_value", out["annual_value_pence"])],
        others_pence=others_pence,
    )
    return report, out


def check_legacy_contract(
    values: dict[str, Any], *, start: date | None = None, end: date | None = None
) -> tuple[Report, dict[str, Any]]:
    """One legacy contract folded into a contract that runs from `start` to `end`."""
    report = Report()
    out = legacy_contract(Reader(report), values)
    consistency.transfer_within(
        report, "transfers_on", transfers_on=out["transfers_on"], start=start, end=end
    )
    return report, out


def _list(read: Reader, values: dict[str, Any], key: str) -> list[Any]:
    raw = read.get(values, key, "", required=False)
    if raw is MISSING:
        return []
    if not isinstance(raw, list):
        read.wrong_type(key, "a list", raw)
        return []
    if len(raw) > MAX_LIST:
        read.report.error(key, "too-many", f"{key} has {len(raw):,} entries; at most {MAX_LIST} are allowed")
    return raw[:MAX_LIST]


def _schedule(read: Reader, values: dict[str, Any], key: str, path: str) -> dict[int, int]:
    schedule: dict[int, int] = {}
    for entry_path, item in read.items(_list(read, values, key), at(path, key)):
        year = read.take_year(item, "year", entry_path, required=True)
        amount = read.take_money(item, "amount", entry_path, required=True)
        if year is not None and year.start_year in schedule:
            read.report.error(
                at(entry_path, "year"), "duplicate", f"{at(entry_path, 'year')}: {year} is listed twice"
            )
        elif year is not None and amount is not None:
            schedule[year.start_year] = amount
    return schedule


def check_variation(
    values: dict[str, Any],
    *,
    start: date,
    last_on: date | None,
    end: date | None = None,
    subcontracts_pence: int = 0,
) -> tuple[Report, dict[str, Any]]:
    """`end` is the contract's end as varied so far: a variation takes effect while the contract runs (an
    extension is dated before the old end), and one dated later would bar every later variation. A
    termination (`terminates`) ends the contract early: its `end` is the last day, not after the end so
    far nor before the termination's date. A new annual value below the subcontracts' `subcontracts_pence`
    is warned."""
    report = Report()
    read = Reader(report)
    out: dict[str, Any] = {
        "key": key_of(read, values),
        "on": day(read, values, "date", required=True),
        "reason": read.take_text(values, "reason", "", required=True, max_length=PROSE),
        "end": day(read, values, "end"),
        "annual_value_pence": read.take_money(values, "annual_value", ""),
        "whole_life_value_pence": read.take_money(values, "whole_life_value", ""),
        "schedule": _schedule(read, values, "schedule", ""),
        "terminates": read.take_bool(values, "terminates", "", default=False),
    }
    on = out["on"]
    if on and on < start:
        report.error(
            "date",
            "date-before-start",
            f"date: {on.isoformat()} is before the contract starts ({start.isoformat()})",
        )
    elif on and last_on and on < last_on:
        report.error(
            "date",
            "date-before-previous-variation",
            f"date: {on.isoformat()} is before the previous variation ({last_on.isoformat()}); variations are recorded in order",
        )
    elif on and end and on > end:
        report.error(
            "date",
            "date-after-end",
            f"date: {on.isoformat()} is after the contract ends ({end.isoformat()})",
        )
    if out["end"] and out["end"] < start:
        report.error("end", "end-before-start", "end: the contract cannot end before it starts")
    if out["terminates"]:
        _termination(report, out, end)
    if report.valid and not any(
        out[k] not in (None, {}) for k in ("end", "annual_value_pence", "whole_life_value_pence", "schedule")
    ):
        report.error(
            "",
            "nothing-varied",
            "A variation must set at least one new value: end, annual value, whole-life value or schedule",
        )
    annual = out["annual_value_pence"]
    if annual is not None and subcontracts_pence > annual:
        report.warn(
            "annual_value",
            "subcontracts-over-contract",
            f"annual_value: the subcontracts are {format_pounds(subcontracts_pence)} a year, more than the "
            f"new annual value {format_pounds(annual)}",
        )
    return report, out


def _termination(report: Report, out: dict[str, Any], end: date | None) -> None:
    last, on = out["end"], out["on"]
    if last is None:
        report.error("end", "required", "end: give the contract's last day: a termination ends it")
    elif end is not None and last > end:
        report.error(
            "end",
            "termination-after-end",
            f"end: a termination cannot end the contract after {consistency.day_words(end)}, when it "
            "ends now; record an extension instead",
        )
    elif on is not None and last < on:
        report.error(
            "end",
            "termination-before-its-date",
            f"end: the contract's last day cannot be before the termination, on {consistency.day_words(on)}",
        )
