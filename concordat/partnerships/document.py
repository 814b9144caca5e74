"""The agreement as a document: parsed from a partnership file, or exported from the database in the
same shape, so that the file, the web forms and the API all pass through one checker and one loader."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from concordat.core.money import pence_to_str
from concordat.core.problems import Report
from concordat.core.years import FinancialYear

from . import models


class _Loader(yaml.SafeLoader):
    """YAML 1.2 booleans: only true/false, so `NO`, `on`, `y` stay text (a partner code `NO` is not False).
    Dates stay text too: the checker reads them, and reports an impossible one like 2003-02-30 with its
    path instead of failing inside the YAML parser."""

    def construct_mapping(self, node: yaml.Node, deep: bool = False) -> dict[Any, Any]:
        """A key written twice in one mapping is an error (YAML says keys are unique), not the last one
        silently winning. Keys brought in by a merge (`<<: *defaults`) may still be overridden."""
        if isinstance(node, yaml.MappingNode):
            seen: set[Any] = set()
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue
                key = self.construct_object(key_node, deep=deep)
                try:
                    duplicate = key in seen
                    seen.add(key)
                except TypeError:  # an unhashable key: the base constructor reports it
                    continue
                if duplicate:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"the key '{key}' appears twice in one mapping", key_node.start_mark
                    )
        return super().construct_mapping(node, deep=deep)  # type: ignore[no-any-return]


_IMPLICIT_NOT_WANTED = {"tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp"}
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in _IMPLICIT_NOT_WANTED]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def parse_text(text: str, report: Report) -> Any:
    """The YAML document in `text`, or None with a problem naming the line and column."""
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as problem:
        mark = getattr(problem, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "the file"
        report.error("", "yaml", f"not valid YAML at {where}: {getattr(problem, 'problem', None) or problem}")
        return None
    except ValueError as problem:  # a value an explicit tag cannot build, e.g. !!timestamp 2003-02-30
        report.error("", "yaml", f"not valid YAML: {problem}")
        return None
    except RecursionError:  # lists inside lists thousands deep: the parser recurses once a level
        report.error("", "yaml", "not valid YAML: the file nests lists or mappings too deeply")
        return None


def read_file(path: Path, report: Report) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        report.error("", "file", f"no such file: {path}")
        return None
    except UnicodeDecodeError as problem:
        report.error("", "encoding", f"the file is not UTF-8 (byte {problem.start})")
        return None
    except OSError as problem:
        report.error("", "file", f"cannot read {path}: {problem.strerror}")
        return None
    return parse_text(text, report)


def _drop_empty(mapping: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in mapping.items() if value not in (None, "", [], {})}


def export_agreement(partnership: models.Partnership) -> dict[str, Any]:
    """The partnership as a partnership file's content; checking and loading it changes nothing."""
    p = partnership
    partners = list(p.partners.all())
    code_of = {partner.pk: partner.code for partner in partners}
    streams = list(p.funding_streams.all())
    stream_code = {stream.pk: stream.code for stream in streams}
    doc: dict[str, Any] = {
        "slug": p.slug,
        "name": p.name,
        "client_group": p.client_group,
        "area": list(p.area),
        "flexibilities": list(p.flexibilities),
        "agreement_date": p.agreement_date,
        "start_date": p.start_date,
        "review_date": p.review_date,
        "responsible_officer": p.responsible_officer,
        "host_partner": code_of.get(p.host_partner_id),
        "lead_commissioner": code_of.get(p.lead_commissioner_id),
        "partners": [
            _drop_empty(
                {"code": x.code, "name": x.name, "kind": x.kind, "org_code": x.org_code, "address": x.address}
            )
            for x in partners
        ],
        "funding_streams": [
            _drop_empty(
                {
                    "code": s.code,
                    "name": s.name,
                    "partner": code_of[s.partner_id],
                    "ring_fenced": s.ring_fenced,
                }
            )
            for s in streams
        ],
        "contributions": [
            {
                "stream": stream_code[c.stream_id],
                "year": str(FinancialYear(c.year)),
                "amount": pence_to_str(c.amount_pence),
            }
            for c in p.contributions.order_by("year", "id")
        ],
        "stated_totals": [
            _drop_empty(
                {
                    "year": str(FinancialYear(t.year)),
                    "amount": pence_to_str(t.amount_pence),
                    "source": t.source,
                }
            )
            for t in p.stated_totals.all()
        ],
        "risk_share": {
            "overspend": p.overspend_rule,
            "underspend": p.underspend_rule,
            "fixed_shares": dict(p.fixed_shares),
        },
        "eligibility": {key: value for key, value in p.eligibility.items() if value not in (None, "")},
        "targets": _drop_empty(dict(p.targets)),
        "modalities": [
            {"code": m.code, "name": m.name, "tier": m.tier, "structured": m.structured}
            for m in p.modalities.all()
        ],
        "aims": [aim.text for aim in p.aims.all()],
        "outcomes": [outcome.text for outcome in p.outcomes.all()],
        **{
            key: list(p.narrative.get(key, []))
            for key in ("improvements", "health_outcomes", "joint_working")
        },
        "staff_movement": p.narrative.get("staff_movement", ""),
        "milestones": [{"text": m.text, "due": m.due, "status": m.status} for m in p.milestones.all()],
        "governance": [
            _drop_empty(
                {
                    "item": g.item,
                    "status": g.status,
                    "evidence": g.evidence,
                    "signed_off_by": g.signed_off_by,
                    "signed_off_on": g.signed_off_on,
                }
            )
            for g in p.governance_items.all()
        ],
        "approvals": [{"body": a.body, "date": a.date, "decision": a.decision} for a in p.approvals.all()],
        "providers": [
            _drop_empty({"code": x.code, "name": x.name, "tiers": list(x.tiers)}) for x in p.providers.all()
        ],
        "consultation": [
            _drop_empty({"who": c.who, "how": c.how, "date": c.date, "notes": c.notes})
            for c in p.consultation.all()
        ],
        "board": [
            _drop_empty(
                {"name": b.name, "role": b.role, "kind": b.kind, "represents": code_of.get(b.represents_id)}
            )
            for b in p.board.all()
        ],
        "options_appraisals": [
            _drop_empty(
                {
                    "title": o.title,
                    "question": o.question,
                    "criteria": o.criteria,
                    "options": o.options,
                    "preferred": o.preferred,
                    "reasons": o.reasons,
                    "decision": _drop_empty(dict(o.decision)),
                }
            )
            for o in p.options_appraisals.all()
        ],
    }
    return _drop_empty(doc) | {
        "slug": p.slug,
        "name": p.name,
        "client_group": p.client_group,
        "area": list(p.area),
        "partners": doc["partners"],
    }


def dump_yaml(document: dict[str, Any]) -> str:
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)
