"""`broadsheet manage push_keys`: the VAPID key pair for push alerts, made once (`init` runs it)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from broadsheet.audience import vapid


class Command(BaseCommand):
    help = "create the VAPID key pair for breaking-news push alerts unless one is configured or kept"

    def handle(self, *args: Any, **options: Any) -> None:
        if vapid.ensure_keys():
            self.stdout.write(f"Push alerts: VAPID key pair created in {vapid.key_file()}")
            return
        keys = vapid.keys()
        where = "the settings" if keys and not vapid.key_file().exists() else str(vapid.key_file())
        self.stdout.write(f"Push alerts: VAPID key pair from {where}")
