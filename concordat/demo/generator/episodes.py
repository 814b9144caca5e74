"""Synthetic treatment journeys: each person's episodes at the partnership's providers, their modalities,
waits, treatment and discharge, as the rows of the spec's submission file.

A journey is simulated whole (dates may run past the period end), then cut at the period end the way a
provider's record stands on that day: what has not happened yet is empty (a modality not started is still
waiting, an episode not discharged is open), and an episode referred after it is not there. Episodes
closed before the partnership's start are left out, as the spec's "every episode open at any time since the
partnership's start" says. All dates are day ordinals here; `files.py` writes them as ISO text.

The shares follow `figures.py`; the shapes (how long treatment lasts, how often people come back) are our
choices, said beside each constant.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from math import exp, log

from . import figures
from .draws import Weighted
from .modalities import FIRST_MODALITY, LATER_MODALITY, MODALITY_COUNTS
from .people import Person, PersonDrawer, Population, age_at

# Where referrals come from: our choice, self-referral and criminal justice the largest, as in NDTMS years.
REFERRAL_SOURCES = Weighted.of(
    {"self": 0.38, "gp": 0.10, "criminal-justice": 0.20, "hospital": 0.05, "social-care": 0.05,
     "other-treatment-provider": 0.07, "family": 0.05, "other": 0.10}
)  # fmt: skip
EXITS = Weighted.of(figures.EXIT_REASONS)
# An unsuccessful exit comes before 12 weeks of treatment this often, so that with the exit shares above
# about 92% of treatment starts are retained (1 - 0.34 x 0.235 = 0.92).
_UNSUCCESSFUL_SHARE = sum(figures.EXIT_REASONS[r] for r in figures.UNSUCCESSFUL) / (
    1 - figures.EXIT_REASONS["declined"]
)
EARLY_EXIT = (1 - figures.RETAINED_12_WEEKS) / _UNSUCCESSFUL_SHARE
# The exponential's mean for a wait within the threshold: 7.5 in 2005 (most waits long), 1.5 by 2020, so
# that, counted in whole days (which takes half a day off) and with the tail, the mean wait is the
# published 1.8 days in 2020-21.
WITHIN_MEAN = ((2005, 7.5), (2020, 1.5))
TAIL_MEAN, TAIL_CAP = 20.0, 300  # a wait past three weeks: 22 days plus this mean, never a year (a warning)
# Coming back: after a completion some people re-present (the successful-completion KPI counts those within
# 26 weeks as not successful), after a drop-out many do; a community transfer starts an episode elsewhere.
COME_BACK = {"completed": 0.12, "unsuccessful": 0.40, "declined": 0.25, "transferred-custody": 0.35}
COMMUNITY_TRANSFER = 14 / 25  # of transfers (14% community, 11% custody in 2011-12)
SECOND_PROVIDER = 0.07  # a started episode with another open at a second provider (e.g. detox or rehab)
MAX_EPISODES = 8
RUN_IN_YEARS = 3  # people already in treatment when the span starts come from journeys begun before it


@dataclass(frozen=True)
class ProviderPlan:
    """A provider as the simulation sees it: the modalities of its tiers, and how many episodes it takes."""

    code: str
    tiers: tuple[int, ...]
    modalities: tuple[str, ...]  # codes it offers
    weight: float  # its share of new episodes, relative


@dataclass(frozen=True)
class Plan:
    """One partnership's simulation: who, where, when and how many."""

    population: Population
    providers: tuple[ProviderPlan, ...]
    span_start: int  # day ordinals
    period_end: int
    persons_per_year: float
    families: dict[str, tuple[str, ...]]  # modality family -> the partnership's codes of that family
    structured: frozenset[str]  # structured modality codes


@dataclass(slots=True)
class Modality:
    code: str
    referral: int
    start: int | None
    end: int | None


@dataclass(slots=True)
class Episode:
    provider: ProviderPlan
    referral: int
    source: str
    substance: str
    triage: int | None
    modalities: list[Modality]
    discharge: int | None
    reason: str | None  # the spec's discharge reason
    outcome: str = ""  # completed, transferred, unsuccessful, declined: what decides what comes next


@dataclass
class Tally:
    """What the generator counts as it goes: for the manifest and the partnership's targets."""

    episodes: dict[str, int] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    clients: dict[str, int] = field(default_factory=dict)
    persons: int = 0
    accessing_first_year: int = 0
    in_treatment_first_year: int = 0


def _interpolate(points: tuple[tuple[int, float], tuple[int, float]], year: int) -> float:
    (y0, v0), (y1, v1) = points
    if year <= y0:
        return v0
    if year >= y1:
        return v1
    return v0 + (v1 - v0) * (year - y0) / (y1 - y0)


class Journeys:
    """Simulates every person of one partnership and hands each kept episode to `emit`."""

    def __init__(self, plan: Plan, rng: random.Random, emit: Callable[[Person, Episode], None]) -> None:
        self.plan, self.rng, self.emit = plan, rng, emit
        self.people = PersonDrawer(rng, plan.population)
        self._providers = Weighted((p, p.weight) for p in plan.providers)
        self._others = {
            p.code: Weighted((q, q.weight) for q in plan.providers if q is not p)
            for p in plan.providers
            if len(plan.providers) > 1
        }
        # (provider, substance, first or later) -> the modality families it offers, and their codes there
        self._menus: dict[tuple[str, str, bool], tuple[Weighted[str] | None, dict[str, list[str]]]] = {}
        # Per year: (share within the threshold, mean of a wait within it, for the truncated exponential)
        self._waits: dict[int, tuple[float, float, float]] = {}
        self.first_year = (plan.span_start, min(plan.period_end, plan.span_start + 364))
        self.tally = Tally()

    def run(self) -> Tally:
        """Everyone who arrives in the span and the run-in years before it, in one pass."""
        plan, rng = self.plan, self.rng
        run_in_start = plan.span_start - round(RUN_IN_YEARS * 365.25)
        days = plan.period_end - run_in_start + 1
        count = round(plan.persons_per_year * days / 365.25)
        for _ in range(count):
            self.person(run_in_start + int(rng.random() * days))
        return self.tally

    def person(self, arrival: int) -> None:
        """One person's whole journey from their first referral on day `arrival`: each episode, a second
        provider's alongside some, and what follows each, until they do not come back."""
        plan, rng = self.plan, self.rng
        who = self.people.draw(arrival)
        provider = self._provider(None)
        referral, source = arrival, None
        kept = accessing = treated = False
        first_start, first_end = self.first_year
        for _ in range(MAX_EPISODES):
            episode = self.episode(who, provider, referral, source)
            second = None
            started = self._treatment_start(episode)
            if started is not None and len(plan.providers) > 1 and rng.random() < SECOND_PROVIDER:
                end = episode.discharge if episode.discharge is not None else started + 180
                referred = started + int(rng.random() * max(1, min(end - started, 180)))
                if age_at(who.date_of_birth, referred) <= plan.population.oldest:
                    second = self.episode(who, self._provider(provider), referred, "other-treatment-provider")
            for one in (episode, second):
                if one is not None and self._cut(one):
                    kept = True
                    self.emit(who, one)
                    last = one.discharge if one.discharge is not None else plan.period_end
                    if one.referral <= first_end and last >= first_start:
                        accessing = True
                        treated = treated or self._treated_in(one, first_start, first_end)
            following = self._next(episode)
            if following is None:
                break
            provider, referral, source = following
            if referral > plan.period_end:
                break
            if age_at(who.date_of_birth, referral) > plan.population.oldest:
                break
        if kept:
            self.tally.persons += 1
            self.tally.accessing_first_year += accessing
            self.tally.in_treatment_first_year += treated

    def episode(self, who: Person, provider: ProviderPlan, referral: int, source: str | None) -> Episode:
        """One whole episode, from referral to discharge, before it is cut at the period end."""
        rng = self.rng
        if source is None:
            source = REFERRAL_SOURCES.draw(rng)
        substance = who.substance
        if rng.random() < 0.15:  # an episode may be for another substance than the person's main one
            substance = self.people.substances.draw(rng)
        outcome = EXITS.draw(rng)
        triage = None if rng.random() < 0.06 else referral + int(rng.expovariate(1 / 3.0))
        seen = triage if triage is not None else referral
        episode = Episode(provider, referral, source, substance, triage, [], None, None)
        if outcome == "declined":
            if rng.random() < 0.4:
                episode.modalities.append(
                    Modality(
                        self._code(provider, substance, FIRST_MODALITY, ()),
                        seen + rng.randint(0, 3),
                        None,
                        None,
                    )
                )
            last = max([seen] + [m.referral for m in episode.modalities])
            episode.discharge, episode.reason, episode.outcome = (
                last + rng.randint(0, 30),
                "declined",
                "declined",
            )
            return episode
        first_referral = seen + (0 if rng.random() < 0.7 else rng.randint(1, 5))
        start = first_referral + self._wait(first_referral)
        if outcome == "completed":
            median = 420.0 if substance == "opiates" else 150.0
            length = 42 + int(rng.lognormvariate(log(median), 0.6))
        elif outcome == "transferred":
            length = 7 + int(rng.lognormvariate(log(120.0), 0.8))
        elif rng.random() < EARLY_EXIT:
            length = rng.randint(1, 83)
        else:
            length = 84 + int(rng.lognormvariate(log(160.0), 0.8))
        discharge = start + length
        count = MODALITY_COUNTS.draw(rng)
        used: list[str] = []
        code = self._code(provider, substance, FIRST_MODALITY, used)
        used.append(code)
        ends_early = count > 1 and rng.random() < 0.5
        episode.modalities.append(
            Modality(
                code,
                first_referral,
                start,
                start + int(length * rng.uniform(0.3, 0.9)) if ends_early else discharge,
            )
        )
        for _ in range(count - 1):
            code = self._code(provider, substance, LATER_MODALITY, used)
            if code in used:
                break
            used.append(code)
            referred = start + int(rng.random() * 0.7 * length)
            began = referred + self._wait(referred)
            if began > discharge:
                episode.modalities.append(Modality(code, referred, None, None))
                continue
            finished = (
                discharge if rng.random() < 0.6 else min(discharge, began + int(rng.expovariate(1 / 90.0)))
            )
            episode.modalities.append(Modality(code, referred, began, finished))
        episode.discharge = discharge
        if outcome == "completed":
            episode.reason = self._completed(substance)
        elif outcome == "transferred":
            episode.reason = "transferred"
        else:
            episode.reason = outcome
            outcome = "unsuccessful"
        episode.outcome = outcome
        return episode

    def _next(self, episode: Episode) -> tuple[ProviderPlan, int, str | None] | None:
        """Where and when this person comes back after the episode, or None."""
        rng = self.rng
        if episode.discharge is None or episode.reason == "died":
            return None
        outcome = episode.outcome
        if outcome == "transferred":
            if rng.random() < COMMUNITY_TRANSFER and len(self.plan.providers) > 1:
                return (
                    self._provider(episode.provider),
                    episode.discharge + rng.randint(0, 14),
                    "other-treatment-provider",
                )
            outcome = "transferred-custody"
        if rng.random() >= COME_BACK[outcome]:
            return None
        gap = rng.randint(30, 1800) if outcome == "completed" else rng.randint(30, 900)
        source = "criminal-justice" if outcome == "transferred-custody" and rng.random() < 0.5 else None
        return self._provider(None), episode.discharge + gap, source

    def _cut(self, episode: Episode) -> bool:
        """Cut the episode at the period end; False when it is not part of the record at all."""
        end, plan = self.plan.period_end, self.plan
        if episode.referral > end:
            return False
        if episode.discharge is not None and episode.discharge < plan.span_start:
            return False
        if episode.triage is not None and episode.triage > end:
            episode.triage = None
        if episode.discharge is not None and episode.discharge > end:
            episode.discharge = episode.reason = None
        kept = []
        for modality in episode.modalities:
            if modality.referral > end:
                continue
            if modality.start is not None and modality.start > end:
                modality.start = modality.end = None
            elif modality.end is not None and modality.end > end:
                modality.end = None
            kept.append(modality)
        episode.modalities = kept
        return True

    def _treatment_start(self, episode: Episode) -> int | None:
        starts = [
            m.start for m in episode.modalities if m.start is not None and m.code in self.plan.structured
        ]
        return min(starts) if starts else None

    def _treated_in(self, episode: Episode, first: int, last: int) -> bool:
        for m in episode.modalities:
            if m.start is None or m.code not in self.plan.structured or m.start > last:
                continue
            end = (
                m.end
                if m.end is not None
                else episode.discharge
                if episode.discharge is not None
                else self.plan.period_end
            )
            if end >= first:
                return True
        return False

    def _provider(self, other_than: ProviderPlan | None) -> ProviderPlan:
        if other_than is None or len(self.plan.providers) == 1:
            return self._providers.draw(self.rng)
        return self._others[other_than.code].draw(self.rng)

    def _code(
        self,
        provider: ProviderPlan,
        substance: str,
        table: dict[str, dict[str, float]],
        used: list[str] | tuple[str, ...],
    ) -> str:
        """A modality the provider offers, of a family likely for the substance (a partnership's own
        modality of that family as often as the built-in one), not one the episode has when it can."""
        key = (provider.code, substance, table is FIRST_MODALITY)
        menu = self._menus.get(key)
        if menu is None:
            menu = self._menus[key] = self._menu(provider, table.get(substance, table["*"]))
        families, codes_of = menu
        codes = codes_of[families.draw(self.rng)] if families is not None else list(provider.modalities)
        fresh = [c for c in codes if c not in used] if used else codes
        return self.rng.choice(fresh or codes)

    def _menu(
        self, provider: ProviderPlan, weights: dict[str, float]
    ) -> tuple[Weighted[str] | None, dict[str, list[str]]]:
        codes_of = {
            family: [c for c in self.plan.families.get(family, ()) if c in provider.modalities]
            for family in weights
        }
        offered = [(family, w) for family, w in weights.items() if codes_of[family]]
        return (Weighted(offered) if offered else None), codes_of

    def _completed(self, substance: str) -> str:
        if substance == "alcohol":
            return "completed-alcohol-free" if self.rng.random() < 0.8 else "completed-occasional-user"
        return "completed-drug-free" if self.rng.random() < 0.6 else "completed-occasional-user"

    def _wait(self, referred: int) -> int:
        """Days from referral to a modality to its start: within three weeks the published share of the
        time (a truncated exponential), else a tail of weeks to months."""
        year = date.fromordinal(referred).year
        shape = self._waits.get(year)
        if shape is None:
            mean = _interpolate(WITHIN_MEAN, year)
            shape = (
                figures.within_threshold_share(year),
                mean,
                1 - exp(-(figures.WAIT_THRESHOLD_DAYS + 1) / mean),
            )
            self._waits[year] = shape
        within, mean, mass = shape
        rng = self.rng
        if rng.random() < within:
            return min(figures.WAIT_THRESHOLD_DAYS, int(-mean * log(1 - rng.random() * mass)))
        return min(TAIL_CAP, figures.WAIT_THRESHOLD_DAYS + 1 + int(rng.expovariate(1 / TAIL_MEAN)))
