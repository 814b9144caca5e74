"""treatment.selectors.kpi_rows lists the modality rows behind in_treatment, new_starts and waiting.<m>:
on the same record, for every quarter and year of the grid, overall and by provider, its distinct people
(its rows, for waiting) are exactly the engine's counts. And the many-partnership reads agree with the
one-partnership ones."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest

from concordat.partnerships.shape import export_agreement
from concordat.performance import selectors
from concordat.treatment import selectors as treatment
from tests.factories import load_partnership
from tests.treatment.conftest import submit
from tests.treatment.submissions import PERIOD_END, row

pytestmark = pytest.mark.django_db

PROVIDERS = [
    {"code": "P1", "name": "Example Community Drug Service", "tiers": [2, 3]},
    {"code": "P2", "name": "Second Street Project", "tiers": [2, 3]},
]


def person(ref: str, dob: str) -> dict[str, str]:
    return {"client_ref": ref, "date_of_birth": dob}


def modality(code: str, referred: str, start: str = "", end: str = "") -> dict[str, str]:
    return {
        "modality": code,
        "modality_referral_date": referred,
        "modality_start_date": start,
        "modality_end_date": end,
    }


def boundary_rows() -> dict[str, list[dict[str, str]]]:
    """Records on the edges of the definitions and of the quarters (period end 2005-03-31)."""
    ep = {"triage_date": ""}
    p1 = [
        # open since Q1: in treatment every quarter after
        row(**person("A", "1970-01-01"), episode_ref="A1", referral_date="2004-06-01", **ep,
            **modality("pharmacological", "2004-06-03", "2004-06-20")),
        # Q2 only; and a non-structured row that counts for nothing but waiting.advice
        row(**person("B", "1971-01-01"), episode_ref="B1", referral_date="2004-04-01", **ep,
            **modality("psychosocial", "2004-06-01", "2004-07-01", "2004-09-30")),
        row(**person("B", "1971-01-01"), episode_ref="B1", referral_date="2004-04-01", **ep,
            **modality("advice", "2004-04-01", "2004-04-10")),
        # started on the last day of 2003-04, discharged on the first of 2004-05: one day in Q1
        row(**person("D", "1972-01-01"), episode_ref="D1", referral_date="2004-03-01", **ep,
            **modality("residential-rehab", "2004-03-01", "2004-03-31"),
            discharge_date="2004-04-01", discharge_reason="completed-drug-free"),
        # from the last day of Q3 to the first of Q4
        row(**person("E", "1973-01-01"), episode_ref="E1", referral_date="2004-12-01", **ep,
            **modality("day-programme", "2004-12-10", "2004-12-31", "2005-01-01")),
        # treatment starts at the first structured start, not the advice before it
        row(**person("H", "1974-01-01"), episode_ref="H1", referral_date="2004-02-01", **ep,
            **modality("advice", "2004-02-01", "2004-03-01")),
        row(**person("H", "1974-01-01"), episode_ref="H1", referral_date="2004-02-01", **ep,
            **modality("pharmacological", "2004-04-01", "2004-04-10")),
        # a treatment start in 2003-04 Q4: not a new start in 2004-05 Q1 although a later row starts then
        row(**person("I", "1975-01-01"), episode_ref="I1", referral_date="2004-03-01", **ep,
            **modality("psychosocial", "2004-03-02", "2004-03-30")),
        row(**person("I", "1975-01-01"), episode_ref="I1", referral_date="2004-03-01", **ep,
            **modality("pharmacological", "2004-04-20", "2004-05-01")),
        # two structured rows starting the same day; the partnership's own structured modality
        row(**person("J", "1976-01-01"), episode_ref="J1", referral_date="2005-01-01", **ep,
            **modality("gp-prescribing", "2005-01-02", "2005-03-31")),
        row(**person("J", "1976-01-01"), episode_ref="J1", referral_date="2005-01-01", **ep,
            **modality("psychosocial", "2005-01-02", "2005-03-31")),
        # waiting: started on the last day of Q2, and one still waiting (not a row of any KPI here)
        row(**person("W", "1977-01-01"), episode_ref="W1", referral_date="2004-08-01", **ep,
            **modality("inpatient-detox", "2004-09-01", "2004-09-30")),
        row(**person("W", "1977-01-01"), episode_ref="W1", referral_date="2004-08-01", **ep,
            **modality("residential-rehab", "2004-09-01")),
        # a second episode of A at the same provider: one person
        row(**person("A", "1970-01-01"), episode_ref="A2", referral_date="2004-10-01", **ep,
            **modality("psychosocial", "2004-10-02", "2004-10-05")),
        # referred, never given a modality
        row(**person("K", "1978-01-01"), episode_ref="K1", referral_date="2005-02-01", **ep,
            **modality("", "", "")),
    ]  # fmt: skip
    p2 = [
        # A again, at another provider: once in the total, once under each provider
        row(**person("A-AT-P2", "1970-01-01"), episode_ref="A9", referral_date="2004-07-01", **ep,
            **modality("pharmacological", "2004-07-02", "2004-07-15", "2004-12-31"),
            discharge_date="2004-12-31", discharge_reason="transferred"),
        row(**person("L", "1979-01-01"), episode_ref="L1", referral_date="2004-04-01", **ep,
            **modality("inpatient-detox", "2004-04-01", "2004-04-01", "2004-04-14"),
            discharge_date="2004-04-14", discharge_reason="completed-drug-free"),
    ]  # fmt: skip
    return {"P1": p1, "P2": p2}


def people(rows: Any) -> int:
    return rows.values("episode__client_key").distinct().order_by().count()


def assert_rows_agree_with_the_engine(partnership: Any) -> int:
    selectors.recompute(partnership.pk)
    grid = selectors.grid(partnership)
    as_of = selectors.default_as_of(partnership)
    providers = dict(partnership.providers.values_list("code", "pk"))
    checked = 0
    for entry in grid:
        k = entry.kpis
        scopes: list[tuple[dict[str, Any], list[int] | None]] = [(k, None)]
        scopes += [(k["breakdowns"]["by_provider"][code], [pk]) for code, pk in providers.items()]
        for obj, ids in scopes:
            for kpi in ("in_treatment", "new_starts"):
                found = people(
                    treatment.kpi_rows(partnership, kpi, entry.start, entry.end, as_of, provider_ids=ids)
                )
                assert found == obj[kpi], (entry.label, kpi, ids)
                checked += 1
            for code, w in obj["waiting"].items():
                found = treatment.kpi_rows(
                    partnership, "waiting", entry.start, entry.end, as_of, modality=code, provider_ids=ids
                ).count()
                assert found == w["count"], (entry.label, code, ids)
                checked += 1
    return checked


def test_the_rows_behind_each_count_are_the_engines_on_the_edges_of_the_definitions() -> None:
    partnership = load_partnership(providers=PROVIDERS)
    for code, rows in boundary_rows().items():
        assert submit(partnership, rows, provider=code).report.accepted
    assert assert_rows_agree_with_the_engine(partnership) > 100


def test_the_rows_behind_each_count_are_the_engines_on_synthetic_records() -> None:
    from concordat.demo.generator.files import generate_for_partnership

    partnership = load_partnership(providers=PROVIDERS)
    spec = export_agreement(partnership)
    spec["targets"]["accessing_services"]["value"] = 60  # a small record: about 150 people
    with tempfile.TemporaryDirectory() as folder:
        manifest = generate_for_partnership(spec, 2, 7, folder)
        from datetime import date

        period_end = date.fromisoformat(manifest["period_end"])
        for entry in manifest["partnerships"][0]["submissions"]:
            data = (Path(folder) / entry["file"]).read_bytes()
            outcome = submit(partnership, data, provider=entry["provider"], period_end=period_end)
            assert outcome.report.accepted
    assert assert_rows_agree_with_the_engine(partnership) > 100


def test_only_the_clients_given_are_listed(partnership: Any) -> None:
    from concordat.treatment.models import Client

    submit(partnership, boundary_rows()["P1"])
    start, end = PERIOD_END.replace(month=1, day=1), PERIOD_END
    mine = Client.objects.filter(partnership=partnership, client_ref__in=["A", "J"])
    rows = treatment.kpi_rows(partnership, "in_treatment", start, end, PERIOD_END, clients=mine)
    assert {r.episode.client_id for r in rows} == set(mine.values_list("pk", flat=True))


def test_a_kpi_without_rows_is_refused(partnership: Any) -> None:
    with pytest.raises(ValueError):
        treatment.kpi_rows(partnership, "retention_12wk", PERIOD_END, PERIOD_END, PERIOD_END)
    with pytest.raises(ValueError):
        treatment.kpi_rows(partnership, "waiting", PERIOD_END, PERIOD_END, PERIOD_END)


def test_versions_and_period_ends_of_many_partnerships_are_each_ones_own(partnership: Any) -> None:
    other = load_partnership(slug="other-dat", name="Other DAT", providers=PROVIDERS)
    empty = load_partnership(slug="empty-dat", name="Empty DAT")
    submit(partnership, boundary_rows()["P1"])
    submit(other, boundary_rows()["P2"], provider="P2")
    ids = [partnership.pk, other.pk, empty.pk]
    assert treatment.record_versions(ids) == {pid: treatment.record_version(pid) for pid in ids}
    assert treatment.latest_period_ends(ids) == {partnership.pk: PERIOD_END, other.pk: PERIOD_END}
