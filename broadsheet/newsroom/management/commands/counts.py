"""`broadsheet counts rebuild` (also `manage.py counts rebuild`): the sidebar's counts, from the archive."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "published articles counted per section and month (the sidebar's lists)"

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
        actions.add_parser(
            "rebuild", help="count the archive again: after a bulk load or a change of TIME_ZONE"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from broadsheet.newsroom import counts

        rows = counts.rebuild()
        self.stdout.write(f"Counts rebuilt: {rows} section-months")
