"""Form fields for what people type into the agreement's forms: GOV.UK date inputs, money in pounds,
financial years and lists written one entry a line."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from crispy_forms_gds.fields import DateInputField
from django import forms
from django.core.exceptions import ValidationError

from concordat.core.money import MoneyError, parse_pounds
from concordat.core.years import FinancialYear, YearError


class GovukDateField(DateInputField):
    """A GOV.UK date input (day, month, year) with the Design System's error messages."""

    def __init__(self, *, label: str, required: bool = True, **kwargs: Any) -> None:
        super().__init__(
            label=label,
            required=required,
            require_all_fields=False,
            help_text=kwargs.pop("help_text", "For example, 1 4 2003"),
            **kwargs,
        )
        what = label[0].lower() + label[1:]
        self.error_messages["required"] = f"Enter the {what}"
        self.error_messages["incomplete"] = f"The {what} must include a day, month and year"
        for part, name in zip(self.fields, ("day", "month", "year"), strict=True):
            part.error_messages["incomplete"] = f"The {what} must include a {name}"
            part.validators = [lambda value, what=what: _digits(value, what)]

    def compress(self, data_list: list[str]) -> date | None:
        if not data_list or not all(data_list):
            return None
        day, month, year = (int(part) for part in data_list)
        if not 1000 <= year <= 9999:
            raise ValidationError("The year must include 4 numbers")
        try:
            return date(year, month, day)
        except ValueError:
            raise ValidationError("Enter a real date") from None


def _digits(value: str, what: str) -> None:
    if not value.strip().isdigit():
        raise ValidationError(f"The {what} must be a real date, written in numbers")


_GROUPED = re.compile(r"^[0-9]{1,3}(,[0-9]{3})+(\.[0-9]{1,2})?$")
_PLAIN = re.compile(r"^[0-9]+(\.[0-9]{1,2})?$")


def pence_from_text(text: str) -> int:
    """Pence from what people type: "1200000.00", "1,200,000.00", "£1,200,000", "597500.5"."""
    value = text.strip().replace(" ", "")
    if value.startswith("-") or value.startswith("£-"):
        raise ValidationError("Enter an amount of £0.00 or more", code="negative")
    value = value.removeprefix("£")
    if not (_PLAIN.match(value) or _GROUPED.match(value)):
        raise ValidationError("Enter an amount in pounds, like 1200000.00 or £1,200,000", code="invalid")
    pounds, _, pence = value.replace(",", "").partition(".")
    try:
        return parse_pounds(f"{pounds}.{pence.ljust(2, '0')}")
    except MoneyError as problem:  # the patterns above only let money through, but not any amount of it
        raise ValidationError(f"The amount {problem}", code="invalid") from None


class MoneyField(forms.CharField):
    """An amount of money typed in pounds, cleaned to pence (an int)."""

    def to_python(self, value: Any) -> int | None:  # type: ignore[override]
        text = super().to_python(value)
        return pence_from_text(text) if text else None


class FinancialYearField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", "April to March, for example, 2003-04")
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> FinancialYear | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        try:
            return FinancialYear.parse(text)
        except YearError:
            raise ValidationError(
                "Enter the financial year like 2003-04: the year it starts, a dash, and "
                "the last two figures of the next year"
            ) from None


class LinesField(forms.CharField):
    """A textarea holding a list: one entry a line, blank lines ignored."""

    widget = forms.Textarea

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value) or ""
        return [line.strip() for line in text.splitlines() if line.strip()]

    def prepare_value(self, value: Any) -> Any:
        return "\n".join(value) if isinstance(value, list) else value
