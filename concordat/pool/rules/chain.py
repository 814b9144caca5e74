"""The hash chain: each transaction's hash is the SHA-256 of its content, written canonically, and of the
previous transaction's hash, so changing, removing or reordering any posted row breaks every hash after
it. `concordat pool verify` recomputes it from the rows as stored."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import UTC, date, datetime

# The hash before a partnership's first transaction.
GENESIS = "0" * 64


def canonical(
    *,
    partnership: str,
    sequence: int,
    ref: str,
    day: date,
    kind: str,
    description: str,
    stream: str,
    contract: str,
    purpose: str,
    scheme: str,
    partner: str,
    amount_pence: int,
    reverses: str,
    posted_by: str,
    posted_at: datetime,
    legs: Iterable[tuple[str, int]],
) -> str:
    """The content that is hashed, as one JSON text with sorted keys. Legs are (account code, pence),
    sorted, so their storage order does not matter; the time is UTC to the microsecond."""
    at = posted_at.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds")
    content = {
        "partnership": partnership,
        "sequence": sequence,
        "ref": ref,
        "date": day.isoformat(),
        "kind": kind,
        "description": description,
        "stream": stream,
        "contract": contract,
        "purpose": purpose,
        "scheme": scheme,
        "partner": partner,
        "amount_pence": amount_pence,
        "reverses": reverses,
        "posted_by": posted_by,
        "posted_at": at,
        "legs": sorted([code, pence] for code, pence in legs),
    }
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def link(previous_hash: str, content: str) -> str:
    """The hash of a transaction whose canonical content is `content`, after `previous_hash`."""
    return hashlib.sha256(f"{previous_hash}\n{content}".encode()).hexdigest()
