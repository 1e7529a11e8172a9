"""core.console: plain lines for pipes and logs, rich on a terminal."""

from __future__ import annotations

import io

from broadsheet.core import console


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_plain_output_is_one_line_per_step_and_an_aligned_table() -> None:
    out = io.StringIO()
    with console.progress(out, "polling") as progress:
        progress(1, 2, "Gazette")
        progress(2, 2, "Courier")
    console.table(out, "t", ["source", "new"], [["Gazette", "2"], ["Courier", "10"]])
    assert out.getvalue().splitlines() == [
        "[1/2] Gazette",
        "[2/2] Courier",
        "source   new",
        "Gazette  2",
        "Courier  10",
    ]


def test_plain_progress_can_stay_quiet_and_an_empty_table_says_so() -> None:
    out = io.StringIO()
    with console.progress(out, "importing", lines=False) as progress:
        progress(1, 2, "")
    console.table(out, "t", ["source"], [], empty="Nothing yet.")
    assert out.getvalue() == "Nothing yet.\n"


def test_terminal_gets_rich_tables_and_a_transient_bar() -> None:
    out = Terminal()
    with console.progress(out, "polling") as progress:
        progress(1, 1, "Gazette")
    console.table(out, "Ingest", ["source", "new"], [["Gazette", "2"]], numeric={"new"})
    text = out.getvalue()
    assert "Ingest" in text and "Gazette" in text
