"""What an uploaded file is, read from its bytes, never from its name or the browser's say-so.

Only the kinds of paper a partnership keeps are accepted: PDF, Word (.docx, .doc), Excel (.xlsx, .xls),
OpenDocument text and spreadsheets, PNG and JPEG. `filetype` reads the magic bytes; containers are then
opened to see what they hold, because a ZIP or an OLE2 compound file is many things:
- an Office Open XML file must list its parts in `[Content_Types].xml` and hold `word/document.xml` (Word)
  or `xl/workbook.xml` (Excel); an OpenDocument file names its type in its first entry, `mimetype`;
- a legacy Office file (OLE2) must hold a `WordDocument` stream (Word) or a `Workbook`/`Book` stream (Excel).
Files with macros (`vbaProject.bin`, a `Macros` or `_VBA_PROJECT_CUR` storage) are refused: a partnership's
papers need none, and macros are how such files carry code. Nothing here decompresses more than the few
bytes of an OpenDocument `mimetype` entry, so a ZIP bomb costs nothing.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from typing import IO

import filetype
import olefile


@dataclass(frozen=True)
class FileType:
    label: str  # as people name it: "PDF", "Word document"
    mime: str
    extension: str  # the usual one, given to a download whose name lacks it
    extensions: tuple[str, ...]  # every name ending that is this type


PDF = FileType("PDF", "application/pdf", "pdf", ("pdf",))
DOCX = FileType(
    "Word document",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "docx",
    ("docx",),
)
DOC = FileType("Word 97-2003 document", "application/msword", "doc", ("doc",))
XLSX = FileType(
    "Excel spreadsheet",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "xlsx",
    ("xlsx",),
)
XLS = FileType("Excel 97-2003 spreadsheet", "application/vnd.ms-excel", "xls", ("xls",))
ODT = FileType("OpenDocument text", "application/vnd.oasis.opendocument.text", "odt", ("odt",))
ODS = FileType("OpenDocument spreadsheet", "application/vnd.oasis.opendocument.spreadsheet", "ods", ("ods",))
PNG = FileType("PNG image", "image/png", "png", ("png",))
JPEG = FileType("JPEG image", "image/jpeg", "jpg", ("jpg", "jpeg"))

ACCEPTED = (PDF, DOCX, DOC, XLSX, XLS, ODT, ODS, PNG, JPEG)
ACCEPTED_WORDS = "a PDF, Word, Excel or OpenDocument file, or a PNG or JPEG image"
_BY_MIME = {kind.mime: kind for kind in ACCEPTED}
_HEAD = 8192  # enough for every magic number filetype knows
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"


class Refused(ValueError):
    """The file is not one of the accepted types; the message says so in words for the upload form."""


def detect(stream: IO[bytes]) -> FileType:
    """The accepted type the bytes of `stream` (seekable, read from the start) are, or Refused."""
    stream.seek(0)
    head = stream.read(_HEAD)
    stream.seek(0)
    if not head:
        raise Refused("The selected file is empty")
    if head.startswith(_ZIP):
        return _zip_type(stream)
    if head.startswith(_OLE2):
        return _ole_type(stream)
    guess = filetype.guess(head)
    kind = _BY_MIME.get(guess.mime) if guess is not None else None
    if kind is PDF and not head.startswith(b"%PDF-"):  # filetype accepts any "%PDF"; a PDF has a version
        guess, kind = None, None
    if kind is None or kind not in (PDF, PNG, JPEG):
        what = f"a .{guess.extension} file" if guess is not None else "none of these"
        raise Refused(f"The selected file must be {ACCEPTED_WORDS}: its contents show {what}")
    return kind


def _zip_type(stream: IO[bytes]) -> FileType:
    try:
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
            if any(name.lower().endswith("vbaproject.bin") for name in names):
                raise Refused("The selected file contains macros: save it without macros and upload it again")
            if "[Content_Types].xml" in names and "word/document.xml" in names:
                return DOCX
            if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
                return XLSX
            if "mimetype" in names and archive.getinfo("mimetype").file_size <= 100:
                declared = archive.read("mimetype").decode("ascii", "replace").strip()
                if declared in (ODT.mime, ODS.mime):
                    return _BY_MIME[declared]
    except Refused:
        raise
    except (zipfile.BadZipFile, OSError, EOFError, KeyError, RuntimeError, NotImplementedError) as broken:
        raise Refused("The selected file is damaged: it could not be read") from broken
    finally:
        stream.seek(0)
    raise Refused(f"The selected file must be {ACCEPTED_WORDS}: its contents show a .zip archive")


def _ole_type(stream: IO[bytes]) -> FileType:
    try:
        with olefile.OleFileIO(stream) as ole:
            if ole.exists("Macros") or ole.exists("_VBA_PROJECT_CUR"):
                raise Refused("The selected file contains macros: save it without macros and upload it again")
            if ole.exists("WordDocument"):
                return DOC
            if ole.exists("Workbook") or ole.exists("Book"):
                return XLS
    except Refused:
        raise
    except (OSError, ValueError, IndexError, EOFError) as broken:  # olefile's errors for a damaged file
        raise Refused("The selected file is damaged: it could not be read") from broken
    finally:
        stream.seek(0)
    raise Refused(
        f"The selected file must be {ACCEPTED_WORDS}: its contents show another kind of Office file"
    )
