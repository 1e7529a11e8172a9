"""Search: the Tantivy index (one writer); `search.query` and `search.similar` read it."""

from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "broadsheet.search"
    label = "search"
    verbose_name = "Search"

    def ready(self) -> None:
        from broadsheet.newsroom.signals import published
        from broadsheet.search.receivers import article_changed

        published.connect(article_changed, dispatch_uid="broadsheet.search.article_changed")
