"""Reading a WordPress export (WXR 1.0–1.2): bytes in, small frozen dataclasses out, nothing stored.

The file comes from outside, so the XML parser never resolves entities, never touches the
network and keeps libxml2's size limits; a document that declares a DTD at all (the vehicle
of billion-laughs and XXE attacks; WordPress never writes one) is refused outright.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from lxml import etree

from broadsheet.wpimport.errors import WxrError

CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
DC_NS = "http://purl.org/dc/elements/1.1/"
# Both spellings occur in the wild: WordPress.com and newer exports use https.
_WP_NS_RE = re.compile(r"^https?://wordpress\.org/export/(1\.[0-2])/$")
_EXCERPT_NS_RE = re.compile(r"^https?://wordpress\.org/export/1\.[0-2]/excerpt/$")
_ZERO_DATE = "0000-00-00 00:00:00"
_DTD_REFUSED = "the file declares a DTD (entities); a WordPress export never does, so it is refused"
_QUERY_ID_RE = re.compile(r"[?&](?:p|page_id)=(\d+)(?:&|$)")
_PHP_ARRAY_INT_RE = re.compile(r"i:\d+;i:(\d+);")


@dataclass(frozen=True)
class WxrAuthor:
    login: str
    display_name: str


@dataclass(frozen=True)
class WxrCategory:
    slug: str
    name: str
    parent_slug: str = ""
    description: str = ""
    term_id: int | None = None


@dataclass(frozen=True)
class WxrTag:
    slug: str
    name: str


@dataclass(frozen=True)
class WxrTerm:
    """A category or tag as an item names it: domain is 'category', 'post_tag', 'post_format' …"""

    domain: str
    slug: str
    name: str


@dataclass(frozen=True)
class WxrItem:
    wp_id: int
    guid: str
    post_type: str
    status: str
    title: str
    link: str
    slug: str
    creator: str
    content: str
    excerpt: str
    date: dt.datetime | None
    parent_id: int
    menu_order: int
    password: str
    sticky: bool
    terms: tuple[WxrTerm, ...]
    meta: tuple[tuple[str, str], ...]
    attachment_url: str

    def meta_value(self, key: str) -> str:
        for name, value in self.meta:
            if name == key:
                return value
        return ""

    @property
    def categories(self) -> tuple[WxrTerm, ...]:
        return tuple(t for t in self.terms if t.domain == "category")

    @property
    def tags(self) -> tuple[WxrTerm, ...]:
        return tuple(t for t in self.terms if t.domain in ("post_tag", "tag"))


@dataclass(frozen=True)
class WxrDocument:
    version: str
    site_url: str
    title: str
    authors: tuple[WxrAuthor, ...]
    categories: tuple[WxrCategory, ...]
    tags: tuple[WxrTag, ...]
    items: tuple[WxrItem, ...]
    sticky_ids: frozenset[int]


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        dtd_validation=False,
        remove_comments=True,
        remove_pis=True,
        strip_cdata=True,
    )


def _text(parent: Any, tag: str) -> str:
    node = parent.find(tag)
    if node is None:
        return ""
    return "".join(node.itertext())


def _int(raw: str, default: int = 0) -> int:
    raw = raw.strip()
    return int(raw) if raw.isdigit() else default


def _date(gmt: str, local: str, local_tz: dt.tzinfo) -> dt.datetime | None:
    """WordPress's GMT date, or its local date in the site's zone when GMT is left at zero."""
    for raw, zone in ((gmt.strip(), dt.UTC), (local.strip(), local_tz)):
        if not raw or raw == _ZERO_DATE:
            continue
        try:
            naive = dt.datetime.strptime(raw, "%Y-%m-%d %H:%M:%S")
        except ValueError:
            continue
        return naive.replace(tzinfo=zone)
    return None


def _namespaces(root: Any) -> tuple[str, str, str]:
    wp_ns = excerpt_ns = version = ""
    spaces: dict[str | None, str] = {}
    for element in root.iter(tag=etree.Element):
        spaces.update(element.nsmap)
        if element.tag.endswith("}channel"):
            break
    for uri in spaces.values():
        match = _WP_NS_RE.match(uri)
        if match:
            wp_ns, version = uri, match.group(1)
        elif _EXCERPT_NS_RE.match(uri):
            excerpt_ns = uri
    if not wp_ns:
        raise WxrError("not a WordPress export: no wordpress.org/export/1.x/ namespace")
    return wp_ns, excerpt_ns, version


def _sticky_option(channel: Any, wp: str) -> frozenset[int]:
    """Some exports carry the `sticky_posts` option: a PHP array or a comma list of post ids."""
    raw = _text(channel, f"{{{wp}}}sticky_posts")
    if not raw:
        return frozenset()
    ids = _PHP_ARRAY_INT_RE.findall(raw) if raw.lstrip().startswith("a:") else re.findall(r"\d+", raw)
    return frozenset(int(i) for i in ids)


def _id_from_url(url: str) -> int:
    match = _QUERY_ID_RE.search(url)
    return int(match.group(1)) if match else 0


def _item(node: Any, wp: str, excerpt_ns: str, local_tz: dt.tzinfo) -> WxrItem:
    terms = tuple(
        WxrTerm(
            domain=term.get("domain", "category"),
            slug=term.get("nicename", "").strip(),
            name="".join(term.itertext()).strip(),
        )
        for term in node.findall("category")
    )
    meta = tuple(
        (_text(m, f"{{{wp}}}meta_key").strip(), _text(m, f"{{{wp}}}meta_value"))
        for m in node.findall(f"{{{wp}}}postmeta")
    )
    sticky_raw = _text(node, f"{{{wp}}}is_sticky") or _text(node, f"{{{wp}}}sticky")
    guid = _text(node, "guid").strip()
    link = _text(node, "link").strip()
    # Very old exports leave out post_id; WordPress's own `?p=ID` GUIDs and links still carry it.
    wp_id = _int(_text(node, f"{{{wp}}}post_id")) or _id_from_url(guid) or _id_from_url(link)
    return WxrItem(
        wp_id=wp_id,
        guid=guid or f"wp-post-{wp_id}",
        post_type=_text(node, f"{{{wp}}}post_type").strip() or "post",
        status=_text(node, f"{{{wp}}}status").strip() or "publish",
        title=_text(node, "title").strip(),
        link=link,
        slug=_text(node, f"{{{wp}}}post_name").strip(),
        creator=_text(node, f"{{{DC_NS}}}creator").strip(),
        content=_text(node, f"{{{CONTENT_NS}}}encoded"),
        excerpt=_text(node, f"{{{excerpt_ns}}}encoded") if excerpt_ns else "",
        date=_date(_text(node, f"{{{wp}}}post_date_gmt"), _text(node, f"{{{wp}}}post_date"), local_tz),
        parent_id=_int(_text(node, f"{{{wp}}}post_parent")),
        menu_order=_int(_text(node, f"{{{wp}}}menu_order")),
        password=_text(node, f"{{{wp}}}post_password"),
        sticky=sticky_raw.strip() == "1",
        terms=terms,
        meta=meta,
        attachment_url=_text(node, f"{{{wp}}}attachment_url").strip(),
    )


def parse_wxr(data: bytes, local_tz: dt.tzinfo = dt.UTC) -> WxrDocument:
    """Parse a WXR export; dates without a GMT value are read in `local_tz` (the site's zone)."""
    prologue = data[: data.find(b"<rss")] if b"<rss" in data else data[:4096]
    if b"<!DOCTYPE" in prologue.upper():
        raise WxrError(_DTD_REFUSED)
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as exc:
        raise WxrError(f"not well-formed XML: {exc}") from None
    tree = root.getroottree()
    if tree.docinfo.internalDTD is not None or tree.docinfo.doctype:
        raise WxrError(_DTD_REFUSED)
    if root.tag != "rss" or root.find("channel") is None:
        raise WxrError("not a WordPress export: no <rss><channel>")
    wp, excerpt_ns, ns_version = _namespaces(root)
    channel = root.find("channel")
    authors = tuple(
        WxrAuthor(
            login=_text(a, f"{{{wp}}}author_login").strip(),
            display_name=_text(a, f"{{{wp}}}author_display_name").strip(),
        )
        for a in channel.findall(f"{{{wp}}}author")
    )
    categories = tuple(
        WxrCategory(
            slug=_text(c, f"{{{wp}}}category_nicename").strip(),
            name=_text(c, f"{{{wp}}}cat_name").strip(),
            parent_slug=_text(c, f"{{{wp}}}category_parent").strip(),
            description=_text(c, f"{{{wp}}}category_description").strip(),
            term_id=_int(_text(c, f"{{{wp}}}term_id")) or None,
        )
        for c in channel.findall(f"{{{wp}}}category")
    )
    tags = tuple(
        WxrTag(slug=_text(t, f"{{{wp}}}tag_slug").strip(), name=_text(t, f"{{{wp}}}tag_name").strip())
        for t in channel.findall(f"{{{wp}}}tag")
    )
    items = tuple(_item(node, wp, excerpt_ns, local_tz) for node in channel.findall("item"))
    site_url = (_text(channel, f"{{{wp}}}base_blog_url") or _text(channel, "link")).strip().rstrip("/")
    return WxrDocument(
        version=_text(channel, f"{{{wp}}}wxr_version").strip() or ns_version,
        site_url=site_url,
        title=_text(channel, "title").strip(),
        authors=authors,
        categories=categories,
        tags=tags,
        items=items,
        sticky_ids=_sticky_option(channel, wp),
    )
