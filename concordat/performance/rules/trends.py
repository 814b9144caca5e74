"""A trend in words: what a chart's text alternative says of one series ("People in treatment: rose from
312 in Q1 2004-05 to 356 in Q4 2005-06"), so a reader who cannot see the chart is told what it shows."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

Point = tuple[str, int | float | None]  # (the period's label, the figure; None: no figure)


def figure_words(value: int | float, unit: str = "") -> str:
    """312 -> "312"; 1234 -> "1,234"; 81.3 with unit "%" -> "81.3%"; 14.0 with unit " days" -> "14.0 days"."""
    if isinstance(value, bool):
        raise TypeError("a figure is a number")
    if isinstance(value, int):
        return f"{value:,}{unit}"
    tenths = Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)  # as the KPIs round
    return f"{tenths:,}{unit}"


def describe(name: str, points: Sequence[Point], unit: str = "") -> str:
    """One sentence: how the series moved from its first figure to its last, then its highest and lowest
    when they are elsewhere; periods without a figure are said to be missing."""
    known: list[tuple[str, int | float]] = [(label, value) for label, value in points if value is not None]
    if not points:
        return f"{name}: no quarters to show."
    if not known:
        return f"{name}: no figures for {points[0][0]} to {points[-1][0]}."
    (first_label, first), (last_label, last) = known[0], known[-1]
    if len(known) == 1:
        sentence = f"{name}: {figure_words(first, unit)} in {first_label}"
    elif Decimal(str(last)) > Decimal(str(first)):
        sentence = f"{name}: rose from {figure_words(first, unit)} in {first_label} to {figure_words(last, unit)} in {last_label}"
    elif Decimal(str(last)) < Decimal(str(first)):
        sentence = f"{name}: fell from {figure_words(first, unit)} in {first_label} to {figure_words(last, unit)} in {last_label}"
    else:
        sentence = f"{name}: {figure_words(first, unit)} in {first_label} and the same in {last_label}"
    if len(known) > 2:
        high = max(known, key=lambda p: Decimal(str(p[1])))
        low = min(known, key=lambda p: Decimal(str(p[1])))
        ends = {Decimal(str(first)), Decimal(str(last))}
        extremes = []
        if Decimal(str(high[1])) not in ends:
            extremes.append(f"highest {figure_words(high[1], unit)} in {high[0]}")
        if Decimal(str(low[1])) not in ends:
            extremes.append(f"lowest {figure_words(low[1], unit)} in {low[0]}")
        if extremes:
            sentence += "; " + ", ".join(extremes)
    missing = len(points) - len(known)
    if missing:
        sentence += f" ({missing} {'quarter' if missing == 1 else 'quarters'} with no figure)"
    return sentence + "."
