from typing import ClassVar

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate

from broadsheet.core.dashboard import Panel

_PANELS = "broadsheet.newsroom.panels"
_LIST = "admin/dashboard/articles.html"
# Site-wide figures: for those who may see every article (Editors), not a writer's own.
_ALL_ARTICLES = ("newsroom.view_article", "newsroom.change_article")


class NewsroomConfig(AppConfig):
    name = "broadsheet.newsroom"
    label = "newsroom"
    verbose_name = "Newsroom"

    # The admin's home page (core/dashboard.py; the other apps add theirs).
    dashboard_panels: ClassVar[list[Panel]] = [
        Panel(
            name="my-drafts",
            title="My drafts",
            template=_LIST,
            context=f"{_PANELS}.my_drafts",
            order=10,
            perms=("newsroom.add_article", "newsroom.change_own_article"),
        ),
        Panel(
            name="review",
            title="Waiting for review",
            template=_LIST,
            context=f"{_PANELS}.waiting_for_review",
            order=20,
            perms=("newsroom.publish_article",),
        ),
        Panel(
            name="scheduled",
            title="Scheduled",
            template=_LIST,
            context=f"{_PANELS}.scheduled_queue",
            order=30,
        ),
        Panel(
            name="recent",
            title="Recently published",
            template=_LIST,
            context=f"{_PANELS}.recently_published",
            order=40,
        ),
        Panel(
            name="stories-chart",
            title="Stories per day",
            template="dashboard/chart.html",
            context=f"{_PANELS}.stories_chart",
            order=110,
            perms=_ALL_ARTICLES,
            wide=True,
        ),
    ]

    def ready(self) -> None:
        from broadsheet.newsroom import counts, revisions
        from broadsheet.newsroom.models import Article
        from broadsheet.newsroom.textsearch import repair_sqlite_index

        revisions.register()

        # Every delete, the admin's bulk delete too (it bypasses services.delete_article).
        post_delete.connect(counts.article_deleted, sender=Article, dispatch_uid="newsroom.counts")
        post_migrate.connect(repair_sqlite_index, sender=self, dispatch_uid="newsroom.repair_sqlite_index")
