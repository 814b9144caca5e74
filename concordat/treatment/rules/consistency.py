"""Rules across rows: a client_ref is one person, an episode_ref is one client's episode, and an episode's
own values (its referral, triage and discharge) are the same on every row of it.

The state kept per client and per episode is compact (a tuple of the first row, the values joined into one
string and an index), so that a file of a million rows is checked in bounded memory.
"""

from __future__ import annotations

from typing import NamedTuple

from concordat.core.csvfile import RowReport

from .fields import Parsed

PERSON = ("initials", "date_of_birth", "sex", "la_of_residence")
EPISODE = (
    "referral_date",
    "referral_source",
    "primary_substance",
    "triage_date",
    "discharge_date",
    "discharge_reason",
)
_DISCHARGE = frozenset({"discharge_date", "discharge_reason"})


class Seen(NamedTuple):
    """Where a row stands: the index of its client and episode (in order of first appearance) and whether
    this row is the first of each."""

    client: int
    new_client: bool
    episode: int
    new_episode: bool


def person_text(parsed: Parsed, values: dict[str, str]) -> str:
    """The person's values as one string (dates as written: the rules allow one way of writing a date)."""
    return f"{parsed.initials}|{values['date_of_birth']}|{parsed.sex}|{parsed.la_of_residence}"


def episode_text(values: dict[str, str]) -> str:
    return "|".join([values[column] for column in EPISODE])


class Consistency:
    """Feed it every row whose values are all right, in the file's order (`see`), with its values as
    parse_row left them."""

    def __init__(self) -> None:
        self.clients: dict[str, tuple[int, str, int]] = {}  # client_ref -> (first row, person, index)
        self.episodes: dict[
            str, tuple[int, str, str, int]
        ] = {}  # episode_ref -> (row, client_ref, values, index)

    def see(self, row: int, parsed: Parsed, values: dict[str, str], report: RowReport) -> Seen:
        client_ref, episode_ref = parsed.client_ref, parsed.episode_ref
        assert client_ref is not None and episode_ref is not None
        person = person_text(parsed, values)
        known = self.clients.get(client_ref)
        if known is None:
            client, new_client = len(self.clients), True
            self.clients[client_ref] = (row, person, client)
        else:
            client, new_client = known[2], False
            if known[1] != person:
                for column, mine, first in zip(PERSON, person.split("|"), known[1].split("|"), strict=True):
                    if mine != first:
                        report.error(
                            row,
                            column,
                            "client-differs",
                            f"{column} differs from row {known[0]}, the first row of the same client_ref",
                        )

        text = episode_text(values)
        seen = self.episodes.get(episode_ref)
        if seen is None:
            episode, new_episode = len(self.episodes), True
            self.episodes[episode_ref] = (row, client_ref, text, episode)
        else:
            episode, new_episode = seen[3], False
            if seen[1] != client_ref:
                report.error(
                    row,
                    "episode_ref",
                    "episode-client-differs",
                    f"the episode_ref is another client_ref's episode (row {seen[0]}): an episode belongs to one client",
                )
            if seen[2] != text:
                for column, mine, first in zip(EPISODE, text.split("|"), seen[2].split("|"), strict=True):
                    if mine != first:
                        code = "discharge-differs" if column in _DISCHARGE else "episode-differs"
                        report.error(
                            row,
                            column,
                            code,
                            f"{column} differs from row {seen[0]}, the first row of the same episode_ref: "
                            "it must be the same on every row of the episode",
                        )
        return Seen(client, new_client, episode, new_episode)
