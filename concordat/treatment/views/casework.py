"""The key workers' steps as GOV.UK question pages: the question page, then "Check your answers", then the
service. The answers wait in the session (server side) between the two pages, under the form's one-time
token; the check page's Save calls the step's service with that token, so saving twice adds nothing."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from concordat.partnerships.models import Provider
from concordat.partnerships.rules.vocabulary import BUILT_IN_MODALITIES

from .. import access, casework
from ..casework import AlreadySaved, StepOutcome, modality_key
from ..forms.casework import (
    DischargeForm,
    EndForm,
    ModalityReferralForm,
    ReferralForm,
    StartForm,
    StepForm,
    TriageForm,
)
from ..handles import client_of
from ..models import Episode
from ..permissions import providers_of
from ..sharing import AccessEntry, ClientHandle
from .clients import TreatmentPage, record_named

_DRAFTS = "treatment-drafts"


@dataclass(frozen=True)
class Step:
    title: str
    form: type[StepForm]
    save: Callable[..., StepOutcome]
    done: str


STEPS: dict[str, Step] = {
    "refer": Step("Refer a client", ReferralForm, casework.episode_refer, "Referral saved"),
    "triage": Step("Record triage", TriageForm, casework.episode_triage, "Triage saved"),
    "modality": Step(
        "Refer to a modality", ModalityReferralForm, casework.modality_refer, "Referral to the modality saved"
    ),
    "start": Step("Record a start", StartForm, casework.modality_start, "Start saved"),
    "end": Step("Record an end", EndForm, casework.modality_end, "End saved"),
    "discharge": Step("Record a discharge", DischargeForm, casework.episode_discharge, "Discharge saved"),
}
# The services' own names where a form's differ.
_RENAMED = {
    "modality": {"modality_referral_date": "referral_date"},
    "start": {"modality_start_date": "start_date"},
    "end": {"modality_end_date": "end_date"},
}


class StepPage(TreatmentPage):
    permission = "treatment.record_casework"
    section = "treatment:caseload"
    template_name = "treatment/clients/form.html"

    def setup_step(self, kwargs: dict[str, Any]) -> None:
        self.kind = kwargs["step"]
        if self.kind not in STEPS:
            raise Http404("No such step")
        self.step = STEPS[self.kind]
        self.page_title = self.step.title
        self.record: ClientHandle | None = None
        self.episodes: list[Episode] = []
        if self.kind == "refer":
            providers = providers_of(self.request.user, self.partnership, "key-worker") | providers_of(
                self.request.user, self.partnership
            )
            self.provider = Provider.objects.filter(pk__in=providers).order_by("code").first()
            if self.provider is None:
                raise Http404("No provider")
            return
        self.record, sight = record_named(self.request, self.partnership, kwargs["handle"])
        if not sight.own:
            raise Http404("No such client record")
        client = client_of(self.record)
        self.episodes = list(client.episodes.prefetch_related("modalities")) if client else []

    def make_form(self, data: Any = None, answers: dict[str, str] | None = None) -> StepForm:
        options: dict[str, Any] = {}
        if self.kind != "refer":
            open_episodes = [e for e in self.episodes if e.discharge_date is None]
            options["episodes"] = [
                (e.episode_ref, f"Episode {e.episode_ref}, referred {e.referral_date:%-d %B %Y}")
                for e in open_episodes
            ]
            if self.kind == "modality":
                own = list(self.partnership.modalities.values_list("code", flat=True))
                options["modalities"] = [(code, code) for code in [*BUILT_IN_MODALITIES, *own]]
            elif self.kind in ("start", "end"):
                column = "start_date" if self.kind == "start" else "end_date"
                options["modalities"] = [
                    (
                        modality_key(
                            {"modality": m.modality, "modality_referral_date": m.referral_date.isoformat()}
                        ),
                        f"{m.modality}, referred {m.referral_date:%-d %B %Y} (episode {e.episode_ref})",
                    )
                    for e in open_episodes
                    for m in e.modalities.all()
                    if getattr(m, column) is None and (self.kind == "start" or m.start_date is not None)
                ]
        if answers is not None:
            return self.step.form.from_answers(answers, **options)
        return self.step.form(data, **options)

    def urls(self) -> dict[str, str]:
        slug = self.partnership.slug
        if self.record is None:
            form_url = reverse("treatment:refer", args=[slug])
            back = reverse("treatment:caseload", args=[slug])
        else:
            form_url = reverse("treatment:step", args=[slug, self.record.handle, self.kind])
            back = reverse("treatment:timeline", args=[slug, self.record.handle])
        return {"form_url": form_url, "cancel_url": back}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(self.urls(), button="Continue", record=self.record)
        return context


class QuestionPage(StepPage):
    """The step's questions. Continue keeps the answers under a new one-time token and shows the check page."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.setup_step(kwargs)
        if self.record is not None:
            # The question lists the record's episodes and modalities: a read.
            access.record_reads(
                partnership=self.partnership,
                records=[self.record],
                user=request.user,
                channel=AccessEntry.Channel.PAGE,
                what=f"{self.step.title.lower()} question",
            )
        draft = request.session.get(_DRAFTS, {}).get(request.GET.get("change", ""))
        form = self.make_form(answers=draft["answers"]) if draft else self.make_form()
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.setup_step(kwargs)
        form = self.make_form(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        token = secrets.token_urlsafe(18)
        drafts = request.session.get(_DRAFTS, {})
        # A few drafts at most: an abandoned one should not fill the session.
        drafts = dict(list(drafts.items())[-4:])
        drafts[token] = {
            "kind": self.kind,
            "handle": self.record.handle if self.record else "",
            "answers": form.answers(),
        }
        request.session[_DRAFTS] = drafts
        return redirect(self.urls()["form_url"] + f"check/{token}/")


class CheckPage(StepPage):
    """Check your answers, then Save: the service, with the token."""

    template_name = "treatment/clients/check.html"

    def draft(self, request: HttpRequest, token: str) -> dict[str, Any] | None:
        draft = request.session.get(_DRAFTS, {}).get(token)
        if (
            draft is None
            or draft["kind"] != self.kind
            or draft["handle"] != (self.record.handle if self.record else "")
        ):
            return None
        return draft

    def answers_shown(self, answers: dict[str, str]) -> list[dict[str, str]]:
        form = self.make_form()
        rows = []
        for name, field in form.fields.items():
            value = answers.get(name, "")
            if hasattr(field, "choices"):
                value = dict(field.choices).get(value, value)
            if value and name.endswith(("date", "_on", "date_of_birth")):
                value = f"{date.fromisoformat(value):%-d %B %Y}"
            rows.append({"label": str(field.label), "value": str(value), "name": name})
        return rows

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.setup_step(kwargs)
        draft = self.draft(request, kwargs["token"])
        if draft is None:
            return redirect(self.urls()["cancel_url"])
        return self.render_to_response(
            self.get_context_data(rows=self.answers_shown(draft["answers"]), token=kwargs["token"])
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.setup_step(kwargs)
        token = kwargs["token"]
        draft = self.draft(request, token)
        back = self.urls()["cancel_url"]
        if draft is None:
            # Saved already (the draft is gone) or never made here: nothing to add.
            messages.info(request, "These answers were saved already")
            return redirect(back)
        answers = dict(draft["answers"])
        values: dict[str, Any] = {}
        form = self.make_form()
        for name in form.fields:
            value = answers.get(name, "")
            if name.endswith(("_date", "date_of_birth", "_on")) and value:
                values[_RENAMED.get(self.kind, {}).get(name, name)] = date.fromisoformat(value)
            else:
                values[_RENAMED.get(self.kind, {}).get(name, name)] = value
        common = {"partnership": self.partnership, "token": token, "actor": request.user}
        if self.record is None:
            common["provider"] = self.provider
        else:
            common["record"] = self.record
        try:
            outcome = self.step.save(**common, **values)
        except AlreadySaved:
            messages.info(request, "These answers were saved already")
            return redirect(back)
        if outcome.saved:
            drafts = request.session.get(_DRAFTS, {})
            drafts.pop(token, None)
            request.session[_DRAFTS] = drafts
            messages.success(request, self.step.done)
            assert outcome.record is not None
            return redirect(
                reverse("treatment:timeline", args=[self.partnership.slug, outcome.record.handle])
            )
        # The rules refused it: the question page again, with the answers and every problem on its field.
        self.template_name = QuestionPage.template_name
        form = self.make_form(answers=answers)
        reverse_names = {v: k for k, v in _RENAMED.get(self.kind, {}).items()}
        for problem in outcome.report.errors:
            name = reverse_names.get(problem.column, problem.column)
            if (
                problem.column in ("modality_start_date", "modality_end_date", "modality_referral_date")
                and name not in form.fields
            ):
                name = next((n for n in form.fields if n.startswith("modality_")), None) or ""
            form.add_error(name if name in form.fields else None, problem.message)
        return self.render_to_response(self.get_context_data(form=form))
