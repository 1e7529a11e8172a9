"""Discovery reacts to the one publish signal: receivers enqueue its tasks by article id."""

from typing import ClassVar

from django.apps import AppConfig

from broadsheet.core.periodic import Periodic
from broadsheet.core.ranking import Signals


class DiscoveryConfig(AppConfig):
    name = "broadsheet.discovery"
    label = "discovery"
    verbose_name = "Discovery"

    periodic: ClassVar[list[Periodic]] = [
        # Top stories and related lists left empty: enqueues a refresh at most every few minutes
        # (core.once). Trending is readership's own hook.
        Periodic(name="top stories refresh", task="broadsheet.discovery.tasks.schedule_refresh"),
    ]

    # Story clusters, for rankings in apps that may not import this one (the digest).
    ranking_signals = Signals(clusters="broadsheet.discovery.stories.clusters_of")

    def ready(self) -> None:
        from broadsheet.discovery.receivers import article_changed
        from broadsheet.newsroom.signals import published

        published.connect(article_changed, dispatch_uid="broadsheet.discovery.article_changed")
