"""Today and now, in one place, so tests can set them (`clock.today = lambda: date(2004, 2, 1)` through
the `fixed_today` fixture) and every rule about due dates and open items reads the same day.

Call them as `clock.today()`, never `from concordat.core.clock import today`, or a test cannot set them.
"""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone


def today() -> date:
    """The date in the service's time zone (Europe/London)."""
    return timezone.localdate()


def now() -> datetime:
    return timezone.now()
