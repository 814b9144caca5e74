"""The partnership's papers: a lead commissioner uploads them, every member downloads them, the lead
removes them; what a file is comes from its bytes, it is never bigger than the limit, and every upload,
download and removal is on the partnership's trail."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from concordat.core.models import AuditEntry, Kind
from concordat.core.roles import Role
from concordat.documents.files import safe_name
from concordat.documents.filetypes import PDF as PDF_TYPE
from concordat.partnerships.models import Document, RetiredKey
from concordat.partnerships.uploads import document_upload
from tests.documents import samples
from tests.factories import member

SLUG = "salford-dat"


def upload_url() -> str:
    return reverse("partnerships:upload-document", args=[SLUG])


def post_upload(client: Any, content: bytes, name: str, **fields: Any) -> Any:
    data = {
        "file": samples.uploaded(content, name),
        "title": "Section 31 agreement, signed",
        "kind": "signed-agreement",
        "reference": "",
        "attach_to": "",
        **fields,
    }
    return client.post(upload_url(), data)


def stored_files(settings: Any) -> list[Path]:
    return [path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()]


def field_errors(response: Any, field: str = "file") -> list[str]:
    return list(response.context["form"].errors.get(field, []))


# --- upload, download, remove ----------------------------------------------------------------------------


def test_a_lead_uploads_a_member_downloads_and_the_lead_removes(
    client: Any, partnership: Any, lead: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(lead)
    response = post_upload(client, samples.PDF, "signed.pdf", reference="forward plan ref E645")
    assert response.status_code == 302
    document = Document.objects.get(partnership=partnership)
    assert (document.title, document.kind, document.reference) == (
        "Section 31 agreement, signed",
        "signed-agreement",
        "forward plan ref E645",
    )
    assert (document.content_type, document.size) == ("application/pdf", len(samples.PDF))
    assert document.sha256 == hashlib.sha256(samples.PDF).hexdigest()
    assert document.original_name == "signed.pdf"
    assert document.uploaded_by == lead.get_full_name()
    # Stored under a name the service made, not the uploader's
    assert document.file.name == f"partnerships/{partnership.pk}/documents/{document.key}.pdf"
    assert [path.read_bytes() for path in stored_files(settings)] == [samples.PDF]

    page = client.get(reverse("partnerships:documents", args=[SLUG]))
    assert "Section 31 agreement, signed" in page.content.decode()
    assert "forward plan ref E645" in page.content.decode()

    board = member(partnership, Role.BOARD_MEMBER, username="board")
    client.force_login(board)
    download = client.get(reverse("partnerships:download-document", args=[SLUG, document.key]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == samples.PDF
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == 'attachment; filename="signed.pdf"'
    assert download["X-Content-Type-Options"] == "nosniff"

    client.force_login(lead)
    remove_url = reverse("partnerships:remove-document", args=[SLUG, document.key])
    confirm = client.get(remove_url)
    assert (
        "Are you sure you want to remove the document ‘Section 31 agreement, signed’"
        in confirm.content.decode()
    )
    assert Document.objects.count() == 1  # asking removed nothing
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(remove_url)
    assert response.status_code == 302
    assert not Document.objects.exists()
    assert stored_files(settings) == []  # deleted on commit
    assert RetiredKey.objects.filter(
        partnership=partnership, collection="documents", key=document.key
    ).exists()


def test_downloads_are_attachments_whatever_the_type(client: Any, partnership: Any, lead: Any) -> None:
    document = samples.upload_document(
        partnership, content=samples.PNG, filename="chart.png", kind="appendix"
    )
    client.force_login(lead)
    download = client.get(reverse("partnerships:download-document", args=[SLUG, document.key]))
    assert download["Content-Type"] == "image/png"
    assert download["Content-Disposition"].startswith("attachment;")
    assert "sandbox" in download["Content-Security-Policy"]


def test_a_removal_rolled_back_keeps_the_file(partnership: Any, lead: Any, settings: Any) -> None:
    from django.db import transaction

    from concordat.partnerships.uploads import document_remove

    document = samples.upload_document(partnership)
    with pytest.raises(RuntimeError), transaction.atomic():
        document_remove(partnership=partnership, user=lead, key=document.key)
        raise RuntimeError("the transaction fails after the removal")
    assert Document.objects.filter(pk=document.pk).exists()
    assert default_storage.exists(document.file.name)


def test_a_second_submission_of_the_same_upload_form_keeps_one_document(
    client: Any, partnership: Any, lead: Any, settings: Any
) -> None:
    client.force_login(lead)
    post_upload(client, samples.PDF, "signed.pdf", token="abcdefghij")
    response = post_upload(client, samples.PDF, "signed.pdf", token="abcdefghij")
    assert response.status_code == 302
    assert Document.objects.count() == 1
    assert len(stored_files(settings)) == 1


# --- the type is read from the contents -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "name", "mime", "stored_as"),
    [
        (samples.PDF, "agreement.pdf", "application/pdf", "agreement.pdf"),
        (
            samples.docx(),
            "draft.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "draft.docx",
        ),
        (
            samples.xlsx(),
            "budget.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "budget.xlsx",
        ),
        (samples.ole("WordDocument"), "old.doc", "application/msword", "old.doc"),
        (samples.ole("Workbook"), "old.xls", "application/vnd.ms-excel", "old.xls"),
        (samples.odt(), "minutes.odt", "application/vnd.oasis.opendocument.text", "minutes.odt"),
        (samples.JPEG, "scan.jpeg", "image/jpeg", "scan.jpeg"),
        # a PDF under another name is kept as the PDF it is, its name given the right ending
        (samples.PDF, "appendix.docx", "application/pdf", "appendix.docx.pdf"),
    ],
)
def test_accepted_files_are_kept_as_the_type_their_contents_show(
    client: Any, partnership: Any, lead: Any, content: bytes, name: str, mime: str, stored_as: str
) -> None:
    client.force_login(lead)
    response = post_upload(client, content, name)
    assert response.status_code == 302, field_errors(response)
    document = Document.objects.get()
    assert (document.content_type, document.original_name) == (mime, stored_as)


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (samples.TEXT, "agreement.pdf", "its contents show none of these"),
        (samples.HTML, "agreement.pdf", "its contents show none of these"),
        (samples.EXE, "appendix.docx", "its contents show a .exe file"),
        (samples.plain_zip(), "budget.xlsx", "its contents show a .zip archive"),
        (samples.docx(macros=True), "appendix.docx", "contains macros"),
        (samples.PDF[:4] + b"\x00" * 10, "broken.pdf", "its contents show none of these"),
    ],
)
def test_a_file_whose_contents_are_not_an_accepted_type_is_refused_at_the_field(
    client: Any, partnership: Any, lead: Any, settings: Any, content: bytes, name: str, message: str
) -> None:
    client.force_login(lead)
    response = post_upload(client, content, name)
    assert response.status_code == 200
    assert any(message in error for error in field_errors(response)), field_errors(response)
    assert "govuk-error-summary" in response.content.decode()
    assert not Document.objects.exists()
    assert stored_files(settings) == []


def test_an_empty_file_is_refused(client: Any, partnership: Any, lead: Any) -> None:
    client.force_login(lead)
    response = post_upload(client, b"", "empty.pdf")
    assert field_errors(response) == ["The selected file is empty"]
    assert not Document.objects.exists()


def test_a_file_over_the_limit_is_refused_and_never_stored(
    client: Any, partnership: Any, lead: Any, settings: Any
) -> None:
    settings.DOCUMENT_MAX_BYTES = 1024
    client.force_login(lead)
    response = post_upload(client, samples.PDF + b"%" * 2000, "big.pdf")
    assert field_errors(response) == ["The selected file must be smaller than 1.0 KB"]
    assert not Document.objects.exists()
    assert stored_files(settings) == []
    just_fits = post_upload(client, samples.PDF + b"%" * (1024 - len(samples.PDF)), "fits.pdf")
    assert just_fits.status_code == 302


def test_the_service_refuses_an_oversized_file_on_its_own(partnership: Any, lead: Any, settings: Any) -> None:
    settings.DOCUMENT_MAX_BYTES = 10
    outcome = document_upload(
        partnership=partnership,
        user=lead,
        upload=io.BytesIO(samples.PDF),
        filename="a.pdf",
        size=len(samples.PDF),
        title="A",
        kind="other",
    )
    assert [(p.path, p.code) for p in outcome.report.errors] == [("file", "too-large")]


def test_every_mistake_is_reported_at_once(partnership: Any, lead: Any) -> None:
    outcome = document_upload(
        partnership=partnership,
        user=lead,
        upload=io.BytesIO(samples.HTML),
        filename="a.pdf",
        size=len(samples.HTML),
        title=" ",
        kind="poem",
        reference="x" * 301,
        attach_to=("partners", "PCT"),
    )
    assert sorted((p.path, p.code) for p in outcome.report.errors) == [
        ("attach_to", "invalid"),
        ("file", "type"),
        ("kind", "invalid"),
        ("reference", "too-long"),
        ("title", "required"),
    ]


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("C:\\fakepath\\Signed agreement.pdf", "Signed agreement.pdf"),
        ("../../etc/passwd", "passwd.pdf"),
        ('a"b;c\r\nd.pdf', "a b c d.pdf"),
        ("", "document.pdf"),
        ("...pdf", "pdf.pdf"),
        ("x" * 300 + ".pdf", "x" * 146 + ".pdf"),
    ],
)
def test_file_names_are_kept_only_as_safe_labels(name: str, safe: str) -> None:
    assert safe_name(name, PDF_TYPE) == safe


# --- evidence for an entry --------------------------------------------------------------------------------


def test_a_document_attached_to_an_approval_is_shown_on_the_approvals_page(
    client: Any, partnership: Any, lead: Any
) -> None:
    approval = partnership.approvals.order_by("position").first()
    client.force_login(lead)
    form = client.get(upload_url() + f"?for=approvals:{approval.key}")
    assert f'value="approvals:{approval.key}" selected' in form.content.decode()
    post_upload(
        client, samples.PDF, "minutes.pdf", title="Board minutes", attach_to=f"approvals:{approval.key}"
    )
    document = Document.objects.get()
    assert (document.attached_collection, document.attached_key) == ("approvals", approval.key)
    page = client.get(reverse("partnerships:approvals", args=[SLUG])).content.decode()
    assert "Board minutes" in page
    assert reverse("partnerships:download-document", args=[SLUG, document.key]) in page
    listing = client.get(reverse("partnerships:documents", args=[SLUG])).content.decode()
    assert f"The approval ‘{approval}’" in listing


def test_a_document_attached_to_a_governance_item_is_shown_on_the_checklist(
    client: Any, partnership: Any, lead: Any
) -> None:
    item = partnership.governance_items.first()
    samples.upload_document(partnership, title="Risk assessment", attach_to=("governance", item.item))
    client.force_login(lead)
    page = client.get(reverse("partnerships:governance", args=[SLUG])).content.decode()
    assert "Risk assessment" in page


def test_an_entry_that_does_not_exist_cannot_be_given_evidence(
    client: Any, partnership: Any, lead: Any
) -> None:
    outcome = document_upload(
        partnership=partnership,
        user=lead,
        upload=io.BytesIO(samples.PDF),
        filename="a.pdf",
        size=len(samples.PDF),
        title="A",
        kind="other",
        attach_to=("approvals", "nosuchkey1"),
    )
    assert [(p.path, p.code) for p in outcome.report.errors] == [("attach_to", "no-such-entry")]
    assert not Document.objects.exists()
    client.force_login(lead)
    response = post_upload(client, samples.PDF, "a.pdf", attach_to="approvals:nosuchkey1")
    assert field_errors(response, "attach_to")  # not one of the choices
    assert not Document.objects.exists()


def test_evidence_outlives_its_entry_and_says_so(client: Any, partnership: Any, lead: Any) -> None:
    from concordat.partnerships import services

    approval = partnership.approvals.order_by("position").first()
    samples.upload_document(partnership, title="Board minutes", attach_to=("approvals", approval.key))
    services.entry_remove(partnership=partnership, user=lead, collection="approvals", key=approval.key)
    client.force_login(lead)
    listing = client.get(reverse("partnerships:documents", args=[SLUG])).content.decode()
    assert "Board minutes" in listing
    assert "A removed approval" in listing


# --- who may -------------------------------------------------------------------------------------------------


def test_a_non_member_gets_404_and_a_member_without_the_permission_403(
    client: Any, partnership: Any, outsider: Any, settings: Any
) -> None:
    document = samples.upload_document(partnership)
    pool = member(partnership, Role.POOL_MANAGER, username="pool")
    download = reverse("partnerships:download-document", args=[SLUG, document.key])
    client.force_login(outsider)
    assert client.get(download).status_code == 404
    assert post_upload(client, samples.PDF, "x.pdf").status_code == 404
    client.force_login(pool)
    assert client.get(download).status_code == 200
    assert post_upload(client, samples.PDF, "x.pdf").status_code == 403
    assert client.post(reverse("partnerships:remove-document", args=[SLUG, document.key])).status_code == 403
    assert Document.objects.count() == 1
    assert len(stored_files(settings)) == 1


def test_another_partnerships_document_is_not_found_by_its_key(client: Any, partnership: Any) -> None:
    from tests.factories import load_partnership

    other = load_partnership(slug="other-dat", name="Other DAT")
    theirs = samples.upload_document(other)
    client.force_login(member(partnership, Role.LEAD_COMMISSIONER, username="ours"))
    assert client.get(reverse("partnerships:download-document", args=[SLUG, theirs.key])).status_code == 404


def test_an_upload_is_refused_without_a_csrf_token(partnership: Any, lead: Any) -> None:
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(lead)
    response = strict.post(
        upload_url(), {"file": samples.uploaded(samples.PDF, "a.pdf"), "title": "A", "kind": "other"}
    )
    assert response.status_code == 403
    assert not Document.objects.exists()


# --- the audit trail ---------------------------------------------------------------------------------------


def test_uploads_downloads_and_removals_are_on_the_trail_in_plain_english(
    client: Any, partnership: Any, lead: Any
) -> None:
    client.force_login(lead)
    post_upload(client, samples.PDF, "signed.pdf")
    document = Document.objects.get()
    client.get(reverse("partnerships:download-document", args=[SLUG, document.key]))
    client.post(reverse("partnerships:remove-document", args=[SLUG, document.key]))
    entries = AuditEntry.objects.filter(
        partnership=SLUG,
        kind__in=[Kind.DOCUMENT_UPLOADED, Kind.DOCUMENT_DOWNLOADED, Kind.DOCUMENT_REMOVED],
    ).order_by("id")
    who, size = lead.get_full_name(), len(samples.PDF)
    assert [(e.kind, e.sentence) for e in entries] == [
        (
            Kind.DOCUMENT_UPLOADED,
            f"{who} uploaded the signed agreement ‘Section 31 agreement, signed’ (signed.pdf, {size} bytes)",
        ),
        (
            Kind.DOCUMENT_DOWNLOADED,
            f"{who} downloaded the signed agreement ‘Section 31 agreement, signed’ (signed.pdf)",
        ),
        (
            Kind.DOCUMENT_REMOVED,
            f"{who} removed the signed agreement ‘Section 31 agreement, signed’ (signed.pdf, {size} bytes)",
        ),
    ]
    trail = client.get(reverse("partnerships:audit", args=[SLUG])).content.decode()
    assert "downloaded the signed agreement" in trail


def test_a_download_refused_is_not_recorded(client: Any, partnership: Any, outsider: Any) -> None:
    document = samples.upload_document(partnership)
    client.force_login(outsider)
    client.get(reverse("partnerships:download-document", args=[SLUG, document.key]))
    assert not AuditEntry.objects.filter(kind=Kind.DOCUMENT_DOWNLOADED).exists()


def test_a_document_whose_file_is_missing_is_a_404_not_a_crash(
    client: Any, partnership: Any, lead: Any
) -> None:
    document = samples.upload_document(partnership)
    default_storage.delete(document.file.name)
    client.force_login(lead)
    assert client.get(reverse("partnerships:download-document", args=[SLUG, document.key])).status_code == 404
    assert not AuditEntry.objects.filter(kind=Kind.DOCUMENT_DOWNLOADED).exists()
