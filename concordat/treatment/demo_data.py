"""The treatment record's demonstration data: two years of synthetic submissions for each demo partnership
that has providers, so the submissions history, the reports and (later) the KPIs have something to show.

The files come from the demo's generator (`concordat.demo.generator`, docs/synthetic-data.md): no real
people, a fixed seed, so the same partnership always gives byte-identical files. Each is imported through
`services.submission_import`, as `concordat treatment import` would, by the command line's user.
Idempotent: a provider whose latest accepted submission is the same file (its SHA-256) and period end is
skipped, so `concordat demo load` twice adds no submission, row or audit event.
"""

from __future__ import annotations

import hashlib
import tempfile
from datetime import date
from pathlib import Path

from concordat.core.audit import command_line
from concordat.demo.generator.files import generate_for_partnership
from concordat.demo.services import FILES
from concordat.partnerships.models import Partnership, Provider
from concordat.partnerships.shape import export_agreement

from .models import Submission
from .services import submission_import

# Fixed: the demo's files are the same on every machine and every load.
SEED = 2003
# Two years keep the whole treatment demo to about 12,000 rows (a second or two to import); the
# generator sizes each partnership by its target for people accessing services.
YEARS = 2


def load() -> None:
    """Import each demo partnership's synthetic submissions (one per provider) unless the provider's
    latest accepted submission is already that file to that period end."""
    demo_slugs = {path.stem for path in FILES.glob("*.yaml")}
    partnerships = Partnership.objects.filter(slug__in=demo_slugs).order_by("slug")
    for partnership in partnerships:
        providers = {p.code: p for p in partnership.providers.all()}
        if not providers:
            continue
        with tempfile.TemporaryDirectory(prefix="concordat-demo-") as folder:
            manifest = generate_for_partnership(export_agreement(partnership), YEARS, SEED, folder)
            period_end = date.fromisoformat(manifest["period_end"])
            for entry in manifest["partnerships"][0]["submissions"]:
                _submit(partnership, providers[entry["provider"]], Path(folder) / entry["file"], period_end)


def _submit(partnership: Partnership, provider: Provider, path: Path, period_end: date) -> None:
    data = path.read_bytes()
    latest = (
        Submission.objects.filter(
            partnership=partnership, provider=provider, outcome=Submission.Outcome.ACCEPTED
        )
        .order_by("-submitted_at", "-id")
        .first()
    )
    if latest and latest.file_sha256 == hashlib.sha256(data).hexdigest() and latest.period_end == period_end:
        return
    with command_line(None), path.open("rb") as file:
        outcome = submission_import(
            partnership=partnership,
            provider=provider,
            file=file,
            period_end=period_end,
            file_name=f"demo-{partnership.slug}-{provider.code}.csv",
            actor=None,
            channel=Submission.Channel.COMMAND_LINE,
        )
    if not outcome.report.accepted:  # the generator's own files: a rejection is a bug here or there
        first = outcome.report.errors[:3]
        raise AssertionError(
            f"demo submission of {partnership.slug} {provider.code} rejected: "
            + "; ".join(f"row {p.row} {p.column} {p.code}" for p in first)
        )
