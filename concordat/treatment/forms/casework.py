"""The key workers' question pages: a few questions each, GOV.UK date inputs and radios. Field names are
the submission file's columns where they are one, so a rule's problem lands on its field."""

from __future__ import annotations

from datetime import date
from typing import Any

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout
from django import forms
from django.core.exceptions import ValidationError

from concordat.core.forms import say_what_is_missing

from ..models import DischargeReason, ReferralSource, Sex, Substance
from ..sharing import Consent

REF_HELP = "Up to 32 letters, numbers, hyphens and underscores"


class DayMonthYearField(DateInputField):
    """crispy-forms-gds's date input, with a number too large for a date (a year of twenty 9s) an invalid
    date like 31 February, not an OverflowError. The library's own message for 30 February is Python's
    ("day is out of range for month"): ours says which date and what to do."""

    def compress(self, data_list: Any) -> Any:
        try:
            return super().compress(data_list)
        except (OverflowError, ValidationError) as error:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from error


def date_field(label: str, *, required: bool = True) -> DateInputField:
    field = DayMonthYearField(
        label=label, required=required, require_all_fields=False, help_text="For example, 27 3 2005"
    )
    what = label[0].lower() + label[1:]
    field.error_messages["required"] = f"Enter the {what}"
    field.error_messages["incomplete"] = f"Enter the {what} as a day, month and year"
    field.error_messages["invalid"] = f"Enter the {what} as a real date"
    return field


class StepForm(forms.Form):
    """A question page: its fields in order, radios for choices, dates as day, month and year."""

    def __init__(self, *args: Any, only: tuple[str, ...] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if only is not None:  # one page of a step asked over several (Step.parts)
            for name in list(self.fields):
                if name not in only:
                    del self.fields[name]
        say_what_is_missing(self)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        parts = []
        for name, field in self.fields.items():
            # No maxlength: the browser would cut a long value silently; the form says it is too long.
            field.widget.attrs.pop("maxlength", None)
            if isinstance(field, DateInputField):
                parts.append(Field(name))
            elif isinstance(field, forms.ChoiceField):
                field.widget = forms.RadioSelect()
                field.widget.choices = field.choices  # subclasses set choices later: the setter follows
                parts.append(Field.radios(name, legend_size="s"))
            else:
                parts.append(Field.text(name))
        self.helper.layout = Layout(*parts)

    def answers(self) -> dict[str, str]:
        """The cleaned answers as text (dates ISO), kept between the question and the check page."""
        return {
            name: value.isoformat() if isinstance(value, date) else str(value)
            for name, value in self.cleaned_data.items()
        }

    @classmethod
    def from_answers(cls, answers: dict[str, str], **kwargs: Any) -> StepForm:
        """The form bound to kept answers (dates into their day, month and year boxes), as if resubmitted."""
        data: dict[str, str] = {}
        for name, field in cls.base_fields.items():
            value = answers.get(name, "")
            if isinstance(field, DateInputField):
                day = date.fromisoformat(value) if value else None
                for n, part in enumerate((day.day, day.month, day.year) if day else ("", "", "")):
                    data[f"{name}_{n}"] = str(part)
            else:
                data[name] = value
        form = cls(data, **kwargs)
        form.is_valid()  # type: ignore[attr-defined]
        return form


class ReferralForm(StepForm):
    client_ref = forms.CharField(label="Your service's client reference", max_length=32, help_text=REF_HELP)
    initials = forms.CharField(
        label="Client's initials",
        max_length=2,
        help_text="First letter of the forename and of the surname",
        error_messages={"required": "Enter the client's initials"},
    )
    date_of_birth = date_field("Date of birth")
    sex = forms.ChoiceField(label="Sex", choices=Sex.choices)
    la_of_residence = forms.CharField(
        label="Local authority of residence (ONS code)", max_length=9, help_text="For example, E08000006"
    )
    episode_ref = forms.CharField(label="Your service's episode reference", max_length=32, help_text=REF_HELP)
    referral_date = date_field("Referral date")
    referral_source = forms.ChoiceField(label="Who referred them", choices=ReferralSource.choices)
    primary_substance = forms.ChoiceField(label="Primary substance", choices=Substance.choices)


class EpisodeForm(StepForm):
    """A step about one of the client's episodes: the episode is a choice, set by the view."""

    episode_ref = forms.ChoiceField(label="Which episode")

    def __init__(self, *args: Any, episodes: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["episode_ref"].choices = episodes or []


class TriageForm(EpisodeForm):
    triage_date = date_field("Triage date")


class ModalityReferralForm(EpisodeForm):
    modality = forms.ChoiceField(label="Which modality")
    modality_referral_date = date_field("Date referred to the modality")

    def __init__(self, *args: Any, modalities: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["modality"].choices = modalities or []


class ModalityDateForm(EpisodeForm):
    """The start or end of one modality: `which` names it by code and referral date."""

    which = forms.ChoiceField(label="Which modality")

    def __init__(self, *args: Any, modalities: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["which"].choices = modalities or []


class StartForm(ModalityDateForm):
    modality_start_date = date_field("Start date")


class EndForm(ModalityDateForm):
    modality_end_date = date_field("End date")


class DischargeForm(EpisodeForm):
    discharge_date = date_field("Discharge date")
    discharge_reason = forms.ChoiceField(label="Reason for discharge", choices=DischargeReason.choices)


class ReasonForm(StepForm):
    """Why someone opens a record shared with their provider by consent (kept in the access log)."""

    reason = forms.ChoiceField(
        label="Why are you opening this record?",
        error_messages={"required": "Select why you are opening this record"},
        choices=[
            ("care coordination", "To coordinate the client's care"),
            ("transfer", "The client is transferring to us"),
            ("safeguarding", "A safeguarding concern"),
            ("other", "Another reason"),
        ],
    )


class ConsentForm(StepForm):
    shared_with = forms.ChoiceField(
        label="Which provider did the client agree to share with",
        error_messages={"required": "Select which provider the client agreed to share with"},
    )
    scope = forms.ChoiceField(
        label="What did they agree to share",
        choices=Consent.Scope.choices,
        error_messages={"required": "Select what the client agreed to share"},
    )
    given_on = date_field("Date consent was given")

    def __init__(self, *args: Any, providers: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["shared_with"].choices = providers or []


class WithdrawForm(StepForm):
    withdrawn_on = date_field("Date consent was withdrawn")


class TokenForm(StepForm):
    provider = forms.ChoiceField(label="Provider")
    name = forms.CharField(
        label="What is the token for",
        max_length=100,
        error_messages={"required": "Enter what the token is for"},
        help_text="For example, the case system's name",
    )

    def __init__(self, *args: Any, providers: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["provider"].choices = providers or []
        if len(providers or []) == 1:  # a data officer of one provider: chosen for them
            self.fields["provider"].initial = providers[0][0]  # type: ignore[index]
