"""A figure's RAG status against its target: the one rule, in code and in the words the pages print.

Green when the target is met; amber when it is missed by no more than a tenth of the target (at least 90%
of an "at least" target, at most 110% of an "at most" one); red when it is missed by more; grey when there
is no target, or no figure to judge (none yet, or a count suppressed in published figures). Exact decimal
arithmetic on the figure as printed, so a page never says "green" where the KPI object's `target_met`
says false.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Final, Literal

Direction = Literal["at-least", "at-most"]
Code = Literal["green", "amber", "red", "grey"]

AT_LEAST: Final = "at-least"
AT_MOST: Final = "at-most"
# How far from its target a missed figure is still amber: a tenth of the target.
MARGIN: Final = Decimal("0.1")

RULE: Final = (
    "Green: the target is met. "
    "Amber: the target is missed by no more than a tenth of it (at least 90% of an “at least” target, "
    "at most 110% of an “at most” one). "
    "Red: the target is missed by more than that. "
    "Grey: there is no target, or no figure to judge it by."
)

WORDS: Final[dict[str, str]] = {
    "green": "Target met",
    "amber": "Close to the target",
    "red": "Target missed",
    "grey": "No target",
}


@dataclass(frozen=True)
class Target:
    """A target: a number the figure should be at least, or at most."""

    value: Decimal
    direction: Direction = "at-least"

    def met_by(self, figure: Decimal) -> bool:
        return figure >= self.value if self.direction == AT_LEAST else figure <= self.value

    def near(self, figure: Decimal) -> bool:
        """Missed by no more than MARGIN of the target."""
        slack = abs(self.value) * MARGIN
        if self.direction == AT_LEAST:
            return figure >= self.value - slack
        return figure <= self.value + slack

    @property
    def words(self) -> str:
        """'At least 90' / 'At most 14', the number as written (no trailing zeros)."""
        return f"{'At least' if self.direction == AT_LEAST else 'At most'} {number_words(self.value)}"


@dataclass(frozen=True)
class Status:
    code: Code
    words: str


def number_words(value: Decimal) -> str:
    """A decimal as people write it: 90, 81.3, 1,100 (never 90.00 or 1.1E+3)."""
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value.normalize():,f}"


def as_decimal(figure: int | float | Decimal | str) -> Decimal:
    """A figure as printed in the KPI object (a JSON number) as an exact decimal: 81.3 is 81.3."""
    return figure if isinstance(figure, Decimal) else Decimal(str(figure))


def rag(figure: int | float | Decimal | None, target: Target | None) -> Status:
    """The figure's status against the target (see the module's docstring)."""
    if target is None:
        return Status("grey", WORDS["grey"])
    if figure is None:
        return Status("grey", "No figure")
    value = as_decimal(figure)
    if target.met_by(value):
        return Status("green", WORDS["green"])
    if target.near(value):
        return Status("amber", WORDS["amber"])
    return Status("red", WORDS["red"])
