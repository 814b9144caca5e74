"""The entry point of a spawned child process (multiprocessing's "spawn": a fresh interpreter): Django set
up first, then the function named by its dotted path. The child's arguments are unpickled before Django is
set up, so they are plain values (no model, no object of a module that imports models)."""

from __future__ import annotations

import importlib
from typing import Any


def call(target: str, database: str, *args: Any, **kwargs: Any) -> None:
    """Run `target` ("package.module:function") on the database named `database` (the parent's: under
    the tests, the test database)."""
    import django

    django.setup()
    from django.db import connections

    connections["default"].settings_dict["NAME"] = database
    module, name = target.split(":")
    getattr(importlib.import_module(module), name)(*args, **kwargs)
