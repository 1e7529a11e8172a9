"""`broadsheet sources …` and `broadsheet ingest`: the operator's view of feed aggregation.

The work itself is in `broadsheet.ingest.commands`; this module only parses arguments and
draws tables and a progress bar. On a terminal they are drawn with rich when it is importable
(requirements.lock has it, through import-linter, but it is not a runtime dependency of ours),
else with a plain `\r`-updated bar; piped output gets plain lines a script can read.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable, Sequence
from typing import Any, TextIO

from broadsheet.cli.errors import CliError

MODES = ("excerpt", "full")


def _source_id(raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a source id, a positive integer (got {raw!r})") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a source id, a positive integer (got {raw})")
    return value


def add_parsers(commands: Any) -> None:
    """Register `sources` and `ingest` on the top-level subparsers (`commands`)."""
    sources = commands.add_parser("sources", help="manage the feeds the site aggregates")
    actions = sources.add_subparsers(dest="sources_command", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="add a feed, or a web page that links to its feed")
    add.add_argument("url", help="feed URL (RSS, Atom, JSON Feed) or a page announcing one")
    add.add_argument("--section", help="file every story here (default: by the entry's categories)")
    add.add_argument("--mode", choices=MODES, default="excerpt", help="excerpt (default) or full text")
    add.add_argument("--name", help="the publisher's name shown in credits (default: the feed's title)")
    actions.add_parser("list", help="every source with its schedule and health")
    remove = actions.add_parser("remove", help="remove a source (its published stories stay)")
    remove.add_argument("id", type=_source_id)
    check = actions.add_parser("check", help="fetch a source now and show what would be imported")
    check.add_argument("id", type=_source_id)
    opml_in = actions.add_parser("import-opml", help="add every feed listed in an OPML file")
    opml_in.add_argument("file")
    opml_in.add_argument("--section", help="file the imported sources' stories here")
    actions.add_parser("export-opml", help="write every source as OPML to standard output")

    commands.add_parser("ingest", help="poll every due source once, now, and summarise")


def dispatch(args: argparse.Namespace, out: TextIO | None = None) -> int:
    """Run `sources …` or `ingest`; an ingest error becomes a CliError (one line, exit 1)."""
    from broadsheet.ingest.errors import IngestError

    out = out or sys.stdout
    try:
        if args.command == "ingest":
            return ingest(out)
        return _sources(args, out)
    except IngestError as exc:
        raise CliError(str(exc)) from exc


def _sources(args: argparse.Namespace, out: TextIO) -> int:
    from broadsheet.ingest import commands

    action = args.sources_command
    if action == "add":
        source = commands.add_source(args.url, section=args.section, mode=args.mode, name=args.name)
        section = source.section.name if source.section else "auto"
        out.write(
            f"Added source {source.pk}: {source} <{source.feed_url}> (section {section}, {source.mode})\n"
        )
    elif action == "list":
        list_sources(out)
    elif action == "remove":
        commands.remove_source(args.id)
        out.write(f"Removed source {args.id}; its stories stay on the site.\n")
    elif action == "check":
        rows = commands.check_source(args.id)
        _table(
            out,
            "What a run would do now",
            ["action", "title", "url"],
            [[r["action"], r["title"][:70], r["url"]] for r in rows],
            empty="The feed has no entries.",
        )
    elif action == "import-opml":
        created = commands.import_opml(args.file, section=args.section)
        out.write(f"Added {len(created)} source{'s' if len(created) != 1 else ''} from {args.file}\n")
    elif action == "export-opml":
        out.write(commands.export_opml())
    else:
        raise CliError(f"unknown sources action {action!r}")
    return 0


def _when(value: dt.datetime | None) -> str:
    if value is None:
        return "-"
    from django.utils import timezone

    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def list_sources(out: TextIO) -> None:
    from broadsheet.ingest import commands

    rows = []
    for s in commands.list_sources():
        status = str(s.last_status) if s.last_status else "-"
        if s.last_error and s.error_count:
            status += f" ({s.last_error.splitlines()[0][:40]})"
        rows.append(
            [
                str(s.pk),
                str(s)[:40],
                s.section.name if s.section else "auto",
                s.mode,
                "yes" if s.enabled else "no",
                _when(s.next_check_at) if s.enabled else s.disabled_reason[:30] or "-",
                status,
                str(s.error_count),
            ]
        )
    _table(
        out,
        "Sources",
        ["id", "name", "section", "mode", "enabled", "next check", "last status", "errors"],
        rows,
        empty="No sources yet: add one with `broadsheet sources add URL`.",
    )


def ingest(out: TextIO) -> int:
    from broadsheet.ingest.commands import ingest_due

    with _progress(out) as progress:
        reports = ingest_due(progress=progress)
    if not reports:
        out.write("No source is due.\n")
        return 0
    rows = []
    for r in reports:
        state = "not modified" if r.not_modified else ("ok" if r.ok else "; ".join(r.messages)[:60])
        if r.deferred:  # the entry cap or the time budget cut the poll; the rest come soon
            state += f", {r.deferred} left for the next poll"
        rows.append([r.source_name[:40], str(r.new), str(r.updated), str(r.duplicates), str(r.errors), state])
    _table(out, "Ingest", ["source", "new", "updated", "duplicates", "errors", "status"], rows)
    # A failing source is recorded on it and does not fail the run (see `sources list`).
    return 0


# --- Output ---------------------------------------------------------------------------------
def _is_terminal(out: TextIO) -> bool:
    return bool(getattr(out, "isatty", lambda: False)())


def _has_rich() -> bool:
    try:
        import rich  # noqa: F401
    except ImportError:
        return False
    return True


def _table(out: TextIO, title: str, header: Sequence[str], rows: list[list[str]], *, empty: str = "") -> None:
    if not rows:
        if empty:
            out.write(empty + "\n")
        return
    if _is_terminal(out) and _has_rich():
        from rich.console import Console
        from rich.table import Table

        table = Table(title=title, title_justify="left")
        numeric = {"id", "new", "updated", "duplicates", "errors"}
        for name in header:
            table.add_column(name, justify="right" if name in numeric else "left", overflow="fold")
        for row in rows:
            table.add_row(*row)
        Console(file=out).print(table)
        return
    # Plain, aligned columns for pipes and logs (and tests): no colour codes, no box drawing.
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    out.write("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip() + "\n")
    for row in rows:
        out.write("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() + "\n")


BAR_WIDTH = 30


class _progress:
    """A context manager yielding `progress(done, total, report)` for ingest_due: a bar on a
    terminal (rich's, or a plain one redrawn in place), one line per source otherwise."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.terminal = _is_terminal(out)
        self.bar: Any = None
        self.task_id: Any = None

    def __enter__(self) -> Callable[[int, int, Any], None]:
        if self.terminal and _has_rich():
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            self.bar = Progress(
                TextColumn("polling"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.description}"),
                console=Console(file=self.out),
                transient=True,
            )
            self.bar.start()
        return self.update

    def update(self, done: int, total: int, report: Any) -> None:
        if self.bar is None and self.terminal:
            filled = BAR_WIDTH * done // max(total, 1)
            bar = "#" * filled + "-" * (BAR_WIDTH - filled)
            self.out.write(f"\rpolling [{bar}] {done}/{total} {report.source_name[:40]:40}")
            self.out.flush()
            return
        if self.bar is None:
            self.out.write(f"[{done}/{total}] {report.source_name}\n")
            self.out.flush()
            return
        if self.task_id is None:
            self.task_id = self.bar.add_task("", total=total)
        self.bar.update(self.task_id, completed=done, description=report.source_name[:40])

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()
        elif self.terminal:
            self.out.write("\r" + " " * (BAR_WIDTH + 60) + "\r")
            self.out.flush()
