"""Client records on pages: the record's counts (every member), the caseload and a client's timeline (a
provider's staff, as visibility.py allows), and consent. Records are addressed by their handle; every page
that shows a record writes an access log entry (access.record_reads)."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from concordat.core import clock
from concordat.partnerships.models import Provider
from concordat.partnerships.views.audit import pagination
from concordat.partnerships.views.base import PartnershipPage

from .. import access
from ..consent import consent_give, consent_withdraw
from ..forms.casework import ConsentForm, ReasonForm, WithdrawForm
from ..handles import client_of, handles_of
from ..models import Episode, EpisodeModality
from ..sharing import AccessEntry, ClientHandle, Consent
from ..visibility import Sight, sight_of, visible_clients

CASELOAD_LIMIT = 500  # rows of each table the caseload's CSV holds: its cost is bounded whatever the size
# Rows of each caseload table on one page. Each record shown is an access-log entry, so a page writes at
# most 2 × PER_PAGE of them, and reads, gives handles to and renders only what it shows.
PER_PAGE = 50
MODALITY_PAGE, TRIAGE_PAGE = "modality-page", "triage-page"


class TreatmentPage(PartnershipPage):
    permission = "treatment.view_counts"
    section = "treatment:counts"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user, p = self.request.user, self.partnership
        # Every name the templates ask for is present: Django's template engine logs a missing one at DEBUG
        # with the whole context, which would put a record's values in the log.
        context.setdefault("reason_form", None)
        context.setdefault("record", None)
        context.setdefault("client", None)
        for name in ("caption", "draft", "part"):
            context.setdefault(name, None)
        context.update(
            can_see_clients=user.has_perm("treatment.view_clients", p),
            can_record=user.has_perm("treatment.record_casework", p),
        )
        return context


class CountsPage(TreatmentPage):
    """Counts only, for every member: clients (distinct keys), open episodes and who waits, by provider."""

    template_name = "treatment/clients/counts.html"
    page_title = "Treatment record"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        p = self.partnership
        episodes = {
            row["provider"]: row
            for row in Episode.objects.filter(partnership=p)
            .values("provider")
            .annotate(
                clients=Count("client_key", distinct=True),
                open=Count("id", filter=Q(discharge_date__isnull=True)),
                untriaged=Count("id", filter=Q(discharge_date__isnull=True, triage_date__isnull=True)),
            )
        }
        waiting = {
            row["provider"]: row["n"]
            for row in EpisodeModality.objects.filter(
                partnership=p, start_date__isnull=True, episode__discharge_date__isnull=True
            )
            .values("provider")
            .annotate(n=Count("id"))
        }
        rows = []
        for provider in Provider.objects.filter(partnership=p).order_by("code"):
            found = episodes.get(provider.pk, {})
            rows.append(
                {
                    "provider": provider,
                    "clients": found.get("clients", 0),
                    "open": found.get("open", 0),
                    "untriaged": found.get("untriaged", 0),
                    "waiting": waiting.get(provider.pk, 0),
                }
            )
        context["rows"] = rows
        return context


def _handle_of(client_ref: str) -> Subquery:
    """The record's handle beside each row (None for a record not yet given one: `_with_handles`)."""
    return Subquery(
        ClientHandle.objects.filter(
            partnership_id=OuterRef("partnership_id"),
            provider_id=OuterRef("provider_id"),
            client_ref=OuterRef(client_ref),
        ).values("handle")[:1]
    )


def waiting_for_modality(user: Any, p: Any) -> QuerySet[EpisodeModality, dict[str, Any]]:
    """Modalities not started in open episodes, longest wait first: of the user's own clients and of those
    who consented to share their whole record."""
    return (
        EpisodeModality.objects.filter(
            partnership=p,
            start_date__isnull=True,
            episode__discharge_date__isnull=True,
            episode__client__in=visible_clients(user, p, scope=Consent.Scope.RECORD).values("id"),
        )
        .values(
            "modality",
            "referral_date",
            "provider_id",
            "provider__code",
            client_ref=F("episode__client__client_ref"),
            handle=_handle_of("episode__client__client_ref"),
        )
        .order_by("referral_date", "id")
    )


def waiting_for_triage(user: Any, p: Any) -> QuerySet[Episode, dict[str, Any]]:
    """Open episodes not yet triaged, longest wait first, of the clients the user may see."""
    return (
        Episode.objects.filter(
            partnership=p,
            triage_date__isnull=True,
            discharge_date__isnull=True,
            client__in=visible_clients(user, p).values("id"),
        )
        .values(
            "referral_date",
            "provider_id",
            "provider__code",
            client_ref=F("client__client_ref"),
            handle=_handle_of("client__client_ref"),
        )
        .order_by("referral_date", "id")
    )


def _with_handles(p: Any, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows with their handle and days waiting: the records not yet given a handle get one now (only those
    shown, so the cost follows the page, not the provider's size)."""
    missing = {(row["provider_id"], row["client_ref"]) for row in rows if row["handle"] is None}
    made = handles_of(p, missing)
    today = clock.today()
    for row in rows:
        if row["handle"] is None:
            row["handle"] = made[(row["provider_id"], row["client_ref"])]
        row["days"] = (today - row["referral_date"]).days
    return rows


def log_shown(p: Any, user: Any, rows: list[dict[str, Any]], *, channel: str, what: str) -> int:
    """One access-log entry per record shown (a record on both tables, or waiting for two modalities, is
    one read), all in one INSERT; the rows already carry each record's handle and provider."""
    shown = {(row["handle"], row["provider_id"]) for row in rows}
    return access.record_reads(
        partnership=p,
        records=[ClientHandle(handle=handle, provider_id=provider) for handle, provider in sorted(shown)],
        user=user,
        channel=channel,
        what=what,
    )


def caseload(
    user: Any, p: Any, *, channel: str, what: str
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The whole caseload for the export: who waits for a modality and who for triage, longest first
    (CASELOAD_LIMIT each); each record in it is logged as a read (one INSERT)."""
    waiting = _with_handles(p, list(waiting_for_modality(user, p)[:CASELOAD_LIMIT]))
    untriaged = _with_handles(p, list(waiting_for_triage(user, p)[:CASELOAD_LIMIT]))
    log_shown(p, user, waiting + untriaged, channel=channel, what=what)
    return waiting, untriaged


class CaseloadPage(TreatmentPage):
    """Who is waiting for what, and for how long: the open episodes of the records the user may see, in two
    tables of PER_PAGE rows a page, each with its own GOV.UK pagination (`modality-page`, `triage-page`:
    links, so it works without JavaScript). Only the rows shown are read, given handles and logged."""

    permission = "treatment.view_clients"
    section = "treatment:caseload"
    template_name = "treatment/clients/caseload.html"
    page_title = "Caseload"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user, p, asked = self.request.user, self.partnership, self.request.GET
        query = {name: asked[name] for name in (MODALITY_PAGE, TRIAGE_PAGE) if asked.get(name)}
        tables = {}
        for name, param, rows in (
            ("waiting", MODALITY_PAGE, waiting_for_modality(user, p)),
            ("untriaged", TRIAGE_PAGE, waiting_for_triage(user, p)),
        ):
            page = Paginator(rows, PER_PAGE).get_page(asked.get(param))
            tables[name] = (
                _with_handles(p, list(page.object_list)),
                page,
                pagination(page, query, param=param),
            )
        log_shown(
            p,
            user,
            tables["waiting"][0] + tables["untriaged"][0],
            channel=AccessEntry.Channel.PAGE,
            what="caseload",
        )
        context.update(
            waiting=tables["waiting"][0],
            waiting_page=tables["waiting"][1],
            waiting_pagination=tables["waiting"][2],
            untriaged=tables["untriaged"][0],
            untriaged_page=tables["untriaged"][1],
            untriaged_pagination=tables["untriaged"][2],
            per_page=PER_PAGE,
        )
        return context


class CaseloadExport(TreatmentPage):
    """The caseload as CSV, by handle only (an extract names no one: no client_ref, initials or date of
    birth); each record in it is logged as an export."""

    permission = "treatment.view_clients"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        waiting, untriaged = caseload(
            request.user, self.partnership, channel=AccessEntry.Channel.EXPORT, what="caseload CSV"
        )
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["record", "provider", "waiting_for", "referral_date", "days_waiting"])
        for row in untriaged:
            writer.writerow(
                [row["handle"], row["provider__code"], "triage", row["referral_date"], row["days"]]
            )
        for row in waiting:
            writer.writerow(
                [row["handle"], row["provider__code"], row["modality"], row["referral_date"], row["days"]]
            )
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{self.partnership.slug}-caseload.csv"'
        return response


def record_named(request: HttpRequest, partnership: Any, handle: str) -> tuple[ClientHandle, Sight]:
    """The record `handle` names, if the user may see it: 404 otherwise (whether it exists is not told)."""
    record = ClientHandle.objects.filter(partnership=partnership, handle=handle).first()
    sight = sight_of(request.user, partnership, record) if record is not None else None
    if record is None or sight is None:
        raise Http404("No such client record")
    return record, sight


def timeline(episodes: list[Episode], scope: str) -> list[dict[str, Any]]:
    """The record's events in date order: referral, triage, modality referral, start, end, discharge."""
    events: list[dict[str, Any]] = []
    for episode in episodes:
        ref = episode.episode_ref
        events.append(
            {
                "day": episode.referral_date,
                "episode": ref,
                "text": f"Referred ({episode.get_referral_source_display()}, {episode.get_primary_substance_display()})",
            }
        )
        if episode.triage_date:
            events.append({"day": episode.triage_date, "episode": ref, "text": "Triaged"})
        if scope == Consent.Scope.RECORD:
            for m in episode.modalities.all():
                events.append({"day": m.referral_date, "episode": ref, "text": f"Referred to {m.modality}"})
                if m.start_date:
                    events.append({"day": m.start_date, "episode": ref, "text": f"Started {m.modality}"})
                if m.end_date:
                    events.append({"day": m.end_date, "episode": ref, "text": f"Ended {m.modality}"})
        if episode.discharge_date:
            events.append(
                {
                    "day": episode.discharge_date,
                    "episode": ref,
                    "text": f"Discharged ({episode.get_discharge_reason_display()})",
                }
            )
    events.sort(key=lambda e: e["day"])
    return events


class TimelinePage(TreatmentPage):
    """A client's timeline. A record shared by consent asks why it is opened first (GET: the question;
    POST: the answer, then the record); the reason goes into the access log."""

    permission = "treatment.view_clients"
    section = "treatment:caseload"
    template_name = "treatment/clients/timeline.html"
    page_title = "Client record"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.record, self.sight = record_named(request, self.partnership, kwargs["handle"])
        if not self.sight.own:
            return self.render_to_response(self.get_context_data(reason_form=ReasonForm()))
        return self.render_to_response(self.get_context_data(reason=""))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.record, self.sight = record_named(request, self.partnership, kwargs["handle"])
        form = ReasonForm(request.POST)
        if self.sight.own:
            return redirect(request.path)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(reason_form=form))
        return self.render_to_response(self.get_context_data(reason=form.cleaned_data["reason"]))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        p, record = self.partnership, self.record
        context.update(record=record, sight=self.sight, provider=Provider.objects.get(pk=record.provider_id))
        if "reason_form" in kwargs:
            return context
        client = client_of(record)
        episodes = (
            list(client.episodes.prefetch_related("modalities").order_by("referral_date", "id"))
            if client
            else []
        )
        access.record_reads(
            partnership=p,
            records=[record],
            user=self.request.user,
            channel=AccessEntry.Channel.PAGE,
            what="client timeline",
            reason=kwargs.get("reason", ""),
        )
        own = self.sight.own
        context.update(
            client=client if own else None,
            episodes=episodes,
            open_episodes=[e for e in episodes if e.discharge_date is None],
            events=timeline(episodes, self.sight.scope),
            consents=list(record.consents.select_related("shared_with").order_by("-given_on", "-id"))
            if own
            else [],
            can_record=own and self.request.user.has_perm("treatment.record_casework", p),
        )
        return context


class ConsentPage(TreatmentPage):
    """Record a client's consent to share with another provider (their own provider's staff)."""

    permission = "treatment.record_casework"
    section = "treatment:caseload"
    template_name = "treatment/clients/form.html"
    page_title = "Record consent to share"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return super().dispatch(request, *args, **kwargs)

    def _form(self, data: Any = None) -> ConsentForm:
        providers = Provider.objects.filter(partnership=self.partnership).exclude(pk=self.record.provider_id)
        return ConsentForm(
            data, providers=[(p.code, f"{p.name} ({p.code})") for p in providers.order_by("code")]
        )

    def _load(self, handle: str) -> None:
        self.record, sight = record_named(self.request, self.partnership, handle)
        if not sight.own:
            raise Http404("No such client record")

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self._load(kwargs["handle"])
        return self.render_to_response(self.get_context_data(form=self._form()))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self._load(kwargs["handle"])
        form = self._form(request.POST)
        if form.is_valid():
            provider = Provider.objects.get(
                partnership=self.partnership, code=form.cleaned_data["shared_with"]
            )
            _, report = consent_give(
                record=self.record,
                shared_with=provider,
                scope=form.cleaned_data["scope"],
                given_on=form.cleaned_data["given_on"],
                actor=request.user,
            )
            if not report.errors:
                messages.success(request, f"Consent to share with {provider.name} recorded")
                return redirect(
                    reverse("treatment:timeline", args=[self.partnership.slug, self.record.handle])
                )
            for problem in report.errors:
                form.add_error(problem.column if problem.column in form.fields else None, problem.message)
        return self.render_to_response(self.get_context_data(form=form))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["cancel_url"] = reverse(
            "treatment:timeline", args=[self.partnership.slug, self.record.handle]
        )
        context["button"] = "Save consent"
        return context


class WithdrawPage(ConsentPage):
    page_title = "Record that consent was withdrawn"

    def _consent(self, pk: int) -> Consent:
        consent = self.record.consents.filter(pk=pk).select_related("shared_with").first()
        if consent is None:
            raise Http404("No such consent")
        return consent

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self._load(kwargs["handle"])
        self._consent(kwargs["consent"])
        return self.render_to_response(
            self.get_context_data(form=WithdrawForm(initial={"withdrawn_on": clock.today()}))
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self._load(kwargs["handle"])
        consent = self._consent(kwargs["consent"])
        form = WithdrawForm(request.POST)
        if form.is_valid():
            day: date = form.cleaned_data["withdrawn_on"]
            report = consent_withdraw(consent=consent, withdrawn_on=day, actor=request.user)
            if not report.errors:
                messages.success(request, "Consent withdrawn")
                return redirect(
                    reverse("treatment:timeline", args=[self.partnership.slug, self.record.handle])
                )
            for problem in report.errors:
                form.add_error("withdrawn_on", problem.message)
        return self.render_to_response(self.get_context_data(form=form))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["button"] = "Save"
        return context
