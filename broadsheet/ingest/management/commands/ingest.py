"""`broadsheet ingest` (also `manage.py ingest`): poll every due source once, now, and summarise;
or one source (`--source ID`), due or not with `--force`."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from broadsheet.core import console
from broadsheet.core.argtypes import positive_int

source_id = partial(positive_int, what="a source id, a positive integer")


class Command(BaseCommand):
    help = "poll every due source once, now, and summarise"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--source", type=source_id, metavar="ID", help="poll only this source")
        parser.add_argument(
            "--force", action="store_true", help="with --source: poll it even if it is not due yet"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from broadsheet.ingest.commands import ingest_due, ingest_one
        from broadsheet.ingest.errors import FAILURES, BadInputError

        if options["force"] and options["source"] is None:
            raise CommandError("--force needs --source ID", returncode=2)
        try:
            with console.progress(self.stdout, "polling") as progress:
                if options["source"] is not None:
                    progress(0, 1, f"source {options['source']}")
                    report = ingest_one(options["source"], force=options["force"])
                    reports = [report] if report is not None else []
                    if report is not None:
                        progress(1, 1, report.source_name)
                else:
                    reports = ingest_due(progress=lambda done, total, r: progress(done, total, r.source_name))
        except BadInputError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        except FAILURES as exc:
            raise CommandError(str(exc)) from exc
        if not reports:
            if options["source"] is not None:
                self.stdout.write(f"Source {options['source']} is not due yet; `--force` polls it now.")
            else:
                self.stdout.write("No source is due.")
            return
        rows = []
        for r in reports:
            state = (
                "not modified"
                if r.not_modified
                else ("ok" if r.ok else console.shorten("; ".join(r.messages), 60))
            )
            if r.deferred:  # the entry cap or the time budget cut the poll; the rest come soon
                state += f", {r.deferred} left for the next poll"
            rows.append(
                [
                    console.shorten(r.source_name, 40),
                    str(r.new),
                    str(r.updated),
                    str(r.duplicates),
                    str(r.errors),
                    state,
                ]
            )
        # A failing source is recorded on it and does not fail the run (see `sources list`).
        console.table(
            self.stdout,
            "Ingest",
            ["source", "new", "updated", "duplicates", "errors", "status"],
            rows,
            numeric={"new", "updated", "duplicates", "errors"},
        )
