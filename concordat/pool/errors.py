"""What a posting can meet that is a user's mistake or a state of the ledger, not a bug: the web pages,
the API and the command line each turn these into their own answer. Services raise these, never HTTP
errors."""

from __future__ import annotations

from concordat.core.problems import Problem, Report


class PostingRefused(Exception):
    """The posting (or close) breaks a rule of the ledger: nothing was written. `report.errors` are
    Problem(path, code, message), `path` being the transactions file's column (ref, date, amount …)."""

    def __init__(self, report: Report) -> None:
        super().__init__("; ".join(p.message for p in report.errors))
        self.report = report

    @classmethod
    def of(cls, path: str, code: str, message: str) -> PostingRefused:
        return cls(Report(errors=[Problem(path, code, message)]))
