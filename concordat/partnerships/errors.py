"""What a write to the agreement can meet that is not a mistake in the data: domain errors the web pages,
the API and the command line each turn into their own answer (a page, a problem body, an exit status).
Services raise these, never HTTP errors."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from concordat.core.problems import Report


class Refused(Exception):
    """The change is valid but cannot be applied, e.g. it would remove a partner others depend on."""

    def __init__(self, report: Report) -> None:
        super().__init__("; ".join(p.message for p in report.errors))
        self.report = report


class EntryGone(Exception):
    """The entry the edit names is not in the agreement (any more)."""

    def __init__(self, noun: str, key: str) -> None:
        super().__init__(f"There is no {noun} {key} in this agreement: it may have been removed")
        self.noun, self.key = noun, key


class StaleEdit(Exception):
    """What the editor saw has changed since they opened it: nothing was saved. Carries who changed it,
    when, and the current values, for the page that shows them beside the editor's own."""

    def __init__(self, *, changed_by: str, changed_at: datetime | None, current: Any) -> None:
        who = changed_by or "someone"
        super().__init__(f"This was changed by {who} since you opened it")
        self.changed_by, self.changed_at, self.current = who, changed_at, current


class AlreadySaved(Exception):
    """A second submission of a form already saved (a double click, Back and resubmit): nothing changed."""

    def __init__(self, noun: str, key: str) -> None:
        super().__init__(f"This {noun} was already saved")
        self.noun, self.key = noun, key
