"""Property tests of the pure rules: any file written by the spec's rules is accepted (the rules refuse
nothing the spec allows), and its rows are spooled once per client, episode and modality."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from concordat.partnerships.rules.vocabulary import BUILT_IN_MODALITIES
from concordat.treatment.rules.columns import DISCHARGE_REASONS, REFERRAL_SOURCES, SUBSTANCES
from concordat.treatment.rules.dates import age_on
from concordat.treatment.rules.fields import Context
from tests.treatment.submissions import check_and_stage, csv_bytes

END = date(2010, 3, 31)
CONTEXT = Context(period_end=END, modalities=frozenset(BUILT_IN_MODALITIES))


def later(draw: st.DrawFn, after: date, optional: bool = True) -> date | None:
    if after > END or (optional and draw(st.booleans())):
        return None
    return after + timedelta(days=draw(st.integers(0, (END - after).days)))


@st.composite
def episode(draw: st.DrawFn, n: int) -> list[dict[str, str]]:
    referral = later(draw, date(2000, 1, 1), optional=False)
    assert referral is not None
    born = referral - timedelta(days=draw(st.integers(0, 110 * 365)))
    triage = later(draw, referral)
    rows = []
    modalities = draw(st.lists(st.sampled_from(sorted(BUILT_IN_MODALITIES)), max_size=3))
    dates: list[date] = [d for d in (referral, triage) if d]
    plans = []
    for modality in modalities:
        referred = later(draw, referral, optional=False)
        start = later(draw, referred) if referred else None
        end = later(draw, start) if start else None
        dates += [d for d in (referred, start, end) if d]
        plans.append((modality, referred, start, end))
    discharge = later(draw, max(dates))
    person = {
        "client_ref": f"C-{n}",
        "initials": draw(st.sampled_from(["ab", "QZ", "Mx"])),
        "date_of_birth": born.isoformat(),
        "sex": draw(st.sampled_from("MFXU")),
        "la_of_residence": draw(st.sampled_from(["E08000006", "W06000001", "S12000033", "N09000003"])),
        "episode_ref": f"E_{n}",
        "referral_date": referral.isoformat(),
        "referral_source": draw(st.sampled_from(sorted(REFERRAL_SOURCES))),
        "primary_substance": draw(st.sampled_from(sorted(SUBSTANCES))),
        "triage_date": triage.isoformat() if triage else "",
        "discharge_date": discharge.isoformat() if discharge else "",
        "discharge_reason": draw(st.sampled_from(sorted(DISCHARGE_REASONS))) if discharge else "",
    }
    if age_on(born, referral) > 110:
        person["date_of_birth"] = referral.replace(year=referral.year - 50).isoformat()
    for modality, referred, start, end in plans or [("", None, None, None)]:
        rows.append(
            {
                **person,
                "modality": modality,
                "modality_referral_date": referred.isoformat() if referred else "",
                "modality_start_date": start.isoformat() if start else "",
                "modality_end_date": end.isoformat() if end else "",
            }
        )
    return rows


@settings(max_examples=80)
@given(episodes=st.integers(1, 6).flatmap(lambda k: st.tuples(*[episode(n) for n in range(k)])))
def test_every_file_the_spec_allows_is_accepted(episodes):
    rows = [r for e in episodes for r in e]
    checked, (clients, staged, modalities) = check_and_stage(csv_bytes(rows), CONTEXT)
    assert checked.report.errors == []
    assert (checked.clients, checked.episodes) == (len(episodes), len(episodes))
    assert checked.modalities == sum(1 for r in rows if r["modality"])
    assert len(modalities.splitlines()) == checked.modalities
    assert (len(clients.splitlines()), len(staged.splitlines())) == (len(episodes), len(episodes))
