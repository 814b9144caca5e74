"""Cached KPI results: the spec's object for (partnership, record version, from, to, as_of, published),
computed by the engine and stored so that pages read figures instead of computing them."""

from __future__ import annotations

from django.db import models

from concordat.core.years import FinancialYear
from concordat.partnerships.models import Partnership


class KpiResult(models.Model):
    """One KPI object (treatment-data.md) as `concordat kpi --json` prints it. Rows of an older record
    version or engine are never read again (the key no longer matches) and are removed when the
    partnership's results are next stored."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    record_version = models.CharField(max_length=64, help_text="treatment.selectors.record_version then")
    engine_version = models.PositiveIntegerField(help_text="performance.selectors.ENGINE_VERSION then")
    start = models.DateField(help_text="The period's first day (--from)")
    end = models.DateField(help_text="The period's last day (--to)")
    as_of = models.DateField()
    published = models.BooleanField(help_text="Disclosure control applied (--published)")
    label = models.CharField(
        max_length=16, blank=True, help_text='"2004-05" or "2004-05 Q1" in the standard grid'
    )
    result = models.JSONField()
    computed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "partnership",
                    "record_version",
                    "engine_version",
                    "start",
                    "end",
                    "as_of",
                    "published",
                ],
                name="kpi_result_unique",
            )
        ]

    def __str__(self) -> str:
        return f"KPIs of partnership {self.partnership_id}, {self.start} to {self.end}"


# --- the workforce and the board's reports (docs/architecture.md, "The board's reports and the workforce") ---


class WorkforceFigure(models.Model):
    """The treatment staff of one provider in one financial year, in whole-time equivalents (the NTA's
    "year-on-year growth in the drug treatment workforce"). One figure per provider and year: entering it
    again replaces it (on the audit trail, with who and when)."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    provider = models.ForeignKey(
        "partnerships.Provider", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    year = models.PositiveSmallIntegerField(help_text="Financial year by its first calendar year")
    fte_hundredths = models.PositiveIntegerField(
        help_text="Whole-time equivalent treatment staff, in hundredths (1250 is 12.50 FTE)"
    )
    source = models.CharField(
        max_length=300,
        blank=True,
        help_text="Where the figure comes from: a citation in words, or 'invented'",
    )
    changed_by = models.CharField(max_length=150, help_text="Name of who last entered it")
    changed_at = models.DateTimeField()

    class Meta:
        ordering = ["provider__code", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "provider", "year"], name="workforce_figure_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(fte_hundredths__lte=999_999), name="workforce_fte_limit"
            ),
        ]

    @property
    def financial_year(self) -> FinancialYear:
        return FinancialYear(self.year)

    def __str__(self) -> str:
        return f"{self.provider.code} {self.financial_year}"

    def get_additional_data(self) -> dict[str, str]:
        return {"partnership": self.partnership.slug}


class BoardReport(models.Model):
    """A board's report as the lead commissioner writes it: the quarterly performance report or the annual
    treatment plan of one period, with its narrative, the risks chosen from the register and its sign-off.
    While a draft its figures are the record's as they are now; issuing it stores every figure it shows
    (`figures`, the whole document's data, the KPI object with it), so an issued report is rendered from
    what was issued and never changes."""

    class Kind(models.TextChoices):
        QUARTERLY = "quarterly", "Quarterly performance report"
        TREATMENT_PLAN = "treatment-plan", "Annual treatment plan"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ISSUED = "issued", "Issued"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(
        max_length=40, help_text="'quarterly-2004-05-q1' or 'treatment-plan-2005-06'; never changes"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    start = models.DateField(help_text="The first day of the period its figures are for")
    end = models.DateField(help_text="The last day of that period")
    narrative = models.TextField(blank=True)
    risk_keys = models.JSONField(default=list, help_text="Keys of the risks of the register it reports")
    sign_off_name = models.CharField(max_length=200, blank=True, help_text="Who signs the report off")
    sign_off_role = models.CharField(max_length=200, blank=True)
    for_publication = models.BooleanField(
        default=False, help_text="Its documents use published figures (disclosure control)"
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.DRAFT)
    prepared_by = models.CharField(max_length=150, help_text="Name of who last wrote it")
    prepared_at = models.DateTimeField()
    issued_by = models.CharField(max_length=150, blank=True)
    issued_at = models.DateTimeField(null=True, blank=True)
    figures = models.JSONField(null=True, blank=True, help_text="Everything the issued report shows")

    class Meta:
        ordering = ["-start", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "key"], name="board_report_key_unique"),
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(issued_at__isnull=False, figures__isnull=False),
                name="board_report_issued_has_figures",
            ),
        ]

    def __str__(self) -> str:
        return self.key

    def get_additional_data(self) -> dict[str, str]:
        return {"partnership": self.partnership.slug}
