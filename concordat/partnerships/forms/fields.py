"""Form fields for what people type into the agreement's forms: GOV.UK date inputs, money in pounds,
financial years and lists written one entry a line."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.widgets import DateInputWidget
from django import forms
from django.core.exceptions import ValidationError

from concordat.core.days import DateError, PartialDate
from concordat.core.money import MoneyError, parse_pounds
from concordat.core.years import FinancialYear, YearError

from ..rules.limits import at_most


class PartialDateWidget(DateInputWidget):
    """The day, month and year boxes, showing a date of the agreement as precise as it is: a month (a
    core.days.PartialDate, or the file's "2002-03") leaves the day empty."""

    def decompress(self, value: Any) -> tuple[int | None, int | None, int | None]:
        if value in (None, ""):
            return None, None, None
        try:
            written = PartialDate.parse(value)
        except DateError:
            return None, None, None
        day = written.first.day if written.precision == "day" else None
        return day, written.first.month, written.first.year


class GovukDateField(DateInputField):
    """A GOV.UK date input (day, month, year) with the Design System's error messages. The day may be left
    empty when only the month is known: the value is then a core.days.PartialDate of that month (else a
    date), as the partnership file's "YYYY-MM"."""

    widget = PartialDateWidget

    def __init__(self, *, label: str, required: bool = True, **kwargs: Any) -> None:
        super().__init__(
            label=label,
            required=required,
            require_all_fields=False,
            help_text=kwargs.pop(
                "help_text", "For example, 1 4 2003. Leave the day empty when only the month is known"
            ),
            **kwargs,
        )
        what = label[0].lower() + label[1:]
        self.error_messages["required"] = f"Enter the {what}"
        self.error_messages["incomplete"] = f"The {what} must include a month and year"
        for part, name in zip(self.fields, ("day", "month", "year"), strict=True):
            part.error_messages["incomplete"] = f"The {what} must include a {name}"
            part.validators = [lambda value, what=what: _digits(value, what)]
        self.fields[0].required = False  # a month and year alone are a date of the month

    def compress(self, data_list: list[str]) -> date | PartialDate | None:
        if not data_list or not all(data_list[1:]):
            return None
        month, year = int(data_list[1]), int(data_list[2])
        if not 1000 <= year <= 9999:
            raise ValidationError("The year must include 4 numbers")
        try:
            if not data_list[0]:
                return PartialDate.month(year, month)
            return date(year, month, int(data_list[0]))
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
    """A textarea holding a list: one entry a line, blank lines ignored; at most `max_entries` entries of
    at most `max_length` characters each (the checker's limits), said in the hint."""

    widget = forms.Textarea

    def __init__(self, *, entry: str, max_entries: int, max_length: int, **kwargs: Any) -> None:
        self.entry, self.max_entries, self.line_length = entry, max_entries, max_length
        limit = f"At most {max_entries:,} {entry}s, each at most {max_length:,} characters"
        kwargs["help_text"] = _sentences(kwargs.get("help_text", ""), limit)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value) or ""
        return [line.strip() for line in text.splitlines() if line.strip()]

    def validate(self, value: Any) -> None:
        super().validate(value)
        problems = [
            f"Line {number} is {len(line):,} characters: each {self.entry} must be "
            f"{self.line_length:,} characters or fewer"
            for number, line in enumerate(value, start=1)
            if len(line) > self.line_length
        ]
        if len(value) > self.max_entries:
            problems.insert(0, f"Enter at most {self.max_entries:,} {self.entry}s, not {len(value):,}")
        if problems:
            raise ValidationError(problems)

    def prepare_value(self, value: Any) -> Any:
        return "\n".join(value) if isinstance(value, list) else value


def _sentences(*parts: str) -> str:
    return " ".join(part if part.endswith(".") else part + "." for part in parts if part)


def state_limits(form: forms.Form) -> None:
    """Each text field's limit, said in its hint ("At most 500 characters") and kept by the server with a
    GOV.UK message. The browser is not told (no `maxlength`): it would cut pasted text silently."""
    for name, field in form.fields.items():
        if not isinstance(field, forms.CharField) or isinstance(field, LinesField) or not field.max_length:
            continue
        limit = at_most(field.max_length)
        if limit not in str(field.help_text):
            field.help_text = _sentences(str(field.help_text), limit)
        field.widget.attrs.pop("maxlength", None)
        what = str(field.label or name).removesuffix(" (optional)").replace("%", "%%")
        field.error_messages["max_length"] = f"{what} must be {field.max_length:,} characters or fewer"
