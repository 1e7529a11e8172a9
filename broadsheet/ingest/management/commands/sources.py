"""`manage.py sources add|list|remove|check|import-opml|export-opml`."""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from broadsheet.ingest import commands
from broadsheet.ingest.errors import IngestError


class Command(BaseCommand):
    help = "Manage feed sources."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="Add a feed (or a page that links to one).")
        add.add_argument("url")
        add.add_argument("--section")
        add.add_argument("--mode", choices=["excerpt", "full"], default="excerpt")
        add.add_argument("--name")
        sub.add_parser("list")
        remove = sub.add_parser("remove")
        remove.add_argument("id", type=int)
        check = sub.add_parser("check", help="Fetch now and print what would be imported.")
        check.add_argument("id", type=int)
        opml_in = sub.add_parser("import-opml")
        opml_in.add_argument("file")
        opml_in.add_argument("--section")
        sub.add_parser("export-opml")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            self._handle(options)
        except IngestError as exc:
            raise CommandError(str(exc)) from exc

    def _handle(self, options: dict[str, Any]) -> None:
        action = options["action"]
        if action == "add":
            source = commands.add_source(
                options["url"], section=options["section"], mode=options["mode"], name=options["name"]
            )
            self.stdout.write(f"Added source {source.pk}: {source} <{source.feed_url}>")
        elif action == "list":
            for s in commands.list_sources():
                state = "enabled" if s.enabled else f"disabled ({s.disabled_reason})"
                section = s.section.name if s.section else "auto"
                self.stdout.write(
                    f"{s.pk:>4}  {str(s)[:40]:40} {s.mode:8} {section:14} {s.last_status or '-'!s:>4}  {state}"
                )
        elif action == "remove":
            commands.remove_source(options["id"])
            self.stdout.write(f"Removed source {options['id']}.")
        elif action == "check":
            for row in commands.check_source(options["id"]):
                self.stdout.write(f"{row['action']:15} {row['title'][:70]}  <{row['url']}>")
        elif action == "import-opml":
            created = commands.import_opml(options["file"], section=options["section"])
            self.stdout.write(f"Added {len(created)} sources.")
        elif action == "export-opml":
            self.stdout.write(commands.export_opml(), ending="")
