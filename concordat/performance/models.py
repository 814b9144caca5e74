"""Cached KPI results: the spec's object for (partnership, record version, from, to, as_of, published),
computed by the engine and stored so that pages read figures instead of computing them."""

from __future__ import annotations

from django.db import models

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
