"""From a count to the records behind it: the modality rows of the current record that a KPI of the
period counts (treatment.selectors.kpi_rows, the spec's definitions), only of the records the reader may
see (treatment.visibility: their provider's clients, and those who consented to share their whole record
with it), 50 a page, each record addressed by its handle and each record shown written to the access log
(one entry per record, one INSERT). Only a provider's staff may open it (`performance.drill_down`); others
see counts only (403), and a period, KPI or provider that does not exist is a 404."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db.models import F, OuterRef, Subquery
from django.http import Http404
from django.urls import reverse

from concordat.partnerships.views.audit import pagination
from concordat.treatment import access
from concordat.treatment import selectors as treatment
from concordat.treatment.handles import handles_of
from concordat.treatment.sharing import AccessEntry, ClientHandle, Consent
from concordat.treatment.visibility import visible_clients

from .. import permissions
from ..figures import stored_grid
from ..rules.labels import GridPeriod
from ..selectors import default_as_of
from .base import PerformancePage, modality_names, provider_names

PER_PAGE = 50
KPI_WORDS = {
    "in_treatment": "People in treatment",
    "new_starts": "New starts in treatment",
    "waiting": "Started",
}


def _handle_of() -> Subquery:
    return Subquery(
        ClientHandle.objects.filter(
            partnership_id=OuterRef("partnership_id"),
            provider_id=OuterRef("provider_id"),
            client_ref=OuterRef("episode__client__client_ref"),
        ).values("handle")[:1]
    )


class EpisodesPage(PerformancePage):
    permission = permissions.DRILL_DOWN
    section = "performance:episodes"
    template_name = "performance/episodes.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        p, user = self.partnership, self.request.user
        period = GridPeriod.parse(kwargs["period"])
        if period is None or period.slug != kwargs["period"]:
            raise Http404("No such period")
        kpi, _, modality = str(kwargs["kpi"]).partition(".")
        names = modality_names(p)
        if (
            kpi not in treatment.ROW_KPIS
            or (kpi == "waiting") != bool(modality)
            or (modality and modality not in names)
        ):
            raise Http404("No such measure")
        providers = provider_names(p)
        code = self.request.GET.get("provider") or ""
        provider_ids = None
        if code:
            if code not in providers:
                raise Http404("No such provider")
            provider_ids = list(p.providers.filter(code=code).values_list("pk", flat=True))
        as_of = default_as_of(p)
        rows = treatment.kpi_rows(
            p,
            kpi,
            period.start,
            period.end,
            as_of,
            modality=modality or None,
            provider_ids=provider_ids,
            clients=visible_clients(user, p, scope=Consent.Scope.RECORD),
        )
        people = rows.values("episode__client_key").distinct().order_by().count()
        page = Paginator(
            rows.values(
                "id",
                "provider_id",
                "provider__code",
                "modality",
                "referral_date",
                "start_date",
                "end_date",
                discharge_date=F("episode__discharge_date"),
                client_ref=F("episode__client__client_ref"),
                handle=_handle_of(),
            ),
            PER_PAGE,
        ).get_page(self.request.GET.get("page"))
        shown = list(page.object_list)
        missing = {(row["provider_id"], row["client_ref"]) for row in shown if row["handle"] is None}
        made = handles_of(p, missing)
        for row in shown:
            if row["handle"] is None:
                row["handle"] = made[(row["provider_id"], row["client_ref"])]
            row["wait"] = (row["start_date"] - row["referral_date"]).days
        records = sorted({(row["handle"], row["provider_id"]) for row in shown})
        access.record_reads(
            partnership=p,
            records=[ClientHandle(handle=handle, provider_id=provider) for handle, provider in records],
            user=user,
            channel=AccessEntry.Channel.PAGE,
            what=f"performance: {kwargs['kpi']}, {period.label}"[:100],
        )
        what = KPI_WORDS[kpi] + (f" {names[modality]}" if modality else "")
        counted = self._counted(period, kpi, modality, code)
        query = {"provider": code} if code else {}
        context.update(
            period=period,
            kpi=kpi,
            modality=modality,
            modality_name=names.get(modality, ""),
            what=what,
            provider_code=code,
            provider_name=providers.get(code, ""),
            rows=shown,
            page=page,
            pagination=pagination(page, query),
            people=people,
            counted=counted,
            as_of=as_of,
            per_page=PER_PAGE,
            dashboard_url=reverse("performance:dashboard", args=[p.slug]) + f"?period={period.slug}",
        )
        context["page_title"] = f"{what}: {period.short}"
        return context

    def _counted(self, period: GridPeriod, kpi: str, modality: str, provider: str) -> int | None:
        """What the dashboard's stored figures count for the same measure (None when not stored)."""
        grid = stored_grid(self.partnership, queue=False)
        found = grid.find(period)
        if found is None:
            return None
        obj = grid.result(found)
        if provider:
            obj = ((obj.get("breakdowns") or {}).get("by_provider") or {}).get(provider) or {}
        if kpi == "waiting":
            value = ((obj.get("waiting") or {}).get(modality) or {}).get("count")
        else:
            value = obj.get(kpi)
        return value if isinstance(value, int) else None
