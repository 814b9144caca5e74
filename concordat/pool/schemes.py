"""What the pool reads of the agreement beyond streams and contributions: the partnership's own spend
purposes, its schemes (each a set of spend lines with a maximum budget for a year) and its risk reserve.
All three are optional in the partnership file; without them the pool's figures are the spec's."""

from __future__ import annotations

from dataclasses import dataclass, field

from concordat.core.money import format_pounds, parse_pounds
from concordat.core.years import FinancialYear
from concordat.partnerships.models import Partnership

from . import contracts
from .rules.purposes import purposes_of


@dataclass(frozen=True)
class Scheme:
    code: str
    name: str
    partner: str  # the commissioning partner's code
    purpose: str
    maximum: dict[int, int] = field(default_factory=dict)  # year -> maximum budget in pence
    spend_lines: tuple[str, ...] = ()


def purposes_for(partnership: Partnership) -> dict[str, str]:
    """Code to label: the four built-in purposes and those the partnership file defines."""
    return purposes_of((p["code"], p.get("name") or p["code"]) for p in partnership.purposes or [])


def _by_year(stored: dict[str, str]) -> dict[int, int]:
    return {FinancialYear.parse(year).start_year: parse_pounds(amount) for year, amount in stored.items()}


def schemes_for(partnership: Partnership) -> list[Scheme]:
    """The partnership's schemes, in the file's order."""
    return [
        Scheme(
            s["code"],
            s.get("name", s["code"]),
            s.get("partner", ""),
            s.get("purpose", ""),
            _by_year(s.get("maximum") or {}),
            tuple(s.get("spend_lines") or ()),
        )
        for s in partnership.schemes or []
    ]


def scheme_of_contract(partnership: Partnership) -> dict[str, Scheme]:
    """Spend line (contract reference) to the scheme it belongs to: every reference of a contract that a
    scheme lists by one of them."""
    counted = contracts.counted_as(partnership)
    return {
        name: scheme
        for scheme in schemes_for(partnership)
        for line in scheme.spend_lines
        for name in contracts.every_name(counted, line)
    }


def reserve_for(partnership: Partnership, year: FinancialYear) -> int:
    """The risk reserve set aside from `year`'s budget, in pence (0: none)."""
    return _by_year(partnership.risk_reserve or {}).get(year.start_year, 0)


def scheme_spend(partnership: Partnership, scheme: Scheme, year: FinancialYear) -> int:
    from .selectors import spend_by_contract

    spent = spend_by_contract(partnership, year)
    lines = contracts.counted_lines(contracts.counted_as(partnership), scheme.spend_lines)
    return sum(spent.get(line, 0) for line in lines)


def scheme_overrun(
    partnership: Partnership,
    scheme: Scheme,
    year: FinancialYear,
    amount: int,
    pending: dict[tuple[int, str], int],
) -> str | None:
    """The message when spending `amount` more on `scheme` in `year` takes its actual spend past its
    maximum for the year (None: within it, or no maximum for that year). `pending` is spend already
    accepted in the same batch."""
    maximum = scheme.maximum.get(year.start_year)
    if maximum is None:
        return None
    spent = scheme_spend(partnership, scheme, year) + pending.get((year.start_year, scheme.code), 0) + amount
    if spent <= maximum:
        return None
    return (
        f"Spend on the scheme {scheme.name} ({scheme.code}) in {year} would be {format_pounds(spent)}, more than "
        f"its maximum of {format_pounds(maximum)}"
    )
