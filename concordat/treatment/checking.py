"""One pass over a submission file: every rule checked, and — while the file is still clean — its rows
handed, a few thousand at a time, to whoever stages them (staging.StagingWriter) as the lines the
database's bulk path takes. Nothing here touches the database.

Memory stays bounded whatever the file's size: the CSV is streamed, the lines go as they are made, what
is kept per client and per episode is one small tuple (rules/consistency.py), and the report holds the first
problems and counts the rest (core.csvfile.RowReport's `keep`).
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any

from concordat.core.csvfile import RowReport, read_records
from concordat.documents.filetypes import FileType

from .keys import KeyMaker
from .rules.clean import CleanRows
from .rules.columns import COLUMNS, REQUIRED
from .rules.consistency import Consistency, person_text
from .rules.dates import age_on, check_dates
from .rules.fields import Context, parse_row
from .rules.warnings import check_eligibility, check_waits
from .staging import NULL, Pieces, client_line, episode_line, fixed_part, modality_line

# What a submission is, for the names files are kept under (documents.files.safe_name).
CSV_FILE = FileType("CSV", "text/csv", "csv", ("csv",))


@dataclass(frozen=True)
class Fixed:
    """What each staged row carries besides the file's values: its partnership, provider, submission and
    generation, and the first of the ids reserved for the file's new clients and episodes
    (staging.reserve_ids), so the lines hold rows ready for the database as they are."""

    partnership: int = 0
    provider: int = 0
    submission: int = 0
    generation: int = 0
    client_base: int = 0
    episode_base: int = 0


_FLUSH_EVERY = 4096
_MODALITY = COLUMNS.index("modality")


class _Hashing(io.RawIOBase):
    """The file as read, its SHA-256 and size taken on the way, and progress told every chunk."""

    def __init__(self, binary: IO[bytes], tell: Callable[[int], None] | None) -> None:
        self._binary = binary
        self.sha256 = hashlib.sha256()
        self.size = 0
        self._tell = tell

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._binary.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        self.sha256.update(data)
        self.size += n
        if self._tell is not None:
            self._tell(self.size)
        return n

    def read(self, size: int = -1) -> bytes:  # read_rows reads the first bytes with read(4)
        data = self._binary.read(size)
        self.sha256.update(data)
        self.size += len(data)
        return data


@dataclass
class Checked:
    report: RowReport
    sha256: str
    size: int
    clients: int = 0
    episodes: int = 0
    modalities: int = 0


def check_file(
    binary: IO[bytes],
    *,
    context: Context,
    secret: bytes,
    report: RowReport | None = None,
    shortcut: bool = True,
    fixed: Fixed | None = None,
    stage: Callable[[Pieces, int], None] | None = None,
    checked_so_far: Callable[[int], None] | None = None,
    on_episode: Callable[[int, str, str, str], None] | None = None,
) -> Checked:
    """Check every row of the file against every rule, into `report`.

    Each row is first offered to `CleanRows` (rules/clean.py: the common case of every rule at once);
    a row it does not accept goes through the rules one by one. `shortcut=False` sends every row the long
    way (the tests compare the two). With `stage`, the rows are handed over as the lines the database
    will hold (with `fixed`'s ids), every few thousand rows while the file has no error and the rest at the
    end; once an error is found nothing more is handed over (what was is the caller's to remove).
    `checked_so_far(rows)` is told how far the check has got every few thousand rows — by `stage` with
    empty pieces when there is one, so that whoever stages can also write the progress. `on_episode(row,
    client key, referral date, discharge date)` is told of each episode, at its first row, while the file
    has no error (the warnings about other providers' records)."""
    fixed = fixed or Fixed()
    report = report if report is not None else RowReport()
    hashing = _Hashing(binary, None)
    consistency = Consistency()
    clean = CleanRows(context, consistency).see if shortcut else None
    clients_out: list[str] = []
    episodes_out: list[str] = []
    modalities_out: list[str] = []
    make_key = KeyMaker(secret)
    constants = fixed_part(
        partnership=fixed.partnership,
        provider=fixed.provider,
        submission=fixed.submission,
        generation=fixed.generation,
    )
    client_base, episode_base = fixed.client_base, fixed.episode_base
    # Rows of one client follow each other: its key is made once for all its episodes.
    last_person, key = "", ""
    modalities = 0
    staging = stage is not None
    keyed = staging or on_episode is not None

    def hand_over(row: int) -> None:
        nonlocal clients_out, episodes_out, modalities_out
        if stage is not None:
            if report.error_count:
                stage(([], [], []), row)
            else:
                stage((clients_out, episodes_out, modalities_out), row)
                clients_out, episodes_out, modalities_out = [], [], []
        elif checked_so_far is not None:
            checked_so_far(row)

    for row, values in read_records(
        io.BufferedReader(hashing, 1 << 16), columns=COLUMNS, required=REQUIRED, report=report
    ):
        if not row % _FLUSH_EVERY:
            hand_over(report.rows)
        accepted = clean(row, values) if clean is not None else None
        if accepted is not None:
            if values[_MODALITY]:
                modalities += 1
            if report.error_count or not keyed:
                continue  # rejected (or only checked): the rest is checked, nothing more is staged
            (
                client_ref,
                _initials,
                dob,
                sex,
                la,
                episode_ref,
                referral,
                source,
                substance,
                triage,
                modality,
                modality_referral,
                modality_start,
                modality_end,
                discharge,
                reason,
            ) = values
            client, new_client, episode, new_episode, person, age = accepted
            if new_client or new_episode:
                if person != last_person:
                    last_person, key = person, make_key.of(person)
                if on_episode is not None and new_episode:
                    on_episode(row, key, referral, discharge)
                if not staging:
                    continue
                if new_client:
                    clients_out.append(
                        client_line(
                            id=client_base + client,
                            fixed=constants,
                            client_ref=client_ref,
                            client_key=key,
                            initials=person[:2],
                            date_of_birth=dob,
                            sex=sex,
                            la_of_residence=la,
                        )
                    )
                if new_episode:
                    episodes_out.append(
                        episode_line(
                            id=episode_base + episode,
                            fixed=constants,
                            client=client_base + client,
                            episode_ref=episode_ref,
                            client_key=key,
                            sex=sex,
                            age_at_referral=age,
                            referral_date=referral,
                            referral_source=source,
                            primary_substance=substance,
                            triage_date=triage or NULL,
                            discharge_date=discharge or NULL,
                            discharge_reason=reason,
                        )
                    )
            if modality and staging:
                modalities_out.append(
                    modality_line(
                        fixed=constants,
                        episode=episode_base + episode,
                        modality=modality,
                        referral_date=modality_referral,
                        start_date=modality_start or NULL,
                        end_date=modality_end or NULL,
                    )
                )
            continue
        named = dict(zip(COLUMNS, values, strict=True))
        parsed, fields_ok = parse_row(row, named, context, report)
        check_dates(row, parsed, context, report)
        if not fields_ok:
            continue
        check_waits(row, parsed, context, report)
        seen = consistency.see(row, parsed, named, report)
        if seen.new_episode:
            assert parsed.date_of_birth is not None and parsed.referral_date is not None
            age = age_on(parsed.date_of_birth, parsed.referral_date)
            check_eligibility(row, parsed, age, context, report)
        if parsed.modality:
            modalities += 1
        if report.error_count or not keyed:
            continue  # rejected (or only checked): the rest is checked, nothing more is staged
        if seen.new_client or seen.new_episode:
            person = person_text(parsed, named)
            if person != last_person:
                last_person, key = person, make_key.of(person)
        if on_episode is not None and seen.new_episode:
            on_episode(row, key, named["referral_date"], named["discharge_date"])
        if not staging:
            continue
        if seen.new_client:
            clients_out.append(
                client_line(
                    id=client_base + seen.client,
                    fixed=constants,
                    client_ref=parsed.client_ref,
                    client_key=key,
                    initials=parsed.initials,
                    date_of_birth=named["date_of_birth"],
                    sex=parsed.sex,
                    la_of_residence=parsed.la_of_residence,
                )
            )
        if seen.new_episode:
            episodes_out.append(
                episode_line(
                    id=episode_base + seen.episode,
                    fixed=constants,
                    client=client_base + seen.client,
                    episode_ref=parsed.episode_ref,
                    client_key=key,
                    sex=parsed.sex,
                    age_at_referral=age,
                    referral_date=named["referral_date"],
                    referral_source=parsed.referral_source,
                    primary_substance=parsed.primary_substance,
                    triage_date=named["triage_date"] or NULL,
                    discharge_date=named["discharge_date"] or NULL,
                    discharge_reason=parsed.discharge_reason,
                )
            )
        if parsed.modality:
            modalities_out.append(
                modality_line(
                    fixed=constants,
                    episode=episode_base + seen.episode,
                    modality=parsed.modality,
                    referral_date=named["modality_referral_date"],
                    start_date=named["modality_start_date"] or NULL,
                    end_date=named["modality_end_date"] or NULL,
                )
            )
    # Whatever read_records left unread (after a fatal header problem) still counts in the digest.
    while hashing.read(1 << 16):
        pass
    hand_over(report.rows)
    return Checked(
        report=report,
        sha256=hashing.sha256.hexdigest(),
        size=hashing.size,
        clients=len(consistency.clients),
        episodes=len(consistency.episodes),
        modalities=modalities,
    )
