"""HTML sanitising with an nh3 allowlist: the last step before any HTML is stored."""

from __future__ import annotations

import html
import re
from urllib.parse import urljoin, urlsplit

import nh3

from broadsheet.core.markup_cost import check_markup

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "caption",
    "cite",
    "code",
    "dd",
    "del",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "ins",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "small",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "time",
    "tr",
    "u",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "hreflang"},
    "abbr": {"title"},
    "blockquote": {"cite"},
    # data-media-id: the library image an <img> shows (imports set it), for renditions at render time.
    "img": {"src", "alt", "title", "width", "height", "loading", "data-media-id"},
    "q": {"cite"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "time": {"datetime"},
}
URL_SCHEMES = {"http", "https", "mailto"}
_URL_ATTRIBUTES = {("a", "href"), ("img", "src"), ("blockquote", "cite"), ("q", "cite")}
_TAG_RE = re.compile(r"<[^>]+>")
_SPACE_RE = re.compile(r"\s+")


class SanitizedHTML(str):
    """What sanitize_html() returned, unchanged since (any edit gives a plain str): sanitising
    it again would change nothing, so newsroom.services.save_article does not."""

    __slots__ = ()


def sanitize_html(fragment: str, base_url: str | None = None) -> SanitizedHTML:
    """Return `fragment` with only allowlisted tags, attributes and URL schemes.

    Relative URLs are made absolute against `base_url` (stories from other sites would
    otherwise point at our own host), links get rel="noopener noreferrer", images lazy-load.
    Script and style elements are dropped with their content.

    Raises core.markup_cost.MarkupTooComplex, before nh3 sees it, when `fragment` is too big,
    too deep or too badly nested to sanitise in bounded time (nh3's parser is quadratic in
    nesting): every caller that takes HTML from outside must expect it.
    """
    check_markup(fragment)

    def attribute_filter(tag: str, attribute: str, value: str) -> str | None:
        if (tag, attribute) in _URL_ATTRIBUTES:
            if base_url:
                value = urljoin(base_url, value.strip())
            scheme = urlsplit(value.strip()).scheme.lower()
            if scheme and scheme not in URL_SCHEMES:
                return None
        if tag == "img" and attribute in {"width", "height", "data-media-id"} and not value.isdigit():
            return None
        return value

    cleaned = nh3.clean(
        fragment,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style", "iframe", "object", "embed", "template", "noscript"},
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=attribute_filter,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    return SanitizedHTML(cleaned)


def strip_tags(fragment: str) -> str:
    """Plain text of an HTML fragment, whitespace collapsed (for excerpts and the index)."""
    # After the last ">" there is no tag, only text: leaving it out of the match keeps this
    # linear (from every "<" there, the pattern would rescan to the end, quadratic in the "<"s).
    end = fragment.rfind(">") + 1
    text = _TAG_RE.sub(" ", fragment[:end]) + fragment[end:]
    return _SPACE_RE.sub(" ", html.unescape(text)).strip()


def excerpt(fragment: str, limit: int = 240) -> str:
    text = strip_tags(fragment)
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",.;:") + "…"
