"""The common case of every rule at once: a row that breaks no rule and warns of nothing, decided in one
function over the row's values by position, for the million-row file where almost every row is such a
row.

`CleanRows.see` either accepts the row — it is right by every rule of fields.py, dates.py,
consistency.py and warnings.py, and the cross-row state is updated exactly as `Consistency.see` would —
or returns None having changed nothing, and the caller runs the rules themselves (which name every problem
at its row and column). It is conservative: it accepts only values that are exactly a right value as
written (no surrounding spaces, a date it has read before, a GSS code seen before), so anything unusual
goes the long way. Every test below is of a whole value against right ones (a vocabulary word, a date or
area already read, `REF`, two ASCII letters, an empty optional value), and none of them has space around
it: so a row with a value to trim always goes the long way, where `fields.parse_row` trims it and warns. `tests/treatment/test_clean_rows.py` proves both ways give the same report, counts and
spool for every file of the tests.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from .columns import DISCHARGE_REASONS, REFERRAL_SOURCES, SEXES, SUBSTANCES
from .consistency import Consistency
from .dates import MAX_AGE, MIN_AGE
from .fields import KNOWN_AREAS, KNOWN_DAYS, REF, Context
from .warnings import LONG_WAIT_DAYS

# An accepted row: (client index, new client?, episode index, new episode?, person, age at referral),
# where person is "initials (upper case)|date_of_birth|sex|la_of_residence", the client key's message.
# A plain tuple: one is made for every row.
Clean = tuple[int, bool, int, bool, str, int]


class CleanRows:
    """The shortcut for one file: the same Consistency state the rules keep, and the file's context."""

    def __init__(self, context: Context, consistency: Consistency) -> None:
        self.context = context
        self.clients = consistency.clients
        self.episodes = consistency.episodes
        # The last accepted row's episode and client values (columns 0-9 and 14-15) and what they gave.
        self._head: list[str] | None = None
        self._tail: list[str] | None = None
        self._memo: tuple[int, int, str, int, date, date, date | None] = (
            0,
            0,
            "",
            0,
            date.min,
            date.min,
            None,
        )

    def see(self, row: int, values: list[str]) -> Clean | None:
        """The row (its values in COLUMNS order) when it is right and warns of nothing, else None (and
        nothing changed)."""
        # The second and later rows of an episode repeat its values and its client's: when they are
        # exactly those of the last row accepted, they are right again (the state they were checked
        # against only ever grows) and only the modality is new.
        head, tail = values[:10], values[14:]
        repeated = head == self._head and tail == self._tail
        if repeated:
            client, episode, person, age, referred, latest, discharged = self._memo
            known = seen = None
            new_client = new_episode = False
        else:
            found = self._episode(values)
            if found is None:
                return None
            known, seen, person, age, referred, latest, discharged = found
            new_client, new_episode = known is None, seen is None
            client = len(self.clients) if known is None else known[2]
            episode = len(self.episodes) if seen is None else seen[3]
        episode_latest = latest
        modality, modality_referral, modality_start, modality_end = values[10:14]
        if modality:
            end = self.context.period_end
            days = KNOWN_DAYS
            if modality not in self.context.modalities:
                return None
            referred_to = days.get(modality_referral)
            if referred_to is None or referred_to < referred or referred_to > end:
                return None
            if referred_to > latest:
                latest = referred_to
            if modality_start:
                started = days.get(modality_start)
                if started is None or started < referred_to or started > end:
                    return None
                if (started - referred_to).days > LONG_WAIT_DAYS:
                    return None
                if started > latest:
                    latest = started
                if modality_end:
                    ended = days.get(modality_end)
                    if ended is None or ended < started or ended > end:
                        return None
                    if ended > latest:
                        latest = ended
            elif modality_end or (discharged is None and (end - referred_to).days > LONG_WAIT_DAYS):
                return None  # an end without a start; still waiting at the period end, over a year
            if discharged is not None and discharged < latest:
                return None
        elif modality_referral or modality_start or modality_end:
            return None
        if not repeated:
            client_ref, episode_ref = values[0], values[5]
            if new_client:
                self.clients[client_ref] = (row, person, client)
            if new_episode:
                text = f"{values[6]}|{values[7]}|{values[8]}|{values[9]}|{values[14]}|{values[15]}"
                self.episodes[episode_ref] = (row, client_ref, text, episode)
            self._head, self._tail = head, tail
            self._memo = (client, episode, person, age, referred, episode_latest, discharged)
        return (client, new_client, episode, new_episode, person, age)

    def _episode(self, values: list[str]) -> tuple[Any, Any, str, int, date, date, date | None] | None:
        """The client's and the episode's values of the row when right by every rule and consistent with
        the rows before: (the client's state or None when new, the episode's or None when new, person,
        age, referral date, the latest of referral and triage, discharge date)."""
        (
            client_ref,
            initials,
            dob,
            sex,
            la,
            episode_ref,
            referral,
            source,
            substance,
            triage,
            _modality,
            _modality_referral,
            _modality_start,
            _modality_end,
            discharge,
            reason,
        ) = values
        context = self.context
        days = KNOWN_DAYS
        # Each value exactly a right one (a date or GSS code the rules have read before: the long way
        # reads a new one and remembers it).
        if not (
            len(initials) == 2
            and initials.isascii()
            and initials.isalpha()
            and sex in SEXES
            and la in KNOWN_AREAS
            and source in REFERRAL_SOURCES
            and substance in SUBSTANCES
        ):
            return None
        born = days.get(dob)
        referred = days.get(referral)
        if born is None or referred is None:
            return None
        end = context.period_end
        if born > end or referred > end:
            return None
        latest = referred
        if triage:
            triaged = days.get(triage)
            if triaged is None or triaged < referred or triaged > end:
                return None
            if (triaged - referred).days > LONG_WAIT_DAYS:
                return None
            latest = triaged
        discharged: date | None = None
        if discharge:
            discharged = days.get(discharge)
            if discharged is None or discharged > end or reason not in DISCHARGE_REASONS:
                return None
        elif reason:
            return None
        age = referred.year - born.year - ((referred.month, referred.day) < (born.month, born.day))
        if not MIN_AGE <= age <= MAX_AGE:
            return None

        # Across rows: the same person for a client_ref, the same values for an episode_ref.
        person = f"{initials.upper()}|{dob}|{sex}|{la}"
        known = self.clients.get(client_ref)
        if known is None:
            if not REF.fullmatch(client_ref):
                return None
        elif known[1] != person:
            return None
        seen = self.episodes.get(episode_ref)
        if seen is None:
            if not REF.fullmatch(episode_ref):
                return None
            # Eligibility warnings, once per episode.
            if (context.min_age is not None and age < context.min_age) or (
                context.max_age is not None and age > context.max_age
            ):
                return None
            if context.area is not None and la not in context.area:
                return None
        elif (
            seen[1] != client_ref
            or seen[2] != f"{referral}|{source}|{substance}|{triage}|{discharge}|{reason}"
        ):
            return None
        return known, seen, person, age, referred, latest, discharged
