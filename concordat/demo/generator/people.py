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
    min_age: int = figures.ADULT_AGE
    max_age: int | None = None
    substances: tuple[str, ...] = tuple(figures.SUBSTANCE)
    outside_area: tuple[str, ...] = ()  # codes of neighbouring areas, when residence is not required

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
        population, rng = self.population, self.rng
        if population.outside_area and rng.random() < 0.03:
            return rng.choice(population.outside_area)
        return population.areas[0] if len(population.areas) == 1 else rng.choice(population.areas)

    def _age(self, referral: int) -> float:
        """An age in years (with its fraction) at referral: log-normal over the minimum, its median the
        published one for that year, kept a few days inside the eligible range."""
        population, rng = self.population, self.rng
        low = max(population.min_age, figures.ADULT_AGE) + 0.02
        high = (population.max_age + 0.97) if population.max_age is not None else 90.0
        median = figures.median_age(date.fromordinal(referral).year)
        scale = max(median - figures.ADULT_AGE, 1.0)
        while True:
            age = figures.ADULT_AGE + scale * math.exp(rng.gauss(0.0, 0.45))
            if low <= age <= high:
                return age
            if low > high - 0.5:  # a range too narrow to hit by chance: anywhere inside it
                return rng.uniform(low, max(low, high))
