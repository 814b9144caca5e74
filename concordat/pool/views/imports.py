"""The pool manager uploads a transactions file (pooled-fund.md) to be checked only or posted by the worker;
the job's page follows (partnerships.views.jobs)."""

from __future__ import annotations

from typing import Any

from concordat.core.models import Job
from concordat.documents.filetypes import FileType
from concordat.partnerships.views.jobs import JobUpload

from ..jobs import import_queue
from ..permissions import POST

CSV = FileType("CSV", "text/csv", "csv", ("csv",))


class ImportFile(JobUpload):
    permission = POST
    page_title = "Import a transactions file"
    section = "pool:ledger"
    file_type = CSV
    accept = ".csv,text/csv"
    intro = (
        "A CSV of postings (columns ref, date, kind, stream, contract, purpose, amount, reverses, "
        "description), all or nothing: any error and nothing is posted, and the report lists every problem "
        "at its row and column. A ref already posted with the same content is skipped, so the same file twice "
        "posts nothing the second time."
    )

    def queue(self, *, source: Any, file_name: str, check_only: bool) -> Job:
        return import_queue(
            partnership=self.partnership,
            source=source,
            file_name=file_name,
            actor=self.request.user,
            check_only=check_only,
        )
