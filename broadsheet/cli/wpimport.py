"""`broadsheet import-wxr FILE [--dry-run]`: move a WordPress site in, with a progress bar and a summary.

The work is in `broadsheet.wpimport`; this module parses arguments and draws. On a terminal
the bar and tables are drawn with rich when it is importable (requirements.lock has it), else
as plain lines a script can read.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TextIO

from broadsheet.cli.errors import CliError

# A WXR file bigger than this is refused before reading (exports of big sites are split).
MAX_FILE_BYTES = 512 * 1024 * 1024


def add_parsers(commands: Any) -> None:
    wxr = commands.add_parser("import-wxr", help="import a WordPress export (WXR file); safe to run again")
    wxr.add_argument("file", help="the .xml file from WordPress's Tools → Export")
    wxr.add_argument("--dry-run", action="store_true", help="read and report, write nothing")


def _read(name: str) -> bytes:
    path = Path(name)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise CliError(f"{name}: {size:,} bytes is more than the {MAX_FILE_BYTES:,} an import reads")
        return path.read_bytes()
    except OSError as exc:
        raise CliError(f"cannot read {name}: {exc.strerror or exc}") from None


@contextlib.contextmanager
def _progress(out: TextIO) -> Iterator[Callable[[int, int], None]]:
    if not out.isatty():
        yield lambda done, total: None
        return
    try:
        from rich.progress import Progress
    except ImportError:

        def plain(done: int, total: int) -> None:
            out.write(f"\r  importing {done:,}/{total:,}")
            if done == total:
                out.write("\n")
            out.flush()

        yield plain
        return
    with Progress(transient=True) as bar:
        task = bar.add_task("Importing", total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


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


def _render_rich(report: Any, out: TextIO) -> bool:
    try:
        from rich.console import Console
        from rich.table import Table
    except ImportError:
        return False
    console = Console(file=out)
    title = "Dry run: nothing was written" if report.dry_run else "WordPress import"
    table = Table(title=title)
    for column in ("kind", "created", "updated", "unchanged", "skipped"):
        table.add_column(column, justify="left" if column == "kind" else "right")
    for kind, *numbers in report.rows():
        table.add_row(kind, *(str(n) for n in numbers))
    console.print(table)
    if report.permalink_structures:
        console.print("Old permalinks kept (structure: posts):")
        for structure, n in report.permalink_structures.most_common():
            console.print(f"  {structure}: {n}", markup=False)
    grouped = report.grouped_warnings()
    if not grouped:
        console.print("Warnings: none")
        return True
    warnings = Table(title="Warnings")
    warnings.add_column("count", justify="right")
    warnings.add_column("reason")
    warnings.add_column("first examples")
    for reason, count, examples in grouped:
        warnings.add_row(str(count), reason, "\n".join(examples))
    console.print(warnings)
    return True


def dispatch(args: argparse.Namespace, out: TextIO | None = None) -> int:
    from broadsheet.wpimport.errors import WpImportError
    from broadsheet.wpimport.importer import import_wxr

    out = out or sys.stdout
    data = _read(args.file)
    try:
        with _progress(out) as progress:
            report = import_wxr(data, dry_run=args.dry_run, progress=progress)
    except WpImportError as exc:
        raise CliError(f"{args.file}: {exc}") from None
    if not (out.isatty() and _render_rich(report, out)):
        render_summary(report, out)
    return 0
