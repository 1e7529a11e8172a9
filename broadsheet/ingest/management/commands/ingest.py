"""`manage.py ingest`: poll every due source once and print a summary per source."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from broadsheet.ingest.commands import ingest_due
from broadsheet.ingest.report import IngestReport


class Command(BaseCommand):
    help = "Poll every due source once (new, updated, duplicates, errors per source)."

    def handle(self, *args: Any, **options: Any) -> None:
        def progress(done: int, total: int, report: IngestReport) -> None:
            self.stderr.write(f"[{done}/{total}] {report.source_name}")

        reports = ingest_due(progress=progress)
        if not reports:
            self.stdout.write("No source is due.")
            return
        self.stdout.write(f"{'source':40} {'new':>5} {'upd':>5} {'dup':>5} {'err':>5}  status")
        for r in reports:
            state = "not modified" if r.not_modified else ("ok" if r.ok else "; ".join(r.messages)[:80])
            self.stdout.write(
                f"{r.source_name[:40]:40} {r.new:>5} {r.updated:>5} {r.duplicates:>5} {r.errors:>5}  {state}"
            )
