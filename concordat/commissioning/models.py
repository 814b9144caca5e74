"""What a partnership commissions: services, the procurements that buy them and the contracts that follow.

Money is pence (int); financial years are stored as their starting calendar year; days are dates. Stages,
representations and variations are actions that add rows: a procurement's history and a contract's
original terms are never overwritten.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models

from concordat.core import clock
from concordat.core.years import FinancialYear
from concordat.partnerships.models import Partnership, Provider
from concordat.partnerships.rules import vocabulary as words
from concordat.partnerships.rules.limits import KEY, LONG, NAME, PROSE, SOURCE

from .rules import stages
from .rules.monitoring import DIRECTIONS, RAG
from .rules.status import STATUSES, status_after_variations

TIERS = [(1, "Tier 1"), (2, "Tier 2"), (3, "Tier 3"), (4, "Tier 4")]


class Part(models.Model):
    """A record of a partnership's commissioning, on that partnership's audit trail."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=KEY, help_text="Stable identifier; never changes, never reused")
    source = models.CharField(max_length=SOURCE, blank=True, help_text="Where this comes from, or `invented`")

    class Meta:
        abstract = True

    def get_additional_data(self) -> dict[str, str]:
        return {"partnership": self.partnership.slug}


class Service(Part):
    """Something the partnership commissions: a tier, a modality, a client group, its providers."""

    name = models.CharField(max_length=NAME)
    tier = models.PositiveSmallIntegerField(choices=TIERS)
    modality = models.CharField(max_length=40, help_text="A built-in modality code or the partnership's own")
    client_group = models.CharField(max_length=16, choices=list(words.SERVED_GROUPS.items()))
    providers = models.ManyToManyField(Provider, blank=True, related_name="services")

    class Meta:
        ordering = ["tier", "id"]
        constraints = [models.UniqueConstraint(fields=["partnership", "key"], name="service_key_unique")]

    def __str__(self) -> str:
        return self.name


class Procurement(Part):
    """Buying a service: the strategy, the process, the stages reached and the regime's records."""

    title = models.CharField(max_length=LONG)
    health_care = models.BooleanField(
        default=True, help_text="Health care services follow the Provider Selection Regime 2023"
    )
    services = models.ManyToManyField(Service, blank=True, related_name="procurements")
    estimated_annual_pence = models.BigIntegerField(null=True, blank=True, help_text="Pence a year")
    estimated_whole_life_pence = models.BigIntegerField(
        null=True, blank=True, help_text="Pence over the term"
    )
    max_term_years = models.PositiveSmallIntegerField(null=True, blank=True)
    process = models.CharField(max_length=32, choices=list(stages.PROCESSES.items()), blank=True)
    conflicts_of_interest = models.TextField(
        max_length=PROSE, blank=True, help_text="Conflicts of interest declared, and how they were managed"
    )
    awarded_to = models.ForeignKey(
        Provider, null=True, blank=True, on_delete=models.PROTECT, related_name="procurements_won"
    )

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["partnership", "key"], name="procurement_key_unique")]

    def __str__(self) -> str:
        return self.title


class StageRecord(models.Model):
    """A stage reached: when, who decided, and what was decided. Added in order; never changed."""

    procurement = models.ForeignKey(Procurement, on_delete=models.CASCADE, related_name="stages")
    stage = models.CharField(max_length=32, choices=list(stages.STAGES.items()))
    on = models.DateField()
    decided_by = models.CharField(max_length=LONG, blank=True, help_text="Who made the decision")
    notes = models.TextField(max_length=PROSE, blank=True)
    reference = models.CharField(max_length=LONG, blank=True, help_text="A notice's or paper's reference")
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["procurement", "id"]
        constraints = [models.UniqueConstraint(fields=["procurement", "stage"], name="stage_once")]

    def __str__(self) -> str:
        return f"{stages.STAGES[self.stage]} on {self.on.isoformat()}"

    def get_additional_data(self) -> dict[str, str]:
        return {"partnership": self.procurement.partnership.slug}


class Criterion(models.Model):
    """An evaluation criterion with its weight, and how it was assessed (a record the regime asks for)."""

    procurement = models.ForeignKey(Procurement, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(max_length=NAME)
    weight = models.PositiveSmallIntegerField(help_text="Percentage of the whole evaluation")
    how_assessed = models.TextField(max_length=PROSE, blank=True)

    class Meta:
        ordering = ["procurement", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.weight}%)"

    def get_additional_data(self) -> dict[str, str]:
        return {"partnership": self.procurement.partnership.slug}


class Representation(models.Model):
    """A representation made during the standstill: it pauses the standstill until it is answered."""

    procurement = models.ForeignKey(Procurement, on_delete=models.CASCADE, related_name="representations")
    # The form's one-time token (partnerships.keys.claim): a second submission of the same form finds it
    # taken and adds nothing. Blank on rows recorded before it, hence the conditional constraint.
    key = models.CharField(max_length=KEY, blank=True)
    received = models.DateField()
    answered = models.DateField(null=True, blank=True)
    made_by = models.CharField(max_length=NAME)
    summary = models.TextField(max_length=PROSE, blank=True)

    class Meta:
        ordering = ["procurement", "received", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["procurement", "key"],
                condition=~models.Q(key=""),
                name="representation_key_unique",
            )
        ]

    def __str__(self) -> str:
        return f"Representation by {self.made_by} received {self.received.isoformat()}"

    def get_additional_data(self) -> dict[str, str]:
        return {"partnership": self.procurement.partnership.slug}


class Contract(Part):
    """A contract as signed. Its values here are the original terms; variations add to them, and the
    current terms are the original plus the variations in order (rules/values.current_terms)."""

    title = models.CharField(max_length=LONG)
    procurement = models.ForeignKey(
        Procurement, null=True, blank=True, on_delete=models.PROTECT, related_name="contracts"
    )
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="contracts")
    services = models.ManyToManyField(Service, blank=True, related_name="contracts")
    start = models.DateField()
    end = models.DateField()
    annual_value_pence = models.BigIntegerField(help_text="Annual value in pence, as signed")
    whole_life_value_pence = models.BigIntegerField(
        null=True, blank=True, help_text="Whole-life value in pence as stated (maximum term with extensions)"
    )
    max_term_years = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Maximum term in years, with every extension taken"
    )
    extensions = models.CharField(max_length=LONG, blank=True, help_text="The extensions allowed, in words")
    # No status field: the status is worked out from the dates (status_on), so it cannot go stale.

    class Meta:
        ordering = ["start", "id"]
        constraints = [models.UniqueConstraint(fields=["partnership", "key"], name="contract_key_unique")]

    def __str__(self) -> str:
        return self.title

    def status_on(self, day: date) -> str:
        """The status on `day` from the dates and the variations (rules/status.py); reads the variations
        as prefetched (selectors.contracts), so a register of contracts costs no query a row."""
        return status_after_variations(
            day,
            start=self.start,
            original_end=self.end,
            variations=[(v.end, v.terminates) for v in self.variations.all()],
        )

    @property
    def status(self) -> str:
        """The status today (core.clock): planned, active, extended, ended or terminated."""
        return self.status_on(clock.today())

    @property
    def status_label(self) -> str:
        return STATUSES[self.status]


class Payment(models.Model):
    """The original payment schedule: what the contract pays in one financial year, as signed."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="payments")
    year = models.PositiveSmallIntegerField(help_text="The financial year's starting calendar year")
    amount_pence = models.BigIntegerField(help_text="Pence")

    class Meta:
        ordering = ["contract", "year"]
        constraints = [models.UniqueConstraint(fields=["contract", "year"], name="payment_year_once")]

    @property
    def financial_year(self) -> FinancialYear:
        return FinancialYear(self.year)

    def __str__(self) -> str:
        return f"{self.contract} {self.financial_year}"

    def get_additional_data(self) -> dict[str, str]:
        return {"partnership": self.contract.partnership.slug}


class Variation(models.Model):
    """A change to a contract, dated, with its reason and the new values it sets (blank: unchanged)."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="variations")
    key = models.CharField(max_length=KEY)
    on = models.DateField()
    reason = models.TextField(max_length=PROSE)
    end = models.DateField(null=True, blank=True)
    annual_value_pence = models.BigIntegerField(null=True, blank=True)
    whole_life_value_pence = models.BigIntegerField(null=True, blank=True)
    schedule = models.JSONField(
        default=dict,
        blank=True,
        help_text="Financial year (starting calendar year) -> pence, replacing those years",
    )
    terminates = models.BooleanField(
        default=False, help_text="Ends the contract early: its end is the contract's last day"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["contract", "on", "id"]
        constraints = [models.UniqueConstraint(fields=["contract", "key"], name="variation_key_unique")]

    def __str__(self) -> str:
        return f"Variation of {self.on.isoformat()}"

    def get_additional_data(self) -> dict[str, str]:
        return {"partnership": self.contract.partnership.slug}


class Subcontract(models.Model):
    """Part of a lead provider's contract delivered by another organisation (pharmacies, GPs)."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="subcontracts")
    # A form's one-time token (partnerships.keys.claim); blank on rows recorded with their contract.
    key = models.CharField(max_length=KEY, blank=True)
    subcontractor = models.CharField(max_length=NAME)
    description = models.CharField(max_length=LONG)
    annual_value_pence = models.BigIntegerField(null=True, blank=True)
    source = models.CharField(max_length=SOURCE, blank=True)

    class Meta:
        ordering = ["contract", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "key"], condition=~models.Q(key=""), name="subcontract_key_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.description} ({self.subcontractor})"

    def get_additional_data(self) -> dict[str, str]:
        return {"partnership": self.contract.partnership.slug}


class LegacyContract(models.Model):
    """A contract folded into a new one: what it cost before, what its element costs inside the new one,
    and when it moves across (the transition plan, one date per element)."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="legacy")
    # A form's one-time token (partnerships.keys.claim); blank on rows recorded with their contract.
    key = models.CharField(max_length=KEY, blank=True)
    name = models.CharField(max_length=LONG)
    holder = models.CharField(max_length=NAME, blank=True, help_text="Who held it")
    element = models.CharField(max_length=NAME, help_text="The element of the new service it becomes")
    annual_cost_pence = models.BigIntegerField(help_text="What it cost a year before, in pence")
    after_cost_pence = models.BigIntegerField(
        null=True, blank=True, help_text="What the element costs a year inside the new contract, in pence"
    )
    transfers_on = models.DateField(help_text="When the element moves into the new contract")
    source = models.CharField(max_length=SOURCE, blank=True)

    class Meta:
        ordering = ["contract", "transfers_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "key"], condition=~models.Q(key=""), name="legacy_contract_key_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_additional_data(self) -> dict[str, str]:
        return {"partnership": self.contract.partnership.slug}


class ContractKpi(models.Model):
    """A measure a contract is held to, with its target (the KPI engine's code where it has one)."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="kpis")
    key = models.CharField(max_length=KEY)
    name = models.CharField(max_length=NAME)
    kpi = models.CharField(
        max_length=40, blank=True, help_text="The KPI engine's code for this measure, if any"
    )
    direction = models.CharField(max_length=8, choices=list(DIRECTIONS.items()), default="at-least")
    target = models.DecimalField(max_digits=12, decimal_places=2)
    unit = models.CharField(max_length=40, blank=True, help_text="What the target counts: %, people, days")

    class Meta:
        ordering = ["contract", "id"]
        constraints = [models.UniqueConstraint(fields=["contract", "key"], name="contract_kpi_key_unique")]

    def __str__(self) -> str:
        return f"{self.name}: {self.get_direction_display().lower()} {self.target.normalize():f} {self.unit}".strip()

    def get_additional_data(self) -> dict[str, str]:
        return {"partnership": self.contract.partnership.slug}


class ContractReview(models.Model):
    """A quarterly review of a contract: its RAG status with the reason, and the notes. One a quarter."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="reviews")
    year = models.PositiveSmallIntegerField(help_text="The financial year's starting calendar year")
    quarter = models.PositiveSmallIntegerField(help_text="1 (April-June) to 4 (January-March)")
    reviewed_on = models.DateField()
    rag = models.CharField(max_length=5, choices=list(RAG.items()))
    reason = models.TextField(max_length=PROSE)
    notes = models.TextField(max_length=PROSE, blank=True)

    class Meta:
        ordering = ["contract", "year", "quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "year", "quarter"], name="contract_review_once_a_quarter"
            )
        ]

    @property
    def financial_year(self) -> FinancialYear:
        return FinancialYear(self.year)

    def __str__(self) -> str:
        return f"Review of {self.financial_year} Q{self.quarter}"

    def get_additional_data(self) -> dict[str, str]:
        return {"partnership": self.contract.partnership.slug}
