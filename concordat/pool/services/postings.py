"""Posting: one service per kind, and the one write path they share (see the package's docstring)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import connection, transaction
from django.db.models import Q, Sum

from concordat.core import clock
from concordat.core.audit import operating_system_user, person_name
from concordat.core.problems import Problem, Report
from concordat.core.years import FinancialYear
from concordat.partnerships.models import Contribution, Partnership

from .. import audit as words
from .. import contracts, ledger
from ..errors import PostingRefused
from ..models import Account, Commitment, Leg, Transaction
from ..rules.chain import GENESIS, canonical, link
from ..rules.postings import Draft, Issue, LedgerState, Posted
from ..rules.warnings import Headroom, warnings
from ..schemes import purposes_for, scheme_of_contract, scheme_overrun
from ..selectors import closed_years, spend_by_contract
from ..warming import warm_charts_after_commit


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
    # What is posted but should be looked at (`not-a-contract`, `reversal-in-another-year`), by index.
    warnings: dict[int, list[Issue]] = field(default_factory=dict)

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
    draft = Draft(ref, "contribution", date, amount_pence, stream=stream, description=description)
    return posting_post(partnership=partnership, draft=draft, actor=actor)


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
    return posting_post(partnership=partnership, draft=draft, actor=actor)


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
    return posting_post(partnership=partnership, draft=draft, actor=actor)


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
    return posting_post(partnership=partnership, draft=draft, actor=actor)


def posting_post(*, partnership: Partnership, draft: Draft, actor: Any = None) -> PostingResult:
    """One posting of any kind, as a draft (the web's forms build one): what each kind's service does."""
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
    contract_names = contracts.references(locked)
    counted = contracts.counted_in(contract_names)
    room = headroom(locked, drafts, counted)
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
        found = warnings(draft, original, contract_names, room)
        if found:
            batch.warnings[index] = found
        posted = state.apply(draft)
        if room is not None:
            room.apply(draft, posted, original, counted)
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


def headroom(partnership: Partnership, drafts: Sequence[Draft], counted: dict[str, str]) -> Headroom | None:
    """The host's cash and each contract's commitment left in the years of the drafts' spend, now (None:
    the drafts spend nothing, so nothing is read)."""
    # Years the checks accept only: a date out of range is refused before any warning.
    years = {
        d.year.start_year
        for d in drafts
        if d.kind in ("payment", "accrual") and 1 <= d.year.start_year <= 9998
    }
    if not years:
        return None
    cash = Leg.objects.filter(partnership=partnership, account__code="cash").aggregate(t=Sum("amount_pence"))
    room = Headroom(cash=cash["t"] or 0)
    contracts_ = set(counted.values())
    for contract, year, amount in Commitment.objects.filter(
        partnership=partnership, year__in=years, contract_ref__in=contracts_
    ).values_list("contract_ref", "year", "amount_pence"):
        room.left[(contract, year)] = room.left.get((contract, year), 0) + amount
    for year in years:
        for contract, spent in spend_by_contract(partnership, FinancialYear(year)).items():
            if contract in contracts_:
                room.left[(contract, year)] = room.left.get((contract, year), 0) - spent
    return room


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
        closed_years=closed_years(partnership),
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
    # Every fence of the agreement, not only those with money planned in the drafts' years (pooled-fund.md).
    state.fences = frozenset(fence for fence in streams.values() if fence)
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
    # The statements of these years draw new charts: rendered once this commits, before anyone asks.
    warm_charts_after_commit(partnership.pk, {t.year for t in written})
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
