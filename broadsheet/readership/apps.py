"""Readership counts views (the beacon) and ranks by them (Popular, Trending); it reacts to no
signal: its lists are refreshed by the site's widget task and its own periodic task."""

from typing import ClassVar

from django.apps import AppConfig

from broadsheet.core.dashboard import Panel
from broadsheet.core.periodic import Periodic
from broadsheet.core.ranking import Signals

# Site-wide reading figures: for those who may see every article (Editors).
_ALL_ARTICLES = ("newsroom.view_article", "newsroom.change_article")


class ReadershipConfig(AppConfig):
    name = "broadsheet.readership"
    label = "readership"
    verbose_name = "Readership"

    periodic: ClassVar[list[Periodic]] = [
        # Trending: enqueues a refresh at most every few minutes (core.once).
        Periodic(name="trending refresh", task="broadsheet.readership.tasks.schedule_refresh"),
    ]

    # Views over a window, for rankings in apps that may not import this one (the digest).
    ranking_signals = Signals(views="broadsheet.readership.reads.views_between")

    dashboard_panels: ClassVar[list[Panel]] = [
        Panel(
            name="most-read",
            title="Most read today",
            template="readership/dashboard/most_read.html",
            context="broadsheet.readership.panels.most_read_today",
            order=50,
            perms=_ALL_ARTICLES,
        ),
        Panel(
            name="views-chart",
            title="Views per day",
            template="dashboard/chart.html",
            context="broadsheet.readership.panels.views_chart",
            order=100,
            perms=_ALL_ARTICLES,
            wide=True,
        ),
    ]
