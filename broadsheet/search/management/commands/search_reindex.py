"""`manage.py search_reindex`: rebuild this node's search index from the database."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from broadsheet.search import replica
from broadsheet.search.errors import SearchError


class Command(BaseCommand):
    help = "Rebuild the search index from every published (and scheduled) article."

    def handle(self, *args: Any, **options: Any) -> None:
        verbose = int(options.get("verbosity", 1)) > 1
        started = time.monotonic()

        def progress(count: int) -> None:
            if verbose:
                self.stdout.write(f"  {count} articles…")

        try:
            # Also resets the replica's place in the change log, so the follower goes on
            # from the rebuilt contents.
            count = replica.rebuild_replica(progress=progress)
        except SearchError as exc:
            raise CommandError(str(exc)) from exc
        elapsed = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(f"Indexed {count} articles in {elapsed:.1f} s."))
