"""`broadsheet discovery cluster|refresh`: story clusters, related lists and top stories, by hand."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "story clusters, related lists, top stories"

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
        cluster = actions.add_parser(
            "cluster", help="cluster and relate recent articles not yet in a story (after a bulk import)"
        )
        cluster.add_argument("--hours", type=int, default=72, help="how far back to look (default 72)")
        actions.add_parser("refresh", help="recompute top stories now (the periodic task's work)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "cluster":
            self.cluster(options["hours"])
        else:
            self.refresh()

    def cluster(self, hours: int) -> None:
        from broadsheet.core import clock
        from broadsheet.discovery import related, stories
        from broadsheet.newsroom.models import Article

        since = clock.now() - dt.timedelta(hours=max(hours, 1))
        pending = (
            Article.objects.published()
            .filter(published_at__gte=since, story_membership__isnull=True)
            .order_by("published_at", "id")
            .values_list("pk", flat=True)
        )
        done = 0
        started = time.perf_counter()
        for article_id in list(pending):
            stories.assign(article_id)
            related.compute(article_id)
            done += 1
        self.stdout.write(f"Clustered and related {done:,} articles in {time.perf_counter() - started:.1f}s")

    def refresh(self) -> None:
        from broadsheet.discovery.tasks import refresh_top_stories

        refresh_top_stories.call()
        self.stdout.write("Top stories refreshed")
