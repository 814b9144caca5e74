"""What every partnership page shares: finding the partnership the user may see, the navigation, and
turning the agreement checker's problems into GOV.UK form errors."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import FormView, TemplateView

from concordat.core.navigation import partnership_tabs
from concordat.core.problems import Report

from .. import permissions, services
from ..errors import AlreadySaved, EntryGone, StaleEdit
from ..keys import new_key
from ..models import Partnership
from ..shape import export_agreement


def partnership_for(
    request: HttpRequest, slug: str, permission: str = "partnerships.view_partnership"
) -> Partnership:
    """permissions.partnership_for for the signed-in user of `request`."""
    return permissions.partnership_for(request.user, slug, permission)


def navigation(
    request: HttpRequest, partnership: Partnership | None, current: str | None
) -> list[dict[str, Any]]:
    """The service navigation: the partnerships list, or a partnership's tabs (core.navigation)."""
    if partnership is None:
        return [
            {
                "href": reverse("partnerships:list"),
                "text": "Partnerships",
                "current": current == "partnerships:list",
            }
        ]
    return partnership_tabs(request.user, partnership, current)


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
    whole when it names none, so the error summary shows every one. A form shows a problem in words
    (Problem.text), never with its path into the file: the file, the command line and the API keep paths."""
    for problem in report.errors:
        name = field_for(problem.path)
        form.add_error(name if name in form.fields else None, problem.text)


def field_under(prefix: str) -> Callable[[str], str | None]:
    """Problems at "<prefix>.<key>..." belong to field <key>: field_under("governance[3]")("governance[3].evidence")
    is "evidence"; with no prefix, top-level keys name fields ("host_partner")."""

    def field_for(path: str) -> str | None:
        if prefix and not path.startswith(prefix + "."):
            return None
        rest = path[len(prefix) + 1 :] if prefix else path
        return rest.split(".")[0].split("[")[0] or None

    return field_for


def shown(value: Any) -> str:
    """A value of the agreement as the stale-edit panel shows it."""
    if isinstance(value, list):
        return "; ".join(shown(item) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{key}: {shown(item)}" for key, item in value.items())
    if isinstance(value, date):
        return value.strftime("%-d %B %Y")
    return "" if value is None else str(value)


class AgreementFormView(LoginRequiredMixin, FormView):
    """A form that changes part of the agreement. The page carries a fingerprint of the part it showed
    (`seen`) and, for a new entry, a one-time `token`; `save` hands them to a service, which refuses a stale
    save (StaleEdit: the page then shows who changed it, when, and their values beside the user's own) and
    a second submission (AlreadySaved). Subclasses implement `current` (the part, from the document) and
    `save`, and may set `problem_prefix` through the outcome's path."""

    permission = "partnerships.change_agreement"
    template_name = "partnerships/agreement_form.html"
    section = "partnerships:overview"
    page_title = ""
    success_message = "Saved"
    adding = False

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.partnership = partnership_for(request, kwargs["slug"], self.permission)
        return super().dispatch(request, *args, **kwargs)

    @property
    def document(self) -> dict[str, Any]:
        if not hasattr(self, "_document"):
            self._document = export_agreement(self.partnership)
        return self._document

    def current(self, document: dict[str, Any]) -> Any:
        """The part of the agreement this form edits (raise Http404 when it names nothing)."""
        return services.scalars(document)

    def save(self, data: dict[str, Any], *, seen: str | None, token: str | None) -> services.Outcome:
        raise NotImplementedError

    def field_for_problem(self, path: str, outcome: services.Outcome) -> str | None:
        """Which form field a checker problem at `path` belongs to (None: the form as a whole)."""
        return field_under(outcome.path)(path) if outcome.path else None

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs.update(document=self.document, adding=self.adding)
        return kwargs

    def get_success_url(self) -> str:
        return reverse(self.section, args=[self.partnership.slug])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        p = self.partnership
        posted = self.request.POST if self.request.method == "POST" else {}
        context.update(
            partnership=p,
            page_title=self.page_title,
            navigation=navigation(self.request, p, self.section),
            cancel_url=self.get_success_url(),
            seen=kwargs.get("seen")
            or posted.get("seen")
            or services.fingerprint(self.current(self.document)),
            token=(posted.get("token") or new_key()) if self.adding else "",
            breadcrumbs=[
                {"href": reverse("partnerships:list"), "text": "Partnerships"},
                {"href": reverse("partnerships:overview", args=[p.slug]), "text": p.name},
            ],
        )
        return context

    def label_of(self, form: forms.Form, name: str) -> str:
        field = form.fields.get(name)
        return str(field.label) if field is not None and field.label else name.replace("_", " ").capitalize()

    def stale_rows(self, form: forms.Form, current: Any) -> list[tuple[str, str]]:
        if not isinstance(current, dict):
            return [("Value", shown(current))]
        return [(self.label_of(form, name), shown(value)) for name, value in current.items() if name != "key"]

    def form_valid(self, form: forms.Form) -> HttpResponse:
        post = self.request.POST
        try:
            outcome = self.save(
                form.cleaned_data, seen=post.get("seen") or None, token=post.get("token") or None
            )
        except StaleEdit as stale:
            stale_view = {
                "changed_by": stale.changed_by,
                "changed_at": stale.changed_at,
                "rows": self.stale_rows(form, stale.current),
            }
            context = self.get_context_data(
                form=form, stale=stale_view, seen=services.fingerprint(stale.current)
            )
            return self.render_to_response(context, status=409)
        except EntryGone as gone:
            messages.error(self.request, f"{gone} by someone else. Nothing was saved.")
            return redirect(self.get_success_url())
        except AlreadySaved as saved:
            messages.success(self.request, f"{saved}: it was not saved again")
            return redirect(self.get_success_url())
        if not outcome.report.valid:
            apply_problems(form, outcome.report, lambda path: self.field_for_problem(path, outcome))
            return self.form_invalid(form)
        self.outcome = outcome
        messages.success(self.request, self.success_message if outcome.changes.any else "No changes to save")
        return redirect(self.get_success_url())
