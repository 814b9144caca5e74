"""The agreement as documents: the Section 31 notification form (a page, and the same template as a PDF)
and the partnership file (YAML)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from concordat.core import clock
from concordat.core.audit import record_access, record_event
from concordat.core.models import Kind
from concordat.documents.cache import cached_document, document_key, sources_digest, warm_in_background
from concordat.documents.pdf import PRINT_STYLESHEETS, pdf_download, render_pdf

from .. import notification, selectors
from ..document import dump_yaml, export_agreement
from ..models import Partnership
from .base import PartnershipPage, partnership_for


def _age_range(min_age: int | None, max_age: int | None) -> str:
    if min_age is not None and max_age is not None:
        return f"{min_age} to {max_age}"
    if min_age is not None:
        return f"{min_age} or over"
    if max_age is not None:
        return f"up to {max_age}"
    return ""


def notification_form_context(partnership: Partnership, *, today: date | None = None) -> dict[str, Any]:
    """What the 13 sections of the Section 31 notification form show, read from the agreement."""
    p = partnership
    eligibility = p.eligibility or {}
    partners = selectors.partners(p)
    governance = selectors.governance_checklist(p)
    # Recorded signatories fill the signature block (notification.signature_lines); a partner nobody has
    # signed for gets blank lines to sign on.
    signatories = selectors.signatories(p)
    return {
        "partners": partners,
        "host_partner": next((row.partner for row in partners if row.is_host), None),
        "lead_commissioner": next((row.partner for row in partners if row.is_lead), None),
        "aims": [aim.text for aim in p.aims.all()],
        "outcomes": [outcome.text for outcome in p.outcomes.all()],
        "milestones": selectors.milestones(p, today=today or clock.today()),
        "improvements": p.narrative.get("improvements", []),
        "consultation": list(p.consultation.all()),
        "staff_movement": p.narrative.get("staff_movement", ""),
        "health_outcomes": p.narrative.get("health_outcomes", []),
        "joint_working": p.narrative.get("joint_working", []),
        "age_range": _age_range(eligibility.get("min_age"), eligibility.get("max_age")),
        "residence_in_area": eligibility.get("residence_in_area"),
        "eligibility_description": eligibility.get("description", ""),
        "years": selectors.contributions(p),
        "governance": governance,
        "generated_at": timezone.localtime(),
        "recipient": notification.recipient(),
        "draft_reasons": notification.draft_reasons(p, governance, today=today),
        "signatories": signatories,
        "signature_lines": notification.signature_lines(partners, signatories),
        "demo": getattr(p, "demo", False),
    }


class NotificationFormPage(PartnershipPage):
    template_name = "partnerships/notification_form.html"  # NOTIFICATION_FORM
    section = "partnerships:notification-form"
    page_title = "Section 31 notification form"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            notification_form_context(self.partnership),
            can_export=self.request.user.has_perm("partnerships.export_agreement", self.partnership),
        )
        return context


NOTIFICATION_FORM = "partnerships/notification_form.html"
# What the notification form's PDF is rendered from: a change to any of them makes new cache keys.
NOTIFICATION_FORM_SOURCES = (
    (NOTIFICATION_FORM, "partnerships/includes/notification_form_sections.html", "base.html"),
    PRINT_STYLESHEETS,
)


def render_notification_form_pdf(partnership: Partnership, *, today: date) -> bytes:
    """The notification form as an A4 PDF. Rendered without a request, so the document is the same
    whoever asks for it (it shows the agreement, nothing of the reader) and can be rendered outside one."""
    context = {
        "partnership": partnership,
        "page_title": NotificationFormPage.page_title,
        "service_name": settings.SERVICE_NAME,
        **notification_form_context(partnership, today=today),
    }
    return render_pdf(None, NOTIFICATION_FORM, context)


def notification_form_pdf_bytes(partnership: Partnership, *, today: date | None = None) -> bytes:
    """The notification form's PDF for the agreement as it stands (`partnership` as just read, so its
    version is current), from the cache: rendered once per version and day (documents/cache.py)."""
    day = today or clock.today()
    key = document_key(
        "notification-form", partnership, today=day, sources=sources_digest(*NOTIFICATION_FORM_SOURCES)
    )
    return cached_document(key, lambda: render_notification_form_pdf(partnership, today=day))


def warm_notification_form(sender: Any, *, slug: str, **kwargs: Any) -> None:
    """On `agreement_changed` (after the write committed): render the new version's PDF in the background,
    so the first person to download it does not wait and no worker is held by the render."""
    if not settings.DOCUMENTS_WARM_AFTER_WRITE:
        return

    def render() -> None:
        partnership = Partnership.objects.filter(slug=slug).first()
        if partnership is not None:
            notification_form_pdf_bytes(partnership)

    warm_in_background(f"notification form of {slug}", [render])


class NotificationFormPdf(PartnershipPage):
    """The notification form page's template as an A4 PDF download, served from the document cache."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        record_event(
            kind=Kind.FORM_DOWNLOADED,
            actor=request.user,
            partnership_slug=self.partnership.slug,
            summary="downloaded the Section 31 notification form as a PDF",
            obj=self.partnership,
        )
        return pdf_download(
            notification_form_pdf_bytes(self.partnership),
            filename=f"{self.partnership.slug}-notification-form.pdf",
        )


notification_form_pdf = NotificationFormPdf.as_view()


@login_required
def agreement_yaml(request: HttpRequest, slug: str) -> HttpResponse:
    """The agreement as its partnership file: loading it back changes nothing. The export is recorded in
    the audit trail as a read of the partnership."""
    partnership = partnership_for(request, slug, "partnerships.export_agreement")
    text = dump_yaml(export_agreement(partnership))
    record_access(
        user=request.user,
        obj=partnership,
        partnership_slug=partnership.slug,
        kind=Kind.FILE_EXPORTED,
        summary="exported the partnership file (YAML)",
    )
    response = HttpResponse(text, content_type="text/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{partnership.slug}.yaml"'
    return response
