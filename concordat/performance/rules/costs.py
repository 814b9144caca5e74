"""Cost per person: money in integer pence over a number of people, to the penny, rounded half-up (a tie
goes away from zero), with no float anywhere."""

from __future__ import annotations


def per_head(pence: int, people: int | None) -> int | None:
    """pence / people in whole pence, half-up; None with no people (or a count not given)."""
    if people is None or people <= 0:
        return None
    whole = (abs(pence) * 2 + people) // (2 * people)
    return whole if pence >= 0 else -whole
