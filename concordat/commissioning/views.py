"""Commissioning pages: procurements (a task list with the timeline of stages, a form for the next stage,
representations, the PSR transparency notice), the contracts register (CSV and XLSX too), each contract
with its schedule, subcontracts, legacy contracts and variations, and the services. Every write is one
service call; a refusal puts each problem on its field and changes nothing."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import FormView, TemplateView

from concordat.core.audit import record_event
from concordat.core.csvfile import spreadsheet_safe
from concordat.core.models import Kind
from concordat.core.money import format_pounds, pence_to_str
from concordat.core.years import FinancialYear
from concordat.partnerships.errors import AlreadySaved, EntryGone, StaleEdit
from concordat.partnerships.keys import new_key
from concordat.partnerships.models import Partnership
from concordat.partnerships.services import fingerprint
from concordat.partnerships.views.base import PartnershipPage, navigation, partnership_for

from . import commitments, forms, models, ocds, selectors, services
from .errors import Refused
from .permissions import provider_scope
from .rules import stages

VIEW = "commissioning.view_commissioning"
CONTRACTS = "commissioning.view_contracts"
CHANGE = "commissioning.change_commissioning"


def _procurement(partnership: Partnership, key: str) -> models.Procurement:
    found = selectors.procurements(partnership).filter(key=key).first()
    if found is None:
        raise Http404("No such procurement")
    return found


def _contract(request: HttpRequest, partnership: Partnership, key: str) -> models.Contract:
    """The contract, if the user may read it: provider roles only their own provider's (else 404)."""
    found = (
        selectors.contracts(partnership, provider_scope(request.user, partnership)).filter(key=key).first()
    )
    if found is None:
        raise Http404("No such contract")
    return found


def _timeline(procurement: models.Procurement) -> list[dict[str, Any]]:
    """Every stage of the procurement's process in order, in its law's words with the provision that asks
    for it: done (with its record), the next one, or still to come."""
    done = {s.stage: s for s in procurement.stages.all()}
    upcoming = stages.next_stage(
        [stages.Reached(s.stage, s.on) for s in done.values()], procurement.process or None
    )
    return [
        {
            "stage": step.stage,
            "label": step.label,
            "cites": step.cites,
            "record": done.get(step.stage),
            "status": "done" if step.stage in done else ("next" if step.stage == upcoming else "later"),
        }
        for step in selectors.steps(procurement)
    ]


def _stage_label(procurement: models.Procurement, stage: str) -> str:
    return stages.label(stage, procurement.process or None, selectors.law_of(procurement))


def _contract_row(contract: models.Contract) -> dict[str, Any]:
    terms = selectors.terms_of(contract)
    return {
        "contract": contract,
        "terms": terms,
        "schedule": [(FinancialYear(y), p) for y, p in sorted(terms.schedule.items())],
        "total": sum(terms.schedule.values()),
    }


class CommissioningPage(PartnershipPage):
    permission = VIEW
    section = "commissioning:procurements"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_commission"] = self.request.user.has_perm(CHANGE, self.partnership)
        return context


class ProcurementsPage(CommissioningPage):
    template_name = "commissioning/procurements.html"
    page_title = "Procurements"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        rows = []
        for p in selectors.procurements(self.partnership):
            reached = [stages.Reached(s.stage, s.on) for s in p.stages.all()]
            upcoming = stages.next_stage(reached, p.process or None)
            rows.append(
                {
                    "procurement": p,
                    "last": reached[-1] if reached else None,
                    "last_label": _stage_label(p, reached[-1].stage) if reached else "",
                    "next": upcoming,
                    "next_label": _stage_label(p, upcoming) if upcoming else "",
                }
            )
        context.update(rows=rows, stage_labels=stages.STAGES)
        return context


class ProcurementPage(CommissioningPage):
    template_name = "commissioning/procurement.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        p = _procurement(self.partnership, self.kwargs["key"])
        intention, end = selectors.standstill_of(p)
        context.update(
            procurement=p,
            page_title=p.title,
            timeline=_timeline(p),
            intention=intention,
            standstill_end=end,
            in_standstill=bool(intention) and not p.stages.filter(stage="standstill-ended").exists(),
            process=stages.PROCESSES.get(p.process, ""),
            law=selectors.law_for_page(p),
        )
        return context


class TransparencyNoticePage(CommissioningPage):
    """The Provider Selection Regime's transparency notice: what the regime asks to be published of a
    decision to award (process, decision makers, criteria, conflicts of interest, standstill)."""

    template_name = "commissioning/notice.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        p = _procurement(self.partnership, self.kwargs["key"])
        done = {s.stage: s for s in p.stages.all()}
        intention, end = selectors.standstill_of(p)
        context.update(
            procurement=p,
            page_title=f"Transparency notice: {p.title}",
            done=done,
            process=stages.PROCESSES.get(p.process, "Not yet chosen"),
            law=selectors.law_for_page(p),
            intention=intention,
            standstill_end=end,
            decision_makers=[(_stage_label(p, s.stage), s.decided_by) for s in done.values() if s.decided_by],
        )
        return context


class ContractsPage(CommissioningPage):
    permission = CONTRACTS
    section = "commissioning:contracts"
    template_name = "commissioning/contracts.html"
    page_title = "Contracts"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        rows = [
            _contract_row(c)
            for c in selectors.contracts(
                self.partnership, provider_scope(self.request.user, self.partnership)
            )
        ]
        context.update(rows=rows, can_see_procurements=self.request.user.has_perm(VIEW, self.partnership))
        return context


class ContractPage(CommissioningPage):
    permission = CONTRACTS
    section = "commissioning:contracts"
    template_name = "commissioning/contract.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        contract = _contract(self.request, self.partnership, self.kwargs["key"])
        row = _contract_row(contract)
        legacy = list(contract.legacy.all())
        context.update(
            page_title=contract.title,
            row=row,
            contract=contract,
            legacy=legacy,
            legacy_before=sum(x.annual_cost_pence for x in legacy),
            legacy_after=sum(x.after_cost_pence or 0 for x in legacy),
            spend=sum(p.amount_pence for p in commitments.payments_for(contract)),
            latest_review=next(reversed(contract.reviews.all()), None),
        )
        return context


class ServicesPage(CommissioningPage):
    section = "commissioning:services"
    template_name = "commissioning/services.html"
    page_title = "Services"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["services"] = models.Service.objects.filter(partnership=self.partnership).prefetch_related(
            "providers"
        )
        return context


# --- the register as files ------------------------------------------------------------------------------

HEADINGS = [
    "Reference",
    "Title",
    "Provider",
    "Status",
    "Start",
    "End",
    "Annual value",
    "Whole-life value",
    "Variations",
]
# Spreadsheets run a cell that starts with one of these as a formula: written as text, as they do.


def _register(request: HttpRequest, slug: str) -> tuple[Partnership, list[list[Any]]]:
    partnership = partnership_for(request, slug, CONTRACTS)
    rows = []
    for c in selectors.contracts(partnership, provider_scope(request.user, partnership)):
        terms = selectors.terms_of(c)
        rows.append(
            [
                c.key,
                c.title,
                c.provider.name,
                c.status_label,
                c.start,
                terms.end,
                terms.annual_pence,
                terms.whole_life_pence,
                len(c.variations.all()),
            ]
        )
    record_event(
        kind=Kind.FILE_EXPORTED,
        actor=request.user,
        partnership_slug=partnership.slug,
        summary="downloaded the contracts register",
        obj=partnership,
    )
    return partnership, rows


@login_required
def register_csv(request: HttpRequest, slug: str) -> HttpResponse:
    partnership, rows = _register(request, slug)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{partnership.slug}-contracts.csv"'
    writer = csv.writer(response)
    writer.writerow(HEADINGS)
    for row in rows:
        writer.writerow(
            [
                spreadsheet_safe(str(v))
                if isinstance(v, str)
                else v.isoformat()
                if isinstance(v, date)
                else ""
                if v is None
                else pence_to_str(v)
                if i in (6, 7)
                else v
                for i, v in enumerate(row)
            ]
        )
    return response


@login_required
def ocds_json(request: HttpRequest, slug: str) -> HttpResponse:
    """The OCDS release package of the partnership's procurements and contracts, as the command line
    writes it: for those who may read the procurements (provider roles may not: it is every contract)."""
    partnership = partnership_for(request, slug, VIEW)
    text = json.dumps(ocds.exported(partnership, request.user), indent=2, ensure_ascii=False) + "\n"
    response = HttpResponse(text, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{partnership.slug}-ocds.json"'
    return response


@login_required
def register_xlsx(request: HttpRequest, slug: str) -> HttpResponse:
    from openpyxl import Workbook

    partnership, rows = _register(request, slug)
    book = Workbook()
    sheet = book.active
    sheet.title = "Contracts"
    sheet.append(HEADINGS)
    for row in rows:
        sheet.append(
            [
                spreadsheet_safe(v)
                if isinstance(v, str)
                else (None if v is None else v / 100)
                if i in (6, 7)
                else v
                for i, v in enumerate(row)
            ]
        )
    for column in ("G", "H"):
        for cell in sheet[column][1:]:
            cell.number_format = '"£"#,##0.00;[Red]-"£"#,##0.00'
    for column in ("E", "F"):
        for cell in sheet[column][1:]:
            cell.number_format = "yyyy-mm-dd"
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(
        out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{partnership.slug}-contracts.xlsx"'
    return response


# --- forms ---------------------------------------------------------------------------------------------


_ONE_TIME = re.compile(r"^[a-z0-9]{10}$")  # partnerships.keys.new_key's


def _one_time(value: str | None) -> str | None:
    return value if value and _ONE_TIME.match(value) else None


def _field_for(path: str) -> str | None:
    return path.split(".")[0].split("[")[0] or None


class CommissioningFormView(LoginRequiredMixin, FormView):
    """A form that records something through one service call. `save(values)` returns where to go next
    and a message; a Refused puts each problem on its field (by the first part of its path)."""

    template_name = "commissioning/form.html"
    section = "commissioning:procurements"
    page_title = ""
    # A form that adds a record keeps its one-time token in the page's address (?token=), not only in the
    # form: Back after saving fetches the page again (no-store), and a token made afresh then would let the
    # same answers, sent again, add a second record. With the token in the address, they add nothing.
    adds = True

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.partnership = partnership_for(request, kwargs["slug"], CHANGE)
        self.prepare()
        return super().dispatch(request, *args, **kwargs)

    def prepare(self) -> None:
        """Find what the form is about (404 when it names nothing)."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if self.adds and not _one_time(request.GET.get("token")):
            return redirect(f"{request.path}?token={new_key()}")
        return super().get(request, *args, **kwargs)

    def cancel_url(self) -> str:
        return reverse("commissioning:procurements", args=[self.partnership.slug])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            partnership=self.partnership,
            page_title=self.page_title,
            navigation=navigation(self.request, self.partnership, self.section),
            cancel_url=self.cancel_url(),
            token=self.request.POST.get("token") or _one_time(self.request.GET.get("token")) or new_key(),
            breadcrumbs=[
                {"href": reverse("partnerships:list"), "text": "Partnerships"},
                {
                    "href": reverse("partnerships:overview", args=[self.partnership.slug]),
                    "text": self.partnership.name,
                },
            ],
        )
        return context

    def save(self, values: dict[str, Any]) -> tuple[str, str]:
        raise NotImplementedError

    def form_valid(self, form: Any) -> HttpResponse:
        try:
            url, message = self.save(form.values())
        except AlreadySaved as saved:
            messages.success(self.request, f"{saved}: it was not saved again")
            return redirect(self.cancel_url())
        except Refused as refusal:
            problems = refusal.report.errors
            token = self.request.POST.get("token")
            if token and [(p.path, p.code) for p in problems] == [("key", "duplicate-key")]:
                messages.info(self.request, "This was already saved")
                return redirect(self.cancel_url())
            for problem in problems:
                name = _field_for(problem.path)
                form.add_error(name if name in form.fields else None, problem.text)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        messages.success(self.request, message)
        return redirect(url)

    def form_invalid(self, form: Any) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=form), status=400)


class AddProcurement(CommissioningFormView):
    form_class = forms.ProcurementForm
    page_title = "Start a procurement"

    def save(self, values: dict[str, Any]) -> tuple[str, str]:
        values["key"] = self.request.POST.get("token")
        p, report = services.procurement_create(
            partnership=self.partnership, values=values, user=self.request.user
        )
        for warning in report.warnings:
            messages.warning(self.request, warning.text)
        return reverse("commissioning:procurement", args=[self.partnership.slug, p.key]), f"Started {p.title}"


class ProcurementFormView(CommissioningFormView):
    def prepare(self) -> None:
        self.procurement = _procurement(self.partnership, self.kwargs["key"])

    def cancel_url(self) -> str:
        return reverse("commissioning:procurement", args=[self.partnership.slug, self.procurement.key])


class RecordStage(ProcurementFormView):
    """The next stage's form. The page says which stage it records (a hidden `stage`): the stage to record
    is always the next one, so a second submission of the same page (Back and resubmit, a second tab, a
    double click without JavaScript) would otherwise record the stage after it with this one's answers."""

    form_class = forms.StageForm
    adds = False

    def prepare(self) -> None:
        super().prepare()
        self.reached = {r.stage for r in selectors.reached(self.procurement)}
        self.process = self.procurement.process or None
        self.stage = stages.next_stage(selectors.reached(self.procurement), self.process)
        if self.stage is not None:
            self.page_title = f"{self.label(self.stage)}: {self.procurement.title}"

    def label(self, stage: str) -> str:
        return _stage_label(self.procurement, stage)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if self.stage is None:
            raise Http404("The procurement has reached its last stage: there is no stage left to record")
        return super().get(request, *args, **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        shown = request.POST.get("stage")
        if shown in self.reached:
            messages.info(request, f"{stages.STAGES[shown]} was already recorded: nothing was recorded again")
            return redirect(self.cancel_url())
        if self.stage is None:
            raise Http404("The procurement has reached its last stage: there is no stage left to record")
        if shown and shown != self.stage:
            messages.error(
                request,
                f"That form was not for the next stage, {self.label(self.stage)}: nothing was recorded",
            )
            return redirect(self.cancel_url())
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "stage": self.stage}

    def get_form_kwargs(self) -> dict[str, Any]:
        providers = [(p.code, p.name) for p in self.partnership.providers.all()]
        return {
            **super().get_form_kwargs(),
            "stage": self.stage,
            "health_care": self.procurement.health_care,
            "providers": providers,
            "process": self.process,
        }

    def save(self, values: dict[str, Any]) -> tuple[str, str]:
        record = services.procurement_advance(
            procurement=self.procurement, values=values, user=self.request.user
        )
        return self.cancel_url(), f"Recorded: {record}"


class AddRepresentation(ProcurementFormView):
    form_class = forms.RepresentationForm
    page_title = "Record a representation"

    def save(self, values: dict[str, Any]) -> tuple[str, str]:
        services.representation_record(
            procurement=self.procurement,
            values=values,
            user=self.request.user,
            token=self.request.POST.get("token"),
        )
        return self.cancel_url(), "Representation recorded: the standstill is paused until it is answered"


class AnswerRepresentation(ProcurementFormView):
    form_class = forms.AnswerForm
    adds = False
    page_title = "Record the answer to a representation"

    def prepare(self) -> None:
        super().prepare()
        self.representation = self.procurement.representations.filter(pk=self.kwargs["pk"]).first()
        if self.representation is None:
            raise Http404("No such representation")

    def save(self, values: dict[str, Any]) -> tuple[str, str]:
        services.representation_answer(
            representation=self.representation, answered=values.get("answered"), user=self.request.user
        )
        return self.cancel_url(), "Answer recorded: the standstill resumes"


class AddContract(ProcurementFormView):
    """The contract a procurement awarded (recorded before it is signed)."""

    form_class = forms.ContractForm
    page_title = "Record the contract"

    def get_form_kwargs(self) -> dict[str, Any]:
        providers = [(p.code, p.name) for p in self.partnership.providers.all()]
        return {**super().get_form_kwargs(), "providers": providers}

    def get_initial(self) -> dict[str, Any]:
        p = self.procurement
        return {
            "title": p.title,
            "provider": p.awarded_to.code if p.awarded_to else None,
            "max_term_years": p.max_term_years,
        }

    def save(self, values: dict[str, Any]) -> tuple[str, str]:
        values = {**values, "key": self.request.POST.get("token"), "procurement": self.procurement.key}
        contract, report = services.contract_create(
            partnership=self.partnership, values=values, user=self.request.user
        )
        for warning in report.warnings:
            messages.warning(self.request, warning.text)
        return self.cancel_url(), f"Recorded the contract {contract.title}"


class AddVariation(CommissioningFormView):
    form_class = forms.VariationForm
    section = "commissioning:contracts"
    page_title = "Record a variation"

    def prepare(self) -> None:
        self.contract = _contract(self.request, self.partnership, self.kwargs["key"])

    def cancel_url(self) -> str:
        return reverse("commissioning:contract", args=[self.partnership.slug, self.contract.key])

    def save(self, values: dict[str, Any]) -> tuple[str, str]:
        values["key"] = self.request.POST.get("token")
        variation, report = services.contract_vary(
            contract=self.contract, values=values, user=self.request.user
        )
        for warning in report.warnings:
            messages.warning(self.request, warning.text)
        return self.cancel_url(), f"Recorded the variation of {variation.on:%-d %B %Y}"


class AddKpi(AddVariation):
    form_class = forms.KpiForm
    page_title = "Add a KPI"

    def save(self, values: dict[str, Any]) -> tuple[str, str]:
        values["key"] = self.request.POST.get("token")
        kpi = services.contract_kpi_add(contract=self.contract, values=values, user=self.request.user)
        return self.cancel_url(), f"Added the KPI {kpi.name}"


class AddReview(AddVariation):
    form_class = forms.ReviewForm
    page_title = "Record a quarterly review"

    def save(self, values: dict[str, Any]) -> tuple[str, str]:
        review = services.contract_review_record(
            contract=self.contract, values=values, user=self.request.user
        )
        return self.cancel_url(), f"Recorded the {review}"


class AddSubcontract(AddVariation):
    form_class = forms.SubcontractForm
    page_title = "Add a subcontract"

    def save(self, values: dict[str, Any]) -> tuple[str, str]:
        sub = services.contract_subcontract_add(
            contract=self.contract,
            values=values,
            user=self.request.user,
            token=self.request.POST.get("token"),
        )
        return self.cancel_url(), f"Added the subcontract {sub}"


class AddLegacyContract(AddVariation):
    form_class = forms.LegacyContractForm
    page_title = "Add a legacy contract folded into this one"

    def save(self, values: dict[str, Any]) -> tuple[str, str]:
        legacy = services.contract_legacy_add(
            contract=self.contract,
            values=values,
            user=self.request.user,
            token=self.request.POST.get("token"),
        )
        return self.cancel_url(), f"Added the legacy contract {legacy.name}"


# --- a subcontract or a legacy contract changed or removed, by its key --------------------------------------


class ContractPartChange(AddVariation):
    """Change one subcontract or legacy contract of a contract. The page carries a fingerprint of what it
    showed (`seen`): a save over someone else's change is refused (409) with their values beside the
    user's own; a row removed meanwhile is said so, and nothing is saved."""

    part: services.ContractPart
    remove_url_name = ""
    adds = False  # a change carries `seen`, not a one-time token

    def prepare(self) -> None:
        super().prepare()
        key = self.kwargs["part"]
        self.row = getattr(self.contract, self.part.related).filter(key=key).first()
        if self.row is None:
            if services.was_removed(self.contract, self.part, key):
                raise EntryGone(self.part.noun, key)
            raise Http404(f"No such {self.part.noun}")
        self.page_title = f"Change the {self.part.noun}"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return super().dispatch(request, *args, **kwargs)
        except EntryGone:
            messages.error(request, f"This {self.part.noun} was removed by someone else. Nothing was saved.")
            return redirect(self.cancel_url())

    def shown(self) -> dict[str, Any]:
        return self.part.shown(self.row)

    def get_initial(self) -> dict[str, Any]:
        return {k: "" if v is None else v for k, v in self.shown().items() if k != "source"}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            token="",
            seen=kwargs.get("seen") or self.request.POST.get("seen") or fingerprint(self.shown()),
            remove_url=reverse(
                self.remove_url_name, args=[self.partnership.slug, self.contract.key, self.row.key]
            ),
            remove_label=f"Remove this {self.part.noun}",
        )
        return context

    # The service that changes this kind of row (keyword-only: contract, key, values, seen, user).
    change_service: Any = None

    def change(self, values: dict[str, Any]) -> Any:
        return type(self).change_service(
            contract=self.contract,
            key=self.row.key,
            values=values,
            seen=self.request.POST.get("seen") or None,
            user=self.request.user,
        )

    def save(self, values: dict[str, Any]) -> tuple[str, str]:
        # The form has no field for the source: the row keeps the one it has.
        row = self.change({"source": self.row.source, **values})
        return self.cancel_url(), f"Changed the {self.part.noun} {row}"

    def form_valid(self, form: Any) -> HttpResponse:
        try:
            return super().form_valid(form)
        except StaleEdit as stale:
            rows = [
                (str(field.label), "" if stale.current.get(name) is None else str(stale.current[name]))
                for name, field in form.fields.items()
            ]
            stale_view = {"changed_by": stale.changed_by, "changed_at": stale.changed_at, "rows": rows}
            context = self.get_context_data(form=form, stale=stale_view, seen=fingerprint(stale.current))
            return self.render_to_response(context, status=409)


class ChangeSubcontract(ContractPartChange):
    form_class = forms.SubcontractForm
    part = services.SUBCONTRACTS
    remove_url_name = "commissioning:remove-subcontract"
    change_service = services.contract_subcontract_change


class ChangeLegacyContract(ContractPartChange):
    form_class = forms.LegacyContractForm
    part = services.LEGACY
    remove_url_name = "commissioning:remove-legacy"
    change_service = services.contract_legacy_change


class ContractPartRemove(LoginRequiredMixin, TemplateView):
    """ "Are you sure you want to remove …": GET shows what goes, POST removes it. Removing what is already
    gone changes nothing and says so; a row changed since the page showed it is shown again to confirm."""

    template_name = "partnerships/confirm_remove.html"
    part: services.ContractPart

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.partnership = partnership_for(request, kwargs["slug"], CHANGE)
        self.contract = _contract(request, self.partnership, kwargs["key"])
        return super().dispatch(request, *args, **kwargs)

    def success_url(self) -> str:
        return reverse("commissioning:contract", args=[self.partnership.slug, self.contract.key])

    def gone(self) -> HttpResponse:
        if not services.was_removed(self.contract, self.part, self.kwargs["part"]):
            raise Http404(f"No such {self.part.noun}")
        messages.info(self.request, f"That {self.part.noun} had already been removed: nothing changed")
        return redirect(self.success_url())

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        row = getattr(self.contract, self.part.related).filter(key=self.kwargs["part"]).first()
        if row is None:
            return self.gone()
        what = f"the {self.part.noun} ‘{row}’"
        context = self.get_context_data(
            partnership=self.partnership,
            page_title=f"Remove {what}",
            navigation=navigation(request, self.partnership, "commissioning:contracts"),
            noun=self.part.noun,
            what=what,
            also=[],
            refusal="",
            seen=fingerprint(self.part.shown(row)),
            cancel_url=self.success_url(),
        )
        return self.render_to_response(context)

    def remove(self, seen: str | None) -> None:
        raise NotImplementedError

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            self.remove(request.POST.get("seen") or None)
        except EntryGone:
            return self.gone()
        except StaleEdit as stale:
            messages.error(
                request,
                f"This {self.part.noun} was changed by {stale.changed_by} since you opened it: check it and "
                "confirm again",
            )
            return self.get(request, *args, **kwargs)
        messages.success(request, f"{self.part.noun[0].upper()}{self.part.noun[1:]} removed")
        return redirect(self.success_url())


class RemoveSubcontract(ContractPartRemove):
    part = services.SUBCONTRACTS

    def remove(self, seen: str | None) -> None:
        services.contract_subcontract_remove(
            contract=self.contract, key=self.kwargs["part"], seen=seen, user=self.request.user
        )


class RemoveLegacyContract(ContractPartRemove):
    part = services.LEGACY

    def remove(self, seen: str | None) -> None:
        services.contract_legacy_remove(
            contract=self.contract, key=self.kwargs["part"], seen=seen, user=self.request.user
        )


class SaveService(CommissioningFormView):
    """Add a service (the form's token becomes its key, so a resubmission saves the same one again and
    adds nothing) or, given a key, change it. Both through services.service_save."""

    form_class = forms.ServiceForm
    section = "commissioning:services"

    def prepare(self) -> None:
        self.service = None
        if "key" in self.kwargs:
            self.service = (
                models.Service.objects.filter(partnership=self.partnership, key=self.kwargs["key"])
                .prefetch_related("providers")
                .first()
            )
            if self.service is None:
                raise Http404("No such service")
        self.adds = self.service is None
        self.page_title = f"Change {self.service.name}" if self.service else "Add a service"

    def cancel_url(self) -> str:
        return reverse("commissioning:services", args=[self.partnership.slug])

    def get_form_kwargs(self) -> dict[str, Any]:
        from concordat.partnerships.rules.vocabulary import BUILT_IN_MODALITIES

        own = {m.code: m.name for m in self.partnership.modalities.all()}
        named = {**{code: label for code, (label, *_) in BUILT_IN_MODALITIES.items()}, **own}
        return {
            **super().get_form_kwargs(),
            "modalities": [
                (code, named[code]) for code in sorted(selectors.modality_codes(self.partnership))
            ],
            "providers": [(p.code, p.name) for p in self.partnership.providers.all()],
        }

    def get_initial(self) -> dict[str, Any]:
        s = self.service
        if s is None:
            return {}
        return {
            "name": s.name,
            "tier": str(s.tier),
            "modality": s.modality,
            "client_group": s.client_group,
            "providers": [p.code for p in s.providers.all()],
        }

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        if self.service is not None:
            context["seen"] = (
                kwargs.get("seen") or self.request.POST.get("seen") or services.service_seen(self.service)
            )
        return context

    def form_valid(self, form: Any) -> HttpResponse:
        try:
            return super().form_valid(form)
        except StaleEdit as stale:
            # Their answers stay in the form; the service as it is now is said; saving again, having seen
            # it, saves theirs over it on purpose (the form now carries what it is now).
            now = stale.current
            form.add_error(
                None,
                f"This service was changed by someone else since you opened this page: it is now "
                f"‘{now['name']}’, tier {now['tier']}, {now['modality']}, for {now['client_group']}, "
                f"providers {', '.join(now['providers']) or 'none'}. Check your answers and save again "
                f"to replace it with yours.",
            )
            self.service = models.Service.objects.prefetch_related("providers").get(pk=self.service.pk)
            context = self.get_context_data(form=form, seen=services.service_seen(self.service))
            return self.render_to_response(context, status=409)

    def save(self, values: dict[str, Any]) -> tuple[str, str]:
        values["key"] = self.service.key if self.service else self.request.POST.get("token")
        if (
            self.service is None
            and models.Service.objects.filter(partnership=self.partnership, key=values["key"]).exists()
        ):
            # The add form sent again (Back and Save): the service its token named is there already. Saving
            # would change it under a message saying it was added.
            raise AlreadySaved("service", values["key"])
        warnings: list[Any] = []
        service = services.service_save(
            partnership=self.partnership,
            values=values,
            user=self.request.user,
            seen=self.request.POST.get("seen") if self.service else None,
            warnings=warnings,
        )
        for warning in warnings:
            messages.warning(self.request, warning.text)
        return self.cancel_url(), f"{'Changed' if self.service else 'Added'} the service {service.name}"


def pounds(pence: int | None) -> str:
    return "" if pence is None else format_pounds(pence)
