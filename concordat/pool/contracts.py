"""The partnership's contracts as the pool recognises them in a payment's or accrual's `contract`
(pooled-fund.md, "Transactions file"): by the contract's own reference, or by the reference its
commitments carry. Commissioning keeps the register and stands above the pool, so it registers here how to
read it (its apps.py), and the pool imports nothing of it. Without a register every value is a spend line.
"""

from __future__ import annotations

from collections.abc import Callable

from concordat.partnerships.models import Partnership

# partnership -> {a reference a payment may give: (the reference its commitments carry, its name)}
ContractSource = Callable[[Partnership], dict[str, tuple[str, str]]]
_source: list[ContractSource] = []


def register(source: ContractSource) -> None:
    _source[:] = [source]


def references(partnership: Partnership) -> dict[str, tuple[str, str]]:
    """Every reference that names one of the partnership's contracts: the reference its commitments
    carry (spend on it is counted under that one) and the contract's name."""
    return _source[0](partnership) if _source else {}


def own_references(partnership: Partnership) -> list[tuple[str, str]]:
    """Each contract once, by its own reference (the one a finance officer knows), with its name, in the
    register's order."""
    return [(ref, name) for ref, (counted, name) in references(partnership).items() if ref != counted]


def by_counted(partnership: Partnership) -> dict[str, tuple[str, str]]:
    """The reference spend is counted under -> (the contract's own reference, its name): how a report
    names the contract a line of spend is on."""
    return {
        counted: (ref, name) for ref, (counted, name) in references(partnership).items() if ref != counted
    }


def counted_as(partnership: Partnership) -> dict[str, str]:
    """A reference that names a contract -> the one its spend is counted under (absent: a spend line)."""
    return counted_in(references(partnership))


def counted_in(found: dict[str, tuple[str, str]]) -> dict[str, str]:
    """`counted_as` of references already read."""
    return {ref: commitment for ref, (commitment, _) in found.items()}


def counted_lines(counted: dict[str, str], lines: tuple[str, ...] | list[str]) -> set[str]:
    """Spend lines (a scheme's, as the partnership file writes them) as their spend is counted: a line
    that names a contract under its commitments' reference, once however many of its names are listed."""
    return {counted.get(line, line) for line in lines}


def every_name(counted: dict[str, str], line: str) -> set[str]:
    """A spend line and every other reference counted as the same."""
    target = counted.get(line, line)
    return {line, target} | {ref for ref, to in counted.items() if to == target}
