"""The partnership's papers: the Documents page (every member), uploading and removing (the lead
commissioner), downloading (every member, recorded). Files are only ever sent through `download_document`,
which checks membership first; nothing maps the storage to a URL."""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.generic import FormView, TemplateView

from concordat.documents.files import LimitedUpload, download, readable_size
from concordat.documents.filetypes import ACCEPTED, ACCEPTED_WORDS

from .. import uploads
from ..errors import AlreadySaved, EntryGone
from ..forms.fields import state_limits
from ..keys import new_key
from ..models import DOCUMENT_KINDS, Document
from ..rules.limits import LONG
from .base import PartnershipPage, apply_problems, navigation, partnership_for

MANAGE = "partnerships.manage_documents"


class DocumentsPage(PartnershipPage):
    template_name = "partnerships/documents.html"
    section = "partnerships:documents"
    page_title = "Documents"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        p = self.partnership
        entries = {(entry.collection, entry.key): entry for entry in uploads.attachable_entries(p)}
        context.update(
            documents=[
                (document, uploads.attached_to(document, entries), readable_size(document.size))
                for document in Document.objects.filter(partnership=p)
            ],
            can_manage=self.request.user.has_perm(MANAGE, p),
        )
        return context


class DocumentForm(forms.Form):
    file = forms.FileField(
        label="File",
        help_text=(f"It must be {ACCEPTED_WORDS}, smaller than {readable_size(settings.DOCUMENT_MAX_BYTES)}"),
        error_messages={"required": "Select a file", "empty": "The selected file is empty"},
        widget=forms.ClearableFileInput(
            attrs={"accept": ",".join(f".{ext}" for kind in ACCEPTED for ext in kind.extensions)}
        ),
    )
    title = forms.CharField(
        label="Title",
        max_length=LONG,
        help_text="For example, Section 31 agreement, signed",
        error_messages={"required": "Enter a title"},
    )
    kind = forms.ChoiceField(
        label="What is it?",
        choices=list(DOCUMENT_KINDS.items()),
        widget=forms.RadioSelect,
        error_messages={"required": "Select what the document is"},
    )
    reference = forms.CharField(
        label="Reference (optional)",
        max_length=LONG,
        required=False,
        help_text="The paper's own reference, for example forward plan ref E645",
    )
    attach_to = forms.ChoiceField(
        label="Evidence for",
        required=False,
        help_text="The partnership as a whole, or one entry of the agreement it is evidence for",
    )

    def __init__(self, *args: Any, entries: list[uploads.Entry], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit = readable_size(settings.DOCUMENT_MAX_BYTES)  # read now: the setting may change
        self.fields["file"].help_text = f"It must be {ACCEPTED_WORDS}, smaller than {limit}"
        state_limits(self)  # as every form: the limit in the hint, no maxlength to cut pasted text
        grouped: dict[str, list[tuple[str, str]]] = {}
        for entry in entries:
            grouped.setdefault(uploads.ATTACHABLE[entry.collection], []).append((entry.value, entry.label))
        self.fields["attach_to"].choices = [("", "The partnership as a whole"), *grouped.items()]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the page template writes the <form> and its token
        self.helper.layout = Layout(
            "file",
            Field.text("title"),
            Field.radios("kind", legend_size="s"),
            Field.text("reference"),
            Field.select("attach_to"),
        )


@method_decorator(csrf_exempt, name="dispatch")  # checked in dispatch, once the upload limit is in place
class UploadDocument(LoginRequiredMixin, FormView):
    template_name = "partnerships/document_upload.html"
    form_class = DocumentForm

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        # Who may upload is settled before the body is read; then the size limit is put in front of the
        # upload handlers, and only then the CSRF check (which reads the form, and so the upload) runs.
        self.partnership = partnership_for(request, kwargs["slug"], MANAGE)
        self.limit = LimitedUpload(settings.DOCUMENT_MAX_BYTES, request)
        request.upload_handlers.insert(0, self.limit)
        protected = csrf_protect(super().dispatch)
        return protected(request, *args, **kwargs)  # type: ignore[no-any-return]

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["entries"] = uploads.attachable_entries(self.partnership)
        return kwargs

    def get_initial(self) -> dict[str, Any]:
        # "Attach a document" on an entry's page opens this form with that entry chosen.
        return {"attach_to": self.request.GET.get("for", "")}

    def get_success_url(self) -> str:
        return reverse("partnerships:documents", args=[self.partnership.slug])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        p = self.partnership
        context.update(
            partnership=p,
            page_title="Upload a document",
            navigation=navigation(self.request, p, "partnerships:documents"),
            cancel_url=self.get_success_url(),
            token=self.request.POST.get("token") or new_key(),
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = self.get_form()
        valid = form.is_valid()
        if self.limit.too_large:  # the file was dropped as it arrived: say why, not "select a file"
            form.errors.pop("file", None)
            form.add_error(
                "file", f"The selected file must be smaller than {readable_size(settings.DOCUMENT_MAX_BYTES)}"
            )
            return self.form_invalid(form)
        return self.form_valid(form) if valid else self.form_invalid(form)

    def form_valid(self, form: DocumentForm) -> HttpResponse:
        data = form.cleaned_data
        upload = data["file"]
        collection, _, key = (data.get("attach_to") or "").partition(":")
        try:
            outcome = uploads.document_upload(
                partnership=self.partnership,
                user=self.request.user,
                upload=upload,
                filename=upload.name,
                size=upload.size,
                title=data["title"],
                kind=data["kind"],
                reference=data["reference"],
                attach_to=(collection, key) if collection else None,
                token=self.request.POST.get("token") or None,
            )
        except AlreadySaved:
            messages.success(self.request, "This document was already uploaded: it was not uploaded again")
            return redirect(self.get_success_url())
        if not outcome.report.valid:
            apply_problems(form, outcome.report, lambda path: path)
            return self.form_invalid(form)
        messages.success(self.request, "Document uploaded")
        return redirect(self.get_success_url())


@login_required
def download_document(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    """The file, to every member of the partnership, as an attachment; the download is on the trail."""
    partnership = partnership_for(request, slug)
    try:
        document, stored = uploads.document_open(partnership=partnership, user=request.user, key=key)
    except (EntryGone, FileNotFoundError):
        raise Http404("No such document") from None
    return download(stored, filename=document.original_name, content_type=document.content_type)


class RemoveDocument(LoginRequiredMixin, TemplateView):
    """ "Are you sure you want to remove …": GET asks, POST removes the document and its file."""

    template_name = "partnerships/confirm_remove.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.partnership = partnership_for(request, kwargs["slug"], MANAGE)
        return super().dispatch(request, *args, **kwargs)

    def success_url(self) -> str:
        return reverse("partnerships:documents", args=[self.partnership.slug])

    def gone(self) -> HttpResponse:
        messages.info(self.request, "That document had already been removed: nothing changed")
        return redirect(self.success_url())

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        document = Document.objects.filter(partnership=self.partnership, key=kwargs["key"]).first()
        if document is None:
            return self.gone()
        what = f"the document ‘{document.title}’ ({document.original_name})"
        return self.render_to_response(
            self.get_context_data(
                partnership=self.partnership,
                page_title=f"Remove {what}",
                navigation=navigation(request, self.partnership, "partnerships:documents"),
                noun="document",
                what=what,
                also=["its file, which cannot be recovered from Concordat"],
                cancel_url=self.success_url(),
            )
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            uploads.document_remove(partnership=self.partnership, user=request.user, key=kwargs["key"])
        except EntryGone:
            return self.gone()
        messages.success(request, "Document removed")
        return redirect(self.success_url())
