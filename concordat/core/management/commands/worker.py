"""concordat worker [--batch]: run the background jobs (imports, checks, the KPI recomputation).

The Django tasks API's database worker (django-tasks-db) with what Concordat adds around it: when it starts
it fails the jobs of workers that died half-way (after their kinds have undone what they half-wrote) and
removes stored files no job needs; while it runs, a thread of its own beats every few seconds (the sign of
life the next worker and the readiness check read) and does the housekeeping every HOUSEKEEPING_MINUTES.
`--batch` runs what is queued and exits.
"""

from __future__ import annotations

import threading
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections, connections
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker

from concordat.core import jobs


class Command(BaseCommand):
    help = (
        "Run background jobs: imports, checks and the KPI recomputation (--batch: what is queued, then exit)."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", action="store_true", help="run the jobs queued now, then exit")
        parser.add_argument(
            "--interval", type=float, default=1.0, help="seconds between looks for new jobs (default 1)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        worker_id = get_random_string(32)
        stop = threading.Event()
        with jobs.running_worker(worker_id):
            jobs.housekeeping()
            beating = threading.Thread(target=_beat, args=(worker_id, stop), name="heartbeat", daemon=True)
            beating.start()
            worker = Worker(
                queue_names=["default"],
                interval=options["interval"],
                batch=options["batch"],
                backend_name="default",
                startup_delay=False,
                max_tasks=None,
                worker_id=worker_id,
                excluded_queue_names=[],
            )
            worker.configure_signals()
            try:
                worker.run()
            finally:
                stop.set()
                beating.join(timeout=10)


def _beat(worker_id: str, stop: threading.Event) -> None:
    """Beat every few seconds and do the housekeeping now and then, on this thread's own connection."""
    every = max(1, int(settings.HOUSEKEEPING_MINUTES * 60 / jobs.BEAT.total_seconds()))
    beats = 0
    try:
        while not stop.wait(jobs.BEAT.total_seconds()):
            close_old_connections()
            try:
                jobs.worker_beat(worker_id)
                beats += 1
                if beats % every == 0:
                    jobs.housekeeping()
            except Exception as error:  # a database restart: beat again next time
                jobs.logger.warning("worker heartbeat failed: %s", type(error).__name__)
    finally:
        connections.close_all()
