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
    # A step with many questions is asked over several pages: (heading, the fields on that page).
    parts: tuple[tuple[str, tuple[str, ...]], ...] = ()


STEPS: dict[str, Step] = {
    "refer": Step(
        "Refer a client",
        ReferralForm,
        casework.episode_refer,
        "Referral saved",
        parts=(
            ("About the client", ("client_ref", "initials", "date_of_birth", "sex", "la_of_residence")),
            ("About the referral", ("episode_ref", "referral_date", "referral_source", "primary_substance")),
        ),
    ),
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

    def part_of(self, field: str) -> int:
        """Which page of the step asks `field` (0 for a step on one page)."""
        for n, (_, fields) in enumerate(self.step.parts):
            if field in fields:
                return n
        return 0

    def make_form(
        self, data: Any = None, answers: dict[str, str] | None = None, part: int | None = None
    ) -> StepForm:
        options: dict[str, Any] = {}
        if part is not None and self.step.parts:
            options["only"] = self.step.parts[part][1]
        if self.kind != "refer":
            open_episodes = [e for e in self.episodes if e.discharge_date is None]
            options["episodes"] = [
                (e.episode_ref, f"Episode {e.episode_ref}, referred {e.referral_date:%-d %B %Y}")
                for e in open_episodes
            ]
            # Modalities by their names, as key workers know them, not their codes.
            named = {code: label for code, (label, *_) in BUILT_IN_MODALITIES.items()}
            named.update(self.partnership.modalities.values_list("code", "name"))
            if self.kind == "modality":
                options["modalities"] = list(named.items())
            elif self.kind in ("start", "end"):
                column = "start_date" if self.kind == "start" else "end_date"
                options["modalities"] = [
                    (
                        modality_key(
                            {"modality": m.modality, "modality_referral_date": m.referral_date.isoformat()}
                        ),
                        f"{named.get(m.modality, m.modality)}, referred {m.referral_date:%-d %B %Y} "
                        f"(episode {e.episode_ref})",
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
    """The step's questions, on one page or several (Step.parts). Continue keeps the answers in the session
    under a one-time token (the `draft`), then asks the next page's questions or shows the check page."""

    def part(self, request: HttpRequest) -> int:
        raw = request.POST.get("part") if request.method == "POST" else request.GET.get("part")
        try:
            n = int(raw or 0)
        except ValueError:
            n = 0
        return n if 0 <= n < max(1, len(self.step.parts)) else 0

    def render_part(self, form: StepForm, part: int, draft: str) -> HttpResponse:
        if self.step.parts:
            self.page_title = self.step.parts[part][0]
        context = self.get_context_data(form=form, part=part, draft=draft, caption=self.step.title)
        return self.render_to_response(context)

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
        part = self.part(request)
        token = request.GET.get("change") or request.GET.get("draft") or ""
        draft = request.session.get(_DRAFTS, {}).get(token)
        if draft is not None and draft["kind"] == self.kind and request.GET.get("change"):
            form = self.make_form(answers=draft["answers"], part=part)
        else:
            form = self.make_form(part=part)
        return self.render_part(form, part, token if draft else "")

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.setup_step(kwargs)
        part = self.part(request)
        drafts = request.session.get(_DRAFTS, {})
        token = request.POST.get("draft", "")
        draft = drafts.get(token)
        if draft is None or draft["kind"] != self.kind:
            token, draft = "", None
        form = self.make_form(request.POST, part=part)
        if not form.is_valid():
            return self.render_part(form, part, token)
        if draft is None:
            token = secrets.token_urlsafe(18)
            # A few drafts at most: an abandoned one should not fill the session.
            drafts = dict(list(drafts.items())[-4:])
            draft = {"kind": self.kind, "handle": self.record.handle if self.record else "", "answers": {}}
        draft["answers"] = {**draft["answers"], **form.answers()}
        drafts[token] = draft
        request.session[_DRAFTS] = drafts
        missing = next(
            (
                n
                for n, (_, fields) in enumerate(self.step.parts)
                if any(f not in draft["answers"] for f in fields)
            ),
            None,
        )
        if missing is not None:
            return redirect(self.urls()["form_url"] + f"?part={missing}&draft={token}")
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
            rows.append(
                {"label": str(field.label), "value": str(value), "name": name, "part": self.part_of(name)}
            )
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
        # The rules refused it: the question page again (the page of the first problem's question), with
        # the answers and every problem on its field, or above the form when its question is on another page.
        self.template_name = QuestionPage.template_name
        reverse_names = {v: k for k, v in _RENAMED.get(self.kind, {}).items()}
        first = outcome.report.errors[0].column
        part = self.part_of(reverse_names.get(first, first)) if self.step.parts else None
        if part is not None:
            self.page_title = self.step.parts[part][0]
        form = self.make_form(answers=answers, part=part)
        for problem in outcome.report.errors:
            name = reverse_names.get(problem.column, problem.column)
            if (
                problem.column in ("modality_start_date", "modality_end_date", "modality_referral_date")
                and name not in form.fields
            ):
                name = next((n for n in form.fields if n.startswith("modality_")), None) or ""
            form.add_error(name if name in form.fields else None, problem.message)
        return self.render_to_response(
            self.get_context_data(form=form, part=part or 0, draft=token, caption=self.step.title)
        )
