"""`broadsheet worker`: task worker processes and the scheduler, supervised in the foreground."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from broadsheet.core.argtypes import positive_int
from broadsheet.runtime import processes


class Command(BaseCommand):
    help = "run task worker processes in the foreground"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=positive_int, default=1, help="worker processes (default 1)")

    def handle(self, *args: Any, **options: Any) -> None:
        code = processes.run_workers(options["count"])
        if code:
            raise SystemExit(code)
