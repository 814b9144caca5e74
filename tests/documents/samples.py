"""Small files of every kind the upload form meets, made here from their formats' first bytes and parts
(no binary fixtures): what is accepted, and what only looks like it by its name."""

from __future__ import annotations

import io
import struct
import zipfile
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 17
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01" + b"\x00" * 20
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00"
TEXT = b"This is plain text that says it is a PDF.\n"


def _zip(parts: dict[str, bytes], *, first: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if first is not None:
            archive.writestr(first, parts.pop(first), compress_type=zipfile.ZIP_STORED)
        for name, data in parts.items():
            archive.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def docx(*, macros: bool = False) -> bytes:
    parts = {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}
    if macros:
        parts["word/vbaProject.bin"] = b"\x00" * 16
    return _zip(parts)


def xlsx() -> bytes:
    return _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})


def odt() -> bytes:
    return _zip(
        {"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<office:document/>"},
        first="mimetype",
    )


def plain_zip() -> bytes:
    return _zip({"notes.txt": b"hello"})


# --- a minimal OLE2 compound file (the format of .doc and .xls) with one stream of 4096 bytes -------------

_FREE, _END, _FATSECT, _NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def _dir_entry(name: str, kind: int, child: int, start: int, size: int) -> bytes:
    encoded = (name + "\0").encode("utf-16-le") if name else b""
    return (
        encoded.ljust(64, b"\0")
        + struct.pack("<HBB", len(encoded), kind, 1)
        + struct.pack("<III", _NOSTREAM, _NOSTREAM, child)
        + b"\0" * 16  # class id
        + b"\0" * 4  # state bits
        + b"\0" * 16  # times
        + struct.pack("<IQ", start, size)
    )


def ole(stream: str) -> bytes:
    """A compound file holding one stream named `stream` ("WordDocument": a Word 97-2003 document,
    "Workbook": an Excel 97-2003 one)."""
    data_sectors = 8  # 4096 bytes: at the mini-stream cut-off, so kept in ordinary sectors
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\0" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\0" * 6
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, _END, 0, _END, 0)
        + struct.pack("<I", 0)
        + struct.pack("<I", _FREE) * 108
    )
    fat = [_FATSECT, _END, *range(3, 2 + data_sectors), _END]
    fat_sector = b"".join(struct.pack("<I", entry) for entry in fat).ljust(512, b"\xff")
    directory = (
        _dir_entry("Root Entry", 5, 1, _END, 0)
        + _dir_entry(stream, 2, _NOSTREAM, 2, 4096)
        + _dir_entry("", 0, _NOSTREAM, 0, 0)
        + _dir_entry("", 0, _NOSTREAM, 0, 0)
    )
    return header + fat_sector + directory + b"\x01" * 4096


def uploaded(content: bytes, name: str, content_type: str = "application/pdf") -> SimpleUploadedFile:
    """A file as the upload form receives it; `content_type` is what the browser claims (never believed)."""
    return SimpleUploadedFile(name, content, content_type=content_type)


def upload_document(partnership: Any, user: Any = None, **overrides: Any) -> Any:
    """A document of `partnership` uploaded through the service; a signed agreement PDF unless told."""
    from concordat.partnerships.uploads import document_upload

    content = overrides.pop("content", PDF)
    fields: dict[str, Any] = {
        "upload": io.BytesIO(content),
        "filename": "signed agreement.pdf",
        "size": len(content),
        "title": "Section 31 agreement, signed",
        "kind": "signed-agreement",
        **overrides,
    }
    outcome = document_upload(partnership=partnership, user=user, **fields)
    assert outcome.report.valid, outcome.report.as_dict()
    return outcome.document
