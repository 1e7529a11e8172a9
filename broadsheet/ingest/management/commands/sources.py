"""`broadsheet sources add|list|remove|check|reextract|import-opml|export-opml` (also `manage.py sources`).

The work is in `broadsheet.ingest.commands`; this parses arguments and prints (core.console).
"""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from broadsheet.core import console
from broadsheet.core.argtypes import positive_int
from broadsheet.ingest.models import Source

source_id = partial(positive_int, what="a source id, a positive integer")


class Command(BaseCommand):
    help = "manage the feeds the site aggregates"

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
        add = actions.add_parser("add", help="add a feed, or a web page that links to its feed")
        add.add_argument("url", help="feed URL (RSS, Atom, JSON Feed) or a page announcing one")
        add.add_argument("--section", help="file every story here (default: by the entry's categories)")
        add.add_argument(
            "--mode", choices=Source.Mode.values, default="excerpt", help="excerpt (default) or full text"
        )
        add.add_argument("--name", help="the publisher's name shown in credits (default: the feed's title)")
        add.add_argument(
            "--images",
            choices=Source.Images.values,
            default=Source.Images.LINK,
            help="lead images: none, link (default: shown from the publisher's site) or copy "
            "(into the media library; only for sources you are licensed to republish)",
        )
        actions.add_parser("list", help="every source with its schedule and health")
        remove = actions.add_parser("remove", help="remove a source (its published stories stay)")
        remove.add_argument("id", type=source_id)
        check = actions.add_parser("check", help="fetch a source now and show what would be imported")
        check.add_argument("id", type=source_id)
        reextract = actions.add_parser(
            "reextract",
            help="fetch a full-text source's recent stories again and rebuild them with its rules",
        )
        reextract.add_argument("id", type=source_id)
        reextract.add_argument(
            "--limit",
            type=partial(positive_int, what="a number of stories, a positive integer"),
            default=100,
            help="newest stories to re-extract (default 100, at most 2000)",
        )
        opml_in = actions.add_parser("import-opml", help="add every feed listed in an OPML file")
        opml_in.add_argument("file")
        opml_in.add_argument("--section", help="file the imported sources' stories here")
        actions.add_parser("export-opml", help="write every source as OPML to standard output")

    def handle(self, *args: Any, **options: Any) -> None:
        from broadsheet.ingest.errors import FAILURES, BadInputError, BlockedURLError

        try:
            self._handle(options)
        except (BadInputError, BlockedURLError) as exc:  # the operator's input: exit 2
            raise CommandError(str(exc), returncode=2) from exc
        except FAILURES as exc:
            raise CommandError(str(exc)) from exc

    def _handle(self, options: dict[str, Any]) -> None:
        from broadsheet.ingest import commands

        action = options["action"]
        if action == "add":
            source = commands.add_source(
                options["url"],
                section=options["section"],
                mode=options["mode"],
                name=options["name"],
                images=options["images"],
            )
            section = source.section.name if source.section else "auto"
            self.stdout.write(
                f"Added source {source.pk}: {source} <{source.feed_url}> (section {section}, {source.mode})"
            )
        elif action == "list":
            self._list()
        elif action == "remove":
            commands.remove_source(options["id"])
            self.stdout.write(f"Removed source {options['id']}; its stories stay on the site.")
        elif action == "check":
            rows = commands.check_source(options["id"])
            console.table(
                self.stdout,
                "What a run would do now",
                ["action", "title", "url"],
                [[r["action"], console.shorten(r["title"], 70), r["url"]] for r in rows],
                empty="The feed has no entries.",
            )
        elif action == "reextract":
            report = commands.reextract(options["id"], limit=options["limit"])
            self.stdout.write(f"Re-extracted source {options['id']}: {report.summary()}")
            for problem in report.problems[:10]:
                self.stderr.write(f"  {problem}")
        elif action == "import-opml":
            created = commands.import_opml(options["file"], section=options["section"])
            self.stdout.write(
                f"Added {len(created)} source{'s' if len(created) != 1 else ''} from {options['file']}"
            )
        elif action == "export-opml":
            self.stdout.write(commands.export_opml(), ending="")

    def _list(self) -> None:
        from broadsheet.ingest import commands

        rows = []
        for s in commands.list_sources():
            status = str(s.last_status) if s.last_status else "-"
            if s.error_kind == Source.ErrorKind.BLOCKED and s.error_count:
                status += f" ({s.get_error_kind_display()})"
            elif s.last_error and s.error_count:
                status += f" ({console.shorten(s.last_error.splitlines()[0], 40)})"
            rows.append(
                [
                    str(s.pk),
                    console.shorten(str(s), 40),
                    s.section.name if s.section else "auto",
                    s.mode,
                    "yes" if s.enabled else "no",
                    _when(s.next_check_at) if s.enabled else console.shorten(s.disabled_reason, 30) or "-",
                    status,
                    str(s.error_count),
                ]
            )
        console.table(
            self.stdout,
            "Sources",
            ["id", "name", "section", "mode", "enabled", "next check", "last status", "errors"],
            rows,
            empty="No sources yet: add one with `broadsheet sources add URL`.",
            numeric={"id", "errors"},
        )


def _when(value: dt.datetime | None) -> str:
    if value is None:
        return "-"
    from django.utils import timezone

    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
