"""`broadsheet media cleanup|renditions` (also `manage.py media ...`): the library's upkeep by hand."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "the media library: clean up orphans, make missing renditions"

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
        actions.add_parser(
            "cleanup", help="delete orphaned rendition files and long-unused images nothing refers to"
        )
        actions.add_parser("renditions", help="make every image's missing or stale renditions now")

    def handle(self, *args: Any, **options: Any) -> None:
        from broadsheet.media import cleanup, renditions
        from broadsheet.media.models import Image

        if options["action"] == "cleanup":
            counts = cleanup.clean_up()
            self.stdout.write(
                f"Deleted {counts['images']} unused images and {counts['rendition_files']} orphaned rendition files"
            )
            return
        made = sum(renditions.ensure(pk) for pk in Image.objects.values_list("pk", flat=True).iterator())
        self.stdout.write(f"Made {made} rendition files")
