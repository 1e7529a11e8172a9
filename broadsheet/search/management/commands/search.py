"""`broadsheet search reindex|follow` (also `manage.py search …`): this node's search index.

`reindex` rebuilds it from the database; `follow` keeps this node's replica in step with the
change log until stopped (`broadsheet serve` runs it as a child process).
"""

from __future__ import annotations

import signal
import time
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "search index maintenance"

    def add_arguments(self, parser: CommandParser) -> None:
        from broadsheet.search.replica import POLL_SECONDS

        actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
        actions.add_parser("reindex", help="rebuild the search index from the database")
        follow = actions.add_parser(
            "follow", help="keep this node's search index in step with the change log (runs until stopped)"
        )
        follow.add_argument("--once", action="store_true", help="catch up once and exit")
        follow.add_argument(
            "--poll", type=float, default=POLL_SECONDS, help="seconds between looks at the log"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "reindex":
            self.reindex()
        else:
            self.follow(once=options["once"], poll=options["poll"])

    def reindex(self) -> None:
        from broadsheet.search import replica
        from broadsheet.search.errors import SearchError

        def progress(done: int, total: int | None = None) -> None:
            self.stdout.write(f"  indexed {done:,}/{total:,}" if total else f"  indexed {done:,}")

        started = time.perf_counter()
        try:
            # Through the replica: this also resets its place in the change log, so the
            # follower goes on from the rebuilt contents.
            count = replica.rebuild_replica(progress=progress)
        except SearchError as exc:
            raise CommandError(f"search index: {exc}") from exc
        self.stdout.write(f"Search: indexed {count:,} articles in {time.perf_counter() - started:.1f}s")

    def follow(self, *, once: bool, poll: float) -> None:
        from broadsheet.search import replica
        from broadsheet.search.errors import SearchError

        if not replica.enabled():
            raise CommandError("BROADSHEET_SEARCH_REPLICA is off: this node keeps no search replica.")
        if once:
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
        replica.follow(lambda: bool(stopping), poll=poll)
