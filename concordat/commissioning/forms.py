"""The commissioning forms. Fields take what people type as text: the services check it (money, dates,
codes) and their problems come back onto the fields by path, the same checks as the API's."""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout
from django import forms

from concordat.core.forms import say_what_is_missing
from concordat.core.money import pence_to_str
from concordat.partnerships.forms.fields import pence_from_text, state_limits
from concordat.partnerships.rules import vocabulary as words
from concordat.partnerships.rules.limits import LONG, NAME, PROSE

from .rules import stages

SHORT = 20  # dates and amounts
DATE_HINT = "For example, 2024-03-27 (year, month, day)"
MONEY_HINT = "In pounds, for example, 2984360.00 or £2,984,360"


class CommissioningForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.prepare()
        say_what_is_missing(self)
        # Limits said in hints, never as maxlength (the browser would cut pasted text silently); a date or
        # an amount needs no "at most 10 characters" hint: its own hint shows what to write.
        hints = {name: field.help_text for name, field in self.fields.items()}
        state_limits(self)
        for name, field in self.fields.items():
            if isinstance(field, forms.CharField) and field.max_length and field.max_length <= SHORT:
                field.help_text = hints[name]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the page template writes the <form> and its token
        self.helper.layout = Layout(*[Field(name) for name in self.fields])

    def prepare(self) -> None:
        """Choices that depend on the partnership or the procurement."""

    def values(self) -> dict[str, Any]:
        """What the service is given: the typed text, blanks left out."""
        return {k: v for k, v in self.cleaned_data.items() if v not in ("", None, [])}


def _text(
    label: str, *, required: bool = False, max_length: int = LONG, hint: str = "", missing: str = ""
) -> forms.CharField:
    """A text answer; `missing` is what to say when a required one is left out, where the label does not
    make a phrase after "Enter" (core.forms.say_what_is_missing)."""
    messages = {"required": missing} if missing else None
    return forms.CharField(
        label=label, required=required, max_length=max_length, help_text=hint, error_messages=messages
    )


class PoundsText(forms.CharField):
    """An amount typed as people type pounds ("£100,000", "100000", "597500.5"), handed to the service as
    the file writes money ("100000.00"). What is not money ("1e5", "£-0.001") is handed on as typed, so
    the service refuses it in the same words as from the API and the file."""

    def clean(self, value: Any) -> Any:
        text = super().clean(value)
        try:
            return pence_to_str(pence_from_text(text)) if text else text
        except forms.ValidationError:
            return text


def _money(label: str, *, required: bool = False) -> forms.CharField:
    return PoundsText(label=label, required=required, max_length=SHORT, help_text=MONEY_HINT)


def _prose(label: str, *, required: bool = False, hint: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=PROSE,
        help_text=hint,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ProcurementForm(CommissioningForm):
    title = _text("Title", required=True)
    health_care = forms.TypedChoiceField(
        label="Is it for health care services?",
        choices=[
            ("true", "Yes: the Provider Selection Regime 2023 applies from 1 January 2024"),
            ("false", "No: the Procurement Act 2023 applies from 24 February 2025"),
        ],
        coerce=lambda v: v == "true",
        widget=forms.RadioSelect,
        initial="true",
    )
    estimated_annual_value = _money("Estimated annual value (optional)")
    estimated_whole_life_value = _money("Estimated whole-life value (optional)")
    max_term_years = forms.IntegerField(
        label="Maximum term in years, with extensions (optional)", required=False
    )

    def values(self) -> dict[str, Any]:
        values = super().values()
        values["health_care"] = self.cleaned_data["health_care"]
        return values


class StageForm(CommissioningForm):
    """The next stage of a procurement: its date and decision maker, and what that stage records."""

    date = _text("Date", required=True, hint=DATE_HINT, max_length=10)
    decided_by = _text("Who decided (for example, the Cabinet)", max_length=LONG)
    reference = _text("Reference (optional)", hint="A notice's or paper's reference")
    notes = _prose("Notes (optional)")

    def __init__(
        self,
        *args: Any,
        stage: str,
        health_care: bool,
        providers: list[tuple[str, str]],
        process: str | None = None,
        **kwargs: Any,
    ) -> None:
        self.stage, self.health_care, self.providers = stage, health_care, providers
        self.process = process
        super().__init__(*args, **kwargs)

    def prepare(self) -> None:
        if self.stage == "process-chosen":
            self.fields["process"] = forms.ChoiceField(
                label="Process",
                choices=stages.process_choices(health_care=self.health_care),
                widget=forms.RadioSelect,
                help_text="The law is the one in force on the date above: a process of another law is refused",
            )
        if self.stage == "evaluated":
            self.fields["criteria"] = _prose(
                "Criteria, weights and how each was assessed",
                required=True,
                hint="One a line: name | weight (per cent) | how it was assessed. The weights add up to 100",
            )
            self.fields["conflicts_of_interest"] = _prose(
                "Conflicts of interest declared, and how they were managed"
            )
        if self.stage == "intention-to-award" or (
            self.stage == "awarded" and "intention-to-award" not in stages.stages_of(self.process)
        ):
            self.fields["provider"] = forms.ChoiceField(label="Provider", choices=self.providers)

    def values(self) -> dict[str, Any]:
        values = {**super().values(), "stage": self.stage}
        if "criteria" in values:
            values["criteria"] = [
                _criterion(line) for line in values["criteria"].splitlines() if line.strip()
            ]
        return values


def _criterion(line: str) -> dict[str, Any]:
    parts = [part.strip() for part in line.split("|")]
    name, weight, how = [*parts, "", "", ""][:3]
    return {"name": name, "weight": int(weight) if weight.isdigit() else weight, "how_assessed": how}


class RepresentationForm(CommissioningForm):
    received = _text(
        "Received on", required=True, hint=DATE_HINT, max_length=10, missing="Enter the date it was received"
    )
    made_by = _text("Made by", required=True, max_length=NAME, missing="Enter who made the representation")
    summary = _prose("Summary (optional)")
    answered = _text(
        "Answered on (optional)", hint="Leave empty while it is open: the standstill is paused", max_length=10
    )


class AnswerForm(CommissioningForm):
    answered = _text(
        "Answered on", required=True, hint=DATE_HINT, max_length=10, missing="Enter the date it was answered"
    )


class ContractForm(CommissioningForm):
    title = _text("Title", required=True)
    provider = forms.ChoiceField(label="Provider")
    start = _text("Start date", required=True, hint=DATE_HINT, max_length=10)
    end = _text("End date", required=True, hint=DATE_HINT, max_length=10)
    annual_value = _money("Annual value", required=True)
    whole_life_value = _money("Whole-life value (optional)")
    max_term_years = forms.IntegerField(
        label="Maximum term in years, with extensions (optional)", required=False
    )
    extensions = _text("Extensions allowed (optional)")

    def __init__(self, *args: Any, providers: list[tuple[str, str]], **kwargs: Any) -> None:
        self.providers = providers
        super().__init__(*args, **kwargs)

    def prepare(self) -> None:
        self.fields["provider"].choices = self.providers


class VariationForm(CommissioningForm):
    date = _text("Date of the variation", required=True, hint=DATE_HINT, max_length=10)
    reason = _prose("Reason", required=True)
    end = _text("New end date (optional)", hint=DATE_HINT, max_length=10)
    annual_value = _money("New annual value (optional)")
    whole_life_value = _money("New whole-life value (optional)")
    terminates = forms.BooleanField(
        label="This variation terminates the contract early: the new end date is its last day",
        required=False,
    )

    def values(self) -> dict[str, Any]:
        values = super().values()
        values.pop("terminates", None)
        if self.cleaned_data.get("terminates"):
            values["terminates"] = True
        return values


class KpiForm(CommissioningForm):
    name = _text(
        "Measure",
        required=True,
        max_length=NAME,
        hint="For example, people starting treatment within 21 days",
    )
    direction = forms.ChoiceField(
        label="Target",
        choices=[("at-least", "At least"), ("at-most", "At most")],
        widget=forms.RadioSelect,
        initial="at-least",
    )
    target = _text("Target value", required=True, max_length=SHORT, hint="A number, for example, 90")
    unit = _text("Unit (optional)", max_length=40, hint="For example, %, people or days")
    kpi = _text("KPI engine code (optional)", max_length=40, hint="For example, waiting_within_threshold")


class ReviewForm(CommissioningForm):
    year = _text("Financial year", required=True, max_length=SHORT, hint="For example, 2024-25")
    quarter = forms.ChoiceField(
        label="Quarter",
        choices=[
            ("1", "Q1 (April to June)"),
            ("2", "Q2 (July to September)"),
            ("3", "Q3 (October to December)"),
            ("4", "Q4 (January to March)"),
        ],
        widget=forms.RadioSelect,
    )
    reviewed_on = _text("Date of the review", required=True, hint=DATE_HINT, max_length=SHORT)
    rag = forms.ChoiceField(
        label="Status",
        choices=[("green", "Green"), ("amber", "Amber"), ("red", "Red")],
        widget=forms.RadioSelect,
    )
    reason = _prose("Reason for the status", required=True)
    notes = _prose("Review notes (optional)")

    def values(self) -> dict[str, Any]:
        values = super().values()
        if "quarter" in values:
            values["quarter"] = int(values["quarter"])
        return values


class ServiceForm(CommissioningForm):
    """A service the partnership commissions; the service function checks the modality and providers."""

    name = _text("Name", required=True, max_length=NAME, hint="For example, Structured psychosocial support")
    tier = forms.ChoiceField(
        label="Models of Care tier",
        error_messages={"required": "Select the Models of Care tier"},
        choices=[("1", "Tier 1"), ("2", "Tier 2"), ("3", "Tier 3"), ("4", "Tier 4")],
        widget=forms.RadioSelect,
    )
    modality = forms.ChoiceField(label="Modality")
    client_group = forms.ChoiceField(
        label="Who it is for", choices=list(words.SERVED_GROUPS.items()), widget=forms.RadioSelect
    )
    providers = forms.MultipleChoiceField(
        label="Providers (optional)", required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(
        self,
        *args: Any,
        modalities: list[tuple[str, str]],
        providers: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        self.modalities, self.providers = modalities, providers
        super().__init__(*args, **kwargs)

    def prepare(self) -> None:
        self.fields["modality"].choices = [("", "Choose a modality"), *self.modalities]
        self.fields["providers"].choices = self.providers

    def values(self) -> dict[str, Any]:
        values = super().values()
        values["providers"] = self.cleaned_data.get("providers") or []
        if "tier" in values:
            values["tier"] = int(values["tier"])  # the choice is one of 1 to 4; the service wants a number
        return values


class SubcontractForm(CommissioningForm):
    subcontractor = _text("Subcontractor", required=True, max_length=NAME, hint="For example, a pharmacy")
    description = _text("What they deliver", required=True, hint="For example, Supervised consumption")
    annual_value = _money("Annual value (optional)")


class LegacyContractForm(CommissioningForm):
    name = _text("Legacy contract", required=True, hint="For example, Community alcohol service 2019")
    holder = _text("Who held it (optional)", max_length=NAME)
    element = _text("The element of this contract it becomes", required=True, max_length=NAME)
    transfers_on = _text("Transition date", required=True, hint=DATE_HINT, max_length=10)
    annual_cost = _money("Cost a year before", required=True)
    after_cost = _money("Cost a year after, inside this contract (optional)")
