"""The account forms (changing one's own password), and what every form says of an answer left out, in the
GOV.UK pattern."""

from __future__ import annotations

import re
from typing import Any

from crispy_forms_gds.helper import FormHelper
from django import forms
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.password_validation import password_validators_help_texts


class ChangePasswordForm(PasswordChangeForm):
    """Django's password change (checks the current password, applies AUTH_PASSWORD_VALIDATORS), with
    GOV.UK's words and the password rules as one plain hint."""

    error_messages = {
        **PasswordChangeForm.error_messages,
        "password_incorrect": "Your current password is not correct",
        "password_mismatch": "The new passwords do not match",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = "Current password"
        self.fields["new_password1"].label = "New password"
        # The validators' own words, so the hint cannot drift from the rules (Django's default is a <ul>).
        self.fields["new_password1"].help_text = " ".join(password_validators_help_texts())
        self.fields["new_password2"].label = "Confirm new password"
        self.fields["new_password2"].help_text = ""
        for name, message in (
            ("old_password", "Enter your current password"),
            ("new_password1", "Enter a new password"),
            ("new_password2", "Enter the new password again"),
        ):
            self.fields[name].error_messages["required"] = message
            field: forms.CharField = self.fields[name]  # type: ignore[assignment]
            field.strip = False
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the page template writes the <form> and its token


# Labels that are already a phrase to put after "Enter" or "Select": no "the" before them.
_NO_ARTICLE = ("which ", "what ", "who ", "why ", "how ", "when ", "where ", "your ", "client's ", "the ")


def say_what_is_missing(form: forms.Form) -> None:
    """Each required field's message names what to enter or select ("Enter the title", "Select which
    episode"), as the Design System asks, instead of Django's "This field is required." — which, in an
    error summary of five, does not say which answer is missing. Messages a form set itself are kept."""
    default = forms.Field.default_error_messages["required"]
    for field in form.fields.values():
        if not field.required or field.error_messages.get("required") != default or not field.label:
            continue
        what = re.sub(r"\s*\([^)]*\)", "", str(field.label)).rstrip("?").strip()
        what = what[:1].lower() + what[1:] if not what[:2].isupper() else what
        if what.startswith("is it "):
            what = "whether it is " + what.removeprefix("is it ")
        elif not what.startswith(_NO_ARTICLE):
            what = "the " + what
        verb = "Select" if isinstance(field, forms.ChoiceField) else "Enter"
        field.error_messages["required"] = f"{verb} {what}"
