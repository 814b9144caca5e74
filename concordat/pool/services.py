"""Every write to the pooled fund goes through here: the import file, the web forms, the API and the
year-end close alike.

Interface (all keyword-only, each one database transaction, the partnership row locked with
select_for_update so that two writers take turns and the chain and sequence stay whole):

- `contribution_post(partnership=, ref=, date=, stream=, amount_pence=, description="", actor=None)`
- `payment_post(partnership=, ref=, date=, contract=, purpose=, amount_pence=, description="", actor=None)`
- `accrual_post(...)`: the same arguments as payment_post
- `reversal_post(partnership=, ref=, date=, reverses=, description="", amount_pence=None, actor=None)`
  Each returns `Posted(transaction, created)`: `created` False when a transaction with the same ref and the
  same content was already posted (idempotent: a resubmitted form or API call adds nothing). Raises
  `errors.PostingRefused` (its `report.errors` are Problem(column, code, message)) and writes nothing when
  the posting breaks a rule: unknown stream or purpose, ref posted with other content (`ref-conflict`),
  reversal of an unknown (`unknown-ref`) or already reversed ref, a closed year (`year-closed`), the ring
  fence (`ring-fence`), a scheme over its maximum (`scheme-over-maximum`), a missing value.
- `postings_post(partnership=, drafts=[rules.postings.Draft …], actor=None) -> Batch`: many at once, all
  or nothing (the import): `Batch.issues` maps the index of each refused draft to its issues.
- `year_close(partnership=, year=FinancialYear, actor=None) -> YearClose`: posts the risk-share or
  carry-forward entries of the year's variance (rules/splits.py) and closes the year.
- `commitments_replace(partnership=, contract_ref=, by_year={2004: pence, …}, description=, actor=)`:
  the contract's commitments become exactly `by_year` (memorandum records, not postings).

Amounts are positive int pence; dates are dates; `actor` is the signed-in user (None: the command line).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import connection, transaction
from django.db.models import Q, Sum

from concordat.core import clock
from concordat.core.audit import operating_system_user, person_name, record_event
from concordat.core.money import format_pounds
from concordat.core.problems import Problem, Report
from concordat.core.years import FinancialYear
from concordat.partnerships.models import Contribution, Partnership

from . import audit as words
from . import ledger
from .errors import PostingRefused
from .models import Account, Commitment, Leg, Transaction, YearClose
from .rules import splits
from .rules.chain import GENESIS, canonical, link
from .rules.postings import Draft, Issue, LedgerState, Posted
from .schemes import purposes_for, reserve_for, scheme_of_contract, scheme_overrun

__all__ = [
    "Batch",
    "Posted",
    "PostingRefused",
    "PostingResult",
    "accrual_post",
    "commitments_replace",
    "contribution_post",
    "payment_post",
    "postings_post",
    "reversal_post",
    "year_close",
]


def actor_name(actor: Any) -> str:
    """How the ledger names who posted: the person's name, else the operating-system user of a command."""
    if actor is not None and getattr(actor, "is_authenticated", False):
        return str(person_name(actor))
    return f"{operating_system_user()} (command line)"


@dataclass
class PostingResult:
    transaction: Transaction
    created: bool


@dataclass
class Batch:
    """What postings_post did: the transactions written (in order), the refs skipped as already posted,
    and, when anything was refused, each refused draft's issues by its index (then nothing was written)."""

    created: list[Transaction] = field(default_factory=list)
    skipped: list[Transaction] = field(default_factory=list)
    issues: dict[int, list[Issue]] = field(default_factory=dict)

    @property
    def accepted(self) -> bool:
        return not self.issues


# --- one service per kind of posting -------------------------------------------------------------------


def contribution_post(
    *,
    partnership: Partnership,
    ref: str,
    date: date,
    stream: str,
    amount_pence: int,
    description: str = "",
    actor: Any = None,
) -> PostingResult:
    """Money received from a funding stream: cash up, the stream's income up."""
    return _one(
        partnership,
        Draft(ref, "contribution", date, amount_pence, stream=stream, description=description),
        actor,
    )


def payment_post(
    *,
    partnership: Partnership,
    ref: str,
    date: date,
    contract: str,
    purpose: str,
    amount_pence: int,
    description: str = "",
    actor: Any = None,
) -> PostingResult:
    """Money paid out on a contract or spend line, for a purpose: spend up, cash down."""
    draft = Draft(
        ref, "payment", date, amount_pence, contract=contract, purpose=purpose, description=description
    )
    return _one(partnership, draft, actor)


def accrual_post(
    *,
    partnership: Partnership,
    ref: str,
    date: date,
    contract: str,
    purpose: str,
    amount_pence: int,
    description: str = "",
    actor: Any = None,
) -> PostingResult:
    """Spend incurred and not yet paid: spend up, creditors up."""
    draft = Draft(
        ref, "accrual", date, amount_pence, contract=contract, purpose=purpose, description=description
    )
    return _one(partnership, draft, actor)


def reversal_post(
    *,
    partnership: Partnership,
    ref: str,
    date: date,
    reverses: str,
    description: str = "",
    amount_pence: int | None = None,
    actor: Any = None,
) -> PostingResult:
    """Undo a contribution, payment or accrual with a new transaction of the opposite legs, once. Dated
    on or after the transaction it reverses, in an open year."""
    draft = Draft(ref, "reversal", date, amount_pence, reverses=reverses, description=description)
    return _one(partnership, draft, actor)


def _one(partnership: Partnership, draft: Draft, actor: Any) -> PostingResult:
    batch = postings_post(partnership=partnership, drafts=[draft], actor=actor)
    if not batch.accepted:
        raise PostingRefused(Report(errors=[Problem(i.column, i.code, i.message) for i in batch.issues[0]]))
    if batch.created:
        return PostingResult(batch.created[0], True)
    return PostingResult(batch.skipped[0], False)


# --- the one write path ----------------------------------------------------------------------------------


def relevant(draft: Draft) -> Draft:
    """The draft with only the values its kind uses (a contribution's stray purpose is not posted)."""
    keep = {
        "contribution": ("stream",),
        "payment": ("contract", "purpose"),
        "accrual": ("contract", "purpose"),
        "reversal": ("reverses",),
    }.get(draft.kind, ())
    return Draft(
        draft.ref.strip(),
        draft.kind,
        draft.day,
        draft.amount_pence,
        stream=draft.stream.strip() if "stream" in keep else "",
        contract=draft.contract.strip() if "contract" in keep else "",
        purpose=draft.purpose.strip() if "purpose" in keep else "",
        reverses=draft.reverses.strip() if "reverses" in keep else "",
        description=draft.description.strip(),
    )


@transaction.atomic
def postings_post(
    *, partnership: Partnership, drafts: Sequence[Draft], actor: Any = None, dry_run: bool = False
) -> Batch:
    """Post `drafts` in order, all or nothing: each is checked against the ledger as the ones before it
    left it. Already-posted refs with the same content are skipped; any refused draft means nothing is
    written and `Batch.issues` says why, per draft. `dry_run`: check only, write nothing (an import that
    found errors elsewhere in its file still reports every row's)."""
    drafts = [relevant(draft) for draft in drafts]
    locked = Partnership.objects.select_for_update().get(pk=partnership.pk)
    state = ledger_state(locked, drafts)
    schemes = scheme_of_contract(locked)
    batch = Batch()
    accepted: list[tuple[Posted, Posted | None]] = []
    skipped_refs: list[str] = []
    scheme_spend: dict[tuple[int, str], int] = {}
    for index, draft in enumerate(drafts):
        issues, already = state.check(draft)
        if not issues and not already and draft.kind in ("payment", "accrual"):
            scheme = schemes.get(draft.contract)
            if scheme is not None:
                overrun = scheme_overrun(locked, scheme, draft.year, draft.amount_pence or 0, scheme_spend)
                if overrun:
                    issues.append(Issue("contract", "scheme-over-maximum", overrun))
        if issues:
            batch.issues[index] = issues
            continue
        if already:
            skipped_refs.append(draft.ref)
            continue
        original = state.posted.get(draft.reverses) if draft.kind == "reversal" else None
        posted = state.apply(draft)
        if draft.kind in ("payment", "accrual") and schemes.get(draft.contract):
            key = (draft.year.start_year, schemes[draft.contract].code)
            scheme_spend[key] = scheme_spend.get(key, 0) + posted.amount_pence
        elif draft.kind == "reversal" and original is not None and original.kind in ("payment", "accrual"):
            scheme = schemes.get(original.contract)
            if scheme is not None:
                key = (draft.year.start_year, scheme.code)
                scheme_spend[key] = scheme_spend.get(key, 0) - posted.amount_pence
        accepted.append((posted, original))
    if batch.issues or dry_run:
        return batch
    if skipped_refs:
        batch.skipped = list(Transaction.objects.filter(partnership=locked, ref__in=skipped_refs))
    if accepted:
        batch.created = _write(locked, accepted, {c: s.code for c, s in schemes.items()}, actor)
    return batch


def ledger_state(partnership: Partnership, drafts: Iterable[Draft]) -> LedgerState:
    """The part of the ledger the drafts' checks need: the refs they name, and for the years they fall in
    the closed years, planned contributions and spend by purpose."""
    drafts = list(drafts)
    refs = {d.ref for d in drafts} | {d.reverses for d in drafts if d.reverses}
    years = {d.year.start_year for d in drafts}
    streams = dict(partnership.funding_streams.values_list("code", "ring_fenced"))
    state = LedgerState(
        streams=frozenset(streams),
        purposes=frozenset(purposes_for(partnership)),
        closed_years=set(YearClose.objects.filter(partnership=partnership).values_list("year", flat=True)),
    )
    rows = list(
        Transaction.objects.filter(partnership=partnership, ref__in=refs).values(
            "id",
            "ref",
            "kind",
            "date",
            "amount_pence",
            "stream",
            "contract",
            "purpose",
            "reverses__ref",
            "description",
            "reversed_by__id",
        )
    )
    reversed_ids = {row["id"] for row in rows if row["reversed_by__id"] is not None}
    for row in rows:
        state.posted[row["ref"]] = Posted(
            row["ref"],
            row["kind"],
            row["date"],
            row["amount_pence"],
            row["stream"],
            row["contract"],
            row["purpose"],
            row["reverses__ref"] or "",
            row["description"],
            row["id"] in reversed_ids,
        )
    if not any(d.kind in ("payment", "accrual") for d in drafts):
        return state  # the ring fence is about spend: contributions and reversals need none of what follows
    for year, stream, amount in Contribution.objects.filter(
        partnership=partnership, year__in=years
    ).values_list("year", "stream__code", "amount_pence"):
        state.planned[year] = state.planned.get(year, 0) + amount
        fence = streams.get(stream) or ""
        if fence:
            fenced = state.ring_fenced_planned.setdefault(year, {})
            fenced[fence] = fenced.get(fence, 0) + amount
    for year, purpose, spent in spend_by_purpose(partnership, years):
        state.spend.setdefault(year, {})[purpose] = spent
    return state


def spend_by_purpose(partnership: Partnership, years: Iterable[int]) -> list[tuple[int, str, int]]:
    """(year, purpose, net spend) — payments and accruals less their reversals — by the year of each
    transaction's own date."""
    rows = (
        Transaction.objects.filter(partnership=partnership, year__in=list(years))
        .filter(
            Q(kind__in=("payment", "accrual")) | Q(kind="reversal", reverses__kind__in=("payment", "accrual"))
        )
        .values("year", "purpose")
        .annotate(
            plus=Sum("amount_pence", filter=Q(kind__in=("payment", "accrual")), default=0),
            minus=Sum("amount_pence", filter=Q(kind="reversal"), default=0),
        )
    )
    return [(row["year"], row["purpose"], row["plus"] - row["minus"]) for row in rows]


def _write(
    partnership: Partnership,
    accepted: list[tuple[Posted, Posted | None]],
    schemes: dict[str, str],
    actor: Any,
    *,
    partner: str = "",
    legs_for: dict[str, list[tuple[str, int]]] | None = None,
) -> list[Transaction]:
    """Write accepted postings as transactions and legs, chained after the partnership's last one. The
    caller holds the partnership's row lock."""
    name = actor_name(actor)
    posted_at = clock.now()
    last = (
        Transaction.objects.filter(partnership=partnership)
        .order_by("-sequence")
        .values("sequence", "hash")
        .first()
    )
    sequence, previous = (last["sequence"], last["hash"]) if last else (0, GENESIS)
    all_legs = {p.ref: (legs_for or {}).get(p.ref) or ledger.legs_of(p, original) for p, original in accepted}
    accounts = _accounts(partnership, {code for legs in all_legs.values() for code, _ in legs})
    ids = dict(
        Transaction.objects.filter(
            partnership=partnership, ref__in=[p.reverses for p, _ in accepted if p.reverses]
        ).values_list("ref", "id")
    )
    written: list[Transaction] = []
    pending: list[Transaction] = []

    def flush() -> None:
        if not pending:
            return
        Transaction.objects.bulk_create(pending)
        if connection.vendor not in ("postgresql", "sqlite"):  # pragma: no cover - bulk_create sets pks there
            raise RuntimeError("the ledger needs a database that returns ids from bulk inserts")
        ids.update((t.ref, t.pk) for t in pending)
        Leg.objects.bulk_create(
            Leg(transaction=t, partnership=partnership, account=accounts[code], amount_pence=pence)
            for t in pending
            for code, pence in all_legs[t.ref]
        )
        written.extend(pending)
        pending.clear()

    for posted, _original in accepted:
        if posted.reverses and posted.reverses not in ids:
            flush()  # the transaction it reverses is in this batch: insert it first, for its id
        sequence += 1
        year = FinancialYear.containing(posted.day)
        scheme = schemes.get(posted.contract, "") if posted.contract else ""
        content = canonical(
            partnership=partnership.slug,
            sequence=sequence,
            ref=posted.ref,
            day=posted.day,
            kind=posted.kind,
            description=posted.description,
            stream=posted.stream,
            contract=posted.contract,
            purpose=posted.purpose,
            scheme=scheme,
            partner=partner,
            amount_pence=posted.amount_pence,
            reverses=posted.reverses,
            posted_by=name,
            posted_at=posted_at,
            legs=all_legs[posted.ref],
        )
        digest = link(previous, content)
        pending.append(
            Transaction(
                partnership=partnership,
                sequence=sequence,
                ref=posted.ref,
                date=posted.day,
                year=year.start_year,
                quarter=year.quarter_of(posted.day),
                kind=posted.kind,
                description=posted.description,
                stream=posted.stream,
                contract=posted.contract,
                purpose=posted.purpose,
                scheme=scheme,
                partner=partner,
                amount_pence=posted.amount_pence,
                reverses_id=ids.get(posted.reverses) if posted.reverses else None,
                posted_by=name,
                posted_at=posted_at,
                previous_hash=previous,
                hash=digest,
            )
        )
        previous = digest
    flush()
    _check_balanced(written, all_legs)
    words.record_postings(written, actor=actor, actor_name=name, slug=partnership.slug)
    return written


def _check_balanced(written: list[Transaction], legs: dict[str, list[tuple[str, int]]]) -> None:
    """The service's own check that every transaction balances (on PostgreSQL the deferred constraint
    trigger checks it again at commit; on SQLite this is the check)."""
    for t in written:
        if sum(pence for _, pence in legs[t.ref]) != 0 or len(legs[t.ref]) < 2:
            raise AssertionError(f"transaction {t.ref} does not balance")  # a bug, never a user's mistake


def _accounts(partnership: Partnership, codes: set[str]) -> dict[str, Account]:
    """The partnership's accounts by code, made when first needed."""
    found = {a.code: a for a in Account.objects.filter(partnership=partnership, code__in=codes)}
    missing = codes - set(found)
    if missing:
        names = dict(partnership.funding_streams.values_list("code", "name"))
        names.update(partnership.partners.values_list("code", "name"))
        for code in sorted(missing):
            found[code] = Account.objects.create(
                partnership=partnership,
                code=code,
                name=ledger.account_name(code, names)[:200],
                kind=ledger.account_kind(code),
            )
    return found


# --- the year-end close ------------------------------------------------------------------------------------


@transaction.atomic
def year_close(*, partnership: Partnership, year: FinancialYear, actor: Any = None) -> YearClose:
    """Close `year`: its variance (budget less actual spend) falls on the partners by the partnership's
    risk share — an overspend paid in by the overspend rule (after the risk reserve, if any, has absorbed
    what it can), an underspend returned by the underspend rule or carried forward into the next year's
    budget — in one transaction dated the year's last day, and the year takes no more postings.

    Raises PostingRefused (`already-closed`) when the year is closed."""
    from .selectors import statement  # selectors read what services wrote; imported here to avoid a cycle

    locked = Partnership.objects.select_for_update().get(pk=partnership.pk)
    if YearClose.objects.filter(partnership=locked, year=year.start_year).exists():
        raise PostingRefused.of("year", "already-closed", f"The year {year} is already closed")
    figures = statement(locked, year)
    variance = figures.budget - figures.actual_spend
    reserve = reserve_for(locked, year)
    planned = {p.code: p.planned for p in figures.partners}
    host = locked.host_partner.code if locked.host_partner_id else None
    fixed = dict(locked.fixed_shares or {})
    name = actor_name(actor)
    close = YearClose(
        partnership=locked,
        year=year.start_year,
        budget_pence=figures.budget,
        outturn_pence=figures.actual_spend,
        variance_pence=variance,
        reserve_pence=reserve,
        closed_by=name,
        closed_at=clock.now(),
    )
    legs: list[tuple[str, int]] = []
    kind = "risk-share"
    if variance < 0:
        overspend = -variance
        # The reserve is part of the budget set aside for this: an overspend of the budget less the
        # reserve draws on it first; what the partners pay in is only what passes the whole budget.
        operating_overspend = figures.actual_spend - (figures.budget - reserve)
        close.reserve_drawn_pence = min(max(operating_overspend, 0), reserve)
        close.rule = locked.overspend_rule
        parts = splits.risk_share(
            overspend, rule=locked.overspend_rule, planned=planned, host=host, fixed=fixed
        )
        _shared(parts, overspend, year)
        legs = [(ledger.CASH, overspend)] + [
            (ledger.risk_share(code), -part) for code, part in sorted(parts.items()) if part
        ]
    elif variance > 0:
        operating_overspend = figures.actual_spend - (figures.budget - reserve)
        close.reserve_drawn_pence = min(max(operating_overspend, 0), reserve)
        close.rule = locked.underspend_rule
        if locked.underspend_rule == "carry-forward":
            kind = "carry-forward"
            close.carry_forward_pence = variance
            legs = [(ledger.YEAR_RESULT, variance), (ledger.CARRIED_FORWARD, -variance)]
        else:
            parts = splits.risk_share(
                variance, rule=locked.underspend_rule, planned=planned, host=host, fixed=fixed
            )
            _shared(parts, variance, year)
            legs = [(ledger.risk_share(code), part) for code, part in sorted(parts.items()) if part]
            legs.append((ledger.CASH, -variance))
    else:
        close.rule = "none"
    if legs:
        ref = f"CLOSE-{year}"
        posted = Posted(
            ref,
            kind,
            year.end,
            abs(variance),
            description=words.close_description(year, variance, close.rule),
        )
        if Transaction.objects.filter(partnership=locked, ref=ref).exists():
            raise PostingRefused.of("year", "ref-conflict", f"The ref {ref} is already used in this ledger")
        [close.transaction] = _write(locked, [(posted, None)], {}, actor, legs_for={ref: legs})
    close.save()
    record_event(
        kind=words.CLOSED,
        actor=actor,
        partnership_slug=locked.slug,
        summary=words.close_summary(close),
        obj=close,
        actor_name="" if getattr(actor, "is_authenticated", False) else name,
    )
    return close


def _shared(parts: dict[str, int], amount: int, year: FinancialYear) -> None:
    """Refuse a close whose rule finds no one to share with (proportional shares of a year with no planned
    contributions): the entries would not balance."""
    if sum(parts.values()) != amount:
        raise PostingRefused.of(
            "year",
            "no-shares",
            f"{year} has no planned contributions to share {format_pounds(amount)} by: add the year's "
            "contributions to the agreement, or choose the host or fixed rule",
        )


# --- commitments (memorandum) ------------------------------------------------------------------------------


@transaction.atomic
def commitments_replace(
    *,
    partnership: Partnership,
    contract_ref: str,
    by_year: dict[int, int],
    description: str = "",
    actor: Any = None,
) -> list[Commitment]:
    """The contract's commitments become exactly `by_year` (financial year's first calendar year to pence,
    each at least 0; a year left out has none). Memorandum records: they feed the forecast outturn, never
    the ledger. Writes only what changed, and says so on the audit trail."""
    if any(amount < 0 for amount in by_year.values()):
        raise PostingRefused.of("by_year", "negative-amount", "A commitment cannot be negative")
    locked = Partnership.objects.select_for_update().get(pk=partnership.pk)
    current = {c.year: c for c in Commitment.objects.filter(partnership=locked, contract_ref=contract_ref)}
    name = actor_name(actor)
    now = clock.now()
    changed = False
    for year, commitment in current.items():
        if year not in by_year:
            commitment.delete()
            changed = True
    kept: list[Commitment] = []
    for year, amount in sorted(by_year.items()):
        commitment = current.get(year)
        if commitment is None:
            commitment = Commitment.objects.create(
                partnership=locked,
                contract_ref=contract_ref,
                year=year,
                amount_pence=amount,
                description=description[:500],
                changed_by=name,
                changed_at=now,
            )
            changed = True
        elif commitment.amount_pence != amount or commitment.description != description[:500]:
            commitment.amount_pence, commitment.description = amount, description[:500]
            commitment.changed_by, commitment.changed_at = name, now
            commitment.save()
            changed = True
        kept.append(commitment)
    if changed:
        total = sum(by_year.values())
        record_event(
            kind=words.COMMITMENTS,
            actor=actor,
            partnership_slug=locked.slug,
            summary=f"set the commitments of {contract_ref} to {format_pounds(total)} over "
            f"{len(by_year)} year{'s' if len(by_year) != 1 else ''}",
            obj=locked,
            actor_name="" if getattr(actor, "is_authenticated", False) else name,
        )
    return kept


def by_year_of(commitments: Iterable[Commitment]) -> dict[int, int]:
    totals: dict[int, int] = defaultdict(int)
    for c in commitments:
        totals[c.year] += c.amount_pence
    return dict(totals)
