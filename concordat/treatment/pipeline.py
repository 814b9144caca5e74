"""Checking a submission file while its rows are written: for a large file the check (checking.py, pure
Python, one core) runs in a child process and this process writes what it has spooled so far
(loading.SpoolLoader) — on SQLite the inserts and their indexes, on PostgreSQL the server's COPY — so the
two halves use both cores instead of one after the other. A small file is checked here and written after:
a child costs more than it saves.

The child is forked: it has the rules, the context and the open file already, and touches nothing of the
database (its inherited connection is never used, and it leaves through os._exit, as multiprocessing's
fork does). It tells this process the spool's sizes every few thousand rows and, at the end, sends the
report and counts. A failure in the child is raised here without its message (which could quote a value
of the file): its type and where it happened.
"""

from __future__ import annotations

import contextlib
import dataclasses
import multiprocessing
import os
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import IO, Any

from django.conf import settings

from .checking import Checked, Fixed, Spool, check_file
from .loading import SpoolLoader
from .rules.fields import Context


class CheckFailed(RuntimeError):
    """The child checking the file stopped without a report."""


def check_and_load(
    binary: IO[bytes],
    *,
    context: Context,
    secret: bytes,
    fixed: Fixed,
    spool: Spool,
    before_writing: Callable[[], None],
    progress: Callable[[int], None] | None = None,
) -> Checked:
    """Check the file into `spool`, writing its rows through the loader as they are checked while the file
    has no error; `before_writing` (the earlier record's removal) runs first, while a child already checks.
    The caller's transaction holds what was written; it must roll back when the report has errors (the
    rows before the first error were written)."""
    loader = SpoolLoader(spool)
    try:
        size = _size_of(binary)
        if size is None or size < settings.TREATMENT_CHECK_IN_CHILD_FROM_BYTES:
            before_writing()
            checked = check_file(
                binary, context=context, secret=secret, progress=progress, fixed=fixed, spool=spool
            )
        else:
            checked = _in_child(
                binary, context, secret, fixed, spool, progress, before_writing, loader.load_to
            )
        if checked.report.accepted:
            loader.load_rest()
        return checked
    finally:
        loader.close()


def _in_child(
    binary: IO[bytes],
    context: Context,
    secret: bytes,
    fixed: Fixed,
    spool: Spool,
    progress: Callable[[int], None] | None,
    before_writing: Callable[[], None],
    load_to: Callable[[tuple[int, int, int]], None],
) -> Checked:
    fork = multiprocessing.get_context("fork")
    receiving, sending = fork.Pipe(duplex=False)
    child = fork.Process(
        target=_child, args=(sending, binary, context, secret, fixed, spool, progress), daemon=True
    )
    child.start()
    sending.close()
    try:
        before_writing()
        while True:
            try:
                kind, value = receiving.recv()
            except EOFError:
                raise CheckFailed(f"the check stopped (exit code {child.exitcode})") from None
            if kind == "written":
                # Only the latest sizes matter: whatever came meanwhile is loaded in one go.
                while receiving.poll():
                    kind, value = receiving.recv()
                    if kind != "written":
                        break
                if kind == "written":
                    load_to(value)
                    continue
            if kind == "failed":
                raise CheckFailed(value)
            assert kind == "checked"
            checked: Checked = value
            checked.spool = spool if checked.report.accepted else None
            return checked
    finally:
        receiving.close()
        child.join(timeout=5)
        if child.is_alive():
            child.kill()
            child.join()


def _child(
    sending: Connection,
    binary: IO[bytes],
    context: Context,
    secret: bytes,
    fixed: Fixed,
    spool: Spool,
    progress: Callable[[int], None] | None,
) -> None:
    try:
        checked = check_file(
            binary,
            context=context,
            secret=secret,
            progress=progress,
            fixed=fixed,
            spool=spool,
            written=lambda sizes: sending.send(("written", sizes)),
        )
        sending.send(("checked", dataclasses.replace(checked, spool=None)))
    except BaseException as failure:  # whatever it was, the parent must hear of it
        where = "".join(traceback.format_tb(failure.__traceback__)[-3:])
        with contextlib.suppress(OSError):  # the parent may have stopped listening (its own failure)
            sending.send(("failed", f"{type(failure).__name__} in the check:\n{where}"))
    finally:
        sending.close()


def _size_of(binary: IO[bytes]) -> int | None:
    """The file's size in bytes when it can be told without reading it (an upload's, a file's)."""
    size: Any = getattr(binary, "size", None)
    if isinstance(size, int):
        return size
    try:
        if not binary.seekable():
            return None
        here = binary.tell()
        end = binary.seek(0, os.SEEK_END)
        binary.seek(here)
        return end - here
    except (AttributeError, OSError, ValueError):
        return None
