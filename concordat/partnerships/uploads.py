"""The partnership's papers, uploaded: the signed agreement, appendices, board papers. Every write here
(upload, removal) is one function, keyword-only and transactional, used by the web pages and anything
after them; opening a file for a download is recorded.

A document is checked as a whole and every mistake reported (`Report`, paths named after the upload
form's fields): what the file is comes from its bytes (concordat.documents.filetypes), its size is at most
DOCUMENT_MAX_BYTES, and the entry it is evidence for must exist. The file goes to Django's default storage
under a name made from the partnership and the document's key; removing a document deletes its file once
the removal is committed. Uploads and removals are on the partnership's trail as events (audit.py words
the Document rows), downloads through `document_open`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.core.files import File
from django.db import transaction

from concordat.core import clock
from concordat.core.audit import acting_as, record_event
from concordat.core.models import Kind
from concordat.core.problems import Report
from concordat.documents.files import readable_size, safe_name
from concordat.documents.filetypes import FileType, Refused, detect

from . import models
from .errors import EntryGone
from .keys import claim, retired_keys
from .rules.limits import LONG, at_most
from .services import writer_name
from .shape import BY_NAME

# The lists of the agreement whose entries a document may be evidence for.
ATTACHABLE = {
    "approvals": "Approvals",
    "governance": "Governance checklist",
    "milestones": "Milestones",
    "consultation": "Consultation",
    "options_appraisals": "Options appraisals",
}
RETIRED = "documents"  # RetiredKey.collection for the keys of removed documents


@dataclass(frozen=True)
class Entry:
    collection: str
    key: str
    label: str

    @property
    def value(self) -> str:
        """How a form's choice names it: "approvals:abc234defg"."""
        return f"{self.collection}:{self.key}"

    @property
    def described(self) -> str:
        """ "the approval 'Salford DAT, 15 January 2004'"."""
        return f"the {BY_NAME[self.collection].noun} ‘{self.label}’"


def attachable_entries(partnership: models.Partnership) -> list[Entry]:
    """Every entry a document may be attached to, list by list, in the agreement's order."""
    entries = []
    for name in ATTACHABLE:
        collection = BY_NAME[name]
        for row in collection.rows(partnership):
            key = row.item if name == "governance" else row.key
            entries.append(Entry(name, str(key), str(row)))
    return entries


def evidence_for(partnership: models.Partnership, collection: str) -> dict[str, list[models.Document]]:
    """The documents attached to entries of one list, by the entry's key: one query."""
    found: dict[str, list[models.Document]] = {}
    for document in models.Document.objects.filter(partnership=partnership, attached_collection=collection):
        found.setdefault(document.attached_key, []).append(document)
    return found


def attached_to(document: models.Document, entries: dict[tuple[str, str], Entry]) -> str:
    """What a document is evidence for, in words: "the partnership" or the entry (or that it is gone)."""
    if not document.attached_collection:
        return "The partnership"
    entry = entries.get((document.attached_collection, document.attached_key))
    if entry is None:
        noun = (
            BY_NAME[document.attached_collection].noun if document.attached_collection in BY_NAME else "entry"
        )
        return f"A removed {noun}"
    return entry.described[0].upper() + entry.described[1:]


@dataclass
class Uploaded:
    report: Report
    document: models.Document | None = None


def _checked_file(upload: IO[bytes] | None, size: int, report: Report) -> FileType | None:
    if upload is None:
        report.error("file", "required", "Select a file")
        return None
    if size == 0:
        report.error("file", "empty", "The selected file is empty")
        return None
    limit = settings.DOCUMENT_MAX_BYTES
    if size > limit:
        report.error("file", "too-large", f"The selected file must be smaller than {readable_size(limit)}")
        return None
    try:
        return detect(upload)
    except Refused as refused:
        report.error("file", "type", str(refused))
        return None


def _sha256(upload: IO[bytes]) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in iter(lambda: upload.read(1024 * 1024), b""):
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def document_upload(
    *,
    partnership: models.Partnership,
    user: Any,
    upload: IO[bytes] | None,
    filename: str,
    size: int,
    title: str,
    kind: str,
    reference: str = "",
    attach_to: tuple[str, str] | None = None,
    token: str | None = None,
) -> Uploaded:
    """Keep `upload` (a file of `size` bytes the uploader called `filename`) as a document of the
        partnership, or report every reason it cannot be kept and keep nothing. The stored file and the row
        are made together: if the row cannot be written, the file is deleted again. `token`, the upload form's
    one-time key, becomes the document's key: a second submission of the same form raises AlreadySaved."""
    report = Report()
    file_type = _checked_file(upload, size, report)
    title = (title or "").strip()
    reference = (reference or "").strip()
    if not title:
        report.error("title", "required", "Enter a title")
    elif len(title) > LONG:
        report.error("title", "too-long", f"The title must be {at_most(LONG)}")
    if len(reference) > LONG:
        report.error("reference", "too-long", f"The reference must be {at_most(LONG)}")
    if kind not in models.DOCUMENT_KINDS:
        report.error("kind", "invalid", "Select what the document is")
    if attach_to is not None and attach_to[0] not in ATTACHABLE:
        report.error("attach_to", "invalid", "Select what the document is evidence for")
    if not report.valid:
        return Uploaded(report)
    assert upload is not None and file_type is not None

    stored_name = ""
    try:
        with transaction.atomic(), acting_as(user):
            locked = models.Partnership.objects.select_for_update().get(pk=partnership.pk)
            if attach_to is not None:
                collection, entry_key = attach_to
                if not any(entry.key == entry_key for entry in _entries_of(locked, collection)):
                    report.error(
                        "attach_to",
                        "no-such-entry",
                        f"That {BY_NAME[collection].noun} has been removed: select another, or the partnership",
                    )
                    return Uploaded(report)
            taken = set(models.Document.objects.filter(partnership=locked).values_list("key", flat=True))
            taken |= retired_keys(locked, RETIRED)
            document = models.Document(
                partnership=locked,
                key=claim(token, taken, "document"),
                title=title,
                kind=kind,
                reference=reference,
                attached_collection=attach_to[0] if attach_to else "",
                attached_key=attach_to[1] if attach_to else "",
                original_name=safe_name(filename, file_type),
                content_type=file_type.mime,
                size=size,
                sha256=_sha256(upload),
                uploaded_by=writer_name(user),
                uploaded_at=clock.now(),
                changed_by=writer_name(user),
                changed_at=clock.now(),
            )
            document.file.save(document.original_name, File(upload), save=False)
            stored_name = document.file.name
            document.save()
    except BaseException:
        if stored_name:
            document.file.storage.delete(stored_name)
        raise
    return Uploaded(report, document)


def _entries_of(partnership: models.Partnership, collection: str) -> list[Entry]:
    return [entry for entry in attachable_entries(partnership) if entry.collection == collection]


def document_remove(*, partnership: models.Partnership, user: Any, key: str) -> None:
    """Remove the document with `key`: its row now, its stored file once that is committed (a removal
    rolled back keeps the file its row still names). Its key is retired, never given to another. Raises
    EntryGone when it is not there."""
    with transaction.atomic(), acting_as(user):
        models.Partnership.objects.select_for_update().get(pk=partnership.pk)
        document = models.Document.objects.filter(partnership=partnership, key=key).first()
        if document is None:
            raise EntryGone("document", key)
        storage, name = document.file.storage, document.file.name
        document.delete()
        models.RetiredKey.objects.get_or_create(partnership=partnership, collection=RETIRED, key=key)
        transaction.on_commit(lambda: storage.delete(name))


def document_open(
    *, partnership: models.Partnership, user: Any, key: str
) -> tuple[models.Document, IO[bytes]]:
    """The document with `key` and its file, opened for reading; the download is recorded on the
    partnership's trail. Raises EntryGone when there is no such document, FileNotFoundError when its
    file is missing from the storage (then nothing is recorded)."""
    document = models.Document.objects.filter(partnership=partnership, key=key).first()
    if document is None:
        raise EntryGone("document", key)
    stored = document.file.storage.open(document.file.name, "rb")
    record_event(
        kind=Kind.DOCUMENT_DOWNLOADED,
        actor=user,
        partnership_slug=partnership.slug,
        summary=f"downloaded the {document.get_kind_display().lower()} ‘{document.title}’ ({document.original_name})",
        obj=document,
    )
    return document, stored
