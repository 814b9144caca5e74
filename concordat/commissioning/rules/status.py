"""A contract's status on a given day, from its dates alone: nobody types it, so it cannot go stale.

- planned: before the day it starts;
- active: from its start to its original end, both days included;
- extended: after its original end, to the end a variation moved it to;
- ended: after its last day (its current end, every variation applied);
- terminated: after its last day, when that day was set by a termination (a variation that ends the
  contract early).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

STATUSES: dict[str, str] = {
    "planned": "Planned",
    "active": "Active",
    "extended": "Extended",
    "ended": "Ended",
    "terminated": "Terminated",
}


def contract_status(on: date, *, start: date, original_end: date, end: date, terminated: bool = False) -> str:
    """The status on `on` of a contract that starts on `start`, was signed to run to `original_end` and
    runs now to `end` (variations applied); `terminated` when `end` is a termination's."""
    if on < start:
        return "planned"
    if on > end:
        return "terminated" if terminated else "ended"
    if on > original_end:
        return "extended"
    return "active"


def status_after_variations(
    on: date, *, start: date, original_end: date, variations: Iterable[tuple[date | None, bool]]
) -> str:
    """contract_status for a contract whose variations, in order, are (new end or None, terminates): the
    end now is the last one set, and it is a termination's when the variation that set it terminated."""
    end, terminated = original_end, False
    for new_end, terminates in variations:
        if new_end is not None:
            end, terminated = new_end, terminates
    return contract_status(on, start=start, original_end=original_end, end=end, terminated=terminated)
