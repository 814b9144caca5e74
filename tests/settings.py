"""Settings for the test run: development mode unless the environment says otherwise, so a bare `pytest`
works as `make test` does (no secret needed, no HTTPS redirect in the test client)."""

import os

os.environ.setdefault("DEBUG", "1")

from concordat.settings import *  # noqa: F403
