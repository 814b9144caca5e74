"""The options appraisal's web forms: what a person types, read into the partnership file's shapes. The
agreement checker then judges the whole appraisal (duplicate option codes, weights 1–10, scores 0–5, a
preferred option that exists), so these forms hold only the rules of the page itself."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from crispy_forms_gds.layout import Field, Fixed, Layout, Size
from django import forms
from django.core.exceptions import ValidationError

from ..rules.appraisal import SCORES, WEIGHTS
from ..rules.limits import COUNTS, LONG, NAME, OPTION_CODE, PROSE, STATEMENT, at_most
from .agreement import AgreementForm
from .fields import GovukDateField, LinesField

NOT_SCORED = ""
_LINE = re.compile(r"^(?P<name>.*\S)\s*\|\s*(?P<weight>\S+)$")


class AppraisalTitleForm(AgreementForm):
    title = forms.CharField(
        label="Title", max_length=LONG, error_messages={"required": "Enter a title for the options appraisal"}
    )
    question = forms.CharField(
        label="Question",
        required=False,
        max_length=PROSE,
        widget=forms.Textarea,
        help_text="The question the options answer, for example, how should health and "
        "social care commission learning difficulty services?",
    )

    def layout(self) -> Layout:
        return Layout(Field.text("title"), Field.textarea("question", rows=3))


def criteria_lines(criteria: list[dict[str, Any]]) -> str:
    return "\n".join(f"{criterion['name']} | {criterion['weight']}" for criterion in criteria)


class CriteriaLinesForm(AgreementForm):
    criteria = forms.CharField(
        label="Criteria and their weights",
        required=False,
        widget=forms.Textarea,
        help_text="One criterion a line: its name, a vertical bar (|) and its weight, a whole number from 1 to "
        "10, for example, Value for money | 3. Removing or renaming a criterion removes the options' "
        f"scores for it. At most {COUNTS['options_appraisals[].criteria']} criteria, each name "
        f"{at_most(NAME).lower()}.",
    )

    def layout(self) -> Layout:
        return Layout(Field.textarea("criteria", rows=8))

    def clean_criteria(self) -> list[dict[str, Any]]:
        criteria: list[dict[str, Any]] = []
        problems: list[str] = []
        seen: set[str] = set()
        for number, line in enumerate(self.cleaned_data["criteria"].splitlines(), start=1):
            if not line.strip():
                continue
            match = _LINE.match(line.strip())
            if match is None:
                problems.append(
                    f"Line {number}: write the criterion, a vertical bar (|) and its weight, "
                    "like Value for money | 3"
                )
                continue
            name, weight = match["name"].strip(), match["weight"]
            if not weight.isdigit() or int(weight) not in WEIGHTS:
                problems.append(f"Line {number}: the weight of {name} must be a whole number from 1 to 10")
                continue
            if len(name) > NAME:
                problems.append(f"Line {number}: the name must be {NAME:,} characters or fewer")
                continue
            if name in seen:
                problems.append(f"Line {number}: {name} is listed more than once")
                continue
            seen.add(name)
            criteria.append({"name": name, "weight": int(weight)})
        limit = COUNTS["options_appraisals[].criteria"]
        if len(criteria) > limit:
            problems.insert(0, f"Enter at most {limit} criteria, not {len(criteria)}")
        if problems:
            raise ValidationError(problems)
        return criteria


def score_field_name(position: int) -> str:
    return f"score_{position}"


class OptionEntryForm(AgreementForm):
    """One option: its code, name and description, and a score from 0 to 5 on each criterion."""

    code = forms.CharField(
        label="Code",
        max_length=OPTION_CODE,
        help_text="How the papers refer to it, for example, 1(b)",
        error_messages={"required": "Enter the option's code"},
    )
    name = forms.CharField(
        label="Name", max_length=LONG, error_messages={"required": "Enter the option's name"}
    )
    description = forms.CharField(
        label="Description", required=False, max_length=PROSE, widget=forms.Textarea
    )

    def __init__(self, *args: Any, criteria: list[dict[str, Any]], **kwargs: Any) -> None:
        self.criteria = criteria
        super().__init__(*args, **kwargs)

    def prepare(self) -> None:
        choices = [*((str(score), str(score)) for score in SCORES), (NOT_SCORED, "Not scored")]
        for position, criterion in enumerate(self.criteria):
            self.fields[score_field_name(position)] = forms.ChoiceField(
                label=f"{criterion['name']} (weight {criterion['weight']})",
                choices=choices,
                required=False,
                widget=forms.RadioSelect,
                help_text="0: does not meet it at all, 5: meets it fully",
                error_messages={"invalid_choice": "Select a score from 0 to 5, or not scored"},
            )

    def layout(self) -> Layout:
        return Layout(
            Field.text("code", field_width=Fixed.TEN),
            Field.text("name"),
            Field.textarea("description", rows=4),
            *(
                Field.radios(score_field_name(position), inline=True, legend_size=Size.SMALL)
                for position in range(len(self.criteria))
            ),
        )

    def scores(self) -> dict[str, int]:
        """The scores given, by criterion name; a criterion left not scored is left out."""
        return {
            criterion["name"]: int(self.cleaned_data[score_field_name(position)])
            for position, criterion in enumerate(self.criteria)
            if self.cleaned_data.get(score_field_name(position)) not in (None, NOT_SCORED)
        }


def option_initial(option: dict[str, Any], criteria: list[dict[str, Any]]) -> dict[str, Any]:
    scores = option.get("scores", {})
    return {
        "code": option.get("code", ""),
        "name": option.get("name", ""),
        "description": option.get("description", ""),
        **{
            score_field_name(position): str(scores[criterion["name"]])
            for position, criterion in enumerate(criteria)
            if criterion["name"] in scores
        },
    }


class DecisionEntryForm(AgreementForm):
    """The option the partnership prefers, why, and the decision that followed."""

    preferred = forms.ChoiceField(
        label="Preferred option",
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Select one of this appraisal's options"},
    )
    reasons = LinesField(
        label="Reasons for preferring it",
        required=False,
        help_text="One reason a line",
        entry="reason",
        max_entries=COUNTS["options_appraisals[].reasons"],
        max_length=STATEMENT,
    )
    decision_body = forms.CharField(
        label="Decided by",
        required=False,
        max_length=LONG,
        help_text="The body that took the decision, for example, the council's cabinet",
    )
    decision_date = GovukDateField(label="Date of the decision", required=False)
    decision_text = forms.CharField(
        label="What was decided", required=False, max_length=PROSE, widget=forms.Textarea
    )

    def __init__(self, *args: Any, options: list[dict[str, Any]], **kwargs: Any) -> None:
        self.options = options
        super().__init__(*args, **kwargs)

    def prepare(self) -> None:
        preferred: Any = self.fields["preferred"]
        preferred.choices = [
            *((option["code"], f"{option['code']}: {option.get('name', '')}") for option in self.options),
            ("", "No preferred option yet"),
        ]

    def layout(self) -> Layout:
        return Layout(
            Field.radios("preferred", legend_size=Size.MEDIUM),
            Field.textarea("reasons", rows=5),
            Field.text("decision_body"),
            "decision_date",
            Field.textarea("decision_text", rows=3),
        )

    def decision(self) -> dict[str, Any]:
        day: date | None = self.cleaned_data.get("decision_date")
        entry = {
            "body": self.cleaned_data.get("decision_body", ""),
            "date": day.isoformat() if day else None,
            "text": self.cleaned_data.get("decision_text", ""),
        }
        return {key: value for key, value in entry.items() if value not in (None, "")}


def decision_initial(appraisal: dict[str, Any]) -> dict[str, Any]:
    decision = appraisal.get("decision", {})
    day = decision.get("date")
    if isinstance(day, str):
        try:
            day = date.fromisoformat(day)
        except ValueError:
            day = None
    return {
        "preferred": appraisal.get("preferred", ""),
        "reasons": list(appraisal.get("reasons", [])),
        "decision_body": decision.get("body", ""),
        "decision_date": day,
        "decision_text": decision.get("text", ""),
    }
