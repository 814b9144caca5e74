"""The targets form: every target, threshold and baseline of the agreement (`Partnership.targets`) as the
partnership file writes them. The form only reads what a person typed into the file's values (whole
numbers, years and the percentage as typed); the file's own rules (partnerships/rules/agreement._targets)
then judge them with the whole agreement, and their problems are put on these fields."""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.layout import Field, Fieldset, Fixed, Layout
from django import forms

from concordat.partnerships.forms import AgreementForm

BASELINE_KPIS = {
    "in_treatment": "People in treatment",
    "accessing_services": "People accessing services",
    "new_starts": "New starts in treatment",
}


def _number(label: str, help_text: str = "") -> forms.IntegerField:
    field = forms.IntegerField(
        label=label,
        required=False,
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
    )
    what = label.removesuffix(" (optional)")
    field.error_messages["invalid"] = f"{what} must be a whole number, like 21"
    return field


def threshold_field(code: str) -> str:
    return f"threshold_{code}"


def mean_wait_field(code: str) -> str:
    return f"mean_wait_{code}"


class TargetsForm(AgreementForm):
    baseline_kpi = forms.ChoiceField(
        label="What the baseline counts",
        required=False,
        choices=[("", "No baseline"), *BASELINE_KPIS.items()],
        widget=forms.RadioSelect,
    )
    baseline_year = forms.CharField(
        label="Year of the baseline",
        required=False,
        max_length=20,
        help_text="A financial year, for example, 1998-99",
    )
    baseline_value = _number("Baseline (people)", "The number in that year, for example, 600")
    accessing_year = forms.CharField(
        label="Financial year of the target",
        required=False,
        max_length=20,
        help_text="For example, 2004-05: periods ending in that year are judged against it",
    )
    accessing_value = _number("People accessing services (target)", "For example, 1100")
    waiting_time_days = _number(
        "Waiting-time threshold (days, optional)",
        "A wait of this many days or fewer is within the threshold; 21 days when left empty",
    )
    waiting_within_threshold_pct = forms.CharField(
        label="Share to start within the threshold (%, optional)",
        required=False,
        max_length=20,
        help_text="A percentage from 0 to 100, for example, 90",
    )

    def __init__(self, *args: Any, modalities: list[tuple[str, str]], **kwargs: Any) -> None:
        self.modalities = modalities
        super().__init__(*args, **kwargs)

    def prepare(self) -> None:
        for code, name in self.modalities:
            self.fields[threshold_field(code)] = _number(f"{name} (optional)")
        for code, name in self.modalities:
            self.fields[mean_wait_field(code)] = _number(f"{name} (optional)")

    def layout(self) -> Layout:
        days = Fixed.FOUR
        return Layout(
            Fieldset(
                Field.radios("baseline_kpi"),
                Field.text("baseline_year", field_width=Fixed.FIVE),
                Field.text("baseline_value", field_width=Fixed.FIVE),
                legend="Baseline",
                legend_size="m",
            ),
            Fieldset(
                Field.text("accessing_year", field_width=Fixed.FIVE),
                Field.text("accessing_value", field_width=Fixed.FIVE),
                legend="People accessing services",
                legend_size="m",
            ),
            Fieldset(
                Field.text("waiting_time_days", field_width=days),
                Field.text("waiting_within_threshold_pct", field_width=days),
                legend="Waiting times",
                legend_size="m",
            ),
            Fieldset(
                *[Field.text(threshold_field(code), field_width=days) for code, _ in self.modalities],
                legend="Threshold by modality (days)",
                legend_size="s",
            ),
            Fieldset(
                *[Field.text(mean_wait_field(code), field_width=days) for code, _ in self.modalities],
                legend="Average-wait target by modality (days)",
                legend_size="s",
            ),
        )

    def targets(self) -> dict[str, Any]:
        """The targets section as the file writes it, from the answers (a part left empty is left out)."""
        data = self.cleaned_data
        targets: dict[str, Any] = {}
        baseline = {
            "kpi": data.get("baseline_kpi") or None,
            "year": (data.get("baseline_year") or "").strip() or None,
            "value": data.get("baseline_value"),
        }
        if any(value is not None for value in baseline.values()):
            targets["baseline"] = baseline
        accessing = {
            "year": (data.get("accessing_year") or "").strip() or None,
            "value": data.get("accessing_value"),
        }
        if any(value is not None for value in accessing.values()):
            targets["accessing_services"] = accessing
        if data.get("waiting_time_days") is not None:
            targets["waiting_time_days"] = data["waiting_time_days"]
        share = (data.get("waiting_within_threshold_pct") or "").strip().removesuffix("%").strip()
        if share:
            targets["waiting_within_threshold_pct"] = share
        for key, name_of in (
            ("modality_thresholds", threshold_field),
            ("modality_mean_wait_days", mean_wait_field),
        ):
            days = {
                code: data[name_of(code)]
                for code, _ in self.modalities
                if data.get(name_of(code)) is not None
            }
            if days:
                targets[key] = days
        return targets


def initial_from(targets: dict[str, Any], modalities: list[tuple[str, str]]) -> dict[str, Any]:
    """The form's answers from the stored targets."""
    baseline = targets.get("baseline") or {}
    accessing = targets.get("accessing_services") or {}
    initial: dict[str, Any] = {
        "baseline_kpi": baseline.get("kpi", ""),
        "baseline_year": baseline.get("year", ""),
        "baseline_value": baseline.get("value"),
        "accessing_year": accessing.get("year", ""),
        "accessing_value": accessing.get("value"),
        "waiting_time_days": targets.get("waiting_time_days"),
        "waiting_within_threshold_pct": targets.get("waiting_within_threshold_pct") or "",
    }
    for code, _ in modalities:
        initial[threshold_field(code)] = (targets.get("modality_thresholds") or {}).get(code)
        initial[mean_wait_field(code)] = (targets.get("modality_mean_wait_days") or {}).get(code)
    return initial


def field_for_problem(path: str, modalities: list[tuple[str, str]]) -> str | None:
    """Which field a problem of the file's rules at `path` belongs to ("targets.baseline.year" ->
    baseline_year, "targets.modality_thresholds.psychosocial" -> threshold_psychosocial)."""
    simple = {
        "targets.baseline.kpi": "baseline_kpi",
        "targets.baseline.year": "baseline_year",
        "targets.baseline.value": "baseline_value",
        "targets.baseline": "baseline_kpi",
        "targets.accessing_services.year": "accessing_year",
        "targets.accessing_services.value": "accessing_value",
        "targets.accessing_services": "accessing_year",
        "targets.waiting_time_days": "waiting_time_days",
        "targets.waiting_within_threshold_pct": "waiting_within_threshold_pct",
    }
    if path in simple:
        return simple[path]
    codes = {code for code, _ in modalities}
    for key, name_of in (
        ("modality_thresholds", threshold_field),
        ("modality_mean_wait_days", mean_wait_field),
    ):
        prefix = f"targets.{key}."
        if path.startswith(prefix) and path[len(prefix) :] in codes:
            return name_of(path[len(prefix) :])
    return None
