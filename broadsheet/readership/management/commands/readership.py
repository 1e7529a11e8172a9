"""`broadsheet readership refresh` (also `manage.py readership refresh`): Trending, by hand."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "view counts and the lists ranked by them"

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
        actions.add_parser("refresh", help="recompute trending now (the periodic task's work)")

    def handle(self, *args: Any, **options: Any) -> None:
        from broadsheet.readership.tasks import refresh_trending

        refresh_trending.call()
        self.stdout.write("Trending refreshed")
