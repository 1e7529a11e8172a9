"""`broadsheet backup [DEST]`: copy the SQLite database while the site runs (runtime/database.py)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "copy the SQLite database while the site runs (PostgreSQL: use pg_dump)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "dest",
            nargs="?",
            default=None,
            help="file or directory to write (default: <data dir>/backups/broadsheet-<time>.sqlite3)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from broadsheet.runtime.database import backup

        backup(options["dest"], self.say)

    def say(self, message: str) -> None:
        self.stdout.write(message)
        self.stdout.flush()
