"""Every write to commissioning: keyword-only, one transaction each, the partnership row locked so that
two people recording the same procurement's stage, or varying the same contract, take turns. Each checks
its input in full first (rules/check.py) and raises errors.Refused with every problem when it is not valid:
then nothing changes. Row changes reach the audit trail through django-auditlog (audit.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import transaction

from concordat.core import clock
from concordat.core.audit import acting_as
from concordat.core.models import AuditEntry
from concordat.core.problems import Problem, Report
from concordat.partnerships.errors import EntryGone, StaleEdit
from concordat.partnerships.keys import claim, new_key, retired_keys
from concordat.partnerships.models import Partnership, RetiredKey
from concordat.partnerships.services import fingerprint

from . import commitments, models, selectors
from .errors import Refused
from .rules import check, monitoring, stages
from .rules.standstill import rule_for


def _lock(partnership: Partnership) -> Partnership:
    return Partnership.objects.select_for_update().get(pk=partnership.pk)


def _refuse_if_invalid(report: Report) -> None:
    if not report.valid:
        raise Refused(report)


def _claim_key(report: Report, wanted: str | None, taken: set[str], noun: str) -> str:
    if wanted and wanted in taken:
        report.error("key", "duplicate-key", f"key: there is already a {noun} with the reference '{wanted}'")
    return wanted or new_key(taken)


@transaction.atomic
def service_seen(service: models.Service) -> str:
    """The fingerprint of a service as a change form shows it: the form carries it back, and a save is
    refused when the service no longer has it (someone changed it in between)."""
    return fingerprint(service_values(service))


def service_values(service: models.Service) -> dict[str, Any]:
    return {
        "name": service.name,
        "tier": service.tier,
        "modality": service.modality,
        "client_group": service.client_group,
        "providers": sorted(p.code for p in service.providers.all()),
    }


def service_save(
    *,
    partnership: Partnership,
    values: dict[str, Any],
    user: Any,
    seen: str | None = None,
    warnings: list[Problem] | None = None,
) -> models.Service:
    """Add a service, or change the one whose `key` is given (its key never changes). `seen`, when given,
    is the service_seen of the service the change form showed: a change made since raises StaleEdit. A tier
    two or more from its modality's is refused; one apart is saved with a warning, added to `warnings`
    when given."""
    with acting_as(user):
        locked = _lock(partnership)
        providers = selectors.codes(locked.providers.all())
        report, out = check.check_service(
            values, providers=set(providers), modalities=selectors.modalities(locked)
        )
        _refuse_if_invalid(report)
        if warnings is not None:
            warnings.extend(report.warnings)
        existing = (
            models.Service.objects.filter(partnership=locked, key=out["key"]).first() if out["key"] else None
        )
        if existing is not None and seen is not None and service_seen(existing) != seen:
            raise StaleEdit(changed_by="", changed_at=None, current=service_values(existing))
        fields = {k: out[k] for k in ("name", "tier", "modality", "client_group", "source")}
        if existing is None:
            taken = set(models.Service.objects.filter(partnership=locked).values_list("key", flat=True))
            service = models.Service.objects.create(
                partnership=locked, key=out["key"] or new_key(taken), **fields
            )
        else:
            service = existing
            if any(getattr(service, k) != v for k, v in fields.items()):
                for k, v in fields.items():
                    setattr(service, k, v)
                service.save()
        wanted = [providers[c] for c in out["providers"]]
        if {p.pk for p in service.providers.all()} != {p.pk for p in wanted}:
            service.providers.set(wanted)
        return service


@transaction.atomic
def procurement_create(
    *, partnership: Partnership, values: dict[str, Any], user: Any
) -> tuple[models.Procurement, Report]:
    """Start a procurement (no stage reached yet). Returns it with the check's warnings (value x term)."""
    with acting_as(user):
        locked = _lock(partnership)
        services = selectors.codes(models.Service.objects.filter(partnership=locked), "key")
        report, out = check.check_procurement(values, services=set(services))
        taken = set(models.Procurement.objects.filter(partnership=locked).values_list("key", flat=True))
        key = _claim_key(report, out["key"], taken, "procurement")
        _refuse_if_invalid(report)
        procurement = models.Procurement.objects.create(
            partnership=locked,
            key=key,
            **{
                k: out[k]
                for k in (
                    "title",
                    "health_care",
                    "estimated_annual_pence",
                    "estimated_whole_life_pence",
                    "max_term_years",
                    "source",
                )
            },
        )
        if out["services"]:
            procurement.services.set([services[k] for k in out["services"]])
        return procurement, report


@transaction.atomic
def procurement_advance(
    *, procurement: models.Procurement, values: dict[str, Any], user: Any, today: date | None = None
) -> models.StageRecord:
    """Record the next stage of the procurement's process, under the law of the day its process is chosen
    (rules/stages.py). Refused when it skips a stage, is not a stage of the process (bids or a standstill in
    the PSR's direct award A or B), goes back, is dated before the stage before it or after today, or lacks
    what the stage needs (who decided; a process of that law; the weighted criteria and how each was
    assessed; the provider; the standstill of that law run out with no representation open; the
    contract). `today` is the day it is recorded (core.clock's today when not given): the demo records the
    papers' history as of the day each stage happened, whatever its clock says."""
    with acting_as(user):
        locked = _lock(procurement.partnership)
        procurement = models.Procurement.objects.select_related("partnership").get(pk=procurement.pk)
        providers = selectors.codes(locked.providers.all())
        report, out = check.check_stage(
            values,
            reached=selectors.reached(procurement),
            health_care=procurement.health_care,
            providers=set(providers),
            process=procurement.process,
            today=today or clock.today(),
        )
        stage, on = out["stage"], out["on"]
        if report.valid and stage == "standstill-ended":
            intention, end = selectors.standstill_of(procurement)
            if end is None:
                report.error(
                    "date",
                    "representation-open",
                    "date: a representation is still open: the standstill is paused until it is answered",
                )
            elif on < end:
                rule = rule_for(selectors.law_of(procurement) or stages.PSR_2023)
                report.error(
                    "date",
                    "standstill-not-over",
                    f"date: the standstill runs to {end.isoformat()} ({rule.words} after the intention to "
                    f"award on {intention.isoformat() if intention else ''}, {rule.cites}; paused while "
                    "representations were open)",
                )
        if report.valid and stage == "contract-signed" and not procurement.contracts.exists():
            report.error(
                "stage", "no-contract", "stage: record the contract before recording that it was signed"
            )
        _refuse_if_invalid(report)
        record = models.StageRecord.objects.create(
            procurement=procurement,
            stage=stage,
            on=on,
            decided_by=out["decided_by"],
            notes=out["notes"],
            reference=out["reference"],
            recorded_by=user if getattr(user, "is_authenticated", False) else None,
        )
        changed = []
        if stage == "process-chosen":
            procurement.process = out["process"]
            changed.append("process")
        if out.get("provider"):  # the intention to award, or the award where the process has none
            procurement.awarded_to = providers[out["provider"]]
            changed.append("awarded_to")
        if out["conflicts_of_interest"] is not None:
            procurement.conflicts_of_interest = out["conflicts_of_interest"]
            changed.append("conflicts_of_interest")
        if changed:
            procurement.save(update_fields=changed)
        for criterion in out.get("criteria", []):
            models.Criterion.objects.create(procurement=procurement, **criterion)
        return record


@transaction.atomic
def representation_record(
    *, procurement: models.Procurement, values: dict[str, Any], user: Any, token: str | None = None
) -> models.Representation:
    """Record a representation made during the standstill (it pauses the standstill until answered). A
    form's one-time `token` becomes its key: a second submission raises AlreadySaved and adds nothing."""
    with acting_as(user):
        _lock(procurement.partnership)
        # Read again under the lock: the caller's procurement may hold its stages as read before it.
        procurement = models.Procurement.objects.select_related("partnership").get(pk=procurement.pk)
        taken = set(procurement.representations.values_list("key", flat=True))
        key = claim(token, taken, "representation")
        report, out = check.check_representation(values, today=clock.today())
        done = selectors.reached(procurement)
        if not done or done[-1].stage != "intention-to-award":
            report.error(
                "",
                "not-in-standstill",
                "Representations are recorded during the standstill, after the intention to award",
            )
        elif out["received"] and out["received"] < done[-1].on:
            report.error(
                "received",
                "date-before-previous-stage",
                f"received: before the intention to award on {done[-1].on.isoformat()}",
            )
        _refuse_if_invalid(report)
        return models.Representation.objects.create(procurement=procurement, key=key, **out)


@transaction.atomic
def representation_answer(
    *, representation: models.Representation, answered: Any, user: Any
) -> models.Representation:
    """Record when an open representation was answered; the standstill resumes the next working day."""
    with acting_as(user):
        _lock(representation.procurement.partnership)
        # Read again under the lock: the row the caller holds may predate an answer saved meanwhile.
        representation = models.Representation.objects.get(pk=representation.pk)
        report, out = check.check_representation(
            {
                "received": representation.received.isoformat(),
                "made_by": representation.made_by,
                "answered": answered,
            },
            today=clock.today(),
        )
        if out["answered"] is None and report.valid:
            report.error("answered", "required", "answered is required")
        if representation.answered is not None:
            report.error(
                "answered",
                "already-answered",
                f"answered: already answered on {representation.answered.isoformat()}",
            )
        _refuse_if_invalid(report)
        representation.answered = out["answered"]
        representation.save(update_fields=["answered"])
        return representation


@transaction.atomic
def contract_create(
    *, partnership: Partnership, values: dict[str, Any], user: Any
) -> tuple[models.Contract, Report]:
    """Record a contract with its original terms, payment schedule, subcontracts and the legacy contracts it
    replaces. Returns it with the check's warnings (annual value x term against the whole-life value). A
    contract from a procurement needs the award made, to the provider the award names."""
    with acting_as(user):
        locked = _lock(partnership)
        providers = selectors.codes(locked.providers.all())
        services = selectors.codes(models.Service.objects.filter(partnership=locked), "key")
        procurements = selectors.codes(models.Procurement.objects.filter(partnership=locked), "key")
        report, out = check.check_contract(
            values, providers=set(providers), services=set(services), procurements=set(procurements)
        )
        taken = set(models.Contract.objects.filter(partnership=locked).values_list("key", flat=True))
        key = _claim_key(report, out["key"], taken, "contract")
        procurement = procurements.get(out["procurement"]) if out["procurement"] else None
        if procurement is not None:
            done = [r.stage for r in selectors.reached(procurement)]
            if "awarded" not in done:
                report.error(
                    "procurement",
                    "not-awarded",
                    "procurement: the contract can be recorded once the award is made",
                )
            elif out["provider"] and procurement.awarded_to_id != providers[out["provider"]].pk:
                report.error(
                    "provider",
                    "not-the-awarded-provider",
                    f"provider: the procurement awarded the contract to {procurement.awarded_to.code if procurement.awarded_to else 'nobody'}",
                )
        _refuse_if_invalid(report)
        contract = models.Contract.objects.create(
            partnership=locked,
            key=key,
            procurement=procurement,
            provider=providers[out["provider"]],
            **{
                k: out[k]
                for k in (
                    "title",
                    "start",
                    "end",
                    "annual_value_pence",
                    "whole_life_value_pence",
                    "max_term_years",
                    "extensions",
                    "source",
                )
            },
        )
        if out["services"]:
            contract.services.set([services[k] for k in out["services"]])
        models.Payment.objects.bulk_create(
            [
                models.Payment(contract=contract, year=y, amount_pence=p)
                for y, p in sorted(out["schedule"].items())
            ]
        )
        # Each its own key, so that it can be changed and removed on its own later.
        keys: set[str] = set()
        for sub in out["subcontracts"]:
            keys.add(key := new_key(keys))
            models.Subcontract.objects.create(contract=contract, key=key, **sub)
        keys = set()
        for legacy in out["legacy"]:
            keys.add(key := new_key(keys))
            models.LegacyContract.objects.create(contract=contract, key=key, **legacy)
        commitments.push(contract, actor=user)
        return contract, report


@transaction.atomic
def contract_vary(
    *, contract: models.Contract, values: dict[str, Any], user: Any
) -> tuple[models.Variation, Report]:
    """Add a variation: dated (not before the contract starts or the previous variation), with its reason
    and new values. The original terms are never changed; the current terms are the original plus the
    variations in order. Returns it with a warning when the new values disagree (annual x term)."""
    with acting_as(user):
        _lock(contract.partnership)
        contract = models.Contract.objects.select_related("partnership", "provider").get(pk=contract.pk)
        last = contract.variations.order_by("-on", "-id").first()
        report, out = check.check_variation(
            values,
            start=contract.start,
            last_on=last.on if last else None,
            end=selectors.terms_of(contract).end,
            subcontracts_pence=_subcontracts_pence(contract),
        )
        taken = set(contract.variations.values_list("key", flat=True))
        key = _claim_key(report, out["key"], taken, "variation")
        _refuse_if_invalid(report)
        variation = models.Variation.objects.create(
            contract=contract,
            key=key,
            on=out["on"],
            reason=out["reason"],
            end=out["end"],
            annual_value_pence=out["annual_value_pence"],
            whole_life_value_pence=out["whole_life_value_pence"],
            schedule={str(y): p for y, p in out["schedule"].items()},
            terminates=out["terminates"],
        )
        terms = selectors.terms_of(contract)
        if contract.max_term_years and terms.whole_life_pence is not None:
            from .rules.values import value_term_mismatch

            mismatch = value_term_mismatch(
                terms.annual_pence, terms.whole_life_pence, contract.max_term_years
            )
            if mismatch:
                report.warn("whole_life_value", "value-term-mismatch", mismatch)
        commitments.push(contract, actor=user)
        return variation, report


@transaction.atomic
def contract_subcontract_add(
    *, contract: models.Contract, values: dict[str, Any], user: Any, token: str | None = None
) -> models.Subcontract:
    """Add a subcontract to a recorded contract: the same check as a new contract's list of them."""
    with acting_as(user):
        locked = _lock(contract.partnership)
        key = claim(token, _taken(locked, contract, SUBCONTRACTS), "subcontract")
        report, out = _check_subcontract(values, contract)
        _refuse_if_invalid(report)
        return models.Subcontract.objects.create(contract=contract, key=key, **out)


@transaction.atomic
def contract_legacy_add(
    *, contract: models.Contract, values: dict[str, Any], user: Any, token: str | None = None
) -> models.LegacyContract:
    """Add a legacy contract folded into a recorded contract, with its transfer date and its cost a year
    before and after: the same check as a new contract's list of them."""
    with acting_as(user):
        locked = _lock(contract.partnership)
        key = claim(token, _taken(locked, contract, LEGACY), "legacy contract")
        report, out = _check_legacy(values, contract)
        _refuse_if_invalid(report)
        return models.LegacyContract.objects.create(contract=contract, key=key, **out)


def _subcontracts_pence(contract: models.Contract, but: int | None = None) -> int:
    """What the contract's subcontracts are worth a year together (all but the row `but`), read afresh."""
    rows = models.Subcontract.objects.filter(contract_id=contract.pk).exclude(pk=but)
    return sum(pence or 0 for pence in rows.values_list("annual_value_pence", flat=True))


def _terms_now(contract: models.Contract) -> Any:
    return selectors.terms_of(models.Contract.objects.get(pk=contract.pk))


def _check_subcontract(
    values: dict[str, Any], contract: models.Contract, row: Any = None
) -> tuple[Report, dict[str, Any]]:
    """A subcontract against the contract's annual value now and its other subcontracts."""
    return check.check_subcontract(
        values,
        contract_pence=_terms_now(contract).annual_pence,
        others_pence=_subcontracts_pence(contract, but=row.pk if row is not None else None),
    )


def _check_legacy(
    values: dict[str, Any], contract: models.Contract, row: Any = None
) -> tuple[Report, dict[str, Any]]:
    """A legacy contract's transfer against the contract's start and its end now."""
    return check.check_legacy_contract(values, start=contract.start, end=_terms_now(contract).end)


# --- a subcontract or a legacy contract changed or removed on its own ---------------------------------------
# Neither is part of the contract's schedule, so the pool's commitments (commitments.push) do not change
# with them: what the pool holds stays the contract's current terms.


@dataclass(frozen=True)
class ContractPart:
    """A kind of row of a contract that people change and remove one at a time, by its key."""

    noun: str
    related: str  # the contract's related name
    retired: str  # the RetiredKey collection the keys of removed rows are kept under
    # The check of a row's values, given its contract and the row changed (None: a new one).
    check: Callable[[dict[str, Any], models.Contract, Any], tuple[Report, dict[str, Any]]]
    shown: Callable[[Any], dict[str, Any]]  # what a change form shows, fingerprinted as `seen`


SUBCONTRACTS = ContractPart(
    "subcontract", "subcontracts", "subcontracts", _check_subcontract, selectors.subcontract_values
)
LEGACY = ContractPart(
    "legacy contract",
    "legacy",
    "legacy-contracts",
    _check_legacy,
    selectors.legacy_contract_values,
)


def _taken(partnership: Partnership, contract: models.Contract, part: ContractPart) -> set[str]:
    """Keys a new row may not have: the contract's rows' and every removed one's (keys are never reused,
    and a second submission of the form that added a row since removed adds nothing)."""
    rows = getattr(contract, part.related)
    return set(rows.values_list("key", flat=True)) | retired_keys(partnership, part.retired)


def was_removed(contract: models.Contract, part: ContractPart, key: str) -> bool:
    """Whether `key` named a row of this kind that has been removed (rather than never existed)."""
    return RetiredKey.objects.filter(
        partnership_id=contract.partnership_id, collection=part.retired, key=key
    ).exists()


def _last_change(row: Any) -> tuple[str, datetime | None]:
    """Who last wrote the row, and when: the audit trail's latest entry for it."""
    entry = AuditEntry.objects.get_for_object(row).order_by("-timestamp").first()
    return (entry.actor_name, entry.timestamp) if entry is not None else ("", None)


def _row(contract: models.Contract, part: ContractPart, key: str) -> Any:
    row = getattr(contract, part.related).filter(key=key).first() if key else None
    if row is None:
        raise EntryGone(part.noun, key)
    return row


def _part_change(
    part: ContractPart,
    *,
    contract: models.Contract,
    key: str,
    values: dict[str, Any],
    seen: str | None,
    user: Any,
) -> Any:
    with acting_as(user):
        _lock(contract.partnership)
        row = _row(contract, part, key)
        report, out = part.check(values, contract, row)
        unchanged = report.valid and all(getattr(row, name) == value for name, value in out.items())
        current = part.shown(row)
        # Stale only when the save would undo someone's change: a second identical submission is not.
        if seen is not None and fingerprint(current) != seen and not unchanged:
            changed_by, changed_at = _last_change(row)
            raise StaleEdit(changed_by=changed_by, changed_at=changed_at, current=current)
        _refuse_if_invalid(report)
        if not unchanged:  # a save that changes nothing writes nothing, not even an audit entry
            for name, value in out.items():
                setattr(row, name, value)
            row.save()
        return row


def _part_remove(
    part: ContractPart, *, contract: models.Contract, key: str, seen: str | None, user: Any
) -> None:
    with acting_as(user):
        locked = _lock(contract.partnership)
        row = _row(contract, part, key)
        if seen is not None and fingerprint(part.shown(row)) != seen:
            changed_by, changed_at = _last_change(row)
            raise StaleEdit(changed_by=changed_by, changed_at=changed_at, current=part.shown(row))
        row.delete()
        RetiredKey.objects.get_or_create(partnership=locked, collection=part.retired, key=key)


@transaction.atomic
def contract_subcontract_change(
    *, contract: models.Contract, key: str, values: dict[str, Any], seen: str | None, user: Any
) -> models.Subcontract:
    """Change the subcontract `key` of `contract` to `values` (the whole subcontract, the add's check).
    Raises EntryGone when it is not there (removed since), StaleEdit when it changed since the editor saw
    `seen` (selectors.subcontract_values' fingerprint), Refused with every problem: then nothing changes."""
    return _part_change(SUBCONTRACTS, contract=contract, key=key, values=values, seen=seen, user=user)  # type: ignore[no-any-return]


@transaction.atomic
def contract_subcontract_remove(*, contract: models.Contract, key: str, seen: str | None, user: Any) -> None:
    """Remove the subcontract `key`; its key is retired. EntryGone when it is already gone, StaleEdit when
    it changed since the confirmation page showed it: then nothing changes."""
    _part_remove(SUBCONTRACTS, contract=contract, key=key, seen=seen, user=user)


@transaction.atomic
def contract_legacy_change(
    *, contract: models.Contract, key: str, values: dict[str, Any], seen: str | None, user: Any
) -> models.LegacyContract:
    """Change the legacy contract `key` folded into `contract` (as contract_subcontract_change)."""
    return _part_change(LEGACY, contract=contract, key=key, values=values, seen=seen, user=user)  # type: ignore[no-any-return]


@transaction.atomic
def contract_legacy_remove(*, contract: models.Contract, key: str, seen: str | None, user: Any) -> None:
    """Remove the legacy contract `key` (as contract_subcontract_remove)."""
    _part_remove(LEGACY, contract=contract, key=key, seen=seen, user=user)


@transaction.atomic
def contract_kpi_add(*, contract: models.Contract, values: dict[str, Any], user: Any) -> models.ContractKpi:
    """Add a measure the contract is held to, with its target."""
    with acting_as(user):
        _lock(contract.partnership)
        report, out = monitoring.check_kpi(values)
        taken = set(contract.kpis.values_list("key", flat=True))
        key = _claim_key(report, out["key"], taken, "KPI")
        _refuse_if_invalid(report)
        return models.ContractKpi.objects.create(contract=contract, **{**out, "key": key})


@transaction.atomic
def contract_review_record(
    *, contract: models.Contract, values: dict[str, Any], user: Any
) -> models.ContractReview:
    """Record a quarter's review: its RAG status with the reason. One a quarter, of a quarter the contract
    runs in (its current end, variations applied); never changed afterwards."""
    with acting_as(user):
        _lock(contract.partnership)
        contract = models.Contract.objects.select_related("partnership").get(pk=contract.pk)
        reviewed = set(contract.reviews.values_list("year", "quarter"))
        report, out = monitoring.check_review(
            values, start=contract.start, end=selectors.terms_of(contract).end, reviewed=reviewed
        )
        _refuse_if_invalid(report)
        return models.ContractReview.objects.create(contract=contract, **out)
