"""The agreement as documents: the Section 31 notification form (a page, and the same template as a PDF)
and the partnership file (YAML)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from concordat.core import clock
from concordat.core.audit import record_access, record_event
from concordat.core.models import Kind
from concordat.documents.pdf import pdf_response

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
    # Recorded signatories fill the signature block (notification.signature_lines): each with the
    # partner's code, name, role and date. None are recorded yet: every partner gets blank lines to sign.
    signatories: list[Any] = []
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
    template_name = "partnerships/notification_form.html"
    section = "partnerships:notification-form"
    page_title = "Section 31 notification form"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            notification_form_context(self.partnership),
            can_export=self.request.user.has_perm("partnerships.export_agreement", self.partnership),
        )
        return context


class NotificationFormPdf(NotificationFormPage):
    """The same template as the page, as an A4 PDF download."""

    def render_to_response(self, context: dict[str, Any], **response_kwargs: Any) -> HttpResponse:
        record_event(
            kind=Kind.FORM_DOWNLOADED,
            actor=self.request.user,
            partnership_slug=self.partnership.slug,
            summary="downloaded the Section 31 notification form as a PDF",
            obj=self.partnership,
        )
        return pdf_response(
            self.request,
            self.template_name,
            context,
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
