"""What every partnership page shares: finding the partnership the user may see, the navigation, and
turning the agreement checker's problems into GOV.UK form errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import FormView, TemplateView

from concordat.core.problems import Report

from .. import services
from ..models import Partnership

# (url name, link text); the first is the overview.
SECTIONS = [
    ("partnerships:overview", "Overview"),
    ("partnerships:contributions", "Contributions"),
    ("partnerships:aims", "Aims and milestones"),
    ("partnerships:governance", "Governance"),
    ("partnerships:approvals", "Approvals"),
    ("partnerships:consultation", "Consultation"),
    ("partnerships:board", "Board"),
    ("partnerships:appraisals", "Options appraisals"),
    ("partnerships:notification-form", "Notification form"),
]


def partnership_for(
    request: HttpRequest, slug: str, permission: str = "partnerships.view_partnership"
) -> Partnership:
    """The partnership, if the user may see it: 404 for non-members (its existence is not disclosed),
    403 for members whose role lacks `permission`."""
    partnership = Partnership.objects.filter(slug=slug).first()
    if partnership is None or not request.user.has_perm("partnerships.view_partnership", partnership):
        raise Http404("No such partnership")
    if not request.user.has_perm(permission, partnership):
        raise PermissionDenied
    return partnership


def navigation(
    request: HttpRequest, partnership: Partnership | None, current: str | None
) -> list[dict[str, Any]]:
    items = [
        {
            "href": reverse("partnerships:list"),
            "text": "Partnerships",
            "current": current == "partnerships:list",
        }
    ]
    if partnership is not None:
        items = [
            {"href": reverse(name, args=[partnership.slug]), "text": text, "current": name == current}
            for name, text in SECTIONS
        ]
        if request.user.has_perm("partnerships.view_members", partnership):
            items.append(
                {
                    "href": reverse("partnerships:members", args=[partnership.slug]),
                    "text": "Members",
                    "current": current == "partnerships:members",
                }
            )
        if request.user.has_perm("partnerships.view_audit_trail", partnership):
            items.append(
                {
                    "href": reverse("partnerships:audit", args=[partnership.slug]),
                    "text": "Audit trail",
                    "current": current == "partnerships:audit",
                }
            )
    return items


class PartnershipPage(LoginRequiredMixin, TemplateView):
    """A page about one partnership. Subclasses set `template_name`, `section` (url name), `page_title`."""

    permission = "partnerships.view_partnership"
    section: str = "partnerships:overview"
    page_title = ""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.partnership = partnership_for(request, kwargs["slug"], self.permission)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        p = self.partnership
        context.update(
            partnership=p,
            page_title=self.page_title,
            navigation=navigation(self.request, p, self.section),
            can_change=self.request.user.has_perm("partnerships.change_agreement", p),
            can_change_contributions=self.request.user.has_perm("partnerships.change_contributions", p),
            breadcrumbs=[
                {"href": reverse("partnerships:list"), "text": "Partnerships"},
                {"href": reverse("partnerships:overview", args=[p.slug]), "text": p.name},
            ],
        )
        return context


def apply_problems(form: forms.Form, report: Report, field_for: Callable[[str], str | None]) -> None:
    """Put the checker's errors on the form: each on the field `field_for(path)` names, or on the form as a
    whole when it names none, so the error summary shows every one."""
    for problem in report.errors:
        name = field_for(problem.path)
        form.add_error(name if name in form.fields else None, problem.message)


def field_under(prefix: str) -> Callable[[str], str | None]:
    """Problems at "<prefix>.<key>..." belong to field <key>: field_under("governance[3]")("governance[3].evidence")
    is "evidence"; with no prefix, top-level keys name fields ("host_partner")."""

    def field_for(path: str) -> str | None:
        if prefix and not path.startswith(prefix + "."):
            return None
        rest = path[len(prefix) + 1 :] if prefix else path
        return rest.split(".")[0].split("[")[0] or None

    return field_for


class AgreementFormView(LoginRequiredMixin, FormView):
    """A form that changes the agreement: the form's cleaned data edits the agreement document, which is
    checked whole and loaded (services.agreement_edit). Subclasses implement `edit`, and say where the
    checker's problems go with `prefix_for_problems` (or override `field_for_problem`)."""

    permission = "partnerships.change_agreement"
    template_name = "partnerships/agreement_form.html"
    section = "partnerships:overview"
    page_title = ""
    success_message = "Saved"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.partnership = partnership_for(request, kwargs["slug"], self.permission)
        return super().dispatch(request, *args, **kwargs)

    def edit(self, document: dict[str, Any], data: dict[str, Any]) -> None:
        raise NotImplementedError

    def prefix_for_problems(self) -> str:
        return ""

    def field_for_problem(self, path: str) -> str | None:
        """Which form field a checker problem at `path` belongs to (None: the form as a whole)."""
        prefix = self.prefix_for_problems()
        return field_under(prefix)(path) if prefix else None

    def get_success_url(self) -> str:
        return reverse(self.section, args=[self.partnership.slug])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        p = self.partnership
        context.update(
            partnership=p,
            page_title=self.page_title,
            navigation=navigation(self.request, p, self.section),
            cancel_url=self.get_success_url(),
            breadcrumbs=[
                {"href": reverse("partnerships:list"), "text": "Partnerships"},
                {"href": reverse("partnerships:overview", args=[p.slug]), "text": p.name},
            ],
        )
        return context

    def form_valid(self, form: forms.Form) -> HttpResponse:
        data = form.cleaned_data
        edit: Callable[[dict[str, Any]], None] = lambda document: self.edit(document, data)  # noqa: E731
        outcome = services.agreement_edit(partnership=self.partnership, user=self.request.user, edit=edit)
        if not outcome.report.valid:
            apply_problems(form, outcome.report, self.field_for_problem)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message if outcome.changes.any else "No changes to save")
        return redirect(self.get_success_url())
