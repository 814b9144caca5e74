"""A procurement's stages, in the order its process and the law of its date ask for, and the rule that
moves it on.

The law is the one in force on the day the process is chosen (the procurement's second stage, when what
follows is decided): the Public Contracts Regulations 2015 before the Provider Selection Regime came in on
1 January 2024; from then the Provider Selection Regime for health care services; for other services the
Public Contracts Regulations 2015 until the Procurement Act 2023 came in on 24 February 2025, the Act
after. Each law has its processes, and each process its stages:

- a process with a competition (the PSR's competitive process, the open, restricted and competitive
  flexible procedures) walks all nine: notice, bids, evaluation, intention to award, standstill, award;
- the PSR's direct award process C and most suitable provider process have no notice inviting bids and no
  bids: the provider is assessed against the key criteria, then the intention to award and the standstill;
- the PSR's direct award processes A and B have no bids and no standstill: the contract is awarded and
  signed, and the transparency notice of the award follows (within 30 days).

A procurement cannot skip a stage of its process or go back, and a stage cannot be dated before the stage
before it. The standstill's length under each law is rules/standstill.py's.
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
# Every stage, in the order of a process with a competition (the longest).
ORDER: tuple[str, ...] = tuple(STAGES)

# --- the law of the procurement's date --------------------------------------------------------------------

PCR_2015 = "pcr-2015"
PSR_2023 = "psr-2023"
PA_2023 = "pa-2023"
LAWS: dict[str, str] = {
    PCR_2015: "The Public Contracts Regulations 2015",
    PSR_2023: "The Health Care Services (Provider Selection Regime) Regulations 2023",
    PA_2023: "The Procurement Act 2023",
}
PSR_FROM = date(2024, 1, 1)  # PSR regulation 1(1): in force on 1 January 2024
PA_FROM = date(2025, 2, 24)  # the Procurement Act 2023's procurement rules, in force on 24 February 2025


def law_on(day: date, *, health_care: bool) -> str:
    """The law a procurement whose process is chosen on `day` follows."""
    if day < PSR_FROM:
        return PCR_2015
    if health_care:
        return PSR_2023
    return PCR_2015 if day < PA_FROM else PA_2023


def law_words(law: str) -> str:
    """The law and when it applies, for a page: "The Procurement Act 2023 (from 24 February 2025)"."""
    return {
        PCR_2015: f"{LAWS[PCR_2015]} (before the Provider Selection Regime and the Procurement Act)",
        PSR_2023: f"{LAWS[PSR_2023]} (health care services, from 1 January 2024)",
        PA_2023: f"{LAWS[PA_2023]} (from 24 February 2025)",
    }[law]


# --- processes, each with the law it belongs to and the provision that sets it out ----------------------


@dataclass(frozen=True)
class Process:
    name: str
    law: str
    cites: str  # the regulation or section that sets the process out


PROCESS_RULES: dict[str, Process] = {
    "direct-award-a": Process("Direct award process A", PSR_2023, "regulation 7"),
    "direct-award-b": Process("Direct award process B", PSR_2023, "regulation 8"),
    "direct-award-c": Process("Direct award process C", PSR_2023, "regulation 9"),
    "most-suitable-provider": Process("Most suitable provider process", PSR_2023, "regulation 10"),
    "competitive": Process("Competitive process", PSR_2023, "regulation 11"),
    "open": Process("Open procedure", PCR_2015, "regulation 27"),
    "restricted": Process("Restricted procedure", PCR_2015, "regulation 28"),
    "competitive-flexible": Process("Competitive flexible procedure", PA_2023, "section 20(2)(b)"),
}
# The open procedure is the Procurement Act's too (section 20(2)(a)): one code, cited by the law of its date.
OPEN_UNDER_THE_ACT = "section 20(2)(a)"
PROCESSES: dict[str, str] = {code: p.name for code, p in PROCESS_RULES.items()}
PSR_PROCESSES: dict[str, str] = {c: p.name for c, p in PROCESS_RULES.items() if p.law == PSR_2023}
OTHER_PROCESSES: dict[str, str] = {c: p.name for c, p in PROCESS_RULES.items() if p.law != PSR_2023}


def processes_under(law: str) -> dict[str, str]:
    """The processes a procurement under `law` may follow, code -> name."""
    if law == PA_2023:
        return {"open": PROCESSES["open"], "competitive-flexible": PROCESSES["competitive-flexible"]}
    return {c: p.name for c, p in PROCESS_RULES.items() if p.law == law}


def process_choices(*, health_care: bool) -> list[tuple[str, str]]:
    """Every process a procurement of this kind may follow under one law or another, each named with the
    law and the days it applies (the check refuses a process of a law not in force on the day it is
    chosen). A process of two laws (the open procedure) is listed once, with both."""
    if health_care:
        laws = (
            (PCR_2015, "the Public Contracts Regulations 2015, before 1 January 2024"),
            (PSR_2023, "the Provider Selection Regime, from 1 January 2024"),
        )
    else:
        laws = ((PCR_2015, "the Public Contracts Regulations 2015, before 24 February 2025"),
                (PA_2023, "the Procurement Act 2023, from 24 February 2025"))  # fmt: skip
    under: dict[str, list[str]] = {}
    for law, words in laws:
        for code in processes_under(law):
            under.setdefault(code, []).append(words)
    return [(code, f"{PROCESSES[code]} ({'; or '.join(words)})") for code, words in under.items()]


def process_citation(process: str, law: str) -> str:
    """Where the process is set out: "The Procurement Act 2023, section 20(2)(a)"."""
    if process not in PROCESS_RULES:
        return ""
    cites = OPEN_UNDER_THE_ACT if process == "open" and law == PA_2023 else PROCESS_RULES[process].cites
    return f"{LAWS[law]}, {cites}"


# The PSR's key criteria (regulation 5): what a decision must be assessed against.
PSR_CRITERIA: tuple[str, ...] = (
    "Quality and innovation",
    "Value",
    "Integration, collaboration and service sustainability",
    "Improving access, reducing health inequalities and facilitating choice",
    "Social value",
)

# --- the stages of each process ---------------------------------------------------------------------------

DIRECT_AWARD = ("strategy-approved", "process-chosen", "awarded", "contract-signed", "notice-published")
WITHOUT_COMPETITION = (
    "strategy-approved",
    "process-chosen",
    "evaluated",
    "intention-to-award",
    "standstill-ended",
    "awarded",
    "contract-signed",
)
NO_STANDSTILL = ("direct-award-a", "direct-award-b")


def stages_of(process: str | None) -> tuple[str, ...]:
    """The stages a procurement following `process` walks, in order (every stage while none is chosen)."""
    if process in NO_STANDSTILL:
        return DIRECT_AWARD
    if process in ("direct-award-c", "most-suitable-provider"):
        return WITHOUT_COMPETITION
    return ORDER


def has_standstill(process: str | None) -> bool:
    return "standstill-ended" in stages_of(process)


@dataclass(frozen=True)
class Step:
    """A stage as a process names it, and the provision that asks for it (blank: none in particular)."""

    stage: str
    label: str
    cites: str = ""


def _psr_steps(process: str) -> dict[str, Step]:
    own = PROCESS_RULES[process].cites
    if process in NO_STANDSTILL:
        return {
            "awarded": Step("awarded", "Contract awarded", f"{own}: no standstill"),
            "notice-published": Step(
                "notice-published",
                "Transparency notice of the award published",
                f"{own}: within 30 days of the award",
            ),
        }
    steps = {
        "evaluated": Step(
            "evaluated",
            "Bids evaluated" if process == "competitive" else "Provider assessed against the key criteria",
            "regulation 5 (the key criteria)",
        ),
        "intention-to-award": Step(
            "intention-to-award", "Notice of intention to award published", f"{own}; regulation 12"
        ),
        "standstill-ended": Step("standstill-ended", "Standstill ended", "regulation 12"),
    }
    if process == "competitive":
        steps["notice-published"] = Step("notice-published", "Contract notice published", own)
    return steps


def steps_of(process: str | None, law: str | None) -> tuple[Step, ...]:
    """The stages of `process` under `law`, each with its name in that law's words and its provision."""
    named: dict[str, Step] = {}
    if law == PSR_2023 and process in PROCESS_RULES:
        named = _psr_steps(process)
    elif law == PCR_2015:
        named = {
            "notice-published": Step("notice-published", "Contract notice published", "regulation 49"),
            "intention-to-award": Step(
                "intention-to-award", "Notices of the decision to award sent", "regulation 86"
            ),
            "standstill-ended": Step("standstill-ended", "Standstill ended", "regulation 87"),
            "awarded": Step("awarded", "Contract awarded", "regulation 50 (contract award notice)"),
        }
    elif law == PA_2023:
        named = {
            "notice-published": Step("notice-published", "Tender notice published", "section 21"),
            "bids-received": Step("bids-received", "Tenders received"),
            "evaluated": Step("evaluated", "Tenders assessed", "section 19"),
            "intention-to-award": Step("intention-to-award", "Contract award notice published", "section 50"),
            "standstill-ended": Step("standstill-ended", "Standstill ended", "section 51"),
            "contract-signed": Step(
                "contract-signed", "Contract signed", "section 53 (contract details notice)"
            ),
        }
    return tuple(named.get(stage, Step(stage, STAGES[stage])) for stage in stages_of(process))


def label(stage: str, process: str | None = None, law: str | None = None) -> str:
    """The stage's name under `process` and `law` (its plain name where they do not rename it)."""
    return next((s.label for s in steps_of(process, law) if s.stage == stage), STAGES.get(stage, stage))


# --- moving on --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reached:
    """A stage already reached: its name and date."""

    stage: str
    on: date


def next_stage(reached: list[Reached], process: str | None = None) -> str | None:
    """The one stage that may be recorded next (None: the process has no stage left)."""
    done = {r.stage for r in reached}
    return next((s for s in stages_of(process) if s not in done), None)


def advance_problems(
    reached: list[Reached], stage: str, on: date, process: str | None = None, law: str | None = None
) -> list[tuple[str, str, str]]:
    """(path, code, message) for each reason `stage` on `on` cannot follow `reached` in `process`; empty
    when it can."""
    if stage not in STAGES:
        return [("stage", "unknown-stage", f"'{stage}' is not a stage; the stages are {', '.join(ORDER)}")]
    problems = []
    order = stages_of(process)
    expected = next_stage(reached, process)

    def named(s: str) -> str:
        return label(s, process, law)

    if stage not in order:
        what = PROCESSES.get(process or "", "this process")
        problems.append(
            (
                "stage",
                "not-a-stage-of-the-process",
                f"The {what[:1].lower()}{what[1:]} has no stage '{STAGES[stage]}'"
                + (f": the next stage is '{named(expected)}'" if expected else ""),
            )
        )
    elif expected is None:
        problems.append(("stage", "finished", "The procurement has reached its last stage: none is left"))
    elif stage != expected:
        position, wanted = order.index(stage), order.index(expected)
        if position < wanted or stage in {r.stage for r in reached}:
            problems.append(
                (
                    "stage",
                    "stage-going-back",
                    f"'{named(stage)}' was already recorded; a procurement cannot go back. "
                    f"The next stage is '{named(expected)}'",
                )
            )
        else:
            skipped = ", ".join(f"'{named(s)}'" for s in order[wanted:position])
            problems.append(
                (
                    "stage",
                    "stage-skipped",
                    f"'{named(stage)}' cannot be recorded before {skipped}: the next stage is "
                    f"'{named(expected)}'",
                )
            )
    if reached and on < reached[-1].on:
        last = reached[-1]
        problems.append(
            (
                "date",
                "date-before-previous-stage",
                f"The date {on.isoformat()} is before the previous stage, '{named(last.stage)}', "
                f"on {last.on.isoformat()}",
            )
        )
    return problems


def process_problem(process: str, on: date, *, health_care: bool) -> str | None:
    """Why `process`, chosen on `on`, is not one the law of that day has (None: it is)."""
    law = law_on(on, health_care=health_care)
    allowed = processes_under(law)
    if process in allowed:
        return None
    kind = "health care services" if health_care else "other services"
    names = " or ".join(f"'{name}'" for name in allowed.values())
    return (
        f"process: '{PROCESSES.get(process, process)}' is not a process of {LAWS[law]}, the law for "
        f"{kind} on {on.day} {on:%B %Y}: choose {names}"
    )
