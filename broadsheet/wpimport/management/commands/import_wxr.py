"""`broadsheet import-wxr FILE [--dry-run] [--no-attachments]`: move a WordPress site in, with a
progress bar and a summary. Images are fetched into the media library unless --no-attachments.

The work is in `broadsheet.wpimport`; this command parses arguments and draws: with rich on a
terminal (core.console), as plain lines a script can read otherwise.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError, CommandParser

from broadsheet.core import console

# A WXR file bigger than this is refused before reading (exports of big sites are split).
MAX_FILE_BYTES = 512 * 1024 * 1024


def _read(name: str) -> bytes:
    path = Path(name)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise CommandError(f"{name}: {size:,} bytes is more than the {MAX_FILE_BYTES:,} an import reads")
        return path.read_bytes()
    except OSError as exc:
        raise CommandError(f"cannot read {name}: {exc.strerror or exc}") from None


def render_summary(report: Any, out: TextIO) -> None:
    """The summary as plain text: counts per kind, then warnings grouped with examples."""
    heading = "Dry run: nothing was written." if report.dry_run else "Import finished."
    lines = [heading, f"{'':12}{'created':>9}{'updated':>9}{'unchanged':>11}{'skipped':>9}"]
    for kind, created, updated, unchanged, skipped in report.rows():
        lines.append(f"{kind:12}{created:>9}{updated:>9}{unchanged:>11}{skipped:>9}")
    if report.permalink_structures:
        lines.append("Old permalinks kept (structure: posts):")
        lines.extend(f"  {s}: {n}" for s, n in report.permalink_structures.most_common())
    grouped = report.grouped_warnings()
    lines.append(f"Warnings: {sum(n for _, n, _ in grouped)}" if grouped else "Warnings: none")
    for reason, count, examples in grouped:
        lines.append(f"  {count:>4} × {reason}")
        lines.extend(f"         e.g. {example}" for example in examples)
    out.write("\n".join(lines) + "\n")


def _render_rich(report: Any, out: TextIO) -> None:
    from rich.console import Console
    from rich.table import Table

    screen = Console(file=out)
    title = "Dry run: nothing was written" if report.dry_run else "WordPress import"
    table = Table(title=title)
    for column in ("kind", "created", "updated", "unchanged", "skipped"):
        table.add_column(column, justify="left" if column == "kind" else "right")
    for kind, *numbers in report.rows():
        table.add_row(kind, *(str(n) for n in numbers))
    screen.print(table)
    if report.permalink_structures:
        screen.print("Old permalinks kept (structure: posts):")
        for structure, n in report.permalink_structures.most_common():
            screen.print(f"  {structure}: {n}", markup=False)
    grouped = report.grouped_warnings()
    if not grouped:
        screen.print("Warnings: none")
        return
    warnings = Table(title="Warnings")
    warnings.add_column("count", justify="right")
    warnings.add_column("reason")
    warnings.add_column("first examples")
    for reason, count, examples in grouped:
        warnings.add_row(str(count), reason, "\n".join(examples))
    screen.print(warnings)


class Command(BaseCommand):
    help = "import a WordPress export (WXR file); safe to run again"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the .xml file from WordPress's Tools → Export")
        parser.add_argument("--dry-run", action="store_true", help="read and report, write nothing")
        parser.add_argument(
            "--no-attachments",
            action="store_true",
            help="keep images at their WordPress URLs instead of fetching them into the media library",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from broadsheet.wpimport.errors import WpImportError
        from broadsheet.wpimport.importer import import_wxr

        out = console.raw(self.stdout)
        data = _read(options["file"])
        try:
            with console.progress(out, "importing", lines=False) as progress:
                report = import_wxr(
                    data,
                    dry_run=options["dry_run"],
                    progress=lambda done, total: progress(done, total, ""),
                    attachments=not options["no_attachments"],
                )
        except WpImportError as exc:
            raise CommandError(f"{options['file']}: {exc}") from None
        if console.is_terminal(out):
            _render_rich(report, out)
        else:
            render_summary(report, out)
