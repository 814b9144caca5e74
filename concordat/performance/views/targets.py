"""The targets: every target, threshold and baseline of the agreement (`Partnership.targets`), each with its
source where the partnership file gives one, for every member; changed by the lead commissioner on a form
that follows the agreement's stale-edit rules (it carries `seen`; a save over someone else's change is
refused with their values, 409), through one service (`partnerships.services.targets_save`)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django import forms as django_forms
from django.urls import reverse

from concordat.partnerships import services
from concordat.partnerships.models import Partnership
from concordat.partnerships.rules.vocabulary import BUILT_IN_MODALITIES, INVENTED
from concordat.partnerships.views.base import AgreementFormView, shown

from .. import forms, permissions
from ..rules.measures import source_of
from ..rules.rag import number_words
from .base import PerformancePage

DEFAULT_THRESHOLD_DAYS = 21


def sources_of(partnership: Partnership) -> dict[str, Any]:
    """The file's `sources:` map (paths of single values and sections to their source). Concordat does not
    read it into a field of its own yet: it is kept as written among the partnership's keys the format does
    not know (docs/partnership-file.md), so it is read from there; a field of that name wins once it exists."""
    own = getattr(partnership, "sources", None)
    if isinstance(own, dict):
        return own
    for entry in partnership.unknown_keys or []:
        if isinstance(entry, list | tuple) and len(entry) == 3 and entry[0] == "" and entry[1] == "sources":
            try:
                value = json.loads(entry[2])
            except (TypeError, ValueError):
                return {}
            return value if isinstance(value, dict) else {}
    return {}


def modalities_of(partnership: Partnership) -> list[dict[str, Any]]:
    """Every modality the partnership's targets may name: the eight built in, then its own (with source)."""
    found = [
        {"code": code, "name": name, "structured": structured, "source": ""}
        for code, (name, _, structured) in BUILT_IN_MODALITIES.items()
    ]
    found += [
        {"code": m.code, "name": m.name, "structured": m.structured, "source": m.source}
        for m in partnership.modalities.order_by("code")
    ]
    return found


def target_rows(targets: dict[str, Any], sources: dict[str, Any]) -> list[dict[str, Any]]:
    """The agreement's single targets in words, each with its path and source."""
    baseline = targets.get("baseline") or {}
    accessing = targets.get("accessing_services") or {}
    kpi = forms.BASELINE_KPIS.get(baseline.get("kpi", ""), baseline.get("kpi", ""))
    share = targets.get("waiting_within_threshold_pct")
    threshold = targets.get("waiting_time_days")
    rows = [
        (
            "targets.baseline",
            "Baseline",
            f"{kpi}: {number_words(Decimal(str(baseline['value'])))} in {baseline.get('year', '')}"
            if baseline.get("value") is not None
            else "",
            "The dashboard shows the figure it counts against it: at least as many as then.",
        ),
        (
            "targets.accessing_services",
            "People accessing services",
            f"{number_words(Decimal(str(accessing['value'])))} in {accessing.get('year', '')}"
            if accessing.get("value") is not None
            else "",
            "Judged for a period that ends in that financial year.",
        ),
        (
            "targets.waiting_time_days",
            "Waiting-time threshold",
            f"{threshold} days" if threshold is not None else "",
            f"A modality without a threshold of its own uses it; {DEFAULT_THRESHOLD_DAYS} days when not set.",
        ),
        (
            "targets.waiting_within_threshold_pct",
            "Share to start within the threshold",
            f"{number_words(Decimal(str(share)))}%" if share is not None else "",
            "The target of each modality that has no average-wait target.",
        ),
    ]
    return [
        {"path": path, "name": name, "value": value, "hint": hint, "source": source_of(sources, path) or ""}
        for path, name, value, hint in rows
    ]


def modality_rows(
    targets: dict[str, Any], sources: dict[str, Any], modalities: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Each modality's threshold (its own, or the default) and average-wait target, with their sources."""
    own = targets.get("modality_thresholds") or {}
    means = targets.get("modality_mean_wait_days") or {}
    default = targets.get("waiting_time_days")
    default = DEFAULT_THRESHOLD_DAYS if default is None else int(default)
    rows = []
    for m in modalities:
        code = m["code"]
        rows.append(
            {
                **m,
                "threshold": own.get(code, default),
                "own_threshold": code in own,
                "threshold_source": (
                    (source_of(sources, f"targets.modality_thresholds.{code}") or "")
                    if code in own
                    else (source_of(sources, "targets.waiting_time_days") or "")
                ),
                "mean_wait": means.get(code),
                "mean_wait_source": (
                    (source_of(sources, f"targets.modality_mean_wait_days.{code}") or "")
                    if code in means
                    else ""
                ),
            }
        )
    return rows


class TargetsPage(PerformancePage):
    template_name = "performance/targets.html"
    section = "performance:targets"
    page_title = "Targets, thresholds and baselines"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        p = self.partnership
        targets = dict(p.targets or {})
        sources = sources_of(p)
        context.update(
            rows=target_rows(targets, sources),
            modalities=modality_rows(targets, sources, modalities_of(p)),
            section_source=source_of(sources, "targets") or "",
            invented=INVENTED,
        )
        return context


class TargetsForm(AgreementFormView):
    """The lead commissioner's form for every target: one service call, the file's rules, `seen`."""

    form_class = forms.TargetsForm
    permission = permissions.CHANGE_TARGETS
    section = "performance:targets"
    page_title = "Change the targets"
    success_message = "Targets saved"

    def get_success_url(self) -> str:
        return reverse("performance:targets", args=[self.partnership.slug])

    @property
    def modalities(self) -> list[tuple[str, str]]:
        return [(m["code"], m["name"]) for m in modalities_of(self.partnership)]

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "modalities": self.modalities}

    def current(self, document: dict[str, Any]) -> Any:
        return services.targets_of(document)

    def get_initial(self) -> dict[str, Any]:
        return forms.initial_from(self.current(self.document), self.modalities)

    def form_valid(self, form: django_forms.Form) -> Any:
        self.answered = form
        return super().form_valid(form)

    def save(self, data: dict[str, Any], *, seen: str | None, token: str | None) -> services.Outcome:
        assert isinstance(self.answered, forms.TargetsForm)
        return services.targets_save(
            partnership=self.partnership, user=self.request.user, targets=self.answered.targets(), seen=seen
        )

    def field_for_problem(self, path: str, outcome: services.Outcome) -> str | None:
        return forms.field_for_problem(path, self.modalities)

    def stale_rows(self, form: django_forms.Form, current: Any) -> list[tuple[str, str]]:
        """Their targets in words, as the targets page shows them."""
        rows = [(row["name"], row["value"] or "Not set") for row in target_rows(current, {})]
        names = dict(self.modalities)
        for key, what in (
            ("modality_thresholds", "threshold"),
            ("modality_mean_wait_days", "average-wait target"),
        ):
            for code, days in (current.get(key) or {}).items():
                rows.append((f"{names.get(code, code)}: {what}", shown(f"{days} days")))
        return rows

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        p = self.partnership
        context["breadcrumbs"] = [
            *context["breadcrumbs"],
            {"href": reverse("performance:dashboard", args=[p.slug]), "text": "Performance"},
            {"href": reverse("performance:targets", args=[p.slug]), "text": "Targets"},
        ]
        context["intro"] = (
            "Every target the performance pages judge the figures by. Leave a part empty to remove it. "
            "The partnership file's own rules check what you save."
        )
        return context
