"""Options appraisal: weighted scores and a ranking. The preferred option is a decision people record;
the ranking only informs it, so the two may differ and the page shows both."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class RankedOption:
    rank: int
    code: str
    name: str
    weighted_score: int
    maximum: int


def rank_options(
    criteria: Sequence[Mapping[str, Any]], options: Sequence[Mapping[str, Any]], *, top_score: int = 5
) -> list[RankedOption]:
    """Options by weighted score, highest first; equal scores share a rank (1, 2, 2, 4) and keep file order.

    A criterion an option was not scored on counts 0 for it.
    """
    weights = {criterion["name"]: int(criterion["weight"]) for criterion in criteria}
    maximum = sum(weights.values()) * top_score
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
