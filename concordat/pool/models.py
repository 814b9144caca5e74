"""The pooled fund as a double-entry ledger in pence.

A `Transaction` (a posting) has two or more `Leg`s on the partnership's `Account`s whose amounts sum to
zero (debits positive, credits negative). Posted rows are never updated or deleted: the migrations install
triggers that refuse it, and a correction is a new transaction that `reverses` the old one (once). Each
transaction carries `sequence` (1, 2, 3 … per partnership) and `hash`, the SHA-256 of its content and of
`previous_hash` (rules/chain.py), so any later change to a row shows as a break in the chain.

The ledger names streams, contracts, partners and purposes by their codes, as text, not foreign keys: the
agreement may change (a stream renamed or removed), what was posted may not.

`Commitment`s are memorandum records, not postings: what the contracts commit for a year, replaced as a set
per contract by the commissioning app (services.commitments_replace).
"""

from __future__ import annotations

from django.db import models

from concordat.core.years import FinancialYear
from concordat.partnerships.models import Partnership

KINDS = {
    "contribution": "Contribution",
    "payment": "Payment",
    "accrual": "Accrual",
    "reversal": "Reversal",
    "risk-share": "Risk share",
    "carry-forward": "Carry-forward",
}
# What kinds of posting are spend (actual spend: payments and accruals, less their reversals).
SPEND_KINDS = ("payment", "accrual")

ACCOUNT_KINDS = {
    "asset": "Asset",
    "liability": "Liability",
    "income": "Income",
    "expenditure": "Expenditure",
    "reserve": "Reserve",
}


class Account(models.Model):
    """One account of a partnership's chart of accounts, made when first posted to.

    Codes: `cash` (cash at the host), `income:<stream>`, `spend:<contract>`, `creditors` (accruals),
    `risk-share:<partner>` (what partners pay in for an overspend or get back of an underspend),
    `year-result` and `carried-forward` (an underspend carried into the next year's budget)."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="pool_accounts")
    code = models.CharField(max_length=100)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=ACCOUNT_KINDS)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "code"], name="pool_account_code_unique")
        ]

    def __str__(self) -> str:
        return self.name

    def get_additional_data(self) -> dict[str, str]:
        return {"partnership": self.partnership.slug}


class Transaction(models.Model):
    """A posting: never changed, never deleted (the database refuses both)."""

    # PROTECT: a partnership with a ledger is never deleted (the accounts are a public record to keep).
    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="pool_transactions")
    sequence = models.PositiveIntegerField(help_text="1, 2, 3 … in the order posted, per partnership")
    ref = models.CharField(max_length=64, help_text="Source reference, unique within the partnership")
    date = models.DateField()
    year = models.PositiveSmallIntegerField(
        help_text="Financial year of the date, by its first calendar year"
    )
    quarter = models.PositiveSmallIntegerField(help_text="Quarter of the financial year: 1 is April to June")
    kind = models.CharField(max_length=16, choices=KINDS)
    description = models.CharField(max_length=500, blank=True)
    stream = models.CharField(max_length=32, blank=True, help_text="Funding stream code (contributions)")
    contract = models.CharField(max_length=64, blank=True, help_text="Contract reference or spend line")
    purpose = models.CharField(max_length=40, blank=True, help_text="Spend purpose (payments and accruals)")
    scheme = models.CharField(max_length=32, blank=True, help_text="Scheme the spend line belongs to")
    partner = models.CharField(max_length=32, blank=True, help_text="Partner code (risk-share postings)")
    amount_pence = models.BigIntegerField(help_text="The amount posted, in pence (positive)")
    reverses = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversed_by",
        help_text="The transaction this one reverses; a transaction is reversed at most once",
    )
    posted_by = models.CharField(max_length=150, help_text="Name of who posted it")
    posted_at = models.DateTimeField()
    previous_hash = models.CharField(
        max_length=64, help_text="Hash of the partnership's previous transaction"
    )
    hash = models.CharField(
        max_length=64, help_text="SHA-256 of this transaction's content and previous_hash"
    )

    class Meta:
        ordering = ["sequence"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "ref"], name="pool_transaction_ref_unique"),
            models.UniqueConstraint(
                fields=["partnership", "sequence"], name="pool_transaction_sequence_unique"
            ),
            models.CheckConstraint(condition=models.Q(amount_pence__gt=0), name="pool_transaction_positive"),
            models.CheckConstraint(
                condition=models.Q(quarter__gte=1, quarter__lte=4), name="pool_transaction_quarter_1_to_4"
            ),
        ]
        indexes = [
            models.Index(fields=["partnership", "year", "quarter"], name="pool_transaction_year"),
            models.Index(fields=["partnership", "contract"], name="pool_transaction_contract"),
        ]

    @property
    def financial_year(self) -> FinancialYear:
        return FinancialYear(self.year)

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.ref}"

    def get_additional_data(self) -> dict[str, str]:
        return {"partnership": self.partnership.slug}


class Leg(models.Model):
    """One side of a transaction: a debit (positive) or credit (negative) on one account, in pence."""

    transaction = models.ForeignKey(Transaction, on_delete=models.PROTECT, related_name="legs")
    # The partnership again, so that the triggers and the independent checks need no join.
    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="legs")
    amount_pence = models.BigIntegerField(help_text="Debit positive, credit negative, in pence")

    class Meta:
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=~models.Q(amount_pence=0), name="pool_leg_not_zero")]

    def __str__(self) -> str:
        return f"{self.account.code} {self.amount_pence}"


class YearClose(models.Model):
    """A financial year closed: it takes no more postings. What the close found and posted."""

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="pool_year_closes")
    year = models.PositiveSmallIntegerField()
    budget_pence = models.BigIntegerField(help_text="The year's budget at the close, in pence")
    outturn_pence = models.BigIntegerField(help_text="The year's actual spend at the close, in pence")
    variance_pence = models.BigIntegerField(help_text="Budget less outturn: positive is an underspend")
    reserve_pence = models.BigIntegerField(default=0, help_text="The year's risk reserve, in pence")
    reserve_drawn_pence = models.BigIntegerField(default=0, help_text="Risk reserve drawn by an overspend")
    carry_forward_pence = models.BigIntegerField(
        default=0, help_text="Underspend carried into the next year's budget, in pence"
    )
    rule = models.CharField(max_length=16, help_text="The risk-share rule applied")
    transaction = models.OneToOneField(
        Transaction, null=True, blank=True, on_delete=models.PROTECT, related_name="year_close"
    )
    closed_by = models.CharField(max_length=150)
    closed_at = models.DateTimeField()

    class Meta:
        ordering = ["year"]
        constraints = [models.UniqueConstraint(fields=["partnership", "year"], name="pool_year_close_unique")]

    @property
    def financial_year(self) -> FinancialYear:
        return FinancialYear(self.year)

    def __str__(self) -> str:
        return f"Close of {self.financial_year}"

    def get_additional_data(self) -> dict[str, str]:
        return {"partnership": self.partnership.slug}


class Commitment(models.Model):
    """What a contract commits the pool to spend in a year: a memorandum record, not a posting. The
    commissioning app replaces a contract's set (services.commitments_replace)."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="pool_commitments")
    contract_ref = models.CharField(max_length=64)
    year = models.PositiveSmallIntegerField(help_text="Financial year by its first calendar year")
    amount_pence = models.BigIntegerField(help_text="Committed amount in pence")
    description = models.CharField(max_length=500, blank=True)
    changed_by = models.CharField(max_length=150, blank=True)
    changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["contract_ref", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "contract_ref", "year"], name="pool_commitment_contract_year_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(amount_pence__gte=0), name="pool_commitment_not_negative"
            ),
        ]
        indexes = [models.Index(fields=["partnership", "year"], name="pool_commitment_year")]

    @property
    def financial_year(self) -> FinancialYear:
        return FinancialYear(self.year)

    def __str__(self) -> str:
        return f"{self.contract_ref} {self.financial_year}"

    def get_additional_data(self) -> dict[str, str]:
        return {"partnership": self.partnership.slug}
