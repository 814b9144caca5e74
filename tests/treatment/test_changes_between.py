"""What replacing a record with a staged generation changes, counted by `changes_between` on generations
built row by row: every value of an episode, its client's reference and its modality rows (nulls equal,
duplicates counted), episodes added and removed, and those of them entered or edited on the web; and, over
random small generations, the same counts as a plain-Python statement of the rule."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from concordat.treatment.changes import Changes, changes_between
from concordat.treatment.models import Client, Episode, EpisodeModality, Generation, Submission

pytestmark = pytest.mark.django_db

D1, D2, D3 = date(2004, 5, 1), date(2004, 6, 1), date(2004, 7, 1)
Modality = tuple[str, date, date | None, date | None]  # modality, referral, start and end dates


@dataclass(frozen=True)
class Ep:
    """One episode as the rule sees it: its compared values, its client's reference, its modality rows
    and whether it was entered (no submission) or edited on the web."""

    client_ref: str = "C1"
    referral_date: date = D1
    referral_source: str = "self"
    primary_substance: str = "alcohol"
    triage_date: date | None = D2
    discharge_date: date | None = None
    discharge_reason: str = ""
    client_key: str = "k" * 64
    modalities: tuple[Modality, ...] = (("structured-psychosocial", D2, D2, None),)
    submitted: bool = True
    changed_on_web: bool = False


# The episode's columns the rule compares (with the client's client_ref and the modality rows).
VALUES = (
    "referral_date",
    "referral_source",
    "primary_substance",
    "triage_date",
    "discharge_date",
    "discharge_reason",
    "client_key",
)


def expected(new: dict[str, Ep], old: dict[str, Ep] | None) -> tuple[int, ...]:
    """The rule in plain Python: (added, changed, removed, unchanged, web_changed, web_removed)."""
    if old is None:
        return (len(new), 0, 0, 0, 0, 0)

    def web(episode: Ep) -> bool:
        return not episode.submitted or episode.changed_on_web

    def differs(n: Ep, o: Ep) -> bool:
        return (
            any(getattr(n, v) != getattr(o, v) for v in VALUES)
            or n.client_ref != o.client_ref
            or len(n.modalities) != len(o.modalities)
            or any(row not in o.modalities for row in n.modalities)
        )

    kept = [ref for ref in new if ref in old]
    changed = [ref for ref in kept if differs(new[ref], old[ref])]
    removed = [ref for ref in old if ref not in new]
    return (
        len(new) - len(kept),
        len(changed),
        len(removed),
        len(kept) - len(changed),
        sum(web(old[ref]) for ref in changed),
        sum(web(old[ref]) for ref in removed),
    )


def counted(changes: Changes) -> tuple[int, ...]:
    return (
        changes.added,
        changes.changed,
        changes.removed,
        changes.unchanged,
        changes.web_changed,
        changes.web_removed,
    )


@pytest.fixture
def provider(partnership: Any) -> Any:
    return partnership.providers.get(code="P1")


@pytest.fixture
def submission(partnership: Any, provider: Any) -> Submission:
    return Submission.objects.create(
        partnership=partnership,
        provider=provider,
        submitted_by_name="Test",
        submitted_at=datetime(2005, 4, 1, tzinfo=UTC),
        channel=Submission.Channel.COMMAND_LINE,
        period_end=date(2005, 3, 31),
        file_sha256="0" * 64,
    )


def generation(provider: Any, submission: Submission, episodes: dict[str, Ep]) -> Generation:
    """A generation holding exactly `episodes` (by episode_ref), written row by row."""
    made = Generation.objects.create(partnership=provider.partnership, provider=provider)
    common = {"partnership": provider.partnership, "provider": provider, "generation": made}
    clients: dict[str, Client] = {}
    for ref, ep in episodes.items():
        if ep.client_ref not in clients:
            clients[ep.client_ref] = Client.every_generation.create(
                **common,
                client_ref=ep.client_ref,
                client_key=ep.client_key,
                initials="AB",
                date_of_birth=date(1980, 1, 1),
                sex="F",
                la_of_residence="E08000006",
            )
        episode = Episode.every_generation.create(
            **common,
            submission=submission if ep.submitted else None,
            client=clients[ep.client_ref],
            episode_ref=ref,
            sex="F",
            age_at_referral=24,
            changed_on_web=ep.changed_on_web,
            **{v: getattr(ep, v) for v in VALUES},
        )
        EpisodeModality.every_generation.bulk_create(
            EpisodeModality(
                **common,
                submission=episode.submission,
                episode=episode,
                modality=modality,
                referral_date=referral_date,
                start_date=start_date,
                end_date=end_date,
            )
            for modality, referral_date, start_date, end_date in ep.modalities
        )
    return made


@pytest.fixture
def changes(provider: Any, submission: Submission) -> Any:
    """changes_between two generations made of the given episodes, checked against the plain rule."""

    def count(new: dict[str, Ep], old: dict[str, Ep] | None) -> Changes:
        found = changes_between(
            generation(provider, submission, new),
            generation(provider, submission, old) if old is not None else None,
        )
        assert counted(found) == expected(new, old)
        return found

    return count


def test_identical_generations_are_all_unchanged(changes):
    episodes = {f"E{i}": Ep(client_ref=f"C{i % 2}", triage_date=None if i % 3 else D2) for i in range(5)}
    found = changes(episodes, dict(episodes))
    assert (found.unchanged, found.changed, found.added, found.removed) == (5, 0, 0, 0)


def test_a_generation_compared_with_itself_is_unchanged(provider, submission):
    same = generation(provider, submission, {"E1": Ep(), "E2": Ep(modalities=())})
    assert counted(changes_between(same, same)) == (0, 0, 0, 2, 0, 0)


def test_with_no_record_every_episode_is_added(changes):
    assert changes({"E1": Ep(), "E2": Ep()}, None).added == 2


@pytest.mark.parametrize(
    "change",
    [
        {"referral_date": D2},
        {"referral_source": "gp"},
        {"primary_substance": "opiates"},
        {"discharge_reason": "died"},
        {"client_key": "j" * 64},
        {"triage_date": D3},
    ],
    ids=lambda change: next(iter(change)),
)
def test_a_changed_episode_value_changes_the_episode(changes, change):
    assert changes({"E1": replace(Ep(), **change)}, {"E1": Ep()}).changed == 1


@pytest.mark.parametrize("column", ["triage_date", "discharge_date"])
@pytest.mark.parametrize("before, after", [(None, D3), (D3, None)], ids=["null-to-date", "date-to-null"])
def test_a_nullable_value_to_or_from_null_changes_the_episode(changes, column, before, after):
    old = replace(Ep(), **{column: before})
    assert changes({"E1": replace(old, **{column: after})}, {"E1": old}).changed == 1


def test_both_null_is_unchanged(changes):
    old = Ep(triage_date=None, discharge_date=None, modalities=(("m", D1, None, None),))
    assert changes({"E1": old}, {"E1": old}).unchanged == 1


def test_a_changed_client_ref_changes_the_episode(changes):
    assert changes({"E1": Ep(client_ref="C2")}, {"E1": Ep(client_ref="C1")}).changed == 1


def test_a_modality_added_or_removed_changes_the_episode(changes):
    one = Ep(modalities=(("m", D1, D2, None),))
    two = Ep(modalities=(("m", D1, D2, None), ("n", D1, None, None)))
    none = Ep(modalities=())
    found = changes({"E1": two, "E2": none, "E3": none}, {"E1": one, "E2": one, "E3": none})
    assert (found.changed, found.unchanged) == (2, 1)


@pytest.mark.parametrize(
    "before, after",
    [
        (("m", D1, D2, D3), ("n", D1, D2, D3)),
        (("m", D1, D2, D3), ("m", D2, D2, D3)),
        (("m", D1, D2, D3), ("m", D1, D3, D3)),
        (("m", D1, D2, D3), ("m", D1, D2, D2)),
        (("m", D1, None, None), ("m", D1, D2, None)),
        (("m", D1, D2, None), ("m", D1, None, None)),
        (("m", D1, D2, None), ("m", D1, D2, D3)),
        (("m", D1, D2, D3), ("m", D1, D2, None)),
    ],
    ids=[
        "modality",
        "referral",
        "start",
        "end",
        "start-null-to-date",
        "start-date-to-null",
        "end-null-to-date",
        "end-date-to-null",
    ],
)
def test_a_modality_changed_in_place_changes_the_episode(changes, before, after):
    other = ("o", D1, None, None)
    found = changes({"E1": Ep(modalities=(other, after))}, {"E1": Ep(modalities=(before, other))})
    assert found.changed == 1


def test_modality_rows_in_another_order_are_unchanged(changes):
    rows = (("m", D1, None, None), ("m", D1, D2, None), ("n", D2, D2, D3))
    assert changes({"E1": Ep(modalities=rows[::-1])}, {"E1": Ep(modalities=rows)}).unchanged == 1


def test_duplicated_rows_against_one_row_and_another(changes):
    """The rule is "as many rows, and each new row has an equal old one": two copies of a row replacing
    that row and another is unchanged; the other way round, the new row with no equal is a change."""
    x, y = ("m", D1, None, None), ("n", D1, D2, None)
    found = changes(
        {"E1": Ep(modalities=(x, x)), "E2": Ep(modalities=(x, y)), "E3": Ep(modalities=(x, x))},
        {"E1": Ep(modalities=(x, y)), "E2": Ep(modalities=(x, x)), "E3": Ep(modalities=(x,))},
    )
    assert (found.unchanged, found.changed) == (1, 2)


def test_episodes_added_and_removed(changes):
    found = changes({"E1": Ep(), "E3": Ep(), "E4": Ep()}, {"E1": Ep(), "E2": Ep()})
    assert (found.added, found.removed, found.unchanged) == (2, 1, 1)


def test_web_episodes_changed_or_removed_are_counted(changes):
    entered = Ep(submitted=False)
    edited = Ep(changed_on_web=True)
    found = changes(
        {
            "E1": replace(entered, referral_source="gp"),  # changed, entered on the web
            "E2": replace(edited, referral_source="gp"),  # changed, edited on the web
            "E3": replace(Ep(), referral_source="gp"),  # changed, from a file
            "E4": entered,  # unchanged: not lost
        },
        {"E1": entered, "E2": edited, "E3": Ep(), "E4": entered, "E5": entered, "E6": edited, "E7": Ep()},
    )
    assert (found.changed, found.web_changed, found.removed, found.web_removed) == (3, 2, 3, 2)
    assert found.web_lost == 4


def test_the_record_counted_against_is_named(changes):
    found = changes({"E1": Ep()}, {"E1": Ep()})
    assert found.against is not None and found.still_against(Generation.objects.get(pk=found.against))


# Few values each, so that equal episodes and equal modality rows (and duplicates) come up often.
dates = st.sampled_from([D1, D2])
maybe_dates = st.sampled_from([None, D1, D2])
modality_rows = st.tuples(st.sampled_from(["m", "n"]), dates, maybe_dates, maybe_dates)
episodes = st.builds(
    Ep,
    client_ref=st.sampled_from(["C1", "C2"]),
    referral_date=dates,
    referral_source=st.sampled_from(["self", "gp"]),
    triage_date=maybe_dates,
    discharge_date=maybe_dates,
    discharge_reason=st.sampled_from(["", "died"]),
    modalities=st.lists(modality_rows, max_size=3).map(tuple),
    submitted=st.booleans(),
    changed_on_web=st.booleans(),
)
refs = st.sampled_from([f"E{i}" for i in range(6)])


@st.composite
def successors(draw: st.DrawFn, old: dict[str, Ep]) -> dict[str, Ep]:
    """The next generation: each episode kept as it is, changed a little, redrawn or dropped; some added."""
    new: dict[str, Ep] = {}
    for ref, ep in old.items():
        fate = draw(st.sampled_from(["same", "same", "tweak", "shuffle", "redraw", "drop"]))
        if fate == "same":
            new[ref] = ep
        elif fate == "tweak":
            new[ref] = draw(tweaks(ep))
        elif fate == "shuffle":
            new[ref] = replace(ep, modalities=tuple(draw(st.permutations(ep.modalities))))
        elif fate == "redraw":
            new[ref] = draw(episodes)
    for ref in draw(st.lists(refs, max_size=2)):
        new.setdefault(ref, draw(episodes))
    return new


def tweaks(ep: Ep) -> st.SearchStrategy[Ep]:
    rows = list(ep.modalities)
    options: list[st.SearchStrategy[Ep]] = [
        maybe_dates.map(lambda d: replace(ep, triage_date=d)),
        st.sampled_from(["C1", "C2"]).map(lambda r: replace(ep, client_ref=r)),
        modality_rows.map(lambda row: replace(ep, modalities=(*rows, row))),
    ]
    if rows:
        options.append(st.just(replace(ep, modalities=tuple(rows[1:]))))
        options.append(modality_rows.map(lambda row: replace(ep, modalities=(row, *rows[1:]))))
        options.append(st.just(replace(ep, modalities=(rows[0], *rows))))  # a duplicate
    return st.one_of(options)


@st.composite
def generation_pairs(draw: st.DrawFn) -> tuple[dict[str, Ep], dict[str, Ep] | None]:
    old = draw(st.none() | st.dictionaries(refs, episodes, max_size=5))
    return draw(successors(old or {})), old


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(pair=generation_pairs())
def test_the_counts_follow_the_rule_on_random_generations(changes, pair):
    new, old = pair
    changes(new, old)  # the fixture compares with `expected`
