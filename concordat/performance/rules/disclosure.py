"""Disclosure control for published figures (treatment-data.md, "published figures").

Every count from 1 to 4 is suppressed (null, its key listed in `suppressed`); 0 stays 0; every other count
is rounded to the nearest multiple of 5. In a breakdown (one count by one dimension, across that
dimension's groups) in which exactly one group is suppressed, the next smallest group among those with a
count of 5 or more is suppressed too (ties: the group key that sorts first), so the suppressed one cannot
be recovered by subtraction from the total.
"""

from __future__ import annotations

from collections.abc import Mapping

from .numbers import nearest_five

Path = tuple[str, ...]  # a count's place in a group's object: ("waiting", "advice", "count")


def primary(count: int) -> bool:
    """A count that is suppressed for itself: 1 to 4."""
    return 1 <= count <= 4


def published_count(count: int, suppressed: bool) -> int | None:
    return None if suppressed else nearest_five(count)


def secondary(counts: Mapping[str, int]) -> str | None:
    """For one count across a breakdown's groups (group key -> unrounded count): the group that must be
    suppressed as well, or None (no group, or more than one, is suppressed for itself; or no group has a
    count of 5 or more)."""
    if sum(1 for count in counts.values() if primary(count)) != 1:
        return None
    candidates = [(count, key) for key, count in counts.items() if count >= 5]
    return min(candidates)[1] if candidates else None


def suppressed_paths(groups: Mapping[str, Mapping[Path, int]]) -> dict[str, set[Path]]:
    """Which counts of each group of one breakdown are suppressed: each group's own 1-4s, and for each
    count the breakdown's secondary suppression."""
    suppressed = {
        key: {path for path, count in counts.items() if primary(count)} for key, counts in groups.items()
    }
    paths = {path for counts in groups.values() for path in counts}
    for path in sorted(paths):
        extra = secondary({key: counts[path] for key, counts in groups.items() if path in counts})
        if extra is not None:
            suppressed[extra].add(path)
    return suppressed
