"""The submission upload form: the file, the provider (when the officer acts for several), the period end."""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout
from django import forms

from concordat.documents.files import readable_size
from concordat.partnerships.models import Provider

from .casework import DayMonthYearField


class SubmissionForm(forms.Form):
    file = forms.FileField(
        label="Submission file",
        error_messages={"required": "Select a file", "empty": "The selected file is empty"},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    provider = forms.ChoiceField(
        label="Provider", widget=forms.RadioSelect, error_messages={"required": "Select the provider"}
    )
    period_end = DayMonthYearField(
        label="Period end",
        help_text="The date the data is complete to, for example 31 3 2005",
    )

    def __init__(self, *args: Any, providers: list[Provider], limit: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = (
            "A CSV file (UTF-8, with a header row) as treatment-data.md describes, smaller than "
            f"{readable_size(limit)}. It replaces everything your provider submitted before."
        )
        self.fields["provider"].choices = [(p.code, p.name) for p in providers]
        if len(providers) == 1:
            self.fields["provider"].initial = providers[0].code
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the page writes the <form> and its token
        self.helper.layout = Layout(
            "file",
            Field.radios("provider", legend_size="s"),
            Field("period_end", context={"legend_size": "s"}),
        )
