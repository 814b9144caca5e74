"""A big submission checked in a child process of its own while this process writes what it hands over:
the check (Python, one core) and the writing (the database's bulk path: SQLite's inserts in this process,
PostgreSQL's COPY on the server) then run side by side instead of taking turns at one interpreter's lock.

- The child is **spawned** (a fresh interpreter, never `fork()` of a process with threads: the staging
  writer, a web server's render threads). It sets Django up itself, on the same database as this process
  (its name passed over, so a test database is the one read), and reads the file from its path: a file on
  disk, as every import's is (the private folder's, or the command line's).
- It reads the rules' context and the partnership's secret from the database, and looks up "open
  elsewhere" in the other providers' records itself: reads only, of rows this import does not write.
- What it finds comes back over a pipe, in the order found: each few thousand rows the problems so far
  and then the staged lines (checking.check_file's pieces), at the end the totals and the "open
  elsewhere" warnings. This process adds the problems to its own report (its sink, its first-problems
  limit) and hands the pieces to its writer, so everything after the check is as for a check in-thread.
- A child that dies, or a parent that dies, ends the other's work: this process raises `CheckFailed` on
  the pipe's end; the child's next send fails when nobody reads.

Used for files of at least `TREATMENT_CHILD_CHECK_LINES` lines outside a transaction (a child could not
see what an open transaction has written); smaller files are checked in-thread, where a child's start-up
(about a second) would cost more than it saves.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection

from concordat.core import spawned
from concordat.core.csvfile import RowProblem, RowReport

from .checking import Checked, Fixed
from .staging import Pieces


class CheckFailed(RuntimeError):
    """The child checking the file stopped before it had finished."""


def wanted(file: Any, lines: int) -> Path | None:
    """The file's path when it is big enough to check in a child and a child could see what this process
    has committed; else None."""
    name = getattr(file, "name", None)
    if (
        lines < settings.TREATMENT_CHILD_CHECK_LINES
        or connection.in_atomic_block
        or not isinstance(name, str)
    ):
        return None
    # The name must be the open file's own path (an upload's name is the sender's, not a path).
    try:
        opened, named = os.fstat(file.fileno()), os.stat(name)
    except (OSError, AttributeError, ValueError):
        return None
    if (opened.st_dev, opened.st_ino) != (named.st_dev, named.st_ino) or file.tell() != 0:
        return None
    return Path(name)


def check_in_child(
    path: Path,
    *,
    partnership_id: int,
    provider_id: int,
    period_end: date,
    fixed: Fixed,
    report: RowReport,
    stage: Callable[[Pieces, int], None],
) -> tuple[Checked, list[RowProblem]]:
    """The file checked in a spawned child: its problems added to `report` and its pieces given to
    `stage` as they come. Returns the check's totals and the "open elsewhere" warnings it found."""
    spawn = multiprocessing.get_context("spawn")
    receive, send = spawn.Pipe(duplex=False)
    child = spawn.Process(
        target=spawned.call,
        args=(f"{__name__}:child", connection.settings_dict["NAME"]),
        kwargs={
            "path": str(path),
            "partnership_id": partnership_id,
            "provider_id": provider_id,
            "period_end": period_end,
            "fixed": dataclasses.asdict(fixed),
            "send": send,
        },
        name="treatment-check",
        daemon=True,
    )
    child.start()
    send.close()  # this end is the child's: when it exits, recv() ends
    try:
        while True:
            try:
                message = receive.recv()
            except EOFError:
                raise CheckFailed(f"the check stopped (exit code {child.exitcode})") from None
            if message[0] == "problems":
                for kind, problem in message[1]:
                    report.add(kind, problem)
            elif message[0] == "pieces":
                stage(message[1], message[2])
            elif message[0] == "failed":
                raise CheckFailed(message[1])
            else:  # done
                _, rows, sha256, size, counts, found = message
                report.rows = rows
                return Checked(report, sha256, size, *counts), found
    finally:
        receive.close()
        child.join(timeout=5)
        if child.is_alive():
            child.kill()
            child.join()


def child(
    *,
    path: str,
    partnership_id: int,
    provider_id: int,
    period_end: date,
    fixed: dict[str, int],
    send: Any,
) -> None:
    """The child's work (through core.spawned, which has set Django up)."""
    try:
        _check(path, partnership_id, provider_id, period_end, Fixed(**fixed), send)
    except BrokenPipeError:
        pass  # the parent has gone: nothing to tell
    except Exception as error:  # told to the parent, which fails the submission with it
        send.send(("failed", f"{type(error).__name__}: {error}"))
    finally:
        send.close()


def _check(
    path: str,
    partnership_id: int,
    provider_id: int,
    period_end: date,
    fixed: Fixed,
    send: Any,
) -> None:
    from concordat.partnerships.models import Partnership, Provider

    from .checking import check_file
    from .keys import secret_for
    from .services import OpenElsewhere, context_for

    partnership = Partnership.objects.get(pk=partnership_id)
    provider = Provider.objects.get(pk=provider_id)
    problems: list[tuple[str, RowProblem]] = []
    # The parent holds the first problems and counts them all: here each is only passed on.
    report = RowReport(keep=0, sink=lambda kind, problem: problems.append((kind, problem)))

    def stage(pieces: Pieces, rows: int) -> None:
        send.send(("problems", problems[:]))
        problems.clear()
        send.send(("pieces", pieces, rows))

    elsewhere = OpenElsewhere(partnership, provider, run=lambda look_up: look_up())
    with open(path, "rb") as file:
        checked = check_file(
            file,
            context=context_for(partnership, period_end),
            secret=secret_for(partnership),
            report=report,
            fixed=fixed,
            stage=stage,
            on_episode=elsewhere.see if elsewhere.wanted else None,
        )
    elsewhere.flush()
    send.send(("problems", problems[:]))
    counts = (checked.clients, checked.episodes, checked.modalities)
    send.send(("done", report.rows, checked.sha256, checked.size, counts, elsewhere.found))
