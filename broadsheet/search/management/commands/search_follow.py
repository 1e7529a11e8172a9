"""`manage.py search_follow`: keep this node's search replica in step with the change log."""

from __future__ import annotations

import signal
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from broadsheet.search import replica
from broadsheet.search.errors import SearchError


class Command(BaseCommand):
    help = "Follow the search change log, applying every change to this node's index (runs until stopped)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="catch up once and exit")
        parser.add_argument(
            "--poll", type=float, default=replica.POLL_SECONDS, help="seconds between looks at the log"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not replica.enabled():
            raise CommandError("BROADSHEET_SEARCH_REPLICA is off: this node keeps no search replica.")
        if options["once"]:
            try:
                applied = replica.catch_up()
            except SearchError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(f"Applied {applied} changes.")
            return
        stopping: list[int] = []

        def stop(signum: int, frame: FrameType | None) -> None:
            stopping.append(signum)  # finish the round in progress, then leave

        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, stop)
        replica.follow(lambda: bool(stopping), poll=options["poll"])
