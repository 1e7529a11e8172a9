"""App configuration for the demo content package (management commands live under it)."""

from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "broadsheet.demo"
    label = "demo"
    verbose_name = "Demo content"
