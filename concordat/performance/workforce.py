"""The drug treatment workforce: whole-time equivalent treatment staff by provider and financial year, and
its year-on-year growth (the NTA's KPI in the B&NES paper, 4.3).

Writes (every one through these services; the web form, the API and `concordat workforce import`):
- `figure_save(partnership=, provider=, year=, fte=, source=, seen=, user=)`: one figure, entered or
  replaced. `seen` is the fingerprint of the figure the writer saw (`figure_seen`, of None when there was
  none): a figure changed since raises StaleEdit, unless it already holds exactly these values (a second
  submission of the same answers saves nothing and is not stale). Refused carries every problem.
- `figures_import(partnership=, binary=, user=, filename=)`: a CSV `provider,year,fte[,source]`, every
  problem at its row and column, all or nothing: one figure per provider and year, each replacing what
  is there (a `replaced` warning says so); the same file twice changes nothing.
Reads: `figures(partnership, providers=None)`, `table(partnership, providers=None)` (with the growth of
`reports.rules.workforce_growth`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, Any

from django.db import transaction

from concordat.core import clock
from concordat.core.audit import acting_as, record_event
from concordat.core.csvfile import RowReport, read_rows
from concordat.core.models import Kind
from concordat.core.problems import Report
from concordat.core.years import FinancialYear, YearError
from concordat.partnerships.errors import Refused, StaleEdit
from concordat.partnerships.models import Partnership, Provider
from concordat.partnerships.services import fingerprint, writer_name

from .models import WorkforceFigure
from .reports.rules import FteError, Growth, fte_text, parse_fte, workforce_growth

COLUMNS = ("provider", "year", "fte", "source")
REQUIRED = ("provider", "year", "fte")
SOURCE_LIMIT = 300


def figure_values(figure: WorkforceFigure | None) -> dict[str, str] | None:
    """A figure as forms, the API and the stale-edit panel show it (None: there is none)."""
    if figure is None:
        return None
    return {
        "provider": figure.provider.code,
        "year": str(figure.financial_year),
        "fte": fte_text(figure.fte_hundredths),
        "source": figure.source,
    }


def figure_seen(figure: WorkforceFigure | None) -> str:
    """The fingerprint of what a writer was shown: the figure's values, or that there was none."""
    return fingerprint(figure_values(figure))


@dataclass(frozen=True)
class Checked:
    provider: Provider
    year: FinancialYear
    fte: int
    source: str


def check_figure(values: dict[str, str], providers: dict[str, Provider], report: Report) -> Checked | None:
    """The values of one figure checked, each problem on `report` at its field ("provider", "year", "fte",
    "source"): the same rules for a form, the API and a file's row."""
    code = (values.get("provider") or "").strip()
    provider = providers.get(code)
    if not code:
        report.error("provider", "missing-value", "Choose the provider")
    elif provider is None:
        report.error("provider", "unknown-provider", f"No provider of this partnership has the code '{code}'")
    year: FinancialYear | None = None
    text = (values.get("year") or "").strip()
    if not text:
        report.error("year", "missing-value", 'Enter the financial year, like "2004-05"')
    else:
        try:
            year = FinancialYear.parse(text)
        except YearError as error:
            report.error("year", "bad-year", str(error))
    fte: int | None = None
    try:
        fte = parse_fte(values.get("fte") or "")
    except FteError as error:
        report.error("fte", error.code, str(error))
    source = (values.get("source") or "").strip()
    if len(source) > SOURCE_LIMIT:
        report.error(
            "source", "too-long", f"The source must be at most {SOURCE_LIMIT} characters, not {len(source)}"
        )
    if provider is None or year is None or fte is None or len(source) > SOURCE_LIMIT:
        return None
    return Checked(provider, year, fte, source)


def _providers(partnership: Partnership) -> dict[str, Provider]:
    return {p.code: p for p in Provider.objects.filter(partnership=partnership)}


def _lock(partnership: Partnership) -> Partnership:
    return Partnership.objects.select_for_update().get(pk=partnership.pk)


def _write(checked: Checked, existing: WorkforceFigure | None, partnership: Partnership, user: Any) -> bool:
    """Write one checked figure over `existing`; False when it already holds these values."""
    if existing is not None and (existing.fte_hundredths, existing.source) == (checked.fte, checked.source):
        return False
    figure = existing or WorkforceFigure(
        partnership=partnership, provider=checked.provider, year=checked.year.start_year
    )
    figure.fte_hundredths, figure.source = checked.fte, checked.source
    figure.changed_by, figure.changed_at = writer_name(user), clock.now()
    figure.save()
    return True


@dataclass(frozen=True)
class Saved:
    figure: WorkforceFigure
    changed: bool  # False: it already held these values


@transaction.atomic
def figure_save(
    *,
    partnership: Partnership,
    provider: str,
    year: str,
    fte: str,
    source: str = "",
    seen: str | None,
    user: Any,
) -> Saved:
    """Enter or replace the figure of `provider` for `year`. Refused with every problem (nothing written);
    StaleEdit (with the figure as it is now) when it changed since the writer saw `seen`; a figure that
    already holds these values is left as it is. `seen` None: no check (the command line)."""
    with acting_as(user):
        locked = _lock(partnership)
        report = Report()
        checked = check_figure(
            {"provider": provider, "year": year, "fte": fte, "source": source}, _providers(locked), report
        )
        if checked is None:
            raise Refused(report)
        existing = (
            WorkforceFigure.objects.select_related("provider")
            .filter(partnership=locked, provider=checked.provider, year=checked.year.start_year)
            .first()
        )
        same = existing is not None and (existing.fte_hundredths, existing.source) == (
            checked.fte,
            checked.source,
        )
        if seen is not None and seen != figure_seen(existing) and not same:
            raise StaleEdit(
                changed_by=existing.changed_by if existing else "",
                changed_at=existing.changed_at if existing else None,
                current=figure_values(existing),
            )
        changed = _write(checked, existing, locked, user)
        figure = existing or WorkforceFigure.objects.select_related("provider").get(
            partnership=locked, provider=checked.provider, year=checked.year.start_year
        )
        return Saved(figure, changed)


@dataclass
class Imported:
    report: RowReport
    added: int = 0
    changed: int = 0
    unchanged: int = 0


def figures_import(*, partnership: Partnership, binary: IO[bytes], user: Any, filename: str) -> Imported:
    """A workforce CSV (`provider,year,fte` and optionally `source`), all or nothing: every problem is
    reported at its row and column (the header is row 1) and, with any error, nothing is written. Each row
    enters or replaces the figure of its provider and year; two rows for the same one are an error."""
    report = RowReport()
    with transaction.atomic(), acting_as(user):
        locked = _lock(partnership)
        providers = _providers(locked)
        rows: list[tuple[int, Checked]] = []
        first_row: dict[tuple[int, int], int] = {}
        for number, values in read_rows(binary, columns=COLUMNS, required=REQUIRED, report=report):
            for column, value in values.items():
                if value != value.strip():
                    report.warn(number, column, "trimmed", f"The spaces around the {column} were left out")
            problems = Report()
            checked = check_figure(values, providers, problems)
            for problem in problems.errors:
                report.error(number, problem.path, problem.code, problem.message)
            if checked is None:
                continue
            pair = (checked.provider.pk, checked.year.start_year)
            if pair in first_row:
                report.error(
                    number,
                    "provider",
                    "duplicate-row",
                    f"{checked.provider.code} {checked.year} is already given at row {first_row[pair]}: "
                    "one figure per provider and year",
                )
                continue
            first_row[pair] = number
            rows.append((number, checked))
        outcome = Imported(report)
        if not report.accepted:
            return outcome
        existing = {
            (f.provider_id, f.year): f
            for f in WorkforceFigure.objects.filter(partnership=locked).select_related("provider")
        }
        for number, checked in rows:
            before = existing.get((checked.provider.pk, checked.year.start_year))
            if before is not None and (before.fte_hundredths, before.source) != (checked.fte, checked.source):
                report.warn(
                    number,
                    "fte",
                    "replaced",
                    f"{checked.provider.code} {checked.year}: replaces {fte_text(before.fte_hundredths)} FTE "
                    f"entered by {before.changed_by} on {before.changed_at:%-d %B %Y}",
                )
            if _write(checked, before, locked, user):
                if before is None:
                    outcome.added += 1
                else:
                    outcome.changed += 1
            else:
                outcome.unchanged += 1
        if outcome.added or outcome.changed:
            record_event(
                kind=Kind.FILE_LOADED,
                actor=user,
                partnership_slug=locked.slug,
                summary=f"imported workforce figures from {filename}: {outcome.added} added, "
                f"{outcome.changed} changed",
                obj=locked,
            )
    return outcome


# --- reads ----------------------------------------------------------------------------------------------


def figures(partnership: Partnership, providers: Iterable[int] | None = None) -> list[WorkforceFigure]:
    """The partnership's figures (of `providers` only, when given), by provider code and year: one query."""
    found = WorkforceFigure.objects.filter(partnership=partnership).select_related("provider")
    if providers is not None:
        found = found.filter(provider_id__in=list(providers))
    return list(found.order_by("provider__code", "year"))


@dataclass(frozen=True)
class Table:
    providers: list[Provider]
    figures: dict[tuple[str, int], WorkforceFigure]
    growth: Growth

    @property
    def years(self) -> list[FinancialYear]:
        return [FinancialYear(y) for y in self.growth.years]


def table(
    partnership: Partnership, providers: Iterable[int] | None = None, years: Iterable[int] | None = None
) -> Table:
    """Figures by provider and year with their growth: every provider (of `providers`), and the years
    given, else every year from the first figure's to the last's. Two queries."""
    chosen = list(Provider.objects.filter(partnership=partnership).order_by("code"))
    if providers is not None:
        wanted = set(providers)
        chosen = [p for p in chosen if p.pk in wanted]
    found = {(f.provider.code, f.year): f for f in figures(partnership, [p.pk for p in chosen])}
    span = sorted(years) if years is not None else sorted({year for _, year in found})
    if span and years is None:
        span = list(range(span[0], span[-1] + 1))
    growth = workforce_growth(
        {key: f.fte_hundredths for key, f in found.items()}, [p.code for p in chosen], span
    )
    return Table(chosen, found, growth)
