"""What sanitising a piece of HTML may cost: refuse markup the HTML5 parser cannot do quickly.

nh3's HTML5 parser (html5ever) does work proportional to the depth of its open-element stack
and its list of active formatting elements for every element it reads, so 40,000 nested
`<b class=…>` cost 38 s of CPU, and 5,000 `<div><b class=…></div>` (140 KB) make it rebuild
every unclosed `<b>` in each later block: 14 s and 12.5 million elements out. Each rebuilt
element copies its attributes too: 15 such `<b title=…>` of 10,000 characters and 2,000 blocks
(175 KB in) came out as 300 MB, and 60,000-character titles ran the machine out of memory.
`check_markup` estimates all of it with one linear scan; `core.sanitize.sanitize_html` calls it before nh3, so no
caller (ingest, the API, the admin, the WordPress import) can forget it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field


class MarkupTooComplex(ValueError):
    """HTML too big, too deep or too badly nested to sanitise in bounded time."""


MAX_HTML_CHARS = 2_000_000  # characters of HTML in, built by the parser, and out
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


@dataclass(eq=False)
class _Formatting:
    """One entry on the parser's list of active formatting elements."""

    name: str
    key: str  # name and attributes: the parser keeps at most NOAHS_ARK identical ones
    cost: int  # characters the parser builds when it rebuilds it: start tag as written, end tag
    listed: bool = True
    stale: bool = False  # closed by something other than its own end tag, so rebuilt later


@dataclass
class _Scan:
    """The parser's state, as far as cost goes: its open elements and formatting list."""

    built: int = 0  # characters of the input, plus the formatting the parser rebuilds
    elements: int = 0
    stack: list[tuple[str, _Formatting | None]] = field(default_factory=list)
    in_stack: Counter[str] = field(default_factory=Counter)
    formatting: list[_Formatting] = field(default_factory=list)
    identical: Counter[str] = field(default_factory=Counter)
    stale_cost: int = 0

    def rebuild(self) -> None:
        """Text or a start tag: the parser rebuilds every formatting element closed early.
        Counted as if they stayed closed (the parser puts them back until the next block
        closes them), so the estimate can only come out higher than the parser's."""
        if self.stale_cost:
            self.built += self.stale_cost
            if self.built > MAX_HTML_CHARS:
                raise MarkupTooComplex(
                    f"HTML whose unclosed formatting elements the parser rebuilds into over "
                    f"{MAX_HTML_CHARS:,} characters"
                )

    def push(self, name: str, entry: _Formatting | None) -> None:
        self.stack.append((name, entry))
        self.in_stack[name] += 1
        if len(self.stack) > MAX_HTML_DEPTH:
            raise MarkupTooComplex(f"HTML nested over {MAX_HTML_DEPTH} elements deep")

    def pop_from(self, index: int) -> None:
        """Pop the element at `index` and every one above it."""
        for name, entry in self.stack[index:]:
            self.in_stack[name] -= 1
            if entry is not None and entry.listed and not entry.stale:
                entry.stale = True
                self.stale_cost += entry.cost
        del self.stack[index:]

    def close_open(self, name: str) -> None:
        """Pop to (and including) the innermost open `name`, if one is open."""
        if self.in_stack[name]:
            for i in range(len(self.stack) - 1, -1, -1):
                if self.stack[i][0] == name:
                    self.pop_from(i)
                    return

    def close_formatting(self, name: str) -> None:
        """Close the latest formatting element called `name`: off the list and off the stack."""
        for i in range(len(self.formatting) - 1, -1, -1):
            if self.formatting[i].name == name:
                entry = self.formatting.pop(i)
                entry.listed = False
                self.identical[entry.key] -= 1
                if entry.stale:
                    self.stale_cost -= entry.cost
                break
        self.close_open(name)

    def close_implied(self, closes: frozenset[str], boundary: frozenset[str]) -> None:
        """Pop to (and including) the innermost open element named in `closes`, unless an
        element in `boundary` comes first."""
        if not any(self.in_stack[name] for name in closes):
            return
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] in closes:
                self.pop_from(i)
                return
            if self.stack[i][0] in boundary:
                return

    def start(self, name: str, tag: str, attributes: str) -> None:
        self.elements += 1
        if self.elements > MAX_HTML_ELEMENTS:
            raise MarkupTooComplex(f"HTML with over {MAX_HTML_ELEMENTS:,} elements")
        for closes, boundary in IMPLIED_END.get(name, ()):
            self.close_implied(closes, boundary)
        if name in SELF_CLOSING_FORMATTING:
            # A second <a> (or <nobr>) closes the first one, wherever it is, first.
            self.close_formatting(name)
        self.rebuild()
        entry = None
        if name in FORMATTING:
            key = f"{name} {' '.join(attributes.split())}"
            if self.identical[key] < NOAHS_ARK:
                self.identical[key] += 1
                entry = _Formatting(name, key, cost=len(tag) + len(name) + 3)
                self.formatting.append(entry)
                if len(self.formatting) > MAX_OPEN_FORMATTING:
                    raise MarkupTooComplex(
                        f"HTML leaves over {MAX_OPEN_FORMATTING} formatting elements unclosed"
                    )
        if name not in VOID:
            self.push(name, entry)


def check_markup(fragment: str) -> None:
    """Raise MarkupTooComplex when `fragment` is too big, too deep or leaves too many formatting
    elements open to sanitise in bounded time and memory. One pass; the stack never exceeds
    its limit."""
    if len(fragment) > MAX_HTML_CHARS:
        raise MarkupTooComplex(f"HTML of {len(fragment):,} characters is over {MAX_HTML_CHARS:,}")
    scan = _Scan(built=len(fragment))
    # Inside SVG or MathML, comments, CDATA and <style> follow other rules; from the first one
    # on, nothing is skipped, so the estimate can only come out higher than the parser's.
    foreign = False
    position = _next_markup(fragment, 0)
    while position != -1:
        if not foreign and fragment.startswith("<!--", position):
            ends = [end for end in (fragment.find(e, position + 2) for e in _COMMENT_ENDS) if end != -1]
            if not ends:
                return  # the rest is a comment
            position = _after_markup(fragment, min(ends) + 3, scan)
            continue
        match = _TAG_RE.match(fragment, position)
        if match is None:
            if _starts_tag(fragment, position):
                return  # a tag left open at the end: the parser drops the rest
            scan.rebuild()  # a "<" that is text
            position = _next_markup(fragment, position + 1)
            continue
        position = match.end()
        closing, name, attributes = match.group(1), match.group(2).lower(), match.group(3)
        if closing:
            if name in FORMATTING:
                scan.close_formatting(name)
            else:
                scan.close_open(name)
            position = _after_markup(fragment, position, scan)
            continue
        scan.start(name, match.group(0), attributes)
        foreign = foreign or name in FOREIGN
        if not foreign and name in RAW_TEXT:
            end = _RAW_TEXT_END[name].search(fragment, position)
            if end is None:
                return  # the rest is text
            position = end.start()
        elif not foreign and name == "plaintext":
            return
        else:
            position = _after_markup(fragment, position, scan)


def _after_markup(fragment: str, start: int, scan: _Scan) -> int:
    """Where the next tag or comment may start; text before it makes the parser rebuild."""
    position = _next_markup(fragment, start)
    if position != start and start < len(fragment):
        scan.rebuild()
    return position


def _next_markup(fragment: str, start: int) -> int:
    match = _MARKUP_RE.search(fragment, start)
    return -1 if match is None else match.start()


def _starts_tag(fragment: str, position: int) -> bool:
    """Whether the "<" at `position` opens a start or end tag (a letter follows "<" or "</")."""
    after = fragment[position + 1 : position + 3]
    return (after[:1].isascii() and after[:1].isalpha()) or (
        after[:1] == "/" and after[1:2].isascii() and after[1:2].isalpha()
    )


def check_sanitised(body: str) -> None:
    """The sanitiser's output is bounded too: misnested formatting can multiply elements."""
    if len(body) > MAX_HTML_CHARS:
        raise MarkupTooComplex(f"sanitised HTML of {len(body):,} characters is over {MAX_HTML_CHARS:,}")
