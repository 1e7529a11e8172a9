"""Discovery reacts to the one publish signal: receivers enqueue its tasks by article id."""

from django.apps import AppConfig


class DiscoveryConfig(AppConfig):
    name = "broadsheet.discovery"
    label = "discovery"
    verbose_name = "Discovery"

    def ready(self) -> None:
        from broadsheet.discovery.receivers import article_changed
        from broadsheet.newsroom.signals import published

        published.connect(article_changed, dispatch_uid="broadsheet.discovery.article_changed")
