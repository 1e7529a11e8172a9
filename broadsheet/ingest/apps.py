"""App configuration for ingest: its periodic hook (due sources) and the tombstone receiver."""

from __future__ import annotations

from typing import ClassVar

from django.apps import AppConfig
from django.db.models.signals import pre_delete

from broadsheet.core.periodic import Periodic


class IngestConfig(AppConfig):
    name = "broadsheet.ingest"
    label = "ingest"
    verbose_name = "Sources and ingest"

    # Every tick: one ingest task per due source, each claimed by a conditional UPDATE.
    periodic: ClassVar[list[Periodic]] = [
        Periodic(name="due sources", task="broadsheet.ingest.tasks.schedule_due_sources"),
    ]

    def ready(self) -> None:
        from broadsheet.ingest.publish import tombstone_deleted_article
        from broadsheet.newsroom.models import Article

        # pre_delete, not the `published` signal: that one fires after the row is gone and
        # carries only the id, so the original URL to tombstone would no longer be known.
        # Writing one small row in the deleting transaction keeps "never comes back" exact,
        # even for admin bulk deletes that bypass services.delete_article.
        pre_delete.connect(tombstone_deleted_article, sender=Article, dispatch_uid="ingest_tombstone")
