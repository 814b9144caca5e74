"""Files people upload and download, for any app: the size limit enforced while the upload arrives, names
that are safe to store and to send back, and downloads that a browser never runs or renders.

Stored files live in Django's default storage (STORAGES["default"]: a folder, or an S3-compatible store
by setting) under names the service makes, never the uploader's; nothing maps them to a public URL.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import PureWindowsPath
from typing import IO, Any

from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import FileResponse

from .filetypes import FileType

NAME_LIMIT = 150  # characters of a file's name kept (the model's column is 255)


class LimitedUpload(FileUploadHandler):
    """Stop keeping an uploaded file once it passes `limit` bytes: the rest is read and dropped, never
    written to memory or a temporary file. Put it first in `request.upload_handlers`, before the body is
    read (so before the CSRF check reads the form: see views that use it); `too_large` then tells."""

    def __init__(self, limit: int, request: Any = None) -> None:
        super().__init__(request)
        self.limit = limit
        self.received = 0
        self.too_large = False

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > self.limit:
            self.too_large = True
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the handlers after this one keep the file


def readable_size(size: int) -> str:
    """1536 -> "1.5 KB"; sizes as people read them (1 KB = 1024 bytes, as file managers show)."""
    if size < 1024:
        return f"{size} bytes"
    value = size / 1024
    for unit in ("KB", "MB"):
        if value < 1024:
            return f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"


_UNSAFE = re.compile(r'[\x00-\x1f\x7f"*/:<>?\\|;]+')


def safe_name(name: str, kind: FileType) -> str:
    """The uploader's file name, kept only as a label: no folders (a browser may send C:\\fakepath\\x.pdf),
    no control characters or characters a header or a file system treats specially, at most NAME_LIMIT
    characters, and ending in an extension of the type its contents are."""
    base = PureWindowsPath(name or "").name  # splits on / and \ alike
    base = _UNSAFE.sub(" ", unicodedata.normalize("NFC", base))
    base = " ".join(base.split()).strip(" .")
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    if suffix.lower() not in kind.extensions:
        stem = base
        suffix = kind.extension
    stem = (stem or "document")[: NAME_LIMIT - len(suffix) - 1].rstrip(" .") or "document"
    return f"{stem}.{suffix}"


def download(stored: IO[bytes], *, filename: str, content_type: str) -> FileResponse:
    """`stored` sent as a download: always an attachment (never shown in the browser, whatever its type),
    of the type its contents were found to be, which the browser may not second-guess (nosniff), in a
    sandbox should it ever be opened in place."""
    response = FileResponse(stored, as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
