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


# --- the appraisal's own rules, as pure functions of the appraisal entry (services.appraisal_*) ---------


def with_criteria(appraisal: dict[str, Any], criteria: list[dict[str, Any]]) -> dict[str, Any]:
    """The criteria replaced; an option's score on a criterion no longer listed goes with it."""
    names = {criterion["name"] for criterion in criteria}
    return {
        **appraisal,
        "criteria": criteria,
        "options": [
            {**option, "scores": {n: s for n, s in option.get("scores", {}).items() if n in names}}
            for option in appraisal.get("options", [])
        ],
    }


def with_option(appraisal: dict[str, Any], key: str, option: dict[str, Any]) -> dict[str, Any]:
    """The option with `key` added or replaced. Changing the preferred option's code keeps it preferred."""
    options = list(appraisal.get("options", []))
    new = {"key": key, **{k: v for k, v in option.items() if k != "key"}}
    index = next((i for i, o in enumerate(options) if o.get("key") == key), None)
    result = dict(appraisal)
    if index is None:
        options.append(new)
    else:
        old_code = options[index].get("code")
        options[index] = new
        if appraisal.get("preferred") and appraisal.get("preferred") == old_code:
            result["preferred"] = new.get("code")
    result["options"] = options
    return result


def without_option(appraisal: dict[str, Any], key: str) -> dict[str, Any]:
    """The option with `key` removed, and the preference for it with it (there is nothing left to prefer)."""
    gone = next((o for o in appraisal.get("options", []) if o.get("key") == key), None)
    result = {**appraisal, "options": [o for o in appraisal.get("options", []) if o.get("key") != key]}
    if gone is not None and appraisal.get("preferred") == gone.get("code"):
        result.pop("preferred", None)
    return result


def with_decision(
    appraisal: dict[str, Any], *, preferred: str, reasons: list[str], decision: dict[str, Any]
) -> dict[str, Any]:
    return {**appraisal, "preferred": preferred, "reasons": reasons, "decision": decision}
