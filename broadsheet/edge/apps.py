"""Edge purges cached pages when content changes: its receivers are connected here."""

from django.apps import AppConfig


class EdgeConfig(AppConfig):
    name = "broadsheet.edge"
    label = "edge"
    verbose_name = "Edge (page cache)"

    def ready(self) -> None:
        from broadsheet.discovery.signals import story_changed
        from broadsheet.edge import purge
        from broadsheet.newsroom.signals import published

        published.connect(purge.purge_article_pages, dispatch_uid="edge.purge_article_pages")
        story_changed.connect(purge.purge_story_pages, dispatch_uid="edge.purge_story_pages")
        purge.connect_structure_signals()
