"""Synthetic people: who a client is (initials, date of birth, sex, area, main substance).

Nobody here is real: initials are two random letters and dates of birth random days, drawn from a seeded
`random.Random`; only the shares (sex, age, substance) follow the published national figures.
"""

from __future__ import annotations

import math
import random
import string
from dataclasses import dataclass
from datetime import date

from . import figures
from .draws import Weighted

LETTERS = string.ascii_uppercase
DAYS_A_YEAR = 365.2425
OLDEST = 110  # the spec's oldest age at referral
ATTEMPTS = 20  # draws of the age curve before an eligible range it seldom reaches is drawn evenly


@dataclass(slots=True)
class Person:
    """One synthetic person, the same on every row of every provider (the spec's client key)."""

    initials: str
    date_of_birth: int  # a day ordinal: dates are ints inside the generator, ISO text only in the files
    sex: str
    la_of_residence: str
    substance: str  # the primary substance of the first episode

    @property
    def key(self) -> tuple[str, int, str, str]:
        return (self.initials, self.date_of_birth, self.sex, self.la_of_residence)


@dataclass(frozen=True)
class Population:
    """Who may be drawn in one partnership: its areas and eligibility, and the substances it treats."""

    areas: tuple[str, ...]
    min_age: int | None = None  # none: adults, as the published figures are
    max_age: int | None = None
    substances: tuple[str, ...] = tuple(figures.SUBSTANCE)

    @property
    def oldest(self) -> int:
        """The oldest age at a referral: the eligible maximum, and never over the spec's 110."""
        return min(self.max_age, OLDEST) if self.max_age is not None else OLDEST

    def substance_draw(self) -> Weighted[str]:
        return Weighted((name, share) for name, share in figures.SUBSTANCE.items() if name in self.substances)


def age_at(date_of_birth: int, day: int) -> int:
    """Whole years between a date of birth and a day (both ordinals), as the importer counts them."""
    born, then = date.fromordinal(date_of_birth), date.fromordinal(day)
    return then.year - born.year - ((then.month, then.day) < (born.month, born.day))


class PersonDrawer:
    """Draws people for one partnership from its own random stream, never the same client key twice."""

    def __init__(self, rng: random.Random, population: Population) -> None:
        self.rng = rng
        self.population = population
        self.sexes = Weighted.of(figures.SEX)
        self.substances = population.substance_draw()
        self.seen: set[tuple[str, int, str, str]] = set()

    def draw(self, referral: int) -> Person:
        """A new person first referred on day `referral`, of an age inside the partnership's eligibility."""
        rng = self.rng
        sex = self.sexes.draw(rng)
        substance = self.substances.draw(rng)
        area = self._area()
        while True:
            initials = rng.choice(LETTERS) + rng.choice(LETTERS)
            born = referral - round(self._age(referral) * DAYS_A_YEAR)
            person = Person(initials, born, sex, area, substance)
            # Two different people with one key would be one person to the partnership's reports.
            if person.key not in self.seen:
                self.seen.add(person.key)
                return person

    def _area(self) -> str:
        # Everyone lives in the partnership's area(s), even where residence is not required: no warnings.
        areas = self.population.areas
        return areas[0] if len(areas) == 1 else self.rng.choice(areas)

    def _age(self, referral: int) -> float:
        """An age in years (with its fraction) at referral: adults on a log-normal over 18 whose median is
        the published one for that year, kept a few days inside the partnership's eligible ages. A range
        the curve seldom reaches (a young people's or older people's service) is drawn evenly instead."""
        population, rng = self.population, self.rng
        low = float(population.min_age) if population.min_age is not None else float(figures.ADULT_AGE)
        low = min(low, float(OLDEST))
        high = population.oldest + 0.97 if population.max_age is not None else 90.0
        if low > high and population.max_age is None:  # a minimum over 90: up to five years over it
            high = min(low + 5, OLDEST + 0.97)
        elif low > high:  # only a maximum, under 18: a young people's service
            low = max(0.0, high - 6)
        low += 0.02
        median = figures.median_age(date.fromordinal(referral).year)
        scale = max(median - figures.ADULT_AGE, 1.0)
        for _ in range(ATTEMPTS):
            age = figures.ADULT_AGE + scale * math.exp(rng.gauss(0.0, 0.45))
            if low <= age <= high:
                return age
        return rng.uniform(low, max(low, high))
