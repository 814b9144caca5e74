"""How a posting becomes legs on the chart of accounts, and how it is hashed: the one place that knows
which accounts each kind of posting moves (services use it to write, selectors to explain)."""

from __future__ import annotations

from .rules.postings import Posted

CASH = "cash"
CREDITORS = "creditors"
YEAR_RESULT = "year-result"
CARRIED_FORWARD = "carried-forward"


def income(stream: str) -> str:
    return f"income:{stream}"


def spend(contract: str) -> str:
    return f"spend:{contract}"


def risk_share(partner: str) -> str:
    return f"risk-share:{partner}"


def account_kind(code: str) -> str:
    head = code.split(":", 1)[0]
    return {
        "cash": "asset",
        "creditors": "liability",
        "income": "income",
        "spend": "expenditure",
        "risk-share": "reserve",
        "year-result": "reserve",
        "carried-forward": "reserve",
    }[head]


def account_name(code: str, names: dict[str, str]) -> str:
    """A readable name; `names` maps stream and partner codes to their names."""
    head, _, tail = code.partition(":")
    if head == "cash":
        return "Cash at the host"
    if head == "creditors":
        return "Creditors (accruals)"
    if head == "income":
        return f"Income from {names.get(tail, tail)}"
    if head == "spend":
        return f"Spending on {tail}"
    if head == "risk-share":
        return f"Risk share of {names.get(tail, tail)}"
    if head == "year-result":
        return "Result of the year"
    return "Underspend carried forward"


def legs_of(posted: Posted, original: Posted | None = None) -> list[tuple[str, int]]:
    """(account code, pence) for a contribution, payment, accrual or reversal (of `original`): debits
    positive, credits negative, summing to zero."""
    amount = posted.amount_pence
    if posted.kind == "contribution":
        return [(CASH, amount), (income(posted.stream), -amount)]
    if posted.kind == "payment":
        return [(spend(posted.contract), amount), (CASH, -amount)]
    if posted.kind == "accrual":
        return [(spend(posted.contract), amount), (CREDITORS, -amount)]
    if posted.kind == "reversal":
        assert original is not None
        return [(code, -pence) for code, pence in legs_of(original)]
    raise ValueError(f"no legs for a {posted.kind}")
