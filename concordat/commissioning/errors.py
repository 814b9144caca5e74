"""What a commissioning write can meet that is not a mistake in one value: raised by services, turned into
a page, a problem body or an exit status by the web, the API and the command line."""

from __future__ import annotations

from concordat.core.problems import Report


class Refused(Exception):
    """The input was checked and is not valid: nothing changed. Carries every problem with its path."""

    def __init__(self, report: Report) -> None:
        super().__init__("; ".join(p.message for p in report.errors))
        self.report = report
