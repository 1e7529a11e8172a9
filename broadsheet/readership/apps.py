"""Readership counts views (the beacon) and ranks by them (Popular, Trending); it reacts to no
signal: its lists are refreshed by the site's widget task and its own periodic task."""

from django.apps import AppConfig


class ReadershipConfig(AppConfig):
    name = "broadsheet.readership"
    label = "readership"
    verbose_name = "Readership"
