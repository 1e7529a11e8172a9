"""`broadsheet ingest` (also `manage.py ingest`): poll every due source once, now, and summarise."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from broadsheet.core import console


class Command(BaseCommand):
    help = "poll every due source once, now, and summarise"

    def handle(self, *args: Any, **options: Any) -> None:
        from broadsheet.ingest.commands import ingest_due
        from broadsheet.ingest.errors import FAILURES

        try:
            with console.progress(self.stdout, "polling") as progress:
                reports = ingest_due(progress=lambda done, total, r: progress(done, total, r.source_name))
        except FAILURES as exc:
            raise CommandError(str(exc)) from exc
        if not reports:
            self.stdout.write("No source is due.")
            return
        rows = []
        for r in reports:
            state = "not modified" if r.not_modified else ("ok" if r.ok else "; ".join(r.messages)[:60])
            if r.deferred:  # the entry cap or the time budget cut the poll; the rest come soon
                state += f", {r.deferred} left for the next poll"
            rows.append(
                [r.source_name[:40], str(r.new), str(r.updated), str(r.duplicates), str(r.errors), state]
            )
        # A failing source is recorded on it and does not fail the run (see `sources list`).
        console.table(
            self.stdout,
            "Ingest",
            ["source", "new", "updated", "duplicates", "errors", "status"],
            rows,
            numeric={"new", "updated", "duplicates", "errors"},
        )
