"""Options appraisals: the options, the weighted criteria, the scores, the ranking they give
(rules.appraisal), and the option the partnership preferred, with its reasons and the decision it led to.

Appraisals and their options are addressed by their position in the agreement document (0 is the first),
as the forms edit them there: `document["options_appraisals"][index]["options"][option]`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms
from django.http import Http404
from django.urls import reverse

from ..document import export_agreement
from ..forms import appraisals as entry
from ..models import OptionsAppraisal
from ..rules.appraisal import RankedOption, maximum_score, rank_options
from .base import AgreementFormView, PartnershipPage

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
    index: int
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


def appraisal_at(partnership: Any, index: int) -> OptionsAppraisal:
    """The appraisal at `index` in the agreement's order, or 404."""
    appraisals = list(partnership.options_appraisals.all())
    if not 0 <= index < len(appraisals):
        raise Http404("No such options appraisal")
    return appraisals[index]


def appraisal_view(appraisal: OptionsAppraisal) -> dict[str, Any]:
    """The appraisal shaped for its page: the scores matrix, the ranking and the preference."""
    criteria = list(appraisal.criteria)
    ranking = rank_options(criteria, appraisal.options)
    by_code = {option.code: option for option in ranking}
    rows = []
    for index, option in enumerate(appraisal.options):
        ranked = by_code[str(option["code"])]
        scores = option.get("scores", {})
        rows.append(
            OptionRow(
                index,
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
        context["appraisals"] = [
            {"index": index, **appraisal_view(appraisal)}
            for index, appraisal in enumerate(self.partnership.options_appraisals.all())
        ]
        return context


class AppraisalPage(PartnershipPage):
    template_name = "partnerships/appraisal.html"
    section = "partnerships:appraisals"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        index = self.kwargs["index"]
        appraisal = appraisal_at(self.partnership, index)
        self.page_title = appraisal.title
        context = super().get_context_data(**kwargs)
        context.update(appraisal_view(appraisal), index=index)
        context["breadcrumbs"].append(
            {
                "href": reverse("partnerships:appraisals", args=[self.partnership.slug]),
                "text": "Options appraisals",
            }
        )
        return context


# --- forms --------------------------------------------------------------------------------------------


class AppraisalFormView(AgreementFormView):
    """A form on one appraisal (`index` in the URL; none: a new appraisal). The agreement document is read
    once per request for the form's initial values and choices; an index that names no appraisal is a 404."""

    section = "partnerships:appraisals"
    template_name = "partnerships/agreement_form.html"
    document: dict[str, Any]
    current: dict[str, Any]

    @property
    def index(self) -> int | None:
        return self.kwargs.get("index")

    def load(self) -> None:
        if hasattr(self, "document"):
            return
        self.document = export_agreement(self.partnership)
        appraisals = self.document.get(COLLECTION, [])
        if self.index is None:
            self.current = {}
        elif 0 <= self.index < len(appraisals):
            self.current = appraisals[self.index]
        else:
            raise Http404("No such options appraisal")

    def get_initial(self) -> dict[str, Any]:
        self.load()
        return self.initial_from(self.current)

    def initial_from(self, appraisal: dict[str, Any]) -> dict[str, Any]:
        return {}

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs.update(document=self.document, adding=self.index is None)
        return kwargs

    def appraisal_in(self, document: dict[str, Any]) -> dict[str, Any]:
        """The appraisal being edited, in the fresh document `edit` receives."""
        appraisals = document.get(COLLECTION, [])
        if self.index is None or not 0 <= self.index < len(appraisals):  # removed since the form was shown
            raise Http404("No such options appraisal")
        return appraisals[self.index]

    def prefix_for_problems(self) -> str:
        return f"{COLLECTION}[{self.index}]"

    def get_success_url(self) -> str:
        if self.index is None:
            return reverse("partnerships:appraisals", args=[self.partnership.slug])
        return reverse("partnerships:appraisal", args=[self.partnership.slug, self.index])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        if self.current.get("title"):
            context["intro"] = f"Options appraisal: {self.current['title']}"
        context["breadcrumbs"].append(
            {
                "href": reverse("partnerships:appraisals", args=[self.partnership.slug]),
                "text": "Options appraisals",
            }
        )
        if self.index is not None:
            context["breadcrumbs"].append(
                {
                    "href": reverse("partnerships:appraisal", args=[self.partnership.slug, self.index]),
                    "text": self.current.get("title", ""),
                }
            )
        return context


class AppraisalForm(AppraisalFormView):
    """Add an appraisal, or change its title and question."""

    form_class = entry.AppraisalTitleForm

    @property  # type: ignore[override]
    def page_title(self) -> str:
        return "Add an options appraisal" if self.index is None else "Change the title and question"

    @property
    def success_message(self) -> str:  # type: ignore[override]
        return "Options appraisal added" if self.index is None else "Options appraisal saved"

    def initial_from(self, appraisal: dict[str, Any]) -> dict[str, Any]:
        return {"title": appraisal.get("title", ""), "question": appraisal.get("question", "")}

    def edit(self, document: dict[str, Any], data: dict[str, Any]) -> None:
        fields = {"title": data["title"], "question": data["question"]}
        if self.index is None:
            appraisals = document.setdefault(COLLECTION, [])
            self.added = len(appraisals)
            appraisals.append({key: value for key, value in fields.items() if value})
        else:
            appraisal = self.appraisal_in(document)
            appraisal.update(fields)
            if not appraisal["question"]:
                del appraisal["question"]

    def prefix_for_problems(self) -> str:
        index = getattr(self, "added", self.index)
        return f"{COLLECTION}[{index}]" if index is not None else ""

    def get_success_url(self) -> str:
        index = getattr(self, "added", self.index)
        if index is None:
            return super().get_success_url()
        return reverse("partnerships:appraisal", args=[self.partnership.slug, index])


class CriteriaForm(AppraisalFormView):
    """The criteria and their weights, one a line."""

    form_class = entry.CriteriaLinesForm
    page_title = "Criteria and weights"
    success_message = "Criteria saved"

    def initial_from(self, appraisal: dict[str, Any]) -> dict[str, Any]:
        return {"criteria": entry.criteria_lines(appraisal.get("criteria", []))}

    def edit(self, document: dict[str, Any], data: dict[str, Any]) -> None:
        appraisal = self.appraisal_in(document)
        appraisal["criteria"] = data["criteria"]
        names = {criterion["name"] for criterion in data["criteria"]}
        for option in appraisal.get("options", []):
            option["scores"] = {
                name: score for name, score in option.get("scores", {}).items() if name in names
            }


class OptionForm(AppraisalFormView):
    """Add an option (no `option` in the URL) or change one: code, name, description and scores."""

    form_class = entry.OptionEntryForm

    @property
    def option(self) -> int | None:
        return self.kwargs.get("option")

    def load(self) -> None:
        if hasattr(self, "document"):
            return
        super().load()
        options = self.current.get("options", [])
        if self.option is not None and not 0 <= self.option < len(options):
            raise Http404("No such option")
        self.current_option = options[self.option] if self.option is not None else {}

    @property  # type: ignore[override]
    def page_title(self) -> str:
        return (
            "Add an option" if self.option is None else f"Change option {self.current_option.get('code', '')}"
        )

    @property
    def success_message(self) -> str:  # type: ignore[override]
        return "Option added" if self.option is None else "Option saved"

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs.update(criteria=list(self.current.get("criteria", [])), adding=self.option is None)
        return kwargs

    def initial_from(self, appraisal: dict[str, Any]) -> dict[str, Any]:
        if self.option is None:
            return {}
        return entry.option_initial(self.current_option, list(appraisal.get("criteria", [])))

    def edit(self, document: dict[str, Any], data: dict[str, Any]) -> None:
        appraisal = self.appraisal_in(document)
        options = appraisal.setdefault("options", [])
        option = {
            "code": data["code"],
            "name": data["name"],
            "description": data["description"],
            "scores": self.scores,
        }
        option = {key: value for key, value in option.items() if value not in ("", None)}
        if self.option is None:
            self.position = len(options)
            options.append(option)
            return
        if not 0 <= self.option < len(options):
            raise Http404("No such option")
        self.position = self.option
        old_code = options[self.option].get("code")
        options[self.option] = option
        if old_code != data["code"] and appraisal.get("preferred") == old_code:
            appraisal["preferred"] = data["code"]  # renaming the preferred option keeps it preferred

    def form_valid(self, form: forms.Form) -> Any:
        self.scores = form.scores()  # type: ignore[attr-defined]
        return super().form_valid(form)

    def prefix_for_problems(self) -> str:
        return f"{COLLECTION}[{self.index}].options[{getattr(self, 'position', self.option)}]"


class DecisionForm(AppraisalFormView):
    """The preferred option, the reasons for it, and the decision it led to."""

    form_class = entry.DecisionEntryForm
    page_title = "Preferred option and decision"
    success_message = "Preferred option and decision saved"

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["options"] = list(self.current.get("options", []))
        return kwargs

    def initial_from(self, appraisal: dict[str, Any]) -> dict[str, Any]:
        return entry.decision_initial(appraisal)

    def edit(self, document: dict[str, Any], data: dict[str, Any]) -> None:
        appraisal = self.appraisal_in(document)
        appraisal["preferred"] = data["preferred"]
        appraisal["reasons"] = data["reasons"]
        appraisal["decision"] = self.decision

    def form_valid(self, form: forms.Form) -> Any:
        self.decision = form.decision()  # type: ignore[attr-defined]
        return super().form_valid(form)
