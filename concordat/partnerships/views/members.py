"""Who holds which role in a partnership; the lead commissioner adds and removes roles (the rules, such
as the separation of duties, are the membership service's: membership.py)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import FormView, TemplateView

from concordat.core.audit import person_name
from concordat.core.roles import Role

from .. import services
from ..membership import removal_problems
from ..models import Membership
from .base import PartnershipPage, apply_problems, field_under, navigation, partnership_for


class MembersPage(PartnershipPage):
    template_name = "partnerships/members.html"
    permission = "partnerships.view_members"
    section = "partnerships:members"
    page_title = "Members and roles"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["memberships"] = (
            Membership.objects.filter(partnership=self.partnership)
            .select_related("user", "provider")
            .order_by("user__username", "role")
        )
        context["can_manage"] = self.request.user.has_perm("partnerships.manage_members", self.partnership)
        return context


class MemberForm(forms.Form):
    username = forms.CharField(
        label="Username",
        help_text="An existing user of Concordat",
        error_messages={"required": "Enter the username"},
    )
    role = forms.ChoiceField(
        label="Role",
        choices=Role.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select a role"},
    )
    provider = forms.CharField(
        label="Provider code (optional)",
        required=False,
        help_text="Only for provider data officers and key workers",
    )
    partner = forms.CharField(
        label="Partner code (optional)",
        required=False,
        help_text="Only for partner representatives: the partner they speak for",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from crispy_forms_gds.helper import FormHelper

        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the page template writes the <form> and its token

    def clean_username(self) -> Any:
        user = get_user_model().objects.filter(username=self.cleaned_data["username"].strip()).first()
        if user is None:
            raise forms.ValidationError(
                "No user has that username: ask an administrator to create the account"
            )
        return user


class AddMemberForm(LoginRequiredMixin, FormView):
    template_name = "partnerships/agreement_form.html"
    form_class = MemberForm

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.partnership = partnership_for(request, kwargs["slug"], "partnerships.manage_members")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            partnership=self.partnership,
            page_title="Give someone a role",
            navigation=navigation(self.request, self.partnership, "partnerships:members"),
            cancel_url=reverse("partnerships:members", args=[self.partnership.slug]),
        )
        return context

    def form_valid(self, form: MemberForm) -> HttpResponse:
        data = form.cleaned_data
        report = services.membership_add(
            partnership=self.partnership,
            user=data["username"],
            role=data["role"],
            provider_code=data["provider"].strip() or None,
            partner_code=data["partner"].strip() or None,
            actor=self.request.user,
        )
        if not report.valid:
            apply_problems(form, report, field_under(""))
            return self.form_invalid(form)
        messages.success(
            self.request, f"{person_name(data['username'])} is now {Role(data['role']).label.lower()}"
        )
        return redirect("partnerships:members", self.partnership.slug)


class RemoveMemberPage(LoginRequiredMixin, TemplateView):
    """ "Are you sure you want to remove Ann Auditor's role of auditor?": GET asks, POST removes. A role
    that is already gone changes nothing and says so; the last lead commissioner is refused, with why."""

    template_name = "partnerships/members_remove.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.partnership = partnership_for(request, kwargs["slug"], "partnerships.manage_members")
        self.membership = (
            Membership.objects.filter(partnership=self.partnership, pk=kwargs["membership_id"])
            .select_related("user")
            .first()
        )
        if self.membership is None:
            messages.info(request, "That role had already been removed: nothing was changed")
            return redirect("partnerships:members", self.partnership.slug)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        membership = self.membership
        context.update(
            partnership=self.partnership,
            membership=membership,
            person=person_name(membership.user),
            role=membership.get_role_display().lower(),
            page_title=f"Are you sure you want to remove {person_name(membership.user)}'s role of "
            f"{membership.get_role_display().lower()}?",
            navigation=navigation(self.request, self.partnership, "partnerships:members"),
            cancel_url=reverse("partnerships:members", args=[self.partnership.slug]),
        )
        context.setdefault("problems", removal_problems(membership).errors)
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        membership = self.membership
        report = services.membership_remove(
            partnership=self.partnership, user=membership.user, role=membership.role, actor=request.user
        )
        if not report.valid:
            return self.render_to_response(self.get_context_data(problems=report.errors))
        if report.warnings:
            messages.info(request, "That role had already been removed: nothing was changed")
        else:
            messages.success(
                request,
                f"Removed {person_name(membership.user)}'s role of {membership.get_role_display().lower()}",
            )
        return redirect("partnerships:members", self.partnership.slug)


remove_member = RemoveMemberPage.as_view()
