"""The pooled fund's demonstration data: a year of postings for the papers' pools, so that every page has
something to show. Idempotent: postings are made by ref, and a ref already posted with the same content is
skipped (services.postings_post), so `concordat demo load` twice changes nothing.

Everything here is invented and says so: each posting's description starts "Invented:", its ref starts
"DEMO-", and the contract references are made up. The planned contributions are the papers' (Salford's
from the notification form, item 12) or, for B&NES, the demo file's invented split of the report's
£1.58m (marked `source: invented` there). Contributions are received in four equal instalments; contracts
are paid monthly, with a year-end accrual and one payment posted in error and reversed.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings

from concordat.core.years import FinancialYear
from concordat.partnerships.models import Partnership

from .rules.postings import Draft
from .services import commitments_replace, postings_post
from .warming import statement_years, warm_statement_charts

# slug -> (year, [(contract ref, purpose, annual value in pounds, what it is)])
CONTRACTS: dict[str, tuple[int, list[tuple[str, str, int, str]]]] = {
    "salford-dat": (
        2003,
        [
            ("SAL-CDT-2003", "treatment", 960_000, "community drug team: prescribing and key working"),
            ("SAL-RESI-2003", "treatment", 420_000, "residential rehabilitation placements"),
            ("SAL-ARREST-2003", "harm-reduction", 180_000, "arrest referral and needle exchange"),
            ("SAL-YP-2003", "young-people", 150_000, "young people's substance misuse service"),
            ("SAL-DAT-2003", "commissioning-support", 90_000, "DAT co-ordination and needs assessment"),
        ],
    ),
    "bnes-dat": (
        2004,
        [
            (
                "BNES-DDP-2004",
                "treatment",
                780_000,
                "Developing Health and Independence: structured treatment",
            ),
            (
                "BNES-TIER4-2004",
                "treatment",
                260_000,
                "inpatient detoxification and residential rehabilitation",
            ),
            (
                "BNES-INVOLVE-2004",
                "young-people",
                210_000,
                "In-Volve: young people's drug and alcohol service",
            ),
            ("BNES-HR-2004", "harm-reduction", 140_000, "needle exchange and outreach"),
            ("BNES-JCG-2004", "commissioning-support", 95_000, "joint commissioning group support"),
        ],
    ),
}
# Paid to the end of February; March is accrued, so the year shows an accrual and a forecast.
PAID_MONTHS = 11


def _drafts(
    partnership: Partnership, year: FinancialYear, contracts: list[tuple[str, str, int, str]]
) -> list[Draft]:
    tag = partnership.slug.split("-")[0].upper()
    drafts: list[Draft] = []
    instalments = [date(year.start_year, 4, 15), date(year.start_year, 7, 15), date(year.start_year, 10, 15)]
    instalments.append(date(year.start_year + 1, 1, 15))
    lines = partnership.contributions.filter(year=year.start_year).select_related("stream").order_by("id")
    for line in lines:
        quarter = line.amount_pence // 4
        for n, day in enumerate(instalments, start=1):
            amount = quarter if n < 4 else line.amount_pence - 3 * quarter
            drafts.append(
                Draft(
                    f"DEMO-{tag}-C-{line.stream.code}-Q{n}",
                    "contribution",
                    day,
                    amount,
                    stream=line.stream.code,
                    description=f"Invented: {line.stream.name}, instalment {n} of 4",
                )
            )
    for contract, purpose, pounds, what in contracts:
        monthly = pounds * 100 // 12
        for month in range(PAID_MONTHS):
            calendar_month = (3 + month) % 12 + 1
            day = date(year.start_year + (1 if calendar_month < 4 else 0), calendar_month, 28)
            drafts.append(
                Draft(
                    f"DEMO-{tag}-P-{contract}-{month + 1:02d}",
                    "payment",
                    day,
                    monthly,
                    contract=contract,
                    purpose=purpose,
                    description=f"Invented: {what}, month {month + 1}",
                )
            )
        drafts.append(
            Draft(
                f"DEMO-{tag}-A-{contract}-12",
                "accrual",
                year.end,
                pounds * 100 - monthly * PAID_MONTHS,
                contract=contract,
                purpose=purpose,
                description=f"Invented: {what}, March invoice not yet paid",
            )
        )
    first, purpose = contracts[0][0], contracts[0][1]
    drafts.append(
        Draft(
            f"DEMO-{tag}-P-ERROR",
            "payment",
            date(year.start_year, 9, 3),
            1_250_000,
            contract=first,
            purpose=purpose,
            description="Invented: an invoice paid twice in error",
        )
    )
    drafts.append(
        Draft(
            f"DEMO-{tag}-R-ERROR",
            "reversal",
            date(year.start_year, 9, 10),
            reverses=f"DEMO-{tag}-P-ERROR",
            description="Invented: the duplicate payment recovered from the provider",
        )
    )
    return drafts


def load() -> None:
    """Post the demonstration year of each papers' pool that is loaded; commitments of the invented
    contracts for the next year, so the forecast has something to say."""
    for slug, (start, contracts) in CONTRACTS.items():
        partnership = Partnership.objects.filter(slug=slug).first()
        if partnership is None:
            continue
        year = FinancialYear(start)
        batch = postings_post(partnership=partnership, drafts=_drafts(partnership, year, contracts))
        if not batch.accepted:  # the demo's own data: a refusal is a bug in this module
            raise AssertionError(f"demo postings refused for {slug}: {batch.issues}")
        for contract, _purpose, pounds, what in contracts:
            commitments_replace(
                partnership=partnership,
                contract_ref=contract,
                by_year={start: pounds * 100, start + 1: pounds * 103},  # invented: 3% uplift next year
                description=f"Invented: {what}",
            )
    if settings.DOCUMENTS_WARM_AFTER_WRITE:
        # Every statement of the demo's pools drawn now, into the shared cache: a server started on the
        # demo serves them without a reader waiting for vl_convert (warming.py). A few seconds, once; a
        # second load finds them there.
        for partnership in Partnership.objects.filter(demo=True).order_by("pk"):
            warm_statement_charts(partnership.pk, statement_years(partnership))
