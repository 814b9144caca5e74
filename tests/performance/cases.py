"""Hand-built records for the engine's tests: rows of the extract as dicts, made Arrow; the engine's
object and the model's for the same rows."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

import pyarrow as pa

from concordat.partnerships.rules.vocabulary import BUILT_IN_MODALITIES
from concordat.performance import engine
from concordat.performance.rules.periods import Period
from concordat.performance.rules.shaping import kpi_object, setting
from concordat.treatment.extract import SCHEMA
from tests.performance import model

PARTNERSHIP = 7
MODALITIES = {code: structured for code, (_, _, structured) in BUILT_IN_MODALITIES.items()} | {
    "gp-prescribing": True,
    "outreach": False,
}
TARGETS: dict[str, Any] = {
    "baseline": {"kpi": "in_treatment", "year": "1998-99", "value": 4},
    "accessing_services": {"year": "2004-05", "value": 8},
    "waiting_time_days": 21,
    "waiting_within_threshold_pct": "90",
    "modality_thresholds": {"inpatient-detox": 14},
    "modality_mean_wait_days": {"residential-rehab": 20},
}
SETTING: dict[str, Any] = {
    "slug": "test-dat",
    "providers": ["P1", "P2"],
    "modalities": MODALITIES,
    "targets": TARGETS,
}
_ids = itertools.count(1)


def episode(
    person: str = "A",
    *,
    provider: str = "P1",
    referral: date = date(2004, 4, 1),
    discharge: date | None = None,
    reason: str | None = None,
    sex: str = "M",
    age: int = 30,
    substance: str = "opiates",
    modalities: list[dict[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """An episode's rows: one a modality (each {"modality", "referral", "start", "end"}), or one with the
    modality columns empty. `reason` defaults to dropped-out when there is a discharge."""
    episode_id = next(_ids)
    base = {
        "partnership": PARTNERSHIP,
        "provider": provider,
        "episode_id": episode_id,
        "client_key": f"key-{person}",
        "sex": sex,
        "age_at_referral": age,
        "referral_date": referral,
        "referral_source": "self",
        "primary_substance": substance,
        "triage_date": None,
        "discharge_date": discharge,
        "discharge_reason": reason or ("dropped-out" if discharge else None),
    }
    if not modalities:
        return [
            {
                **base,
                "modality": None,
                "modality_referral_date": None,
                "modality_start_date": None,
                "modality_end_date": None,
            }
        ]
    return [
        {
            **base,
            "modality": m.get("modality", "pharmacological"),
            "modality_referral_date": m.get("referral", referral),
            "modality_start_date": m.get("start"),
            "modality_end_date": m.get("end"),
        }
        for m in modalities
    ]


def table(rows: list[dict[str, Any]]) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=SCHEMA)


def the_setting(config: dict[str, Any] = SETTING, partnership: int = PARTNERSHIP) -> Any:
    return setting(
        partnership=partnership,
        slug=config["slug"],
        providers=config["providers"],
        modalities=list(config["modalities"].items()),
        targets=config["targets"],
    )


def engine_objects(
    rows: list[dict[str, Any]],
    periods: list[tuple[date, date, date]],
    *,
    published: bool = False,
    config: dict[str, Any] = SETTING,
) -> list[dict[str, Any]]:
    """The engine's objects for several periods (from, to, as_of) of one partnership, in one run."""
    mine = the_setting(config)
    figures = engine.run(table(rows), [mine], [Period(PARTNERSHIP, a, b, c) for a, b, c in periods])
    return [
        kpi_object(mine, f, start=a, end=b, as_of=c, published=published)
        for (a, b, c), f in zip(periods, figures, strict=True)
    ]


def kpis(rows: list[dict[str, Any]], start: date, end: date, as_of: date, **options: Any) -> dict[str, Any]:
    return engine_objects(rows, [(start, end, as_of)], **options)[0]


def model_object(
    rows: list[dict[str, Any]], start: date, end: date, as_of: date, **options: Any
) -> dict[str, Any]:
    config = options.pop("config", SETTING)
    return model.kpi_object(rows, config, start, end, as_of, **options)


YEAR = (date(2004, 4, 1), date(2005, 3, 31))
AS_OF = date(2006, 3, 31)
