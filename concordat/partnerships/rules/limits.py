"""How long each text of an agreement may be and how many entries each of its lists may hold.

One place for the numbers: the checker refuses anything beyond them (`too-long`, `too-many`, with the
path), the web forms take the same numbers as their `max_length` and say them in their hints, and the
models' columns are as long as the texts they hold. The API goes through the checker, so it keeps them too.

The limits are far beyond what a real partnership writes (the five published partnership files use at most
a tenth of any of them), and they bound the cost of every page and document: a partnership at every limit
at once renders its notification form as a PDF in under two seconds (bench/pdf_at_limits.py measures it).
"""

from __future__ import annotations

import re

# --- texts, in characters -----------------------------------------------------------------------------
CODE = 32  # a code that refers to a partner, stream or provider
OPTION_CODE = 32  # an option's code, and the preferred option that names one
ORG_CODE = 16  # an ONS GSS or NHS ODS code
NAME = 200  # a name: partner, stream, provider, modality, board member and role, criterion, signer
LONG = 300  # one line: responsible officer, stated total source, approval body and decision, titles
ADDRESS = 400  # a partner's address
STATEMENT = 400  # one entry of a list of sentences: an aim, a milestone, a reason, consultation, evidence
SOURCE = 300  # where an entry comes from: a citation in words ("Notification form, item 12"), or `invented`
KEY = 40  # an entry's stable key (core.codes.ENTRY_KEY)
PROSE = 2_000  # a paragraph: eligibility, staff movement, a question, an option's description, a decision

# --- lists, in entries, by their path in the file ("[]" stands for any position) ------------------------
COUNTS: dict[str, int] = {
    "area": 20,
    "flexibilities": 3,
    "partners": 10,
    "funding_streams": 10,
    "contributions": 30,  # 10 streams over 3 years, or 5 over 6 (a whole term is a stated total with to_year)
    "stated_totals": 6,
    "risk_share.fixed_shares": 10,  # one a partner
    "modalities": 12,
    "targets.modality_thresholds": 20,  # one a modality: the eight built in and the partnership's own
    "targets.modality_mean_wait_days": 20,
    "aims": 10,
    "outcomes": 10,
    "improvements": 10,
    "health_outcomes": 10,
    "joint_working": 10,
    "milestones": 12,
    "governance": 10,  # the ten items of notification form item 13, each at most once
    "approvals": 20,
    "providers": 30,
    "providers[].tiers": 4,
    "providers[].client_groups": 2,
    "consultation": 10,
    "board": 20,
    "options_appraisals": 5,
    "options_appraisals[].criteria": 12,
    "options_appraisals[].options": 12,
    "options_appraisals[].options[].scores": 12,  # one a criterion
    "options_appraisals[].reasons": 12,
    "lead_commissioner.acts_for": 10,  # one a partner
    "risks": 30,
    "signatories": 20,
    # The pooled fund's terms (rules/pool_terms.py)
    "purposes": 12,
    "schemes": 30,
    "schemes[].maximum": 10,  # one a year
    "schemes[].spend_lines": 50,
    "risk_reserve": 10,  # one a year
}

# --- keys the format does not know (known_keys.py): kept as written, within these -----------------------
UNKNOWN_VALUE = 2_000  # characters of one such key and its value written as JSON
UNKNOWN_KEYS = 100  # such keys kept from one file

_POSITION = re.compile(r"\[[0-9]+\]")


def count_limit(path: str) -> int:
    """The most entries the list (or mapping) at `path` may hold: count_limit("providers[3].tiers") == 4.
    A list with no limit is a bug in the checker, not in the file: it raises KeyError."""
    return COUNTS[_POSITION.sub("[]", path)]


def mapping_limit(path: str) -> int | None:
    """The most keys the mapping at `path` may hold when it is a collection (fixed shares, scores); None
    for a section whose keys the format fixes (eligibility, targets)."""
    return COUNTS.get(_POSITION.sub("[]", path))


def at_most(limit: int, unit: str = "characters") -> str:
    """The limit as a form's hint says it: "At most 5,000 characters"."""
    return f"At most {limit:,} {unit}"
