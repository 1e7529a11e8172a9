"""MonthCount: published articles per section and local month (newsroom.counts), filled from
the archive once here with one GROUP BY; from then on every write keeps it."""

from typing import Any

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone


def fill(apps: Any, schema_editor: Any) -> None:
    Article = apps.get_model("newsroom", "Article")
    MonthCount = apps.get_model("newsroom", "MonthCount")
    rows = (
        Article.objects.using(schema_editor.connection.alias)
        .filter(status="published", published_at__isnull=False)
        .annotate(month_start=TruncMonth("published_at", tzinfo=timezone.get_default_timezone()))
        .order_by()
        .values("section_id", "month_start")
        .annotate(n=Count("id"))
        .values_list("section_id", "month_start", "n")
    )
    MonthCount.objects.using(schema_editor.connection.alias).bulk_create(
        [MonthCount(section_id=s, year=start.year, month=start.month, count=n) for s, start, n in rows],
        batch_size=500,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("newsroom", "0017_article_also_carried_as"),
    ]

    operations = [
        migrations.CreateModel(
            name="MonthCount",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("year", models.PositiveSmallIntegerField()),
                ("month", models.PositiveSmallIntegerField()),
                ("count", models.IntegerField(default=0)),
                (
                    "section",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="newsroom.section"
                    ),
                ),
            ],
            options={
                "constraints": [models.UniqueConstraint(fields=("section", "year", "month"), name="month_count_unique")],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
