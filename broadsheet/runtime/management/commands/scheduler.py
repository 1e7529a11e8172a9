"""`manage.py scheduler`: the periodic scheduler, a child of `broadsheet serve` and `broadsheet worker`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "run every app's periodic hooks every BROADSHEET_SCHEDULER_INTERVAL seconds until stopped"
    requires_system_checks: list[str] = []  # as the task workers beside it: start, do not lint

    def handle(self, *args: Any, **options: Any) -> None:
        from broadsheet.runtime.scheduler import run_until_stopped

        run_until_stopped()
