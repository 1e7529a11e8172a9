"""Article extraction: a fetched page into title, byline, date, body HTML, lead image, language.

Metadata the publisher states (JSON-LD NewsArticle, then OpenGraph) wins over heuristics;
trafilatura finds the body and fills any gaps. Per-site rules (CSS selectors to keep or drop)
are data on the Source and are applied to the DOM before extraction. Pure: no network, no DB.
The body is *not* sanitised here: sanitising is the pipeline's last HTML step.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urljoin

import lxml.html
import trafilatura
from lxml import etree
from trafilatura.htmlprocessing import convert_to_html
from trafilatura.utils import load_html

from broadsheet.ingest.errors import ExtractError

logger = logging.getLogger(__name__)

ARTICLE_TYPES = frozenset(
    {"newsarticle", "article", "blogposting", "reportagenewsarticle", "analysisnewsarticle", "report"}
)
_SPACE_RE = re.compile(r"\s+")
# Every field extract_article() takes from trafilatura's metadata when the page states none.
STATED_FIELDS = ("title", "byline", "date", "description", "image_url", "language", "site_name")


@dataclass(frozen=True, slots=True)
class ExtractionRules:
    """Per-site rules held as data: CSS selectors to keep (only these) and to drop."""

    keep: tuple[str, ...] = ()
    drop: tuple[str, ...] = ()

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> ExtractionRules:
        data = data or {}

        def selectors(key: str) -> tuple[str, ...]:
            value = data.get(key) or ()
            if isinstance(value, str):
                value = [value]
            return tuple(str(s).strip() for s in value if str(s).strip())

        rules = cls(keep=selectors("keep"), drop=selectors("drop"))
        for selector in (*rules.keep, *rules.drop):
            css_to_xpath(selector)  # fail early, with the selector named
        return rules


@dataclass(frozen=True, slots=True)
class ExtractOptions:
    # "precision" was measured best on the Zyte benchmark (see bench/extraction.py).
    favor: Literal["balanced", "precision", "recall"] = "precision"
    include_links: bool = True


@dataclass(frozen=True, slots=True)
class Extracted:
    url: str
    title: str = ""
    byline: str = ""
    published: dt.datetime | None = None
    body_html: str = ""
    text: str = ""
    description: str = ""
    image_url: str = ""
    image_caption: str = ""
    image_credit: str = ""
    language: str = ""
    site_name: str = ""


# --- CSS selectors -------------------------------------------------------------------------
# A small translator (tag, #id, .class, [attr], [attr=value], [attr*=value], descendant and
# child combinators, comma groups): enough for "keep article" and "drop .ad" rules without a
# dependency on cssselect.
_STEP_RE = re.compile(r"^(?P<tag>[a-zA-Z][\w-]*|\*)?(?P<rest>(?:#[\w-]+|\.[\w-]+|\[[^\]]+\])*)$")
_PART_RE = re.compile(
    r"#(?P<id>[\w-]+)|\.(?P<cls>[\w-]+)"
    r"|\[\s*(?P<attr>[\w-]+)\s*(?:(?P<op>[*^$]?=)\s*(?P<q>['\"]?)(?P<val>[^'\"\]]*)(?P=q)\s*)?\]"
)


def _literal(value: str) -> str:
    if "'" not in value:
        return f"'{value}'"
    if '"' not in value:
        return f'"{value}"'
    raise ExtractError(f"cannot quote {value!r} in a selector")


def _step(compound: str, selector: str) -> str:
    match = _STEP_RE.match(compound)
    if not match or not compound:
        raise ExtractError(f"unsupported CSS selector: {selector!r}")
    predicates = []
    for part in _PART_RE.finditer(match.group("rest") or ""):
        if part.group("id"):
            predicates.append(f"@id={_literal(part.group('id'))}")
        elif part.group("cls"):
            predicates.append(
                f"contains(concat(' ', normalize-space(@class), ' '), {_literal(' ' + part.group('cls') + ' ')})"
            )
        else:
            attr, op, val = part.group("attr"), part.group("op"), part.group("val") or ""
            if not op:
                predicates.append(f"@{attr}")
            elif op == "=":
                predicates.append(f"@{attr}={_literal(val)}")
            elif op == "*=":
                predicates.append(f"contains(@{attr}, {_literal(val)})")
            elif op == "^=":
                predicates.append(f"starts-with(@{attr}, {_literal(val)})")
            else:  # $= has no XPath 1.0 function; compare the tail
                predicates.append(
                    f"substring(@{attr}, string-length(@{attr}) - {len(val) - 1}) = {_literal(val)}"
                )
    return (match.group("tag") or "*") + "".join(f"[{p}]" for p in predicates)


def css_to_xpath(selector: str) -> str:
    """Translate a simple CSS selector to XPath 1.0; raise ExtractError for anything else."""
    alternatives = []
    for group in selector.split(","):
        tokens = re.split(r"\s*(>)\s*|\s+", group.strip())
        path, axis = "", "//"
        for token in tokens:
            if token is None or token == "":
                continue
            if token == ">":
                if not path:
                    raise ExtractError(f"unsupported CSS selector: {selector!r}")
                axis = "/"
                continue
            path += axis + _step(token, selector)
            axis = "//"
        if not path:
            raise ExtractError(f"empty CSS selector: {selector!r}")
        alternatives.append("." + path)
    return " | ".join(alternatives)


def apply_rules(tree: lxml.html.HtmlElement, rules: ExtractionRules) -> lxml.html.HtmlElement:
    """Drop what `rules.drop` matches, then (when given) keep only what `rules.keep` matches."""
    for selector in rules.drop:
        for element in tree.xpath(css_to_xpath(selector)):
            if element.getparent() is not None:
                element.drop_tree()
    if rules.keep:
        kept = [copy.deepcopy(e) for s in rules.keep for e in tree.xpath(css_to_xpath(s))]
        if kept:
            body = tree.find(".//body")
            if body is None:
                body = tree
            for child in list(body):
                body.remove(child)
            body.text = None
            wrapper = etree.SubElement(body, "article")
            wrapper.extend(kept)
    return tree


# --- Metadata the publisher states ---------------------------------------------------------
def _clean(value: Any) -> str:
    if isinstance(value, list):
        value = value[0] if value else ""
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value") or ""
    return _SPACE_RE.sub(" ", str(value or "")).strip()


def _names(value: Any) -> str:
    items = value if isinstance(value, list) else [value]
    names = []
    for item in items:
        name = _clean(item.get("name") if isinstance(item, dict) else item)
        if name and not name.startswith("http") and name not in names:
            names.append(name)
    return ", ".join(names)


def _json_ld_objects(tree: lxml.html.HtmlElement) -> Iterable[dict[str, Any]]:
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text_content() or "null")
        except ValueError:
            continue
        stack = data if isinstance(data, list) else [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, dict):
                if isinstance(item.get("@graph"), list):
                    stack.extend(item["@graph"])
                yield item
            elif isinstance(item, list):
                stack.extend(item)


def _is_article(item: dict[str, Any]) -> bool:
    kinds = item.get("@type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    return any(str(k).lower() in ARTICLE_TYPES for k in kinds if k)


def _image_object(value: Any) -> tuple[str, str, str]:
    """(url, caption, credit) from a JSON-LD image: a URL, a list, or an ImageObject."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, str):
        return value.strip(), "", ""
    if isinstance(value, dict):
        url = _clean(value.get("url") or value.get("contentUrl"))
        caption = _clean(value.get("caption") or value.get("description"))
        credit = _clean(value.get("creditText")) or _names(
            value.get("copyrightHolder") or value.get("author") or value.get("creator") or ""
        )
        return url, caption, credit
    return "", "", ""


def parse_date(value: str) -> dt.datetime | None:
    """An aware UTC datetime from an ISO date or datetime; naive values are taken as UTC."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            parsed = dt.datetime.fromisoformat(value[:10])
        except ValueError:
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone(dt.UTC)


def stated_metadata(tree: lxml.html.HtmlElement, url: str) -> dict[str, str]:
    """What the page says about itself in JSON-LD (first) and OpenGraph/meta tags."""
    found: dict[str, str] = {}

    def put(key: str, value: str) -> None:
        if value and not found.get(key):
            found[key] = value

    for item in _json_ld_objects(tree):
        if not _is_article(item):
            continue
        put("title", _clean(item.get("headline") or item.get("name")))
        put("byline", _names(item.get("author") or ""))
        put("date", _clean(item.get("datePublished") or item.get("dateCreated")))
        put("description", _clean(item.get("description")))
        put("language", _clean(item.get("inLanguage")))
        put("site_name", _names(item.get("publisher") or ""))
        image, caption, credit = _image_object(item.get("image"))
        put("image_url", image)
        put("image_caption", caption)
        put("image_credit", credit)
    meta: dict[str, str] = {}
    for element in tree.xpath("//meta[@content]"):
        key = (element.get("property") or element.get("name") or "").strip().lower()
        if key and key not in meta:
            meta[key] = _clean(element.get("content"))
    put("title", meta.get("og:title", ""))
    put("byline", "" if meta.get("article:author", "").startswith("http") else meta.get("article:author", ""))
    put("byline", meta.get("author", ""))
    put("date", meta.get("article:published_time", ""))
    put("description", meta.get("og:description", "") or meta.get("description", ""))
    put("image_url", meta.get("og:image:secure_url", "") or meta.get("og:image", ""))
    put("site_name", meta.get("og:site_name", ""))
    html_lang = tree.xpath("string(/html/@lang)")
    put("language", str(html_lang).strip() or meta.get("og:locale", ""))
    first_figure = tree.xpath("//figure[.//img][1]")
    if first_figure:
        put("image_caption", _clean(first_figure[0].xpath("string(.//figcaption)")))
        put("image_url", str(first_figure[0].xpath("string(.//img/@src)")))
    if found.get("image_url"):
        found["image_url"] = urljoin(url, found["image_url"])
    return found


# --- Extraction -----------------------------------------------------------------------------
def _body_html(document: Any) -> str:
    if document is None or document.body is None:
        return ""
    root = convert_to_html(document.body)
    body = root.find("body")
    if body is None:
        return ""
    parts = [body.text or ""] + [etree.tostring(child, encoding="unicode", with_tail=True) for child in body]
    return "".join(parts).strip()


def extract_article(
    page: bytes | str,
    url: str,
    *,
    rules: ExtractionRules | None = None,
    options: ExtractOptions | None = None,
    image_credit: str = "",
) -> Extracted:
    """Extract the article at `url` from its HTML. `image_credit` is the feed's media:credit,
    used when the page names none."""
    options = options or ExtractOptions()
    tree = load_html(page)
    if tree is None:
        raise ExtractError(f"not an HTML page: {url}")
    stated = stated_metadata(tree, url)
    if rules and (rules.keep or rules.drop):
        tree = apply_rules(tree, rules)
    # trafilatura's own metadata pass (htmldate, author heuristics) is about a third of its
    # time; its answers are only fallbacks, so skip it when the page stated every field.
    stated_date = parse_date(stated.get("date", ""))
    with_metadata = stated_date is None or not all(stated.get(key) for key in STATED_FIELDS)
    try:
        document = _run_trafilatura(tree, url, options, with_metadata=with_metadata)
    except (
        ValueError,
        TypeError,
        AttributeError,
        IndexError,
        KeyError,
        RecursionError,
        etree.LxmlError,
    ) as exc:
        # Hostile or broken pages reach internals of a third-party parser: one bad page is
        # one failed entry, not a crashed run.
        raise ExtractError(f"extraction failed for {url}: {exc}") from exc
    if document is None or isinstance(document, dict):
        raise ExtractError(f"no article found at {url}")
    text = str(document.text or "")
    return Extracted(
        url=url,
        title=stated.get("title") or _clean(document.title),
        byline=stated.get("byline") or _clean(document.author),
        published=stated_date or parse_date(str(document.date or "")),
        body_html=_body_html(document),
        text=text,
        description=stated.get("description") or _clean(document.description),
        image_url=stated.get("image_url") or (urljoin(url, str(document.image)) if document.image else ""),
        image_caption=stated.get("image_caption", ""),
        image_credit=stated.get("image_credit") or image_credit,
        language=(stated.get("language") or str(document.language or "")).split("-")[0].split("_")[0][:12],
        site_name=stated.get("site_name") or _clean(document.sitename),
    )


def _run_trafilatura(
    tree: lxml.html.HtmlElement, url: str, options: ExtractOptions, *, with_metadata: bool = True
) -> Any:
    return trafilatura.bare_extraction(
        tree,
        url=url,
        with_metadata=with_metadata,
        include_comments=False,
        include_images=True,
        include_links=options.include_links,
        include_formatting=True,
        favor_precision=options.favor == "precision",
        favor_recall=options.favor == "recall",
    )
