"""Settings for the test run: development mode unless the environment says otherwise, so a bare `pytest`
works as `make test` does (no secret needed, no HTTPS redirect in the test client)."""

import os

os.environ.setdefault("DEBUG", "1")

from concordat.settings import *  # noqa: F403

# Each test process keeps its own cache (a shared directory would carry documents from test to test), and
# documents are rendered when asked for: a background render would outlive the test that caused it.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
DOCUMENTS_WARM_AFTER_WRITE = False

# Jobs run at once in the process that queues them (the worker's own tests start real workers).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
