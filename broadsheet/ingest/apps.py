"""App configuration for ingest: its periodic hook (due sources) and the tombstone receiver."""

from __future__ import annotations

from typing import ClassVar

from django.apps import AppConfig
from django.db.models.signals import pre_delete

from broadsheet.core.dashboard import Panel
from broadsheet.core.periodic import Periodic

_PANELS = "broadsheet.ingest.panels"
_SOURCES = ("ingest.view_source", "ingest.change_source")


class IngestConfig(AppConfig):
    name = "broadsheet.ingest"
    label = "ingest"
    verbose_name = "Sources and ingest"

    # Every tick: one ingest task per due source, each claimed by a conditional UPDATE.
    periodic: ClassVar[list[Periodic]] = [
        Periodic(name="due sources", task="broadsheet.ingest.tasks.schedule_due_sources"),
    ]

    # On the admin's home page (core/dashboard.py): held stories for editors, source health for
    # whoever runs the sources (Operators).
    dashboard_panels: ClassVar[list[Panel]] = [
        Panel(
            name="held",
            title="Held from feeds",
            template="ingest/dashboard/held.html",
            context=f"{_PANELS}.held_from_feeds",
            order=25,
            perms=("newsroom.publish_article",),
        ),
        Panel(
            name="failing-sources",
            title="Sources failing now",
            template="ingest/dashboard/failing.html",
            context=f"{_PANELS}.failing_sources",
            order=60,
            perms=_SOURCES,
        ),
        Panel(
            name="ingest-chart",
            title="Ingest per day",
            template="dashboard/chart.html",
            context=f"{_PANELS}.ingest_chart",
            order=120,
            # Editors too: a day of duplicates or failures explains a thin day of stories.
            perms=(*_SOURCES, "newsroom.publish_article"),
            wide=True,
        ),
    ]

    def ready(self) -> None:
        from broadsheet.ingest.publish import tombstone_deleted_article
        from broadsheet.newsroom.models import Article

        # pre_delete, not the `published` signal: that one fires after the row is gone and
        # carries only the id, so the original URL to tombstone would no longer be known.
        # Writing one small row in the deleting transaction keeps "never comes back" exact,
        # even for admin bulk deletes that bypass services.delete_article.
        pre_delete.connect(tombstone_deleted_article, sender=Article, dispatch_uid="ingest_tombstone")
