"""The agreement's shape, declared once: for the partnership's own fields and for each collection of
entries, how a checked file entry becomes a row and a row becomes a file entry, what identifies an entry,
and the order of dependence. The loader's sync (sync.py) and the export (`export_agreement`) both run from
these declarations, so a field cannot be exported and forgotten by the loader, or the other way round.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from concordat.core.days import PartialDate
from concordat.core.money import pence_to_str
from concordat.core.years import FinancialYear

from . import models
from .rules.known_keys import UNKNOWN, put_back


@dataclass
class Refs:
    """Codes and rows the entries refer to, by code and by id, as the sync or export goes along."""

    partners: dict[str, models.Partner] = field(default_factory=dict)
    streams: dict[str, models.FundingStream] = field(default_factory=dict)

    def partner_code(self, pk: int | None) -> str | None:
        return next((code for code, p in self.partners.items() if p.pk == pk), None) if pk else None

    def stream_code(self, pk: int) -> str:
        return next(code for code, s in self.streams.items() if s.pk == pk)


def _drop_empty(mapping: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in mapping.items() if value not in (None, "", [], {})}


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | PartialDate) else value


def _date_columns(name: str, value: PartialDate | None) -> dict[str, Any]:
    """A checked date as its two columns: the first day it covers, and its precision (core.days)."""
    return {name: value.first if value else None, f"{name}_precision": value.precision if value else "day"}


def _written(row: Any, name: str) -> date | str | None:
    """A date as the file writes it: a date for a day, "YYYY-MM" for a month, None for none."""
    value = row.partial_date(name)
    return value.for_file() if value is not None else None


@dataclass(frozen=True)
class Collection:
    """A list of the agreement. `natural_key` (entry -> key) for entries identified by what they are (a
    partner by its code, a contribution by stream and year); None for entries with a generated `key`
    (models.KeyedPart). `scalar`: the file writes each entry as plain text (aims, outcomes)."""

    name: str
    noun: str
    model: type[models.PartnershipPart]
    to_row: Callable[[Any, Refs, Any], dict[str, Any]]  # (checked entry, refs, existing row or None)
    to_entry: Callable[[Any, Refs], Any]
    natural_key: Callable[[dict[str, Any]], str] | None = None
    row_key: Callable[[Any, Refs], str] | None = None
    scalar: bool = False
    label: Callable[[Any], str] = str

    @property
    def sourced(self) -> bool:
        """Entries may carry `source:` (all but the plain-text lists)."""
        return not self.scalar

    def values(self, entry: Any, refs: Refs, existing: Any) -> dict[str, Any]:
        """The row's values for a checked entry: `to_row`, the entry's source and the keys of the file the
        format does not know that it keeps (rules/known_keys.py)."""
        values = self.to_row(entry, refs, existing)
        if self.sourced:
            values["source"] = entry.get("source") or ""
            values[UNKNOWN] = entry.get(UNKNOWN) or []
        return values

    @property
    def keyed(self) -> bool:
        """Entries carry a generated key (the file may carry it as `key`)."""
        return self.natural_key is None

    def key_of_row(self, row: Any, refs: Refs) -> str:
        return str(row.key) if self.row_key is None else self.row_key(row, refs)

    def rows(self, partnership: models.Partnership) -> Any:
        return self.model._default_manager.filter(partnership=partnership)

    def export(self, partnership: models.Partnership, refs: Refs) -> list[Any]:
        entries = []
        for row in self.rows(partnership):
            entry = self.to_entry(row, refs)
            if self.sourced and row.source:
                entry["source"] = row.source
            if self.sourced and row.unknown_keys:
                entry = copy.deepcopy(entry)  # its lists and mappings may be the row's own
                put_back(entry, row.unknown_keys)
            if self.keyed and not self.scalar:
                entry = {"key": row.key, **entry}
            entries.append(entry)
        return entries


def _options_with_keys(options: list[dict[str, Any]], existing: Any) -> list[dict[str, Any]]:
    """An appraisal's options as stored: each keeps the key it had (matched by key, then by code), and a new
    one draws a key, so loading the same keyless file twice changes nothing."""
    from .keys import new_key

    old = list(existing.options) if existing is not None else []
    by_key = {o.get("key"): o for o in old if o.get("key")}
    by_code = {o.get("code"): o for o in old}
    taken = {o.get("key") for o in old} | {o.get("key") for o in options if o.get("key")}
    stored = []
    for option in options:
        key = option.get("key")
        if not key or key not in by_key:
            match = by_code.get(option.get("code"))
            key = key or (match.get("key") if match else None) or new_key(taken)
            taken.add(key)
        stored.append(
            {
                "key": key,
                **_drop_empty({k: v for k, v in option.items() if k != "key"}),
                "scores": option.get("scores", {}),
            }
        )
    return stored


PROVIDER_FIELDS = (
    "code",
    "name",
    "tiers",
    "sector",
    "org_code",
    "client_groups",
    "min_age",
    "max_age",
    "capacity",
    "single_point_of_referral",
)


def _provider_entry(x: Any, refs: Refs) -> dict[str, Any]:
    """A provider as the file writes it: what is not said is left out (no ages, not the referral point)."""
    return _drop_empty(
        {
            "code": x.code,
            "name": x.name,
            "tiers": list(x.tiers),
            "sector": x.sector,
            "org_code": x.org_code,
            "client_groups": list(x.client_groups),
            "ages": _drop_empty({"min": x.min_age, "max": x.max_age}),
            "capacity": x.capacity,
            "single_point_of_referral": x.single_point_of_referral or None,
        }
    )


def _appraisal_row(a: dict[str, Any], refs: Refs, existing: Any) -> dict[str, Any]:
    return {
        "title": a["title"],
        "question": a["question"],
        "criteria": a["criteria"],
        "options": _options_with_keys(a["options"], existing),
        "preferred": a["preferred"],
        "reasons": a["reasons"],
        "decision": {k: _iso(v) for k, v in a["decision"].items() if v not in (None, "")},
    }


def _appraisal_entry(o: models.OptionsAppraisal, refs: Refs) -> dict[str, Any]:
    return _drop_empty(
        {
            "title": o.title,
            "question": o.question,
            "criteria": o.criteria,
            "options": [
                {
                    "key": opt["key"],
                    **_drop_empty({k: v for k, v in opt.items() if k not in ("key", "scores")}),
                    "scores": opt.get("scores", {}),
                }
                for opt in o.options
            ],
            "preferred": o.preferred,
            "reasons": o.reasons,
            "decision": _drop_empty(dict(o.decision)),
        }
    )


# In order of dependence: an entry refers only to entries of collections before it. Removals run backwards.
COLLECTIONS: list[Collection] = [
    Collection(
        "partners",
        "partner",
        models.Partner,
        to_row=lambda x, refs, _: {k: x[k] for k in ("code", "name", "kind", "org_code", "address")},
        to_entry=lambda x, refs: _drop_empty(
            {"code": x.code, "name": x.name, "kind": x.kind, "org_code": x.org_code, "address": x.address}
        ),
        natural_key=lambda x: str(x.get("code", "")),
        row_key=lambda row, refs: row.code,
        label=lambda x: f"partner {x}",
    ),
    Collection(
        "funding_streams",
        "funding stream",
        models.FundingStream,
        to_row=lambda s, refs, _: {
            "code": s["code"],
            "name": s["name"],
            "partner": refs.partners[s["partner"]],
            "ring_fenced": s["ring_fenced"],
        },
        to_entry=lambda s, refs: _drop_empty(
            {
                "code": s.code,
                "name": s.name,
                "partner": refs.partner_code(s.partner_id),
                "ring_fenced": s.ring_fenced,
            }
        ),
        natural_key=lambda s: str(s.get("code", "")),
        row_key=lambda row, refs: row.code,
        label=lambda x: f"funding stream {x}",
    ),
    Collection(
        "contributions",
        "contribution",
        models.Contribution,
        to_row=lambda c, refs, _: {
            "stream": refs.streams[c["stream"]],
            "year": c["year"].start_year,
            "amount_pence": c["amount_pence"],
        },
        to_entry=lambda c, refs: {
            "stream": refs.stream_code(c.stream_id),
            "year": str(FinancialYear(c.year)),
            "amount": pence_to_str(c.amount_pence),
        },
        natural_key=lambda c: f"{c.get('stream', '')} {c.get('year', '')}",
        row_key=lambda row, refs: f"{refs.stream_code(row.stream_id)} {FinancialYear(row.year)}",
        label=lambda x: f"contribution {x}",
    ),
    Collection(
        "stated_totals",
        "stated total",
        models.StatedTotal,
        to_row=lambda t, refs, _: {
            "year": t["year"].start_year,
            "to_year": t["to_year"].start_year if t["to_year"] else None,
            "amount_pence": t["amount_pence"],
            "relation": t["relation"],
        },
        to_entry=lambda t, refs: _drop_empty(
            {
                "year": str(FinancialYear(t.year)),
                "to_year": str(FinancialYear(t.to_year)) if t.to_year is not None else None,
                "amount": pence_to_str(t.amount_pence),
                "relation": t.relation if t.relation != "exact" else None,  # the default is left out
            }
        ),
        label=lambda x: f"stated total {x}",
    ),
    Collection(
        "modalities",
        "modality",
        models.Modality,
        to_row=lambda m, refs, _: {k: m[k] for k in ("code", "name", "tier", "structured")},
        to_entry=lambda m, refs: {"code": m.code, "name": m.name, "tier": m.tier, "structured": m.structured},
        natural_key=lambda m: str(m.get("code", "")),
        row_key=lambda row, refs: row.code,
        label=lambda x: f"modality {x}",
    ),
    Collection(
        "providers",
        "provider",
        models.Provider,
        to_row=lambda x, refs, _: {k: x[k] for k in PROVIDER_FIELDS},
        to_entry=_provider_entry,
        natural_key=lambda x: str(x.get("code", "")),
        row_key=lambda row, refs: row.code,
        label=lambda x: f"provider {x}",
    ),
    Collection(
        "aims",
        "aim",
        models.Aim,
        to_row=lambda text, refs, _: {"text": text},
        to_entry=lambda row, refs: row.text,
        scalar=True,
        label=lambda x: f"aim {x}",
    ),
    Collection(
        "outcomes",
        "outcome",
        models.Outcome,
        to_row=lambda text, refs, _: {"text": text},
        to_entry=lambda row, refs: row.text,
        scalar=True,
        label=lambda x: f"outcome {x}",
    ),
    Collection(
        "milestones",
        "milestone",
        models.Milestone,
        to_row=lambda m, refs, _: {
            "text": m["text"],
            **_date_columns("due", m["due"]),
            "status": m["status"],
        },
        to_entry=lambda m, refs: _drop_empty({"text": m.text, "due": _written(m, "due"), "status": m.status}),
        label=lambda x: f"milestone {x}",
    ),
    Collection(
        "governance",
        "governance item",
        models.GovernanceItem,
        to_row=lambda g, refs, _: {
            **{k: g[k] for k in ("item", "status", "evidence", "signed_off_by")},
            **_date_columns("signed_off_on", g["signed_off_on"]),
        },
        to_entry=lambda g, refs: _drop_empty(
            {
                "item": g.item,
                "status": g.status,
                "evidence": g.evidence,
                "signed_off_by": g.signed_off_by,
                "signed_off_on": _written(g, "signed_off_on"),
            }
        ),
        natural_key=lambda g: str(g.get("item", "")),
        row_key=lambda row, refs: row.item,
        label=lambda x: f"governance item {x}",
    ),
    Collection(
        "approvals",
        "approval",
        models.Approval,
        to_row=lambda a, refs, _: {
            "body": a["body"],
            **_date_columns("date", a["date"]),
            "state": a["state"],
            "decision": a["decision"],
            "reference": a["reference"],
        },
        to_entry=lambda a, refs: _drop_empty(
            {
                "body": a.body,
                "date": _written(a, "date"),
                "state": a.state,
                "decision": a.decision,
                "reference": a.reference,
            }
        ),
        label=lambda x: f"approval {x}",
    ),
    Collection(
        "consultation",
        "consultation entry",
        models.ConsultationEntry,
        to_row=lambda c, refs, _: {
            **{k: c[k] for k in ("who", "how", "notes")},
            **_date_columns("date", c["date"]),
        },
        to_entry=lambda c, refs: _drop_empty(
            {"who": c.who, "how": c.how, "date": _written(c, "date"), "notes": c.notes}
        ),
        label=lambda x: f"consultation entry {x}",
    ),
    Collection(
        "board",
        "board member",
        models.BoardMember,
        to_row=lambda b, refs, _: {
            "name": b["name"],
            "role": b["role"],
            "kind": b["kind"],
            "represents": refs.partners.get(b["represents"] or ""),
        },
        to_entry=lambda b, refs: _drop_empty(
            {"name": b.name, "role": b.role, "kind": b.kind, "represents": refs.partner_code(b.represents_id)}
        ),
        label=lambda x: f"board member {x}",
    ),
    Collection(
        "options_appraisals",
        "options appraisal",
        models.OptionsAppraisal,
        to_row=_appraisal_row,
        to_entry=_appraisal_entry,
        label=lambda x: f"options appraisal {x}",
    ),
    Collection(
        "risks",
        "risk",
        models.Risk,
        to_row=lambda r, refs, _: {
            **{k: r[k] for k in ("description", "cause", "likelihood", "impact", "owner", "mitigation")},
            "status": r["status"],
            **_date_columns("review_date", r["review_date"]),
        },
        to_entry=lambda r, refs: _drop_empty(
            {
                "description": r.description,
                "cause": r.cause,
                "likelihood": r.likelihood,
                "impact": r.impact,
                "owner": r.owner,
                "mitigation": r.mitigation,
                "status": r.status if r.status != "open" else None,  # the default is left out
                "review_date": _written(r, "review_date"),
            }
        ),
        label=lambda x: f"risk {x}",
    ),
    Collection(
        "signatories",
        "signatory",
        models.Signatory,
        to_row=lambda x, refs, _: {
            "partner": refs.partners.get(x["partner"] or ""),
            "name": x["name"],
            "role": x["role"],
            **_date_columns("date", x["date"]),
        },
        to_entry=lambda x, refs: _drop_empty(
            {
                "partner": refs.partner_code(x.partner_id),
                "name": x.name,
                "role": x.role,
                "date": _written(x, "date"),
            }
        ),
        label=lambda x: f"signatory {x}",
    ),
]
BY_NAME = {collection.name: collection for collection in COLLECTIONS}


# The partnership's own fields: (document key, checked agreement -> stored value, row -> document value).
def _targets_stored(targets: dict[str, Any]) -> dict[str, Any]:
    """Targets as stored: years as "YYYY-YY", percentages as decimal strings, empty parts left out."""
    stored: dict[str, Any] = {}
    for key, value in targets.items():
        if value in (None, {}):
            continue
        if isinstance(value, dict):
            value = {k: (str(v) if k == "year" and v is not None else v) for k, v in value.items()}
        elif key == "waiting_within_threshold_pct":
            value = str(value)
        stored[key] = value
    return stored


NARRATIVE = ("improvements", "health_outcomes", "joint_working", "staff_movement")


def partnership_fields(a: dict[str, Any]) -> dict[str, Any]:
    """The partnership row's fields from a checked agreement (partner references apart: they need rows)."""
    lead = a["lead_commissioner"]
    body = lead if isinstance(lead, dict) else {"name": "", "acts_for": []}
    return {
        "name": a["name"],
        "demo": a["demo"],
        "client_group": a["client_group"],
        "area": a["area"],
        "flexibilities": a["flexibilities"],
        **_date_columns("agreement_date", a["agreement_date"]),
        **_date_columns("start_date", a["start_date"]),
        **_date_columns("review_date", a["review_date"]),
        "responsible_officer": a["responsible_officer"],
        "commissioning_body": body["name"] or "",
        "commissioning_body_acts_for": body["acts_for"],
        "overspend_rule": a["risk_share"]["overspend"],
        "underspend_rule": a["risk_share"]["underspend"],
        "fixed_shares": a["risk_share"]["fixed_shares"],
        "eligibility": a["eligibility"],
        "targets": _targets_stored(a["targets"]),
        "narrative": {key: a[key] for key in NARRATIVE if a[key]},
        "purposes": a.get("purposes", []),
        "schemes": a.get("schemes", []),
        "risk_reserve": a.get("risk_reserve", {}),
        UNKNOWN: a.get(UNKNOWN, []),
    }


def partnership_entry(p: models.Partnership, refs: Refs) -> dict[str, Any]:
    """The partnership's own fields as the file writes them."""
    lead: str | dict[str, Any] | None = refs.partner_code(p.lead_commissioner_id)
    if p.commissioning_body:
        lead = _drop_empty({"name": p.commissioning_body, "acts_for": list(p.commissioning_body_acts_for)})
    return {
        "slug": p.slug,
        "demo": True if p.demo else None,  # written only when true
        "name": p.name,
        "client_group": p.client_group,
        "area": list(p.area),
        "flexibilities": list(p.flexibilities),
        "agreement_date": _written(p, "agreement_date"),
        "start_date": _written(p, "start_date"),
        "review_date": _written(p, "review_date"),
        "responsible_officer": p.responsible_officer,
        "host_partner": refs.partner_code(p.host_partner_id),
        "lead_commissioner": lead,
        "risk_share": {
            "overspend": p.overspend_rule,
            "underspend": p.underspend_rule,
            "fixed_shares": dict(p.fixed_shares),
        },
        "eligibility": {key: value for key, value in p.eligibility.items() if value not in (None, "")},
        "targets": _drop_empty(dict(p.targets)),
        **{key: list(p.narrative.get(key, [])) for key in NARRATIVE[:3]},
        "staff_movement": p.narrative.get("staff_movement", ""),
        "purposes": list(p.purposes),
        "schemes": list(p.schemes),
        "risk_reserve": dict(p.risk_reserve),
    }


# Keys every export keeps even when empty (the file requires them).
ALWAYS = ("slug", "name", "client_group", "area", "partners")
# The document's keys in the file's order: the partnership's fields, then each collection's list.
ORDER = [
    "slug", "demo", "name", "client_group", "area", "flexibilities", "agreement_date", "start_date", "review_date",
    "responsible_officer", "host_partner", "lead_commissioner", "partners", "funding_streams", "contributions",
    "stated_totals", "risk_share", "eligibility", "targets", "modalities", "aims", "outcomes",
    *NARRATIVE, "milestones", "governance", "approvals", "providers", "consultation", "board",
    "options_appraisals", "risks", "signatories", "purposes", "schemes", "risk_reserve",
]  # fmt: skip


def refs_for(partnership: models.Partnership) -> Refs:
    return Refs(
        partners={p.code: p for p in partnership.partners.all()},
        streams={s.code: s for s in partnership.funding_streams.all()},
    )


def export_agreement(partnership: models.Partnership) -> dict[str, Any]:
    """The partnership as a partnership file's content; checking and loading it changes nothing."""
    refs = refs_for(partnership)
    document = partnership_entry(partnership, refs)
    for collection in COLLECTIONS:
        document[collection.name] = collection.export(partnership, refs)
    # The file's own keys the format does not know, where they were (a section left out when empty, made
    # again for them); those of the top level after the format's keys, in the file's order.
    if partnership.unknown_keys:
        document = copy.deepcopy(document)  # its sections may be the row's own mappings
        put_back(document, partnership.unknown_keys)
    unknown = [key for path, key, _ in partnership.unknown_keys if not path]
    kept = {
        key: value
        for key, value in document.items()
        if key in ALWAYS or key in unknown or value not in (None, "", [], {})
    }
    return {key: kept[key] for key in [*ORDER, *unknown] if key in kept}
