"""WordPress post content to clean HTML: block comments, auto-paragraphs, shortcodes, then sanitising.

Pure functions, no storage. `convert_content` returns the HTML and the warnings a reader of
the import summary should see (a gallery or an embed that has no equivalent here).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from broadsheet.core.sanitize import sanitize_html, strip_tags
from broadsheet.core.urls import safe_http_url

# Block editor delimiters: `<!-- wp:paragraph {"align":"center"} -->`, `<!-- /wp:paragraph -->`,
# `<!-- wp:spacer /-->`. WordPress escapes `--` inside block attributes, so the first `-->` ends it.
_BLOCK_COMMENT_RE = re.compile(r"<!--\s*/?wp:[a-z][a-z0-9_/-]*(?:\s.*?)?-->", re.DOTALL)
# Markers of the classic editor: read more, page breaks.
_MARKER_RE = re.compile(r"<!--\s*(?:more(?:\s[^>]*)?|nextpage|noteaser)\s*-->")

# The shortcodes WordPress core registers; anything else counts as a shortcode only when it
# looks like one (attributes, a closing tag or `/]`), so "[sic]" or "[1]" stay text.
CORE_SHORTCODES = frozenset({"caption", "wp_caption", "gallery", "embed", "audio", "video", "playlist"})
_MEDIA_SHORTCODES = frozenset({"gallery", "audio", "video", "playlist", "embed"})
_SHORTCODE_RE = re.compile(
    r"\[(?P<escape>\[?)(?P<name>[A-Za-z][\w-]*)(?P<attrs>(?:\s[^\]]*?)?)(?P<selfclose>/)?\]"
)
_ATTR_RE = re.compile(r'([\w-]+)\s*=\s*(?:"([^"]*)"|\'([^\']*)\'|([^\s"\']+))')
_CAPTION_BODY_RE = re.compile(
    r"^\s*((?:<a\s[^>]*>\s*)?<img\s[^>]*>(?:\s*</a>)?)(.*)$", re.DOTALL | re.IGNORECASE
)

# wpautop's list of block-level elements: never wrapped in <p>, no <br> beside them.
_BLOCKS = (
    "table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|form|map|area"
    "|blockquote|address|math|style|p|h[1-6]|hr|fieldset|legend|section|article|aside|hgroup|header"
    "|footer|nav|figure|figcaption|details|menu|summary"
)
_OPEN_BLOCK_RE = re.compile(rf"(<(?:{_BLOCKS})[\s/>])", re.IGNORECASE)
_CLOSE_BLOCK_RE = re.compile(rf"(</(?:{_BLOCKS})>)", re.IGNORECASE)
_P_BEFORE_BLOCK_RE = re.compile(rf"<p>\s*(</?(?:{_BLOCKS})[\s/>][^>]*>|</?(?:{_BLOCKS})>)", re.IGNORECASE)
_P_AFTER_BLOCK_RE = re.compile(rf"(</?(?:{_BLOCKS})(?:\s[^>]*)?/?>)\s*</p>", re.IGNORECASE)
_BR_AFTER_BLOCK_RE = re.compile(rf"(</?(?:{_BLOCKS})(?:\s[^>]*)?/?>)\s*<br />", re.IGNORECASE)
_BR_BEFORE_BLOCK_RE = re.compile(rf"<br />(\s*</?(?:{_BLOCKS})[\s/>])", re.IGNORECASE)
_PRESERVE_RE = re.compile(r"(<pre\b[^>]*>)(.*?)(</pre>)", re.DOTALL | re.IGNORECASE)
_TAG_RE = re.compile(r"<[^>]*>")
_STASHED_P_RE = re.compile(r"<p>\s*\x01(\d+)\x01\s*</p>")
_STASHED_RE = re.compile(r"\x01(\d+)\x01")
_EMPTY_P_RE = re.compile(r"<p>(?:\s|&nbsp;|<br>)*</p>\n?")


@dataclass(frozen=True)
class Converted:
    html: str
    warnings: tuple[str, ...]


def strip_block_comments(text: str) -> str:
    return _BLOCK_COMMENT_RE.sub("", text)


def is_block_content(text: str) -> bool:
    return _BLOCK_COMMENT_RE.search(text) is not None


def autop(text: str) -> str:
    """wpautop: blank lines make paragraphs, single newlines <br />, block elements left alone."""
    if not text.strip():
        return ""
    saved: list[str] = []

    def keep(match: re.Match[str]) -> str:
        # Newlines inside <pre> are the text itself: set aside, put back at the end.
        saved.append(match.group(2))
        return f"{match.group(1)}\x00{len(saved) - 1}\x00{match.group(3)}"

    text = _PRESERVE_RE.sub(keep, text.replace("\r\n", "\n").replace("\r", "\n"))
    text = re.sub(r"<br\s*/?>\s*<br\s*/?>", "\n\n", text)
    text = _OPEN_BLOCK_RE.sub(r"\n\n\1", text)
    text = _CLOSE_BLOCK_RE.sub(r"\1\n\n", text)
    text = re.sub(r"\n\s*\n+", "\n\n", text).strip("\n")
    chunks = [c.strip("\n") for c in re.split(r"\n\s*\n", text) if c.strip()]
    text = "".join(f"<p>{chunk}</p>\n" for chunk in chunks)
    text = re.sub(r"<p>\s*</p>", "", text)
    text = _P_BEFORE_BLOCK_RE.sub(r"\1", text)
    text = _P_AFTER_BLOCK_RE.sub(r"\1", text)
    text = re.sub(r"(?<!<br />)\s*\n(?!$)", "<br />\n", text)
    text = _BR_AFTER_BLOCK_RE.sub(r"\1", text)
    text = _BR_BEFORE_BLOCK_RE.sub(r"\1", text)
    text = re.sub(r"<br />\n</p>", "</p>", text)
    for index, original in enumerate(saved):
        text = text.replace(f"\x00{index}\x00", original)
    return text.strip()


def _attributes(raw: str) -> dict[str, str]:
    return {
        m.group(1).lower(): html.unescape(m.group(2) or m.group(3) or m.group(4) or "")
        for m in _ATTR_RE.finditer(raw)
    }


def _looks_like_shortcode(name: str, attrs: str, selfclose: bool, text: str, end: int) -> bool:
    if name.lower() in CORE_SHORTCODES:
        return True
    return selfclose or "=" in attrs or f"[/{name}]" in text[end:]


def _caption(attrs: dict[str, str], inner: str) -> str:
    match = _CAPTION_BODY_RE.match(inner)
    if match:
        image, caption = match.group(1), match.group(2).strip()
    else:
        image, caption = inner.strip(), ""
    caption = caption or attrs.get("caption", "")
    figcaption = f"<figcaption>{caption}</figcaption>" if strip_tags(caption) else ""
    return f"<figure>{image}{figcaption}</figure>"


def replace_shortcodes(text: str, stash: list[str] | None = None) -> tuple[str, list[str]]:
    """`[caption]` becomes a figure; media and unknown shortcodes go, each with a warning.

    An enclosing shortcode nobody here knows keeps its inner text (it is the writer's words);
    `[embed]URL[/embed]` keeps the URL as a plain link. `[[name]]` is WordPress's escape for
    the literal text `[name]`. With `stash`, the block HTML made (figures, links) is set
    aside there and a placeholder paragraph left in its place, so auto-paragraphs leave it be.
    """
    warnings: list[str] = []
    out: list[str] = []

    def block(markup: str) -> str:
        if stash is None:
            return markup
        stash.append(markup)
        return f"\n\n\x01{len(stash) - 1}\x01\n\n"

    pos = 0
    while True:
        match = _SHORTCODE_RE.search(text, pos)
        if match is None:
            out.append(text[pos:])
            break
        name, attrs_raw = match.group("name"), match.group("attrs")
        selfclose = bool(match.group("selfclose"))
        if not _looks_like_shortcode(name, attrs_raw, selfclose, text, match.end()):
            out.append(text[pos : match.end()])
            pos = match.end()
            continue
        out.append(text[pos : match.start()])
        closing = f"[/{name}]"
        close_at = -1 if selfclose else text.find(closing, match.end())
        inner = text[match.end() : close_at] if close_at >= 0 else ""
        end = close_at + len(closing) if close_at >= 0 else match.end()
        if match.group("escape"):
            if text.startswith("]", end):
                # [[name]] … [/name]] is WordPress's escape: shown literally, minus the outer brackets.
                out.append(text[match.start() + 1 : end])
                pos = end + 1
                continue
            out.append("[")
        lowered = name.lower()
        if lowered in {"caption", "wp_caption"}:
            out.append(block(_caption(_attributes(attrs_raw), inner)))
        elif lowered == "embed":
            url = safe_http_url(strip_tags(inner))
            warnings.append("shortcode [embed] removed (kept as a link)")
            if url:
                out.append(block(f'<p><a href="{html.escape(url)}">{html.escape(url)}</a></p>'))
        elif lowered in _MEDIA_SHORTCODES:
            warnings.append(f"shortcode [{lowered}] removed")
        else:
            warnings.append(f"unknown shortcode [{name}] removed")
            out.append(inner)
        pos = end
    return "".join(out), warnings


def convert_content(raw: str) -> Converted:
    """Post content as WordPress stores it → sanitised HTML for Article.body or Page.body."""
    blocks = is_block_content(raw)
    text = _MARKER_RE.sub("\n\n" if not blocks else "", raw)
    text = strip_block_comments(text)
    stash: list[str] = []
    text, warnings = replace_shortcodes(text, stash)
    if not blocks:
        # The block editor stores finished HTML; only classic content is auto-paragraphed.
        text = autop(text)
    text = _STASHED_P_RE.sub(lambda m: stash[int(m.group(1))], text)
    text = _STASHED_RE.sub(lambda m: stash[int(m.group(1))], text)
    cleaned = _EMPTY_P_RE.sub("", sanitize_html(text))
    return Converted(html=re.sub(r"\n{2,}", "\n", cleaned).strip(), warnings=tuple(warnings))


def plain_text(fragment: str) -> str:
    """Titles and excerpts: tags stripped, entities decoded, whitespace collapsed."""
    return strip_tags(_TAG_RE.sub(" ", fragment)) if fragment else ""
