"""What sanitising a piece of HTML may cost: refuse markup the HTML5 parser cannot do quickly.

nh3's HTML5 parser (html5ever) does work proportional to the depth of its open-element stack
and its list of active formatting elements for every element it reads, so 40,000 nested
`<b class=…>` cost 38 s of CPU, and 5,000 `<div><b class=…></div>` (140 KB) make it rebuild
every unclosed `<b>` in each later block: 14 s and 12.5 million elements out. `check_markup`
estimates both with one linear scan; `core.sanitize.sanitize_html` calls it before nh3, so no
caller (ingest, the API, the admin, the WordPress import) can forget it.
"""

from __future__ import annotations

import re
from collections import Counter


class MarkupTooComplex(ValueError):
    """HTML too big, too deep or too badly nested to sanitise in bounded time."""


MAX_HTML_CHARS = 2_000_000  # characters of one entry's HTML, before and after sanitising
MAX_HTML_ELEMENTS = 20_000  # start tags in one entry's HTML
MAX_HTML_DEPTH = 256  # open elements at once (libxml2's own default, which extraction lives with)
MAX_OPEN_FORMATTING = 16  # <b>, <i>, <font>… opened and never closed by their own end tag
NOAHS_ARK = 3  # the HTML5 parser keeps at most this many identical formatting elements

# One tag, read as the HTML5 tokenizer reads it: a quoted attribute value may hold ">" (and
# "<!--"), an attribute name may start with "=", and "/" between attributes is ignored.
# Possessive quantifiers: a tag left open at the end fails in one pass, never by backtracking.
_TAG_RE = re.compile(
    r"""<(/?)([A-Za-z][^\t\n\f\r />]*+)
    ((?:[\t\n\f\r /]++
      |(?:=|[^\t\n\f\r />=])[^\t\n\f\r />=]*+
       (?:[\t\n\f\r ]*+=[\t\n\f\r ]*+(?:"[^"]*+"|'[^']*+'|[^\t\n\f\r >]*+))?+
    )*+)>""",
    re.VERBOSE,
)
_COMMENT_ENDS = ("-->", "--!>")
_MARKUP_RE = re.compile(r"<[A-Za-z/!]")  # where a tag or comment may start; other "<" are text
# Their content is text to the parser, up to their own end tag (outside SVG and MathML).
RAW_TEXT = frozenset(["script", "style", "xmp", "iframe", "noembed", "noframes", "textarea", "title"])
_RAW_TEXT_END = {name: re.compile(f"</{name}", re.IGNORECASE) for name in RAW_TEXT}
FOREIGN = frozenset({"svg", "math"})
VOID = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "keygen",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
        "frame",
    ]
)
# Start tags that close an open element implicitly, as the HTML5 parser does: (names closed,
# names that stop the search). Sloppy HTML leaves thousands of <p> and <li> "open"; without
# this they would count as depth, and the <b> inside each <p> would never be closed.
_SCOPE = frozenset(["applet", "caption", "html", "table", "td", "th", "marquee", "object", "template"])
_CLOSES_P = (frozenset({"p"}), _SCOPE | {"button"})
_BLOCKS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "center",
        "details",
        "dialog",
        "dir",
        "div",
        "dl",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hgroup",
        "hr",
        "main",
        "menu",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "ul",
    ]
)
IMPLIED_END: dict[str, tuple[tuple[frozenset[str], frozenset[str]], ...]] = {
    **{name: (_CLOSES_P,) for name in _BLOCKS},
    "li": ((frozenset({"li"}), _SCOPE | {"ul", "ol"}), _CLOSES_P),
    "dd": ((frozenset({"dd", "dt"}), _SCOPE | {"dl"}), _CLOSES_P),
    "dt": ((frozenset({"dd", "dt"}), _SCOPE | {"dl"}), _CLOSES_P),
    "option": ((frozenset({"option"}), _SCOPE | {"select"}),),
    "optgroup": ((frozenset({"option", "optgroup"}), _SCOPE | {"select"}),),
    "tr": ((frozenset({"tr"}), frozenset({"table", "html", "template"})),),
    "td": ((frozenset({"td", "th"}), frozenset({"table", "tr", "html", "template"})),),
    "th": ((frozenset({"td", "th"}), frozenset({"table", "tr", "html", "template"})),),
    **{
        name: ((frozenset({"thead", "tbody", "tfoot"}), frozenset({"table", "html"})),)
        for name in ("thead", "tbody", "tfoot")
    },
    **{
        name: ((frozenset({"rb", "rt", "rp", "rtc"}), frozenset({"ruby", "html"})),)
        for name in ("rb", "rt", "rp", "rtc")
    },
}
FORMATTING = frozenset(
    ["a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike", "strong", "tt", "u"]
)
SELF_CLOSING_FORMATTING = frozenset({"a", "nobr"})


def check_markup(fragment: str) -> None:
    """Raise MarkupTooComplex when `fragment` is too big, too deep or leaves too many formatting
    elements open to sanitise in bounded time. One pass; the stack never exceeds its limit."""
    if len(fragment) > MAX_HTML_CHARS:
        raise MarkupTooComplex(f"HTML of {len(fragment):,} characters is over {MAX_HTML_CHARS:,}")
    elements = 0
    stack: list[str] = []
    in_stack: Counter[str] = Counter()
    formatting: list[tuple[str, str]] = []  # (name, name and attributes) never closed by name
    identical: Counter[str] = Counter()
    # Inside SVG or MathML, comments, CDATA and <style> follow other rules; from the first one
    # on, nothing is skipped, so the estimate can only come out higher than the parser's.
    foreign = False
    position = _next_markup(fragment, 0)
    while position != -1:
        if not foreign and fragment.startswith("<!--", position):
            ends = [end for end in (fragment.find(e, position + 2) for e in _COMMENT_ENDS) if end != -1]
            if not ends:
                return  # the rest is a comment
            position = _next_markup(fragment, min(ends) + 3)
            continue
        match = _TAG_RE.match(fragment, position)
        if match is None:
            if _starts_tag(fragment, position):
                return  # a tag left open at the end: the parser drops the rest
            position = _next_markup(fragment, position + 1)
            continue
        position = match.end()
        closing, name, attributes = match.group(1), match.group(2).lower(), match.group(3)
        if closing:
            if name in FORMATTING:
                _close_formatting(name, stack, in_stack, formatting, identical)
            else:
                _close_open(name, stack, in_stack)
            position = _next_markup(fragment, position)
            continue
        elements += 1
        if elements > MAX_HTML_ELEMENTS:
            raise MarkupTooComplex(f"HTML with over {MAX_HTML_ELEMENTS:,} elements")
        for closes, boundary in IMPLIED_END.get(name, ()):
            _close_implied(stack, in_stack, closes, boundary)
        if name in SELF_CLOSING_FORMATTING:
            # A second <a> (or <nobr>) closes the first one, wherever it is, first.
            _close_formatting(name, stack, in_stack, formatting, identical)
        if name not in VOID:
            stack.append(name)
            in_stack[name] += 1
            if len(stack) > MAX_HTML_DEPTH:
                raise MarkupTooComplex(f"HTML nested over {MAX_HTML_DEPTH} elements deep")
        if name in FORMATTING:
            key = f"{name} {' '.join(attributes.split())}"
            if identical[key] < NOAHS_ARK:
                identical[key] += 1
                formatting.append((name, key))
                if len(formatting) > MAX_OPEN_FORMATTING:
                    raise MarkupTooComplex(
                        f"HTML leaves over {MAX_OPEN_FORMATTING} formatting elements unclosed"
                    )
        foreign = foreign or name in FOREIGN
        if not foreign and name in RAW_TEXT:
            end = _RAW_TEXT_END[name].search(fragment, position)
            if end is None:
                return  # the rest is text
            position = end.start()
        elif not foreign and name == "plaintext":
            return
        position = _next_markup(fragment, position)


def _next_markup(fragment: str, start: int) -> int:
    match = _MARKUP_RE.search(fragment, start)
    return -1 if match is None else match.start()


def _starts_tag(fragment: str, position: int) -> bool:
    """Whether the "<" at `position` opens a start or end tag (a letter follows "<" or "</")."""
    after = fragment[position + 1 : position + 3]
    return (after[:1].isascii() and after[:1].isalpha()) or (
        after[:1] == "/" and after[1:2].isascii() and after[1:2].isalpha()
    )


def _close_open(name: str, stack: list[str], in_stack: Counter[str]) -> None:
    """Pop to (and including) the innermost open `name`, if one is open."""
    if in_stack[name]:
        while stack:
            popped = stack.pop()
            in_stack[popped] -= 1
            if popped == name:
                return


def _close_formatting(
    name: str,
    stack: list[str],
    in_stack: Counter[str],
    formatting: list[tuple[str, str]],
    identical: Counter[str],
) -> None:
    """Close the latest formatting element called `name`: off the stack and off the list."""
    _close_open(name, stack, in_stack)
    for i in range(len(formatting) - 1, -1, -1):
        if formatting[i][0] == name:
            identical[formatting.pop(i)[1]] -= 1
            return


def _close_implied(
    stack: list[str], in_stack: Counter[str], closes: frozenset[str], boundary: frozenset[str]
) -> None:
    """Pop to (and including) the innermost open element named in `closes`, unless an element
    in `boundary` comes first."""
    if not any(in_stack[name] for name in closes):
        return
    for i in range(len(stack) - 1, -1, -1):
        if stack[i] in closes:
            for popped in stack[i:]:
                in_stack[popped] -= 1
            del stack[i:]
            return
        if stack[i] in boundary:
            return


def check_sanitised(body: str) -> None:
    """The sanitiser's output is bounded too: misnested formatting can multiply elements."""
    if len(body) > MAX_HTML_CHARS:
        raise MarkupTooComplex(f"sanitised HTML of {len(body):,} characters is over {MAX_HTML_CHARS:,}")
