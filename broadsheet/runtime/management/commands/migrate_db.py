"""`broadsheet migrate-db --to URL`: copy this site's database into a new, empty PostgreSQL one."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "copy this site's database into a new, empty PostgreSQL database"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--to", required=True, metavar="URL", help="the target, e.g. postgres://user@host/db"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from broadsheet.runtime.database import migrate_db

        migrate_db(options["to"], self.say)

    def say(self, message: str) -> None:
        self.stdout.write(message)
        self.stdout.flush()
