"""One pass over a submission file: every rule checked, and — while the file is still clean — its rows
written to a spool of three temporary files (clients, episodes, modalities) ready for the database's bulk
path (loading.py). Nothing here touches the database.

Memory stays bounded whatever the file's size: the CSV is streamed, the spool is on disk, and what is kept
per client and per episode is one small tuple (rules/consistency.py).
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import tempfile
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

NULL = "\\N"  # PostgreSQL COPY's text format; loading.py reads it back as None for SQLite
# What a submission is, for the names files are kept under (documents.files.safe_name).
CSV_FILE = FileType("CSV", "text/csv", "csv", ("csv",))


@dataclass(frozen=True)
class Fixed:
    """What each written row carries besides the file's values: its partnership, provider and submission,
    and the first of the ids reserved for the file's new clients and episodes (loading.first_id), so the
    spool holds rows ready for the database as they are."""

    partnership: int = 0
    provider: int = 0
    submission: int = 0
    client_base: int = 0
    episode_base: int = 0


class Spool:
    """The checked rows as the database's tab-separated lines (COPY's text format: NULL as \\N), one file
    per table, in a private temporary folder; and, line for line with the episodes, the file row of each
    (for the warnings found after the check). Values are safe to write without escaping: the rules allow
    no tab, newline or backslash in any value that reaches here.

    clients:      id, partnership, provider, submission, client_ref, client_key, initials, date_of_birth,
                  sex, la_of_residence
    episodes:     id, partnership, provider, submission, client, episode_ref, client_key, sex,
                  age_at_referral, referral_date, referral_source, primary_substance, triage_date,
                  discharge_date, discharge_reason
    modalities:   partnership, provider, submission, episode, modality, referral_date, start_date, end_date
    episode_rows: the file row of each episode

    The files are named, so a child process checking the file (pipeline.py) can write them while this one
    reads what has been written so far by its own descriptors.
    """

    TABLES = ("clients", "episodes", "modalities")

    def __init__(self) -> None:
        self.folder = tempfile.mkdtemp(prefix="concordat-spool-")  # readable by this user only
        self.clients = self._open("clients")
        self.episodes = self._open("episodes")
        self.modalities = self._open("modalities")
        self.episode_rows = self._open("episode_rows")
        # Lines are gathered and written a few thousand at a time: one write per line costs more than
        # the rest of the line's work.
        self.pending: tuple[list[str], list[str], list[str], list[str]] = ([], [], [], [])

    def _open(self, name: str) -> IO[str]:
        return open(self.path(name), "w+", encoding="utf-8", newline="\n")

    def path(self, name: str) -> str:
        return os.path.join(self.folder, name)

    def _files(self) -> tuple[IO[str], IO[str], IO[str], IO[str]]:
        return (self.clients, self.episodes, self.modalities, self.episode_rows)

    def flush(self) -> None:
        for lines, spooled in zip(self.pending, self._files(), strict=True):
            spooled.write("".join(lines))
            lines.clear()

    def sizes(self) -> tuple[int, int, int]:
        """Bytes written so far to each table's file, every line whole (the buffers flushed first)."""
        self.flush()
        for spooled in self._files():
            spooled.flush()
        return (self.clients.tell(), self.episodes.tell(), self.modalities.tell())

    def rewind(self) -> None:
        self.sizes()
        for spooled in self._files():
            spooled.seek(0)

    def reader(self, name: str) -> IO[str]:
        """A file of the spool read afresh, whoever wrote it."""
        return open(self.path(name), encoding="utf-8", newline="\n")

    def close(self) -> None:
        for spooled in self._files():
            spooled.close()
        shutil.rmtree(self.folder, ignore_errors=True)


_FLUSH_EVERY = 4096


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
    spool: Spool | None  # None when the file was not accepted (a spool check_file made is then closed)
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
    progress: Callable[[int], None] | None = None,
    shortcut: bool = True,
    fixed: Fixed | None = None,
    spool: Spool | None = None,
    written: Callable[[tuple[int, int, int]], None] | None = None,
) -> Checked:
    """Check every row of the file against every rule; the spool holds its rows when it has no error.

    Each row is first offered to `CleanRows` (rules/clean.py: the common case of every rule at once);
    a row it does not accept goes through the rules one by one. `shortcut=False` sends every row the long
    way (the tests compare the two). The rows are spooled as the database will hold them, with `fixed`'s
    ids; `written`, when given, is told the spool's sizes every few thousand rows while the file has no
    error, so another process can load what is ready (pipeline.py)."""
    fixed = fixed or Fixed()
    own_spool = spool is None
    report = RowReport()
    hashing = _Hashing(binary, progress)
    consistency = Consistency()
    clean = CleanRows(context, consistency).see if shortcut else None
    spool = spool or Spool()
    clients_out, episodes_out, modalities_out, rows_out = spool.pending
    make_key = KeyMaker(secret)
    constants = f"{fixed.partnership}\t{fixed.provider}\t{fixed.submission}"
    client_base, episode_base = fixed.client_base, fixed.episode_base
    # Rows of one client follow each other: its key is made once for all its episodes.
    last_person, key = "", ""
    modalities = 0
    errors = report.errors
    try:
        for row, values in read_records(
            io.BufferedReader(hashing, 1 << 16), columns=COLUMNS, required=REQUIRED, report=report
        ):
            if not row % _FLUSH_EVERY:
                if written is not None and not errors:
                    written(spool.sizes())
                else:
                    spool.flush()
            accepted = clean(row, values) if clean is not None else None
            if accepted is not None:
                if errors:
                    continue  # rejected: the rest is checked, nothing more is spooled
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
                    if new_client:
                        clients_out.append(
                            f"{client_base + client}\t{constants}\t{client_ref}\t{key}\t{person[:2]}\t{dob}\t"
                            f"{sex}\t{la}\n"
                        )
                    if new_episode:
                        episodes_out.append(
                            f"{episode_base + episode}\t{constants}\t{client_base + client}\t{episode_ref}\t"
                            f"{key}\t{sex}\t{age}\t{referral}\t{source}\t{substance}\t{triage or NULL}\t"
                            f"{discharge or NULL}\t{reason}\n"
                        )
                        rows_out.append(f"{row}\n")
                if modality:
                    modalities += 1
                    modalities_out.append(
                        f"{constants}\t{episode_base + episode}\t{modality}\t{modality_referral}\t"
                        f"{modality_start or NULL}\t{modality_end or NULL}\n"
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
            if errors:
                continue  # rejected: the rest is checked, nothing more is spooled
            dob = named["date_of_birth"]
            if seen.new_client or seen.new_episode:
                person = person_text(parsed, named)
                if person != last_person:
                    last_person, key = person, make_key.of(person)
            if seen.new_client:
                clients_out.append(
                    f"{client_base + seen.client}\t{constants}\t{parsed.client_ref}\t{key}\t{parsed.initials}\t"
                    f"{dob}\t{parsed.sex}\t{parsed.la_of_residence}\n"
                )
            if seen.new_episode:
                triage = named["triage_date"] or NULL
                discharge = named["discharge_date"] or NULL
                episodes_out.append(
                    f"{episode_base + seen.episode}\t{constants}\t{client_base + seen.client}\t"
                    f"{parsed.episode_ref}\t{key}\t{parsed.sex}\t{age}\t{named['referral_date']}\t"
                    f"{parsed.referral_source}\t{parsed.primary_substance}\t{triage}\t{discharge}\t"
                    f"{parsed.discharge_reason}\n"
                )
                rows_out.append(f"{row}\n")
            if parsed.modality:
                modalities += 1
                modalities_out.append(
                    f"{constants}\t{episode_base + seen.episode}\t{parsed.modality}\t"
                    f"{named['modality_referral_date']}\t{named['modality_start_date'] or NULL}\t"
                    f"{named['modality_end_date'] or NULL}\n"
                )
        # Whatever read_records left unread (after a fatal header problem) still counts in the digest.
        while hashing.read(1 << 16):
            pass
        spool.rewind()
    except BaseException:
        if own_spool:
            spool.close()
        raise
    if errors and own_spool:
        spool.close()
    return Checked(
        report=report,
        spool=None if errors else spool,
        sha256=hashing.sha256.hexdigest(),
        size=hashing.size,
        clients=len(consistency.clients),
        episodes=len(consistency.episodes),
        modalities=modalities,
    )
