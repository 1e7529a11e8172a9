"""Readership counts views (the beacon) and ranks by them (Popular, Trending); it reacts to no
signal: its lists are refreshed by the site's widget task and its own periodic task."""

from typing import ClassVar

from django.apps import AppConfig

from broadsheet.core.periodic import Periodic


class ReadershipConfig(AppConfig):
    name = "broadsheet.readership"
    label = "readership"
    verbose_name = "Readership"

    periodic: ClassVar[list[Periodic]] = [
        # Trending: enqueues a refresh at most every few minutes (core.once).
        Periodic(name="trending refresh", task="broadsheet.readership.tasks.schedule_refresh"),
    ]
