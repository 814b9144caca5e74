"""Mistakes users can make are values, collected in full, never the first exception."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# A path into a document as the checker writes it: "funding_streams[0].partner", "risk_share.overspend",
# "host_partner". People at a form field never see one; the file, the command line and the API do.
_PATH = re.compile(r"\b[a-z][a-z0-9_]*(?:\[[0-9]+\]|\.[a-z][a-z0-9_]*)+|\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
_LEADING_PATH = re.compile(r"([a-z][a-z0-9_]*(?:\[[0-9]+\]|\.[a-z][a-z0-9_]*)*)(:\s|\s)")
# The checker's wording of a reference to nothing, said the way a form says it.
_NO_SUCH = re.compile(r"\bno ([a-z ]+?) with (?:code|name) '([^']*)'(?: in [a-z_]+)?", re.IGNORECASE)


def _words_for(path: str) -> str:
    """The last key of a path, in words: "funding_streams[0].partner" -> "partner"."""
    last = re.sub(r"\[[0-9]+\]", "", path).rsplit(".", 1)[-1]
    return last.replace("_", " ")


@dataclass(frozen=True)
class Problem:
    path: str  # where in the input: "partners[1].code", "row 4, column date", a form field
    code: str  # stable, machine-readable: "duplicate-code"
    message: str  # for a person

    @property
    def text(self) -> str:
        """The message for a person at the field it is about: without the path it starts with, with no
        other path or key of the file in it, capitalised. "funding_streams[0].partner: no partner with code
        'LBC' in partners" reads "No partner has the code LBC"; "risk_share.overspend is host, but …" reads
        "Overspend is host, but …"."""
        text = self.message
        lead = _LEADING_PATH.match(text)
        # The message starts with the path, or with the entry the path is in ("milestones[3]: " at
        # "milestones[3].due"): "<path>: …" loses it, "<path> is required" names the key in words.
        if self.path and lead and self.path.startswith(lead.group(1)):
            subject = "" if lead.group(2).startswith(":") else _words_for(lead.group(1)) + " "
            text = subject + text[lead.end() :]
        text = _NO_SUCH.sub(lambda m: f"no {m.group(1)} has the {_code_or_name(m)} {m.group(2)}", text)
        text = _PATH.sub(lambda m: _words_for(m.group(0)), text)
        return text[:1].upper() + text[1:]

    def as_dict(self) -> dict[str, str]:
        return {"path": self.path, "code": self.code, "message": self.message}


def _code_or_name(match: re.Match[str]) -> str:
    return "name" if " with name " in match.group(0) else "code"


@dataclass
class Report:
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.errors

    def error(self, path: str, code: str, message: str) -> None:
        self.errors.append(Problem(path, code, message))

    def warn(self, path: str, code: str, message: str) -> None:
        self.warnings.append(Problem(path, code, message))

    def as_dict(self) -> dict[str, object]:
        return {
            "valid": self.valid,
            "errors": [p.as_dict() for p in self.errors],
            "warnings": [p.as_dict() for p in self.warnings],
        }
