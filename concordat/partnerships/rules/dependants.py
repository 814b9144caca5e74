"""What else a removal touches: the entries that refer to the one being removed. Some go with it (a
funding stream's planned contributions); others stop it (a partner that funding streams, board members or
the partnership's roles name), so the confirmation page and the service give the same reason."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Dependants:
    blocking: list[str] = field(default_factory=list)  # descriptions of what refers to the entry
    removed_with_it: dict[str, set[str]] = field(default_factory=dict)  # collection -> keys
    described: list[str] = field(default_factory=list)  # what goes with it, in words

    @property
    def reason(self) -> str:
        return "it is referred to by " + "; ".join(self.blocking) + ". Change or remove those first"


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def dependants(document: Mapping[str, Any], collection: str, key: str) -> Dependants:
    """The entries of `document` that depend on the entry `key` of `collection`."""
    found = Dependants()
    if collection == "partners":
        for role, words in (
            ("host_partner", "the host partner"),
            ("lead_commissioner", "the lead commissioner"),
        ):
            if document.get(role) == key:
                found.blocking.append(f"the agreement, as {words}")
        lead = document.get("lead_commissioner")
        if isinstance(lead, Mapping) and key in (lead.get("acts_for") or []):
            found.blocking.append("the agreement, as a partner the lead commissioning body acts for")
        streams = [s.get("code", "") for s in document.get("funding_streams", []) if s.get("partner") == key]
        if streams:
            found.blocking.append(f"funding stream{'s' if len(streams) > 1 else ''} {_and(streams)}")
        board = [b.get("name", "") for b in document.get("board", []) if b.get("represents") == key]
        if board:
            found.blocking.append(f"board member{'s' if len(board) > 1 else ''} {_and(board)}")
        signers = [x.get("name", "") for x in document.get("signatories", []) if x.get("partner") == key]
        if signers:
            found.blocking.append(f"signator{'ies' if len(signers) > 1 else 'y'} {_and(signers)}")
        shares = document.get("risk_share", {}).get("fixed_shares", {}) or {}
        if key in shares:
            found.blocking.append("the risk share's fixed shares")
    elif collection == "funding_streams":
        lines = [c for c in document.get("contributions", []) if c.get("stream") == key]
        if lines:
            found.removed_with_it["contributions"] = {f"{c.get('stream')} {c.get('year')}" for c in lines}
            found.described.append(
                f"its planned contribution{'s' if len(lines) > 1 else ''} for "
                + _and([str(c.get("year")) for c in lines])
            )
    elif collection == "options_appraisals":
        appraisal: Mapping[str, Any] = next(
            (a for a in document.get(collection, []) if a.get("key") == key), {}
        )
        options = appraisal.get("options", [])
        if options:
            found.described.append(
                f"its {len(options)} option{'s' if len(options) > 1 else ''}, their scores and the decision"
            )
    return found
