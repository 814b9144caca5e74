"""Options appraisals: the options, the weighted criteria, the scores, the ranking they give
(rules.appraisal), and the option the partnership preferred, with its reasons and the decision it led to.

Appraisals and their options are addressed by their stable keys; each form calls one appraisal service
(services.appraisal_*), where the appraisal's rules live.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms
from django.http import Http404
from django.urls import reverse

from .. import services
from ..errors import EntryGone
from ..forms import appraisals as entry
from ..models import OptionsAppraisal
from ..rules.appraisal import RankedOption, maximum_score, rank_options
from .base import AgreementFormView, PartnershipPage
from .edit.entries import RemoveEntryView

COLLECTION = "options_appraisals"


def _date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


@dataclass
class OptionRow:
    key: str
    code: str
    name: str
    description: str
    scores: list[int | None]  # one per criterion, in the criteria's order; None: not scored
    weighted_score: int
    rank: int
    preferred: bool


@dataclass
class Verdict:
    """How the ranking and the recorded preference compare, in words for the page."""

    agrees: bool
    message: str


def verdict(ranking: list[RankedOption], preferred: str) -> Verdict | None:
    if not ranking or not preferred:
        return None
    top = [option for option in ranking if option.rank == 1]
    best = ", ".join(f"{option.code} ({option.name})" for option in top)
    score = f"{top[0].weighted_score} out of {top[0].maximum}"
    if preferred not in {option.code for option in top}:
        ours = next((option for option in ranking if option.code == preferred), None)
        placed = f", which is ranked {ours.rank} with {ours.weighted_score}" if ours else ""
        return Verdict(
            False,
            f"The preferred option is not the top-ranked one. The scores rank {best} first, "
            f"with {score}; the partnership preferred {preferred}{placed}.",
        )
    if len(top) > 1:
        return Verdict(
            True,
            f"The preferred option {preferred} shares the top rank, with {score}, with "
            f"{', '.join(o.code for o in top if o.code != preferred)}.",
        )
    return Verdict(True, f"The preferred option {preferred} is also the top-ranked one, with {score}.")


def appraisal_at(partnership: Any, key: str) -> OptionsAppraisal:
    """The appraisal with `key`, or 404."""
    appraisal = partnership.options_appraisals.filter(key=key).first()
    if appraisal is None:
        raise Http404("No such options appraisal")
    return appraisal


def appraisal_view(appraisal: OptionsAppraisal) -> dict[str, Any]:
    """The appraisal shaped for its page: the scores matrix, the ranking and the preference."""
    criteria = list(appraisal.criteria)
    ranking = rank_options(criteria, appraisal.options)
    by_code = {option.code: option for option in ranking}
    rows = []
    for option in appraisal.options:
        ranked = by_code[str(option["code"])]
        scores = option.get("scores", {})
        rows.append(
            OptionRow(
                str(option.get("key", "")),
                str(option["code"]),
                option.get("name", ""),
                option.get("description", ""),
                [scores.get(criterion["name"]) for criterion in criteria],
                ranked.weighted_score,
                ranked.rank,
                str(option["code"]) == appraisal.preferred,
            )
        )
    preferred = next((row for row in rows if row.preferred), None)
    decision = dict(appraisal.decision or {})
    return {
        "appraisal": appraisal,
        "criteria": criteria,
        "options": rows,
        "ranking": ranking,
        "maximum": maximum_score(criteria),
        "preferred": preferred,
        "reasons": list(appraisal.reasons),
        "decision": {
            "body": decision.get("body", ""),
            "date": _date(decision.get("date")),
            "text": decision.get("text", ""),
        }
        if decision
        else None,
        "verdict": verdict(ranking, appraisal.preferred),
    }


class AppraisalListPage(PartnershipPage):
    template_name = "partnerships/appraisal_list.html"
    section = "partnerships:appraisals"
    page_title = "Options appraisals"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["appraisals"] = [appraisal_view(a) for a in self.partnership.options_appraisals.all()]
        return context


class AppraisalPage(PartnershipPage):
    template_name = "partnerships/appraisal.html"
    section = "partnerships:appraisals"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        key = self.kwargs["key"]
        appraisal = appraisal_at(self.partnership, key)
        self.page_title = appraisal.title
        context = super().get_context_data(**kwargs)
        context.update(appraisal_view(appraisal), key=key)
        context["breadcrumbs"].append(
            {
                "href": reverse("partnerships:appraisals", args=[self.partnership.slug]),
                "text": "Options appraisals",
            }
        )
        return context


# --- forms --------------------------------------------------------------------------------------------


class AppraisalFormView(AgreementFormView):
    """A form on one appraisal (`key` in the URL; none: a new appraisal). What the page showed (`seen`) is
    the whole appraisal, so a save is refused when anyone changed any part of it meanwhile."""

    section = "partnerships:appraisals"
    template_name = "partnerships/agreement_form.html"

    @property
    def key(self) -> str | None:
        return self.kwargs.get("key")

    @property
    def appraisal(self) -> dict[str, Any]:
        return self.current(self.document) or {}

    def current(self, document: dict[str, Any]) -> Any:
        if self.key is None:
            return None
        try:
            return services.entry_in(document, "options_appraisals", self.key)
        except EntryGone:
            raise Http404("No such options appraisal") from None

    def get_initial(self) -> dict[str, Any]:
        return self.initial_from(self.appraisal)

    def initial_from(self, appraisal: dict[str, Any]) -> dict[str, Any]:
        return {}

    def get_success_url(self) -> str:
        key = getattr(self, "saved_key", None) or self.key
        if key is None:
            return reverse("partnerships:appraisals", args=[self.partnership.slug])
        return reverse("partnerships:appraisal", args=[self.partnership.slug, key])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        if self.appraisal.get("title"):
            context["intro"] = f"Options appraisal: {self.appraisal['title']}"
        context["breadcrumbs"].append(
            {
                "href": reverse("partnerships:appraisals", args=[self.partnership.slug]),
                "text": "Options appraisals",
            }
        )
        if self.key is not None:
            context["breadcrumbs"].append(
                {
                    "href": reverse("partnerships:appraisal", args=[self.partnership.slug, self.key]),
                    "text": self.appraisal.get("title", ""),
                }
            )
        return context


class AppraisalForm(AppraisalFormView):
    """Add an appraisal, or change its title and question."""

    form_class = entry.AppraisalTitleForm

    @property
    def adding(self) -> bool:  # type: ignore[override]
        return self.key is None

    @property  # type: ignore[override]
    def page_title(self) -> str:
        return "Add an options appraisal" if self.key is None else "Change the title and question"

    @property
    def success_message(self) -> str:  # type: ignore[override]
        return "Options appraisal added" if self.key is None else "Options appraisal saved"

    def initial_from(self, appraisal: dict[str, Any]) -> dict[str, Any]:
        return {"title": appraisal.get("title", ""), "question": appraisal.get("question", "")}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        if self.key is not None:
            context["remove_url"] = reverse(
                "partnerships:remove-appraisal", args=[self.partnership.slug, self.key]
            )
            context["remove_label"] = "Remove this options appraisal"
        return context

    def save(self, data: dict[str, Any], *, seen: str | None, token: str | None) -> services.Outcome:
        fields = {"title": data["title"], "question": data["question"]}

        def change(appraisal: dict[str, Any]) -> dict[str, Any]:
            changed = {**appraisal, **fields}
            return {key: value for key, value in changed.items() if value not in ("", None)}

        outcome = services.entry_save(
            partnership=self.partnership,
            user=self.request.user,
            collection="options_appraisals",
            key=self.key,
            entry=change,
            seen=seen,
            new_key=token,
        )
        self.saved_key = outcome.key or None
        return outcome


class CriteriaForm(AppraisalFormView):
    """The criteria and their weights, one a line."""

    form_class = entry.CriteriaLinesForm
    page_title = "Criteria and weights"
    success_message = "Criteria saved"

    def initial_from(self, appraisal: dict[str, Any]) -> dict[str, Any]:
        return {"criteria": entry.criteria_lines(appraisal.get("criteria", []))}

    def save(self, data: dict[str, Any], *, seen: str | None, token: str | None) -> services.Outcome:
        assert self.key is not None
        return services.appraisal_criteria_set(
            partnership=self.partnership,
            user=self.request.user,
            key=self.key,
            criteria=data["criteria"],
            seen=seen,
        )


class OptionForm(AppraisalFormView):
    """Add an option (no `option` in the URL) or change one: code, name, description and scores."""

    form_class = entry.OptionEntryForm

    @property
    def option_key(self) -> str | None:
        return self.kwargs.get("option")

    @property
    def adding(self) -> bool:  # type: ignore[override]
        return self.option_key is None

    @property
    def current_option(self) -> dict[str, Any]:
        if self.option_key is None:
            return {}
        option = next((o for o in self.appraisal.get("options", []) if o.get("key") == self.option_key), None)
        if option is None:
            raise Http404("No such option")
        return option

    @property  # type: ignore[override]
    def page_title(self) -> str:
        return (
            "Add an option"
            if self.option_key is None
            else f"Change option {self.current_option.get('code', '')}"
        )

    @property
    def success_message(self) -> str:  # type: ignore[override]
        return "Option added" if self.option_key is None else "Option saved"

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs.update(criteria=list(self.appraisal.get("criteria", [])))
        return kwargs

    def initial_from(self, appraisal: dict[str, Any]) -> dict[str, Any]:
        if self.option_key is None:
            return {}
        return entry.option_initial(self.current_option, list(appraisal.get("criteria", [])))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        if self.key is not None and self.option_key is not None:
            context["remove_url"] = reverse(
                "partnerships:remove-option", args=[self.partnership.slug, self.key, self.option_key]
            )
            context["remove_label"] = "Remove this option"
        return context

    def form_valid(self, form: forms.Form) -> Any:
        self.scores = form.scores()  # type: ignore[attr-defined]
        return super().form_valid(form)

    def save(self, data: dict[str, Any], *, seen: str | None, token: str | None) -> services.Outcome:
        assert self.key is not None
        option = {
            "code": data["code"],
            "name": data["name"],
            "description": data["description"],
            "scores": self.scores,
        }
        outcome = services.appraisal_option_save(
            partnership=self.partnership,
            user=self.request.user,
            key=self.key,
            option_key=self.option_key,
            option={k: v for k, v in option.items() if v not in ("", None)} | {"scores": self.scores},
            seen=seen,
            token=token,
        )
        return outcome

    def field_for_problem(self, path: str, outcome: services.Outcome) -> str | None:
        options = self.appraisal.get("options", [])
        index = next((i for i, o in enumerate(options) if o.get("key") == self.option_key), len(options))
        prefix = f"{outcome.path}.options[{index}]"
        if not path.startswith(prefix + "."):
            return None
        return path[len(prefix) + 1 :].split(".")[0].split("[")[0] or None


class RemoveOption(RemoveEntryView):
    """Remove one option of an appraisal, with its scores (and the preference for it)."""

    collection = "options_appraisals"
    section = "partnerships:appraisals"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        appraisal = services.entry_in(
            services.export_agreement(self.partnership), self.collection, self.entry_key()
        )
        option = next(
            (o for o in appraisal.get("options", []) if o.get("key") == self.kwargs["option"]), None
        )
        if option is None:
            raise EntryGone("option", self.kwargs["option"])
        context.update(
            noun="option",
            what=f"option {option.get('code')} ({option.get('name', '')})",
            also=["its scores"]
            + (["the preference for it"] if appraisal.get("preferred") == option.get("code") else []),
            refusal="",
            page_title=f"Remove option {option.get('code')}",
            seen=services.fingerprint(appraisal),
            cancel_url=self.success_url(),
        )
        return context

    def success_url(self) -> str:
        return reverse("partnerships:appraisal", args=[self.partnership.slug, self.entry_key()])

    def remove(self, seen: str | None) -> services.Outcome:
        return services.appraisal_option_remove(
            partnership=self.partnership,
            user=self.request.user,
            key=self.entry_key(),
            option_key=self.kwargs["option"],
        )


class RemoveAppraisal(RemoveEntryView):
    collection = "options_appraisals"
    section = "partnerships:appraisals"


class DecisionForm(AppraisalFormView):
    """The preferred option, the reasons for it, and the decision it led to."""

    form_class = entry.DecisionEntryForm
    page_title = "Preferred option and decision"
    success_message = "Preferred option and decision saved"

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["options"] = list(self.appraisal.get("options", []))
        return kwargs

    def initial_from(self, appraisal: dict[str, Any]) -> dict[str, Any]:
        return entry.decision_initial(appraisal)

    def form_valid(self, form: forms.Form) -> Any:
        self.decision = form.decision()  # type: ignore[attr-defined]
        return super().form_valid(form)

    def save(self, data: dict[str, Any], *, seen: str | None, token: str | None) -> services.Outcome:
        assert self.key is not None
        return services.appraisal_decision_set(
            partnership=self.partnership,
            user=self.request.user,
            key=self.key,
            preferred=data["preferred"],
            reasons=data["reasons"],
            decision=self.decision,
            seen=seen,
        )
