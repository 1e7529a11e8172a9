"""Published articles counted per section and local month (kept by newsroom/counts.py)."""

from __future__ import annotations

from django.db import models

from broadsheet.newsroom.models import Section


class MonthCount(models.Model):
    """How many published articles (status published, with a date; scheduled ones included) a
    section has in one local month: kept by newsroom.counts in the transaction of every write,
    so the sidebar's counts never scan the archive (a GROUP BY over 1M stories took ~20 s)."""

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["section", "year", "month"], name="month_count_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.section_id} {self.year}-{self.month:02d}: {self.count}"
