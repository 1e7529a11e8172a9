"""markup_cost.py without a database: which markup is refused before sanitising, and how fast."""

from __future__ import annotations

import contextlib
import time

import pytest

from broadsheet.core.markup_cost import (
    MAX_HTML_CHARS,
    MAX_HTML_DEPTH,
    MAX_HTML_ELEMENTS,
    MAX_OPEN_FORMATTING,
    MarkupTooComplex,
    check_markup,
    check_sanitised,
)
from broadsheet.core.sanitize import sanitize_html


def nested_b(n: int) -> str:
    return "".join(f'<b class="c{i}">' for i in range(n)) + "deep"


def leaked_b(n: int, title: str = "", blocks: int = 50) -> str:
    """Each <b> is closed by its <div> but stays on the parser's list of formatting elements,
    to be rebuilt (attributes and all) in every later block."""
    attribute = f' title="{title}"' if title else ""
    return "".join(f'<div><b class="c{i}"{attribute}></div>' for i in range(n)) + "<p>x</p>" * blocks


PAYLOAD = nested_b(2 * MAX_HTML_DEPTH)

REFUSED = {
    "40,000 nested <b class>": nested_b(40_000),
    "20,000 nested <div>": "<div>" * 20_000 + "x",
    "stray end tags do not lower the count": "".join(f'<b class="c{i}"></i>' for i in range(5_000)),
    "formatting left open by a closing block": leaked_b(5_000),
    "nested lists": "<ul><li>" * 2_000 + "x",
    "nested tables": "<table><tr><td>" * 1_000 + "x",
    "unclosed <font>, identical": '<font size="2">text ' * 5_000,
    "too many elements": "<br>" * (MAX_HTML_ELEMENTS + 1),
    "too long": "x" * (MAX_HTML_CHARS + 1),
    # Places a naive scanner would skip but the HTML5 parser reads as markup:
    "'>' and '<!--' inside a quoted attribute": '<b title="x><!--">' + PAYLOAD + "-->",
    "comment ended by --!>": "<!-- a --!>" + PAYLOAD + "-->",
    "empty comment <!-->": "<!-->" + PAYLOAD + "-->",
    "<style> inside SVG is markup": "<svg><style>" + PAYLOAD + "</style></svg>",
    "CDATA inside SVG": "<svg><![CDATA[<!--]]>" + PAYLOAD + "-->",
    "end tag spelled </SCRIPT>": "<script>x</SCRIPT>" + PAYLOAD,
    "long attributes rebuilt in every block": leaked_b(15, title="x" * 10_000, blocks=2_000),
    "rebuilt after text, not only tags": leaked_b(15, title="x" * 1_000) + "t<br>" * 10_000,
}

ALLOWED = {
    "an ordinary article": "<p>A <a href='/x'>link</a>, <em>emphasis</em>.</p>" * 500,
    "unclosed <p> and <b> of sloppy HTML": "<p>para <b>bold" * 3_000,
    "unclosed <li>": "<ul>" + "<li>item <b>x</b>" * 4_000 + "</ul>",
    "unclosed cells": "<table>" + "<tr><td>a<td>b<td>c" * 2_000 + "</table>",
    "unclosed <a>: each closes the one before": "".join(f'<a href="/{i}">link {i} ' for i in range(3_000)),
    "sixty levels of real nesting": "<div><blockquote>" * 30 + "x" + "</blockquote></div>" * 30,
    "tags inside script and comments are text": "<script>"
    + "<b>" * 5_000
    + "</script><!--"
    + "<i>" * 5_000
    + "-->",
    "a tag left open at the end": "<p>x</p>" + "<a " * 100_000,
    "a lone <": "1 < 2 " * 100_000,
    "old-style <font> around every paragraph": '<p><font face="Verdana, Arial" size="2">text' * 1_000,
    "a closed <font> around the whole text": '<font face="Verdana, Arial" size="2">'
    + "<p>A paragraph, <i>some</i> words.</p>" * 5_000
    + "</font>",
}


@pytest.mark.parametrize("markup", REFUSED.values(), ids=REFUSED.keys())
def test_markup_the_sanitiser_cannot_do_quickly_is_refused(markup):
    started = time.process_time()
    with pytest.raises(MarkupTooComplex):
        check_markup(markup)
    assert time.process_time() - started < 2  # one linear pass, however hostile


@pytest.mark.parametrize("markup", ALLOWED.values(), ids=ALLOWED.keys())
def test_ordinary_and_sloppy_markup_passes(markup):
    check_markup(markup)


@pytest.mark.parametrize(
    "markup",
    [
        nested_b(MAX_OPEN_FORMATTING - 1) + "<p>t</p>" * (MAX_HTML_ELEMENTS - MAX_OPEN_FORMATTING),
        leaked_b(MAX_OPEN_FORMATTING - 1) + "<div>t</div>" * 3_000,
        ("<div>" * (MAX_HTML_DEPTH - 1) + "x" + "</div>" * (MAX_HTML_DEPTH - 1)) * 70,
        "".join(f'<b class="c{i}"><div></b>' for i in range(MAX_HTML_ELEMENTS // 2 - 1)),
    ],
    ids=["formatting at the limit", "leaked formatting at the limit", "depth at the limit", "misnested"],
)
def test_what_passes_is_sanitised_in_bounded_time(markup):
    check_markup(markup)
    started = time.process_time()
    with contextlib.suppress(MarkupTooComplex):  # the output cap may refuse it; it was quick
        check_sanitised(sanitize_html(markup))
    # 40,000 nested <b class> took 38 s of CPU before; the worst that passes now takes ~0.2 s.
    assert time.process_time() - started < 5


@pytest.mark.parametrize(
    "markup",
    [nested_b(40_000), leaked_b(5_000), leaked_b(15, title="x" * 10_000, blocks=2_000)],
    ids=["nested", "leaked", "rebuilt attributes"],
)
def test_sanitize_html_itself_refuses_it_before_parsing(markup):
    # Every caller is covered, not only those that remember to check. Before, nested took 38 s
    # of CPU, and rebuilt attributes (175 KB in) 300 MB out and 625 MB of memory.
    started = time.process_time()
    with pytest.raises(MarkupTooComplex):
        sanitize_html(markup)
    assert time.process_time() - started < 5


def test_the_refusal_is_a_value_error():
    # Callers that treat bad input as ValueError (an import item, an ingest entry) skip it.
    assert issubclass(MarkupTooComplex, ValueError)
