"""A client's consent to share their record with named providers of the partnership (sharing.Consent).

Given with a date and a scope; withdrawn with a date, never deleted: the history of who could see a record
when stays. Recorded by the staff of the client's own provider. Audit events name the record by handle.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction

from concordat.core.audit import record_event
from concordat.core.csvfile import RowReport
from concordat.core.models import Kind
from concordat.partnerships.models import Provider

from .sharing import ClientHandle, Consent

EVENT_KIND = Kind.TREATMENT_CONSENT


@transaction.atomic
def consent_give(
    *, record: ClientHandle, shared_with: Provider, scope: str, given_on: date, actor: Any
) -> tuple[Consent | None, RowReport]:
    """Record a consent in force for `record` to be shared with `shared_with`. Refused (a problem, nothing
    written) for the record's own provider, a provider of another partnership, a date after today, or
    when a consent in force with that provider exists already."""
    from concordat.core import clock

    report = RowReport()
    locked = ClientHandle.objects.select_for_update().select_related("partnership").get(pk=record.pk)
    if shared_with.partnership_id != locked.partnership_id:
        report.error(0, "shared_with", "unknown-provider", "Choose a provider of this partnership")
    elif shared_with.pk == locked.provider_id:
        report.error(0, "shared_with", "own-provider", "The client's own provider sees the record already")
    elif locked.consents.filter(shared_with=shared_with, withdrawn_on__isnull=True).exists():
        report.error(
            0, "shared_with", "already-consented", "A consent to share with this provider is in force"
        )
    if scope not in Consent.Scope.values:
        report.error(0, "scope", "invalid-choice", "Choose what the client agreed to share")
    if given_on > clock.today():
        report.error(0, "given_on", "in-future", "The date consent was given must be today or earlier")
    if report.errors:
        return None, report
    consent = Consent.objects.create(
        partnership=locked.partnership,
        client=locked,
        shared_with=shared_with,
        scope=scope,
        given_on=given_on,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    record_event(
        kind=EVENT_KIND,
        actor=actor,
        partnership_slug=locked.partnership.slug,
        summary=f"recorded consent for the client record {locked.handle} to be shared with "
        f"{shared_with.name} ({shared_with.code}) from {given_on.isoformat()}",
        obj=locked,
    )
    return consent, report


@transaction.atomic
def consent_withdraw(*, consent: Consent, withdrawn_on: date, actor: Any) -> RowReport:
    """Withdraw a consent in force from `withdrawn_on` (the row stays). Refused when already withdrawn or
    the date is before it was given or after today."""
    from concordat.core import clock

    report = RowReport()
    locked = (
        Consent.objects.select_for_update()
        .select_related("client", "shared_with", "partnership")
        .get(pk=consent.pk)
    )
    if locked.withdrawn_on is not None:
        report.error(0, "withdrawn_on", "already-withdrawn", "This consent was withdrawn already")
    elif withdrawn_on < locked.given_on or withdrawn_on > clock.today():
        report.error(
            0, "withdrawn_on", "invalid-date", "The date must be between the day consent was given and today"
        )
    if report.errors:
        return report
    locked.withdrawn_on = withdrawn_on
    locked.withdrawn_by = actor if getattr(actor, "is_authenticated", False) else None
    locked.save(update_fields=["withdrawn_on", "withdrawn_by"])
    record_event(
        kind=EVENT_KIND,
        actor=actor,
        partnership_slug=locked.partnership.slug,
        summary=f"recorded that consent for the client record {locked.client.handle} to be shared with "
        f"{locked.shared_with.name} ({locked.shared_with.code}) was withdrawn on {withdrawn_on.isoformat()}",
        obj=locked.client,
    )
    return report
