"""Options appraisal: weighted scores and a ranking. The preferred option is a decision people record;
the ranking only informs it, so the two may differ and the page shows both."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

# The scales of an appraisal: each criterion weighs 1 to 10, each option scores 0 to 5 on it.
WEIGHTS = range(1, 11)
SCORES = range(0, 6)


def maximum_score(criteria: Sequence[Mapping[str, Any]]) -> int:
    """The weighted score of an option that scored the top mark on every criterion."""
    return sum(int(criterion["weight"]) for criterion in criteria) * max(SCORES)


@dataclass(frozen=True)
class RankedOption:
    rank: int
    code: str
    name: str
    weighted_score: int
    maximum: int


def rank_options(
    criteria: Sequence[Mapping[str, Any]], options: Sequence[Mapping[str, Any]]
) -> list[RankedOption]:
    """Options by weighted score, highest first; equal scores share a rank (1, 2, 2, 4) and keep file order.

    A criterion an option was not scored on counts 0 for it.
    """
    weights = {criterion["name"]: int(criterion["weight"]) for criterion in criteria}
    maximum = maximum_score(criteria)
    scored = [
        (
            sum(
                weights[name] * int(score)
                for name, score in option.get("scores", {}).items()
                if name in weights
            ),
            position,
            option,
        )
        for position, option in enumerate(options)
    ]
    scored.sort(key=lambda entry: (-entry[0], entry[1]))
    ranked: list[RankedOption] = []
    for place, (score, _, option) in enumerate(scored, start=1):
        rank = ranked[-1].rank if ranked and ranked[-1].weighted_score == score else place
        ranked.append(RankedOption(rank, str(option["code"]), str(option.get("name", "")), score, maximum))
    return ranked
