"""A procurement's stages, in the one order they happen, and the rule that moves it on.

A procurement cannot skip a stage or go back, and a stage cannot be dated before the stage before it. The
processes are the Provider Selection Regime 2023's for health care services and the open or restricted
procedures for other services.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

STAGES: dict[str, str] = {
    "strategy-approved": "Strategy approved",
    "process-chosen": "Process chosen",
    "notice-published": "Notice published",
    "bids-received": "Bids received",
    "evaluated": "Bids evaluated",
    "intention-to-award": "Intention to award",
    "standstill-ended": "Standstill ended",
    "awarded": "Contract awarded",
    "contract-signed": "Contract signed",
}
ORDER: tuple[str, ...] = tuple(STAGES)

# The Provider Selection Regime 2023 (health care services) and, for other services, the open and
# restricted procedures.
PSR_PROCESSES: dict[str, str] = {
    "direct-award-a": "Direct award process A",
    "direct-award-b": "Direct award process B",
    "direct-award-c": "Direct award process C",
    "most-suitable-provider": "Most suitable provider process",
    "competitive": "Competitive process",
}
OTHER_PROCESSES: dict[str, str] = {"open": "Open procedure", "restricted": "Restricted procedure"}
PROCESSES: dict[str, str] = {**PSR_PROCESSES, **OTHER_PROCESSES}

# The PSR's key criteria: what a decision must be assessed against.
PSR_CRITERIA: tuple[str, ...] = (
    "Quality and innovation",
    "Value",
    "Integration, collaboration and service sustainability",
    "Improving access, reducing health inequalities and facilitating choice",
    "Social value",
)


@dataclass(frozen=True)
class Reached:
    """A stage already reached: its name and date."""

    stage: str
    on: date


def next_stage(reached: list[Reached]) -> str | None:
    """The one stage that may be recorded next (None: the contract is signed, nothing follows)."""
    done = len(reached)
    return ORDER[done] if done < len(ORDER) else None


def advance_problems(reached: list[Reached], stage: str, on: date) -> list[tuple[str, str, str]]:
    """(path, code, message) for each reason `stage` on `on` cannot follow `reached`; empty when it can."""
    if stage not in STAGES:
        return [("stage", "unknown-stage", f"'{stage}' is not a stage; the stages are {', '.join(ORDER)}")]
    problems = []
    expected = next_stage(reached)
    if expected is None:
        problems.append(("stage", "finished", "The contract is signed: the procurement has no stage left"))
    elif stage != expected:
        position, wanted = ORDER.index(stage), ORDER.index(expected)
        if position < wanted:
            problems.append(
                (
                    "stage",
                    "stage-going-back",
                    f"'{STAGES[stage]}' was already recorded; a procurement cannot go back. "
                    f"The next stage is '{STAGES[expected]}'",
                )
            )
        else:
            skipped = ", ".join(f"'{STAGES[s]}'" for s in ORDER[wanted:position])
            problems.append(
                (
                    "stage",
                    "stage-skipped",
                    f"'{STAGES[stage]}' cannot be recorded before {skipped}: the next stage is "
                    f"'{STAGES[expected]}'",
                )
            )
    if reached and on < reached[-1].on:
        last = reached[-1]
        problems.append(
            (
                "date",
                "date-before-previous-stage",
                f"The date {on.isoformat()} is before the previous stage, '{STAGES[last.stage]}', "
                f"on {last.on.isoformat()}",
            )
        )
    return problems
