"""The board's reports' forms: choosing a report (a GET form, so its address can be shared) and writing
one (narrative, the risks of the register it reports, sign-off, for publication)."""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout
from django import forms

from concordat.core.forms import say_what_is_missing
from concordat.core.years import FinancialYear, YearError

from . import rules
from .services import NAME_LIMIT, NARRATIVE_LIMIT

QUARTERS = [("1", "Q1 (April to June)"), ("2", "Q2 (July to September)"), ("3", "Q3 (October to December)"),
            ("4", "Q4 (January to March)")]  # fmt: skip


def _helper(form: forms.Form) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True  # the page template writes the <form> and its token
    helper.layout = Layout(*[Field(name) for name in form.fields])
    return helper


class ChooseReport(forms.Form):
    kind = forms.ChoiceField(
        label="Which report",
        choices=[
            (rules.QUARTERLY, "Quarterly performance report"),
            (rules.TREATMENT_PLAN, "Annual treatment plan"),
        ],
        widget=forms.RadioSelect,
        initial=rules.QUARTERLY,
    )
    year = forms.ChoiceField(
        label="Financial year of its figures",
        help_text="A treatment plan reports the outcome of this year and plans the next",
    )
    quarter = forms.ChoiceField(label="Quarter (for a quarterly report)", choices=QUARTERS, required=False)

    def __init__(self, *args: Any, years: list[FinancialYear], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(str(y), str(y)) for y in years]  # type: ignore[attr-defined]
        say_what_is_missing(self)
        self.helper = _helper(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        try:
            data["financial_year"] = FinancialYear.parse(data.get("year") or "")
        except YearError:
            if "year" not in self.errors:
                self.add_error("year", "Choose a financial year from the list")
        if data.get("kind") == rules.QUARTERLY and not data.get("quarter"):
            self.add_error("quarter", "Choose the quarter of the quarterly report")
        return data


class WriteReport(forms.Form):
    narrative = forms.CharField(
        label="Narrative",
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=f"What the board should know about this period's performance. At most {NARRATIVE_LIMIT:,} "
        "characters. A blank line starts a new paragraph.",
    )
    risk_keys = forms.MultipleChoiceField(
        label="Risks to report",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="From the agreement's risk register",
    )
    sign_off_name = forms.CharField(
        label="Signed off by (optional until it is issued)",
        required=False,
        help_text=f"Their name. At most {NAME_LIMIT} characters",
    )
    sign_off_role = forms.CharField(
        label="Their role (optional)", required=False, help_text=f"At most {NAME_LIMIT} characters"
    )
    for_publication = forms.BooleanField(
        label="For publication: its documents use published figures (counts of 1 to 4 withheld, others rounded to 5)",
        required=False,
    )

    def __init__(self, *args: Any, risks: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["risk_keys"]
        field.choices = risks  # type: ignore[attr-defined]
        if not risks:
            field.help_text = "The agreement's risk register has no risks yet"
        self.helper = _helper(self)

    def values(self) -> dict[str, Any]:
        return dict(self.cleaned_data)
