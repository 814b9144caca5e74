"""Documents rendered once per version of what they show, kept in Django's cache (`CACHES` in settings: a
directory under CONCORDAT_VAR_DIR by default, shared by a server's workers; Redis or the database by
setting CACHE_URL, shared by several servers).

A document's key names everything it shows that can change (`document_key`):
- the agreement it shows: its slug, primary key and creation time (a database made again from scratch
  starts its versions at 1 again, and must never meet the old database's documents) and its `version`,
  which every write that changes the agreement raises (partnerships/sync.py);
- the day, for what is worked out from today (overdue milestones, dates relative to today);
- a digest of the templates and stylesheets that render it, so a release that changes how a document looks
  makes new keys rather than serving the old look.
A request reads the version first and the agreement after it, so the bytes stored under a key are never
older than the key says: a cached document is never stale, only, at worst, rendered again.

When rendering happens. A PDF holds a worker 0.5–1 s, ten to fifty times as long as a page, so it is kept
out of requests where it can be:
- after a write commits, the new version is rendered in a background thread of the process that wrote
  (`warm_in_background`, on `transaction.on_commit`): the writer's response does not wait for it, and by
  the time someone asks for the document it is usually there;
- otherwise (a new day, a cleared cache, a process that ended mid-render) on the first request for a key,
  under a lock in the cache (`cached_document`): concurrent first requests render it once, the others
  wait for that render, and render themselves only if it has not appeared after `WAIT_SECONDS` (its
  process may have died), so no one is refused a document.
Not a dictionary in memory: each worker would render its own copy, and keep every version forever.
"""

from __future__ import annotations

import atexit
import hashlib
import logging
import threading
import time
from collections.abc import Callable, Iterable
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from django.contrib.staticfiles import finders
from django.core.cache import cache as default_cache
from django.db import close_old_connections, connections
from django.template.loader import get_template

log = logging.getLogger(__name__)

KEEP_SECONDS = 60 * 60 * 36  # a key names its day: after a day and a half no one can ask for it again
LOCK_SECONDS = 120  # a render that takes longer than this has failed; its lock lapses
WAIT_SECONDS = 15.0  # how long a request waits for another's render before rendering itself
POLL_SECONDS = 0.05
# Locks this process holds: a process that ends mid-render (a command's background warm-up, a worker being
# stopped) lets them go at exit, so no one waits WAIT_SECONDS for a render that will never come.
_HELD: dict[tuple[int, str], Any] = {}  # (id of the cache, lock) -> the cache


@atexit.register
def _release_held_locks() -> None:
    for (_, lock), holder in list(_HELD.items()):
        try:
            holder.delete(lock)
        except Exception:  # the cache may be gone at exit; the lock then lapses after LOCK_SECONDS
            log.debug("could not release %s at exit", lock)


@cache
def sources_digest(templates: tuple[str, ...], static_files: tuple[str, ...]) -> str:
    """A digest of the template and static files a document is rendered from (read once per process: a
    release restarts the processes)."""
    digest = hashlib.sha256()
    for name in templates:
        origin = get_template(name).origin.name  # type: ignore[attr-defined]
        digest.update(name.encode() + b"\0" + Path(origin).read_bytes())
    for name in static_files:
        found = finders.find(name)
        path = found if isinstance(found, str) else (found[0] if found else None)
        digest.update(name.encode() + b"\0" + (Path(path).read_bytes() if path else b"missing"))
    return digest.hexdigest()[:16]


def document_key(kind: str, partnership: Any, *, today: date, sources: str) -> str:
    """The cache key of document `kind` of `partnership` as it stands at its current version on `today`."""
    incarnation = partnership.created_at.timestamp() if partnership.created_at else 0
    return (
        f"document:{kind}:{partnership.slug}:{partnership.pk}:{incarnation:.6f}:"
        f"v{partnership.version}:{today.isoformat()}:{sources}"
    )


def cached_document(
    key: str, render: Callable[[], bytes], *, cache: Any = None, timeout: int = KEEP_SECONDS
) -> bytes:
    """The document stored under `key`, rendered by `render` if it is not there yet: once, however many
    requests ask at the same moment (see the module's docstring). `timeout`: how long it is kept (a key
    that names its content, not its day, may be kept longer)."""
    cache = cache or default_cache
    found: bytes | None = cache.get(key)
    if found is not None:
        return found
    lock = f"{key}:rendering"
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        # `add` stores only if the key is absent: atomic on Redis, memcached and the database cache; on the
        # file cache two processes may, rarely, both win and both render. Either way the bytes are right.
        if cache.add(lock, 1, timeout=LOCK_SECONDS):
            _HELD[(id(cache), lock)] = cache
            try:
                found = cache.get(key)  # rendered by the lock's previous holder
                if found is None:
                    found = render()
                    cache.set(key, found, timeout=timeout)
                return found
            finally:
                cache.delete(lock)
                _HELD.pop((id(cache), lock), None)
        time.sleep(POLL_SECONDS)
        found = cache.get(key)
        if found is not None:
            return found
        if time.monotonic() > deadline:
            log.warning("document %s: no render appeared in %s s; rendering it here", key, WAIT_SECONDS)
            found = render()
            cache.set(key, found, timeout=timeout)
            return found


def warm_in_background(name: str, work: Iterable[Callable[[], Any]]) -> threading.Thread:
    """Run `work` (callables that fill the cache) in a daemon thread of this process, with a database
    connection of its own that is closed afterwards; a failure is logged, never raised into a request.
    The thread is not waited for: if the process ends first, the next request renders instead."""

    def run() -> None:
        try:
            for job in work:
                close_old_connections()
                job()
        except Exception:
            log.exception(
                "warming documents after a change (%s) failed; they are rendered when asked for", name
            )
        finally:
            connections.close_all()  # this thread's connections: no other thread can close them

    thread = threading.Thread(target=run, name=f"warm {name}", daemon=True)
    thread.start()
    return thread
