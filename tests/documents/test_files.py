"""Uploads are cut off at the limit as they arrive, not after they are kept."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadhandler import SkipFile

from concordat.documents.files import LimitedUpload, readable_size


def test_an_upload_past_the_limit_is_dropped_as_it_arrives() -> None:
    handler = LimitedUpload(limit=100)
    handler.new_file("file", "big.pdf", "application/pdf", None)
    assert handler.receive_data_chunk(b"x" * 60, 0) == b"x" * 60  # passed on to the handlers that keep it
    with pytest.raises(SkipFile):
        handler.receive_data_chunk(b"x" * 60, 60)
    assert handler.too_large


def test_an_upload_at_the_limit_is_kept() -> None:
    handler = LimitedUpload(limit=100)
    handler.new_file("file", "fits.pdf", "application/pdf", None)
    handler.receive_data_chunk(b"x" * 100, 0)
    assert not handler.too_large


def test_the_upload_view_drops_a_big_file_before_the_service_sees_it(
    client: Any, partnership: Any, lead: Any, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.urls import reverse

    from concordat.partnerships import uploads
    from tests.documents.samples import PDF, uploaded

    called = []
    monkeypatch.setattr(uploads, "document_upload", lambda **kwargs: called.append(kwargs))
    settings.DOCUMENT_MAX_BYTES = 1024
    client.force_login(lead)
    response = client.post(
        reverse("partnerships:upload-document", args=["salford-dat"]),
        {"file": uploaded(PDF + b"%" * 5000, "big.pdf"), "title": "Big", "kind": "other"},
    )
    assert response.context["form"].errors["file"] == ["The selected file must be smaller than 1.0 KB"]
    assert called == []


@pytest.mark.parametrize(
    ("size", "words"),
    [(0, "0 bytes"), (1023, "1023 bytes"), (1024, "1.0 KB"), (1536, "1.5 KB"), (20 * 1024 * 1024, "20.0 MB")],
)
def test_sizes_read_as_people_read_them(size: int, words: str) -> None:
    assert readable_size(size) == words
