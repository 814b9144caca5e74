"""Money beside activity and outcomes, for a quarter or financial year: per contract and per provider,
what the pool paid (payments and accruals less their reversals, `pool.selectors.spend_by_contract`), the
people in treatment and the successful completions at the contract's provider (the KPI object's
`by_provider` breakdown), and the cost per person in treatment and per successful completion (integer
pence, half-up to the penny: rules/costs.py); each contract's monitoring KPIs with the engine's figure
against their target and the RAG rule. For the pool's readers. A contract's people are its provider's: two
contracts with one provider show the same people, and the provider's line adds their payments."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Prefetch

from concordat.commissioning import models as commissioning
from concordat.commissioning.commitments import contract_ref
from concordat.commissioning.selectors import terms_of
from concordat.core.years import FinancialYear
from concordat.pool import selectors as pool

from .. import permissions
from ..figures import StoredPeriod, stored_grid
from ..rules import measures
from ..rules.costs import per_head
from ..rules.rag import RULE, rag
from .base import PerformancePage, chosen_period, provider_names
from .dashboard import status_tag


def spend_in(partnership: Any, period: StoredPeriod) -> dict[str, int]:
    """Net spend per spend line in the period (a quarter: its year to the quarter's end, less the year to
    the end of the quarter before). Two queries at most."""
    year = FinancialYear(period.period.year)
    to_end = pool.spend_by_contract(partnership, year, cutoff=period.end)
    quarter = period.period.quarter
    if not quarter or quarter == 1:
        return to_end
    before = pool.spend_by_contract(partnership, year, cutoff=year.quarter_end(quarter - 1))
    return {ref: to_end.get(ref, 0) - before.get(ref, 0) for ref in to_end.keys() | before.keys()}


def _people(group: dict[str, Any]) -> tuple[int | None, int | None]:
    completions = group.get("successful_completions") or {}
    return group.get("in_treatment"), completions.get("completed")


class MoneyPage(PerformancePage):
    permission = permissions.VIEW_MONEY
    section = "performance:money"
    template_name = "performance/money.html"
    page_title = "Money, activity and outcomes"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        p = self.partnership
        grid = stored_grid(p)
        form, chosen = chosen_period(self.request, grid)
        context.update(grid=grid, form=form, chosen=chosen, rag_rule=RULE)
        if chosen is None:
            return context
        kpis = grid.result(chosen)
        by_provider = (kpis.get("breakdowns") or {}).get("by_provider") or {}
        names = provider_names(p)
        spend = spend_in(p, chosen)
        contracts = list(
            commissioning.Contract.objects.filter(partnership=p)
            .select_related("provider")
            .prefetch_related(
                "kpis",
                "payments",  # the schedule, for the contract's current end (terms_of)
                Prefetch("variations", queryset=commissioning.Variation.objects.order_by("on", "id")),
            )
            .order_by("provider__code", "start", "id")
        )
        rows, paid_by_provider, refs = [], defaultdict(int), set()
        for contract in contracts:
            ref = contract_ref(contract)
            refs.add(ref)
            paid = spend.get(ref, 0)
            runs = contract.start <= chosen.end and terms_of(contract).end >= chosen.start
            if not runs and not paid:
                continue
            code = contract.provider.code
            paid_by_provider[code] += paid
            group = by_provider.get(code) or {}
            people, completed = _people(group)
            checks = []
            for k in contract.kpis.all():
                known, value = measures.figure_at(group, k.kpi) if k.kpi else (False, None)
                target = measures.contract_target(k.target, k.direction)
                status = rag(value, target) if known else None
                checks.append(
                    {
                        "kpi": k,
                        "known": known,
                        "value": value,
                        "target": target,
                        "status": status,
                        "tag": status_tag(status.code) if status else "",
                    }
                )
            rows.append(
                {
                    "contract": contract,
                    "provider": code,
                    "provider_name": names.get(code, code),
                    "paid": paid,
                    "people": people,
                    "completed": completed,
                    "per_person": per_head(paid, people),
                    "per_completion": per_head(paid, completed),
                    "checks": checks,
                }
            )
        providers = []
        for code, name in names.items():
            people, completed = _people(by_provider.get(code) or {})
            paid = paid_by_provider.get(code, 0)
            providers.append(
                {
                    "code": code,
                    "name": name,
                    "paid": paid,
                    "people": people,
                    "completed": completed,
                    "per_person": per_head(paid, people),
                    "per_completion": per_head(paid, completed),
                }
            )
        other = sorted((ref, amount) for ref, amount in spend.items() if ref not in refs and amount)
        total_paid = sum(spend.values())
        people, completed = _people(kpis)
        context.update(
            contracts=rows,
            providers=providers,
            other_spend=other,
            total={
                "paid": total_paid,
                "contract_paid": sum(row["paid"] for row in rows),
                "people": people,
                "completed": completed,
                "per_person": per_head(total_paid, people),
                "per_completion": per_head(total_paid, completed),
            },
            provisional=(kpis.get("successful_completions") or {}).get("provisional"),
        )
        return context
