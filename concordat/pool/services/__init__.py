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
- `posting_post(partnership=, draft=rules.postings.Draft, actor=None)`: any one of those, as a draft (the
  web's forms), with the same result and refusals.
- `postings_post(partnership=, drafts=[rules.postings.Draft …], actor=None) -> Batch`: many at once, all
  or nothing (the import): `Batch.issues` maps the index of each refused draft to its issues.
- `year_close(partnership=, year=FinancialYear, actor=None) -> YearClose`: posts the risk-share or
  carry-forward entries of the year's variance (rules/splits.py) and closes the year.
- `commitments_replace(partnership=, contract_ref=, by_year={2004: pence, …}, description=, actor=)`:
  the contract's commitments become exactly `by_year` (memorandum records, not postings).

Amounts are positive int pence; dates are dates; `actor` is the signed-in user (None: the command line).
"""

from __future__ import annotations

from ..errors import PostingRefused
from ..rules.postings import Draft, Posted
from .close import year_close
from .commitments import by_year_of, commitments_replace
from .postings import (
    Batch,
    PostingResult,
    accrual_post,
    actor_name,
    contribution_post,
    ledger_state,
    payment_post,
    posting_post,
    postings_post,
    relevant,
    reversal_post,
    spend_by_purpose,
)

__all__ = [
    "Batch",
    "Draft",
    "Posted",
    "PostingRefused",
    "PostingResult",
    "accrual_post",
    "actor_name",
    "by_year_of",
    "commitments_replace",
    "contribution_post",
    "ledger_state",
    "payment_post",
    "posting_post",
    "postings_post",
    "relevant",
    "reversal_post",
    "spend_by_purpose",
    "year_close",
]
