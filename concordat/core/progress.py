"""How far a long command has got (an import, the generator), on a terminal only: machines reading
stdout or a log never see it."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """`with Progress("Importing", total) as p: p.update(done)` writes "Importing: 42% (420/1000)" over
    itself on stderr at most a few times a second, when stderr is a terminal."""

    def __init__(self, label: str, total: int, *, stream: TextIO | None = None, unit: str = "") -> None:
        self.label, self.total, self.unit = label, max(total, 1), unit
        self.stream = stream or sys.stderr
        self.shown = self.stream.isatty()
        self._last = 0.0

    def update(self, done: int) -> None:
        now = time.monotonic()
        if not self.shown or now - self._last < 0.2:
            return
        self._last = now
        self.stream.write(f"\r{self.label}: {100 * done // self.total}% ({done:,}/{self.total:,}{self.unit})")
        self.stream.flush()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.shown:
            self.stream.write("\n")
            self.stream.flush()
