"""One partnership's files: a submission CSV per provider in the spec's exact format, streamed row by row,
and (for a synthetic partnership) its partnership file; plus the plan a partnership's file gives the
simulation, so an existing partnership (the demo's) can be filled the same way.

The CSVs are UTF-8 without a byte-order mark, a header row, the spec's columns in its order, RFC 4180 (CRLF
line ends; no value needs quoting: codes, ISO dates and GSS codes hold no comma, quote or line break).
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, Any

import yaml

from concordat.treatment.rules.columns import COLUMNS  # the submission file's columns, in order

from . import agreements, figures
from .episodes import Episode, Journeys, Plan, ProviderPlan, Tally
from .modalities import BUILT_IN, family_of
from .people import Person, Population

LINE_END = "\r\n"  # RFC 4180
# New people a year in a partnership of average size: with their episodes and the run-in this makes about
# 53,000 modality rows per partnership over ten years (8 million for the national 150 x 10).
PERSONS_PER_YEAR = 1_850
# An existing partnership's new people a year, from its target for people accessing services: in a year
# about 2.4 times as many people have an episode open as are newly referred (people already in treatment,
# re-presentations, a second provider), so 0.42 new people for each one the target counts.
PERSONS_PER_ACCESSING = 0.42
SYNTHETIC_NOTE = (
    "# Synthetic demonstration data made by `concordat demo generate`: no real people, places or\n"
    "# organisations. Calibrated to published national figures (docs/synthetic-data.md).\n"
)


class DateText:
    """ISO text of day ordinals, made once per day: most rows repeat the same few thousand days."""

    def __init__(self) -> None:
        self._text: dict[int, str] = {}

    def __call__(self, day: int | None) -> str:
        if day is None:
            return ""
        text = self._text.get(day)
        if text is None:
            text = self._text[day] = date.fromordinal(day).isoformat()
        return text


@dataclass
class ProviderFile:
    code: str
    path: Path
    stream: IO[str]
    rows: int = 0
    clients: int = 0
    episodes: int = 0


class SubmissionWriter:
    """Writes each episode the journeys keep as rows of its provider's file, numbering clients and
    episodes in the provider's own way (a provider's client_ref is its own, not the person's key)."""

    def __init__(self, out_dir: Path, providers: tuple[ProviderPlan, ...]) -> None:
        self.dates = DateText()
        self.files: dict[str, ProviderFile] = {}
        for provider in providers:
            path = out_dir / f"{provider.code}.csv"
            stream = path.open("w", encoding="utf-8", newline="")
            stream.write(",".join(COLUMNS) + LINE_END)
            self.files[provider.code] = ProviderFile(provider.code, path, stream)
        self._person: Person | None = None
        self._refs: dict[str, str] = {}  # the current person's client_ref at each provider

    def __call__(self, who: Person, episode: Episode) -> None:
        if who is not self._person:
            self._person, self._refs = who, {}
        file = self.files[episode.provider.code]
        prefix = self._refs.get(file.code)
        if prefix is None:
            file.clients += 1
            dates = self.dates
            prefix = self._refs[file.code] = (
                f"C{file.clients:06d},{who.initials},{dates(who.date_of_birth)},{who.sex},{who.la_of_residence},"
            )
        file.episodes += 1
        dates = self.dates
        head = (
            f"{prefix}E{file.episodes:07d},{dates(episode.referral)},{episode.source},"
            f"{episode.substance},{dates(episode.triage)},"
        )
        tail = f",{dates(episode.discharge)},{episode.reason or ''}{LINE_END}"
        if not episode.modalities:
            file.stream.write(f"{head},,,{tail}")
            file.rows += 1
            return
        lines = [
            f"{head}{m.code},{dates(m.referral)},{dates(m.start)},{dates(m.end)}{tail}"
            for m in episode.modalities
        ]
        file.stream.write("".join(lines))
        file.rows += len(lines)

    def close(self) -> None:
        for file in self.files.values():
            file.stream.close()


def plan_for(spec: dict[str, Any], *, span_start: date, period_end: date, persons_per_year: float) -> Plan:
    """The simulation of a partnership file's partnership: its areas, eligibility, modalities (the eight
    built in and its own) and providers with the modalities of their tiers."""
    kinds = dict(BUILT_IN)
    for modality in spec.get("modalities") or []:
        kinds[str(modality["code"])] = (int(modality["tier"]), bool(modality.get("structured", False)))
    families: dict[str, list[str]] = {}
    for code, (tier, structured) in kinds.items():
        families.setdefault(family_of(code, tier, structured), []).append(code)
    providers = []
    for number, provider in enumerate(spec.get("providers") or []):
        tiers = tuple(sorted({int(t) for t in provider.get("tiers") or [2, 3]}))
        offered = tuple(code for code, (tier, _) in kinds.items() if tier in tiers)
        if not offered:  # a provider of tier 1 only: it still sees people, for advice
            offered = ("advice",)
        weight = 3.0 if 3 in tiers else 1.0 if 2 in tiers else 0.3
        providers.append(
            ProviderPlan(str(provider["code"]), tiers, offered, weight * (2 if number == 0 else 1))
        )
    eligibility = spec.get("eligibility") or {}
    client_group = spec.get("client_group")
    substances = tuple(
        name
        for name in figures.SUBSTANCE
        if not (client_group == "drugs" and name == "alcohol")
        and not (client_group == "alcohol" and name != "alcohol")
    )
    population = Population(
        areas=tuple(str(code) for code in spec["area"]),
        min_age=int(eligibility["min_age"]) if eligibility.get("min_age") is not None else None,
        max_age=int(eligibility["max_age"]) if eligibility.get("max_age") is not None else None,
        substances=substances,
    )
    return Plan(
        population=population,
        providers=tuple(providers),
        span_start=span_start.toordinal(),
        period_end=period_end.toordinal(),
        persons_per_year=persons_per_year,
        families={family: tuple(codes) for family, codes in families.items()},
        structured=frozenset(code for code, (_, structured) in kinds.items() if structured),
    )


def write_submissions(plan: Plan, rng: random.Random, out_dir: Path) -> tuple[Tally, dict[str, ProviderFile]]:
    """Simulate the plan's people and stream their rows into one CSV per provider in `out_dir`."""
    out_dir.mkdir(parents=True, exist_ok=True)
    writer = SubmissionWriter(out_dir, plan.providers)
    try:
        tally = Journeys(plan, rng, writer).run()
    finally:
        writer.close()
    return tally, writer.files


def files_entry(slug: str, out: Path, files: dict[str, ProviderFile], tally: Tally) -> dict[str, Any]:
    """A partnership's part of the manifest: its files (relative to the manifest) and their counts."""
    return {
        "partnership": slug,
        "people": tally.persons,
        "rows": sum(f.rows for f in files.values()),
        # what the first year looks like, to set or check targets by: people accessing services (an
        # episode open in it) and in treatment (a structured modality in it)
        "first_year": {
            "accessing_services": tally.accessing_first_year,
            "in_treatment": tally.in_treatment_first_year,
        },
        "submissions": [
            {
                "provider": f.code,
                "file": f.path.relative_to(out).as_posix(),
                "rows": f.rows,
                "clients": f.clients,
                "episodes": f.episodes,
            }
            for f in files.values()
        ],
    }


def listed_files(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every file of a run in one list, relative to the manifest: partnership files and submissions."""
    files: list[dict[str, Any]] = []
    for entry in entries:
        if "partnership_file" in entry:
            files.append(
                {
                    "file": entry["partnership_file"],
                    "kind": "partnership",
                    "partnership": entry["partnership"],
                }
            )
        files.extend(
            {"file": s["file"], "kind": "submission", "partnership": entry["partnership"], "provider": s["provider"],
             "rows": s["rows"]}
            for s in entry["submissions"]
        )  # fmt: skip
    return files


def span(start: date, years: int) -> tuple[date, date]:
    """The first and last day of `years` years from `start`."""
    try:
        following = start.replace(year=start.year + years)
    except ValueError:  # 29 February
        following = date(start.year + years, 3, 1)
    return start, date.fromordinal(following.toordinal() - 1)


def start_of(spec: dict[str, Any]) -> date:
    """Where an existing partnership's data starts: its start date (a month means its first day), else
    the first financial year it has contributions for, else April 2004."""
    text = str(spec.get("start_date") or "")
    if len(text) >= 7:
        return date(int(text[:4]), int(text[5:7]), int(text[8:10]) if len(text) == 10 else 1)
    years = sorted(str(c["year"]) for c in spec.get("contributions") or [] if c.get("year"))
    return date(int(years[0][:4]), 4, 1) if years else date(2004, 4, 1)


def generate_for_partnership(
    partnership_spec: dict[str, Any],
    years: int,
    seed: int,
    out_dir: Path | str,
    *,
    start: date | None = None,
) -> dict[str, Any]:
    """Submission files for an existing partnership (a partnership file read into a dict: its slug, area,
    providers, start date, eligibility, modalities): `years` years of synthetic clients from its start
    date, one CSV per provider in `out_dir`, and `out_dir/manifest.json`, which is returned. Deterministic
    in (the partnership, years, seed). Its size follows the partnership's target for people accessing
    services when it has one."""
    if years < 1:
        raise ValueError("years must be at least 1")
    if not partnership_spec.get("providers"):
        raise ValueError(f"{partnership_spec.get('slug')} has no providers: there is no one to submit data")
    out = Path(out_dir)
    first, period_end = span(start or start_of(partnership_spec), years)
    accessing = ((partnership_spec.get("targets") or {}).get("accessing_services") or {}).get("value")
    # without a target: half a national partnership's average
    persons = float(accessing) * PERSONS_PER_ACCESSING if accessing else PERSONS_PER_YEAR / 2
    plan = plan_for(partnership_spec, span_start=first, period_end=period_end, persons_per_year=persons)
    slug = str(partnership_spec["slug"])
    tally, files = write_submissions(plan, random.Random(f"{seed}:{slug}"), out)
    entry = files_entry(slug, out, files, tally)
    manifest: dict[str, Any] = {
        "synthetic": True,
        "seed": seed,
        "years": years,
        "span_start": first.isoformat(),
        "period_end": period_end.isoformat(),
        "partnerships": [entry],
        "files": listed_files([entry]),
        "rows": entry["rows"],
        "people": entry["people"],
    }
    write_manifest(out, manifest)
    return manifest


def synthetic_partnership(index: int, *, seed: int, start: date, years: int, out: Path) -> dict[str, Any]:
    """Synthetic partnership `index` of a set: its partnership file and its providers' submissions, in
    `out/<slug>/`. Its own random stream, so partnerships are made in any order, in any process."""
    rng = random.Random(f"{seed}:{index}")
    slug = agreements.slug_for(index)
    areas = agreements.area_codes(index, rng)
    providers = agreements.providers_for(rng)
    # Partnerships differ in size: log-normal, of mean 1 (a tenth of them over 1.7 times the average).
    size = rng.lognormvariate(0.0, 0.45) / 1.1065
    persons = PERSONS_PER_YEAR * size
    first, period_end = span(start, years)
    skeleton = {"slug": slug, "area": areas, "providers": providers, "client_group": "drugs-and-alcohol",
                "eligibility": {"min_age": 18, "residence_in_area": True}}  # fmt: skip
    plan = plan_for(skeleton, span_start=first, period_end=period_end, persons_per_year=persons)
    folder = out / slug
    # An earlier run's submission of a provider this partnership no longer has would read as current.
    for stale in folder.glob("*.csv") if folder.is_dir() else ():
        if stale.stem not in {p["code"] for p in providers}:
            stale.unlink()
    tally, files = write_submissions(plan, rng, folder)
    document = agreements.partnership_file(
        index=index,
        areas=areas,
        providers=providers,
        start=first,
        years=years,
        persons_per_year=persons,
        accessing_first_year=tally.accessing_first_year,
        in_treatment_first_year=tally.in_treatment_first_year,
    )
    (folder / "partnership.yaml").write_text(
        SYNTHETIC_NOTE + yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=110),
        encoding="utf-8",
    )
    entry = files_entry(slug, out, files, tally)
    entry["partnership_file"] = f"{slug}/partnership.yaml"
    return entry


def write_manifest(out: Path, manifest: dict[str, Any]) -> Path:
    path = out / "manifest.json"
    path.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return path
