"""Tables and progress for management commands: one way to print them, whoever prints.

On a terminal they are drawn with rich; piped or captured output gets plain lines a script (or
a test) can read: aligned columns with no colour or box drawing, one line per step.
"""

from __future__ import annotations

import contextlib
import logging
import sys
import textwrap
from collections.abc import Callable, Collection, Iterator, Sequence
from typing import Any, TextIO


def raw(out: Any) -> TextIO:
    """The stream under a management command's OutputWrapper (which adds a newline to every
    write, so rich must not write through it)."""
    return getattr(out, "_out", out)


def is_terminal(out: Any) -> bool:
    return bool(getattr(raw(out), "isatty", lambda: False)())


def shorten(text: str, width: int) -> str:
    """At most `width` characters, cut at a word boundary with an ellipsis (never mid-word;
    a first word longer than `width` is the one thing cut, as nothing else would show)."""
    if len(text) <= width:
        return text
    cut = textwrap.shorten(text, width, placeholder=" …")
    return cut if cut != "…" else text[: width - 1] + "…"


def table(
    out: Any,
    title: str,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    empty: str = "",
    numeric: Collection[str] = (),
) -> None:
    """`rows` under `header`; `empty` is printed instead when there are none. Columns named
    in `numeric` are right-aligned on a terminal."""
    stream = raw(out)
    if not rows:
        if empty:
            stream.write(empty + "\n")
        return
    if is_terminal(stream):
        from rich.console import Console
        from rich.table import Table

        drawn = Table(title=title, title_justify="left")
        for name in header:
            drawn.add_column(name, justify="right" if name in numeric else "left", overflow="fold")
        for row in rows:
            drawn.add_row(*row)
        Console(file=stream).print(drawn)
        return
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    stream.write("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip() + "\n")
    for row in rows:
        stream.write("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() + "\n")


@contextlib.contextmanager
def progress(out: Any, label: str, *, lines: bool = True) -> Iterator[Callable[[int, int | None, str], None]]:
    """Yield `update(done, total, description)`: a rich bar on a terminal (gone when done);
    otherwise, with `lines`, one `[done/total] description` line per update, or nothing."""
    stream = raw(out)
    if not is_terminal(stream):

        def line(done: int, total: int | None, description: str) -> None:
            if lines:
                stream.write(f"[{done}/{total}] {description}\n")
                stream.flush()

        yield line
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with (
        Progress(
            TextColumn(label),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.description}"),
            console=Console(file=stream),
            transient=True,
        ) as bar,
        _logs_above(bar.console),
    ):
        task = bar.add_task("", total=None)

        def update(done: int, total: int | None, description: str) -> None:
            bar.update(task, completed=done, total=total, description=description[:40])

        yield update


class _ConsoleStream:
    """A file-like object printing whole lines through a rich Console, so they land above a
    live progress bar instead of through it."""

    def __init__(self, console: Any) -> None:
        self.console = console
        self.pending = ""

    def write(self, text: str) -> int:
        lines = (self.pending + text).split("\n")
        self.pending = lines.pop()
        for line in lines:
            self.console.print(line, markup=False, highlight=False, emoji=False, soft_wrap=True)
        return len(text)

    def flush(self) -> None:
        if self.pending:
            self.write("\n")


@contextlib.contextmanager
def _logs_above(console: Any) -> Iterator[None]:
    """While a bar is live, log handlers writing to the terminal write through its console.

    The logging handlers hold the real stderr (or stdout) from before the bar started, so rich's
    own redirection of sys.stderr never sees their lines, which then tear the bar apart."""
    through = _ConsoleStream(console)
    swapped: list[tuple[logging.StreamHandler[Any], Any]] = []
    loggers = [logging.getLogger(), *(logging.getLogger(name) for name in logging.root.manager.loggerDict)]
    terminal = (sys.__stderr__, sys.__stdout__, sys.stderr, sys.stdout)
    for logger in loggers:
        for handler in getattr(logger, "handlers", []):
            writes_to_terminal = isinstance(handler, logging.StreamHandler) and not isinstance(
                handler, logging.FileHandler
            )
            if writes_to_terminal and getattr(handler, "stream", None) in terminal:
                swapped.append((handler, handler.setStream(through)))
    try:
        yield
    finally:
        for handler, old in swapped:
            handler.setStream(old)
        through.flush()
