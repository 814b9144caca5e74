"""The question page of a posting: what the pooled fund manager types, read into Python values (a date,
pence, codes). The ledger's rules — ring fences, closed years, schemes' maximums — are the service's
(services.py); its refusals are put back on these fields by the view."""

from __future__ import annotations

from datetime import date
from typing import Any

from crispy_forms_gds.helper import FormHelper
from django import forms

from concordat.core.days import PartialDate
from concordat.partnerships.forms.fields import GovukDateField, MoneyField
from concordat.partnerships.models import Partnership

from .. import contracts
from ..schemes import purposes_for

ANOTHER = "another-spend-line"  # the picker's choice for a spend line that is not a contract
KINDS = {"contribution": "a contribution", "payment": "a payment", "accrual": "an accrual"}
# The service's problem paths (the transactions file's columns) to the fields of this form.
FIELD_OF_COLUMN = {
    "ref": "reference",
    "date": "date",
    "amount": "amount",
    "stream": "stream",
    "contract": "contract",
    "purpose": "purpose",
}


def whole_day(value: date | PartialDate | None, missing: str) -> date:
    """A posting's date: a day, not only a month (GovukDateField allows that for the agreement's dates)."""
    if isinstance(value, PartialDate):
        raise forms.ValidationError("Enter the day as well as the month and year")
    if value is None:
        raise forms.ValidationError(missing)
    return value


class PostingForm(forms.Form):
    """One posting of `kind`: contribution (a stream), payment or accrual (a spend line and purpose)."""

    def __init__(self, *args: Any, kind: str, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        when = {"contribution": "received", "payment": "paid", "accrual": "incurred"}[kind]
        self.fields["date"] = GovukDateField(
            label=f"Date {when}", help_text="For example, 15 7 2003. The date decides the year and quarter"
        )
        if kind == "contribution":
            streams = partnership.funding_streams.order_by("id").values_list("code", "name")
            self.fields["stream"] = forms.ChoiceField(
                label="Funding stream",
                choices=[("", "Choose a funding stream"), *((c, f"{n} ({c})") for c, n in streams)],
                error_messages={"required": "Choose the funding stream the money came from"},
            )
        else:
            self._spend_fields(partnership)
        self.fields["amount"] = MoneyField(
            label="Amount",
            help_text="In pounds, for example 12,000.00 or 12000",
            error_messages={"required": "Enter the amount"},
        )
        self.fields["reference"] = forms.CharField(
            label="Reference (optional)",
            required=False,
            max_length=64,
            help_text="The invoice or remittance number. Leave it empty and Concordat gives the posting one",
        )
        self.fields["description"] = forms.CharField(
            label="Description (optional)",
            required=False,
            max_length=500,
            widget=forms.Textarea(attrs={"rows": 3}),
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean_date(self) -> date:
        return whole_day(self.cleaned_data.get("date"), "Enter the date")

    def _spend_fields(self, partnership: Partnership) -> None:
        """A payment's or accrual's contract (a picker of the register's contracts, anything else a typed
        spend line: no script needed; without a register, typed) and purpose."""
        if known := contracts.own_references(partnership):
            self.fields["contract"] = forms.ChoiceField(
                label="Contract",
                choices=[
                    ("", "Choose a contract"),
                    *((ref, f"{name} ({ref})") for ref, name in known),
                    (ANOTHER, "Another spend line"),
                ],
                error_messages={"required": "Choose the contract, or another spend line"},
            )
            self.fields["spend_line"] = forms.CharField(
                label="Spend line (when not a contract)",
                required=False,
                max_length=64,
                help_text="For example, CDT-2003. Only when you chose another spend line",
            )
        else:
            self.fields["contract"] = forms.CharField(
                label="Contract reference or spend line",
                max_length=64,
                help_text="For example, CDT-2003",
                error_messages={"required": "Enter the contract reference or spend line"},
            )
        self.fields["purpose"] = forms.ChoiceField(
            label="Purpose",
            choices=[("", "Choose a purpose"), *purposes_for(partnership).items()],
            error_messages={"required": "Choose what the money is spent on"},
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("contract") == ANOTHER:
            line = (cleaned.get("spend_line") or "").strip()
            if not line:
                self.add_error("spend_line", "Enter the spend line, or choose a contract")
            cleaned["contract"] = line
        return cleaned

    def clean_amount(self) -> int:
        pence = self.cleaned_data.get("amount")
        if not pence:
            raise forms.ValidationError("Enter an amount of more than £0.00")
        return int(pence)

    def answers(self) -> list[tuple[str, str, str]]:
        """(field name, label, value as shown) for the check-your-answers page."""
        from concordat.core.money import format_pounds

        rows = []
        for name, field in self.fields.items():
            if name == "spend_line":
                continue  # shown as the contract's answer
            value = self.cleaned_data.get(name)
            if name == "date":
                shown = value.strftime("%-d %B %Y")
            elif name == "amount":
                shown = format_pounds(value)
            elif isinstance(field, forms.ChoiceField):
                shown = dict(field.choices).get(value, value)  # type: ignore[arg-type]
            else:
                shown = value or "Not given"
            rows.append((name, str(field.label).removesuffix(" (optional)"), str(shown)))
        return rows


class ReversalForm(forms.Form):
    """The date of a reversal: today unless the pool manager says otherwise (a reversal of last year's
    payment, posted while that year is still open, belongs in that year). The service checks it is on or
    after the transaction reversed and in an open year."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date"] = GovukDateField(
            label="Date of the reversal",
            help_text="For example, 31 3 2004. The date decides the year and quarter it counts in",
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean_date(self) -> date:
        return whole_day(self.cleaned_data.get("date"), "Enter the date of the reversal")
