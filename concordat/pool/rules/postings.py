"""What makes a posting acceptable, checked against the ledger as it stands: one function for the web
forms, the API, the services and the import file alike. Problems are (column, code, message), the column
being the transactions file's, so the import names row and column and a form names the field.

A draft is checked against `LedgerState` and, when accepted, applied to it (`LedgerState.apply`), so the
rows of a file are checked as if each earlier row were already posted: a file may post a payment and
reverse it, and two rows with one ref are caught.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date

from concordat.core.money import MAX_PENCE, format_pounds
from concordat.core.years import FinancialYear

# The kinds a file, a form or the API may post; the close posts the others.
POSTABLE = ("contribution", "payment", "accrual", "reversal")
SPEND = ("payment", "accrual")
# Which columns each kind needs (beyond ref, date, kind), and which amount rule applies.
NEEDS = {
    "contribution": ("stream", "amount"),
    "payment": ("contract", "purpose", "amount"),
    "accrual": ("contract", "purpose", "amount"),
    "reversal": ("reverses",),
}
_POUNDS = re.compile(r"^[0-9]+\.[0-9]{2}$")
_NEGATIVE = re.compile(r"^-[0-9]+(\.[0-9]+)?$")
_REF = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/:-]{0,63}$")
CONTRACT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/:-]{0,63}$")
MONEY_FORM = "positive decimal pounds with two places, like 12000.00"


@dataclass(frozen=True)
class Issue:
    column: str
    code: str
    message: str


@dataclass(frozen=True)
class Draft:
    """A posting as submitted, before it is a transaction. `amount_pence` None: not given (a reversal's
    amount is the reversed transaction's)."""

    ref: str
    kind: str
    day: date
    amount_pence: int | None = None
    stream: str = ""
    contract: str = ""
    purpose: str = ""
    reverses: str = ""
    description: str = ""

    @property
    def year(self) -> FinancialYear:
        return FinancialYear.containing(self.day)


@dataclass(frozen=True)
class Posted:
    """What the checks need to know of a transaction already in the ledger."""

    ref: str
    kind: str
    day: date
    amount_pence: int
    stream: str = ""
    contract: str = ""
    purpose: str = ""
    reverses: str = ""
    description: str = ""
    reversed: bool = False


def parse_amount(text: str) -> tuple[int | None, Issue | None]:
    """Pence from "12000.00"; an Issue for negative, zero, malformed or too large amounts."""
    value = text.strip()
    if _NEGATIVE.match(value):
        return None, Issue(
            "amount", "negative-amount", f"The amount '{value}' is negative: write {MONEY_FORM}"
        )
    if not _POUNDS.match(value):
        return None, Issue("amount", "bad-money", f"The amount '{value}' is not money: write {MONEY_FORM}")
    pounds, pence = value.split(".")
    amount = int(pounds) * 100 + int(pence)
    if amount == 0:
        return None, Issue("amount", "zero-amount", "The amount is £0.00: a posting must move some money")
    if amount > MAX_PENCE:
        return None, Issue("amount", "bad-money", f"The amount must be at most {format_pounds(MAX_PENCE)}")
    return amount, None


def ring_fence_breach(
    *,
    year: FinancialYear,
    purpose: str,
    amount: int,
    spend_by_purpose: Mapping[str, int],
    planned: int,
    fences: Collection[str],
    ring_fenced_planned: Mapping[str, int],
) -> str | None:
    """The ring-fence rule, as the spec words it: for each purpose R that streams are ring-fenced to, the
    year's spend on purposes other than R may not exceed the year's planned contributions less those of
    the streams ring-fenced to R. None when spending `amount` more on `purpose` keeps to it, else the
    message, giving both figures.

    `fences` are the purposes the agreement's streams are ring-fenced to, whatever the year plans: a fence
    holds in a year when its streams have nothing planned (then nothing of the year's money is its own, and
    spend on other purposes may take at most all of it). `ring_fenced_planned` is the year's planned
    contributions of the streams fenced to each purpose (0 where it says nothing)."""
    for fenced in sorted(set(fences) | set(ring_fenced_planned)):
        if purpose == fenced:
            continue
        other = sum(spent for p, spent in spend_by_purpose.items() if p != fenced) + amount
        limit = planned - ring_fenced_planned.get(fenced, 0)
        if other > limit:
            return (
                f"Spend on purposes other than {fenced} in {year} would be {format_pounds(other)}, more than "
                f"the {format_pounds(limit)} of planned contributions not ring-fenced to {fenced}"
            )
    return None


@dataclass
class LedgerState:
    """The ledger as the checks see it: the agreement's streams and purposes, the closed years, the
    transactions by ref, and for the ring fence each year's planned contributions and spend by purpose."""

    streams: frozenset[str]
    purposes: frozenset[str]
    closed_years: set[int] = field(default_factory=set)
    posted: dict[str, Posted] = field(default_factory=dict)
    planned: dict[int, int] = field(default_factory=dict)
    fences: frozenset[str] = frozenset()  # the purposes streams are ring-fenced to, planned or not
    ring_fenced_planned: dict[int, dict[str, int]] = field(default_factory=dict)
    spend: dict[int, dict[str, int]] = field(default_factory=lambda: defaultdict(dict))

    def check(self, draft: Draft) -> tuple[list[Issue], bool]:
        """(issues, already posted): issues empty and already posted True when a transaction with the same
        ref and the same content exists (the row is skipped); a different content is `ref-conflict`."""
        issues: list[Issue] = []
        if not _REF.match(draft.ref):
            issues.append(
                Issue(
                    "ref",
                    "bad-ref",
                    "A ref is 1 to 64 letters, digits or . _ / : - starting with a letter or digit",
                )
            )
        if draft.kind not in POSTABLE:
            issues.append(
                Issue("kind", "unknown-kind", f"The kind '{draft.kind}' is not one of {', '.join(POSTABLE)}")
            )
            return issues, False
        if not 1 <= draft.year.start_year <= 9998:
            # The ledger files each posting under its financial year and quarter, which need both ends of
            # the year to be dates: 0001-01-01 is in 0000-01 and 9999-06-01 in 9999-00
            issues.append(
                Issue("date", "date-out-of-range", "The date must be from 1 April 0001 to 31 March 9999")
            )
            return issues, False
        existing = self.posted.get(draft.ref)
        if existing is not None:
            if _same(existing, draft):
                return [], True
            issues.append(
                Issue(
                    "ref",
                    "ref-conflict",
                    f"The ref {draft.ref} is already posted with different content ({existing.kind} of "
                    f"{format_pounds(existing.amount_pence)} on {existing.day.isoformat()})",
                )
            )
        for column in NEEDS[draft.kind]:
            if column == "amount":
                if draft.amount_pence is None:
                    issues.append(Issue("amount", "missing-value", f"A {draft.kind} needs an amount"))
            elif not getattr(draft, column):
                issues.append(Issue(column, "missing-value", f"A {draft.kind} needs a {column}"))
        if draft.year.start_year in self.closed_years:
            issues.append(
                Issue("date", "year-closed", f"The year {draft.year} is closed: it takes no more postings")
            )
        if draft.kind == "contribution" and draft.stream and draft.stream not in self.streams:
            issues.append(
                Issue(
                    "stream",
                    "unknown-stream",
                    f"There is no funding stream {draft.stream} in this partnership",
                )
            )
        if draft.kind in SPEND:
            if draft.contract and not CONTRACT.match(draft.contract):
                issues.append(
                    Issue(
                        "contract",
                        "bad-contract",
                        "A contract reference is 1 to 64 letters, digits or . _ / : -",
                    )
                )
            if draft.purpose and draft.purpose not in self.purposes:
                issues.append(
                    Issue(
                        "purpose",
                        "unknown-purpose",
                        f"The purpose '{draft.purpose}' is not one of {', '.join(sorted(self.purposes))}",
                    )
                )
        if draft.kind == "reversal" and draft.reverses:
            issues.extend(self._check_reversal(draft))
        if not issues and draft.kind in SPEND and draft.amount_pence is not None:
            message = self.ring_fence(draft.year, draft.purpose, draft.amount_pence)
            if message:
                issues.append(Issue("amount", "ring-fence", message))
        return issues, False

    def _check_reversal(self, draft: Draft) -> list[Issue]:
        original = self.posted.get(draft.reverses)
        if original is None:
            return [Issue("reverses", "unknown-ref", f"There is no transaction {draft.reverses} to reverse")]
        issues = []
        if original.reversed:
            issues.append(
                Issue("reverses", "already-reversed", f"The transaction {draft.reverses} is already reversed")
            )
        if original.kind not in ("contribution", "payment", "accrual"):
            issues.append(
                Issue(
                    "reverses",
                    "not-reversible",
                    f"The transaction {draft.reverses} is a {original.kind}, which cannot be reversed",
                )
            )
        if draft.day < original.day:
            issues.append(
                Issue(
                    "date",
                    "reversal-before-original",
                    f"A reversal cannot be dated before the transaction it reverses ({original.day.isoformat()})",
                )
            )
        if draft.amount_pence is not None and draft.amount_pence != original.amount_pence:
            issues.append(
                Issue(
                    "amount",
                    "reversal-amount-mismatch",
                    f"A reversal reverses the whole of {draft.reverses}: {format_pounds(original.amount_pence)}, "
                    f"not {format_pounds(draft.amount_pence)}",
                )
            )
        return issues

    def ring_fence(self, year: FinancialYear, purpose: str, amount: int) -> str | None:
        return ring_fence_breach(
            year=year,
            purpose=purpose,
            amount=amount,
            spend_by_purpose=self.spend.get(year.start_year, {}),
            planned=self.planned.get(year.start_year, 0),
            fences=self.fences,
            ring_fenced_planned=self.ring_fenced_planned.get(year.start_year, {}),
        )

    def apply(self, draft: Draft) -> Posted:
        """Record an accepted draft as posted; returns what was posted (a reversal's amount and lines are
        those of the transaction it reverses)."""
        year = draft.year.start_year
        if draft.kind == "reversal":
            original = self.posted[draft.reverses]
            self.posted[original.ref] = _replace_reversed(original)
            posted = Posted(
                draft.ref,
                "reversal",
                draft.day,
                original.amount_pence,
                original.stream,
                original.contract,
                original.purpose,
                original.ref,
                draft.description,
            )
            if original.kind in SPEND:
                by_purpose = self.spend.setdefault(year, {})
                by_purpose[original.purpose] = by_purpose.get(original.purpose, 0) - original.amount_pence
        else:
            assert draft.amount_pence is not None
            posted = Posted(
                draft.ref,
                draft.kind,
                draft.day,
                draft.amount_pence,
                draft.stream,
                draft.contract,
                draft.purpose,
                "",
                draft.description,
            )
            if draft.kind in SPEND:
                by_purpose = self.spend.setdefault(year, {})
                by_purpose[draft.purpose] = by_purpose.get(draft.purpose, 0) + draft.amount_pence
        self.posted[draft.ref] = posted
        return posted


def _replace_reversed(posted: Posted) -> Posted:
    return Posted(
        posted.ref,
        posted.kind,
        posted.day,
        posted.amount_pence,
        posted.stream,
        posted.contract,
        posted.purpose,
        posted.reverses,
        posted.description,
        True,
    )


def _same(posted: Posted, draft: Draft) -> bool:
    """Whether a draft is the transaction already posted under its ref (an import run again)."""
    if posted.kind != draft.kind or posted.day != draft.day or posted.description != draft.description:
        return False
    if draft.kind == "reversal":
        return posted.reverses == draft.reverses and draft.amount_pence in (None, posted.amount_pence)
    return (posted.amount_pence, posted.stream, posted.contract, posted.purpose) == (
        draft.amount_pence,
        draft.stream,
        draft.contract,
        draft.purpose,
    )


def reversal_default_day(original: date, today: date, closed_years: Collection[int]) -> date:
    """The date a reversal is offered: in the year of what it reverses, so a correction counts where the
    mistake did — today when that is the same year, else the last day of that year while it is open;
    today when that year is closed (the only year left to post in). Never before the original."""
    year = FinancialYear.containing(original)
    if FinancialYear.containing(today) == year or year.start_year in closed_years:
        return max(today, original)
    return year.end


def reversal_in_another_year(original: date, day: date) -> Issue | None:
    """The warning `reversal-in-another-year` (pooled-fund.md): a reversal dated in a later financial year
    than the transaction it reverses moves the correction out of that year's statement."""
    reversed_year, year = FinancialYear.containing(original), FinancialYear.containing(day)
    if year <= reversed_year:
        return None
    return Issue(
        "date",
        "reversal-in-another-year",
        f"This reversal is dated in {year}, a later year than the transaction it reverses ({reversed_year}): "
        f"it counts in {year}'s statement, not in {reversed_year}'s",
    )
