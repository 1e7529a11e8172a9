"""App configuration for the WordPress import."""

from __future__ import annotations

from django.apps import AppConfig


class WpImportConfig(AppConfig):
    name = "broadsheet.wpimport"
    label = "wpimport"
    verbose_name = "WordPress import"
