"""Article extraction: a fetched page into title, byline, date, body HTML, lead image, language.

Metadata the publisher states (JSON-LD NewsArticle, then OpenGraph) wins over heuristics;
trafilatura finds the body and fills any gaps. Per-site rules (CSS selectors to keep or drop)
are data on the Source and are applied to the DOM before extraction. Pure: no network, no DB.
The body is *not* sanitised here: sanitising is the pipeline's last HTML step.
"""

from __future__ import annotations

import copy
import datetime as dt
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import lxml.html
import trafilatura
from lxml import etree
from trafilatura.htmlprocessing import convert_to_html
from trafilatura.utils import load_html

from broadsheet.core.urls import safe_http_url
from broadsheet.ingest.errors import ExtractError
from broadsheet.ingest.metadata import STATED_FIELDS, guessed_metadata, parse_date, stated_metadata

__all__ = [
    "Extracted",
    "ExtractionRules",
    "ExtractOptions",
    "apply_rules",
    "css_to_xpath",
    "extract_article",
    "parse_date",
    "stated_metadata",
]

logger = logging.getLogger(__name__)


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

    def as_json(self) -> dict[str, list[str]]:
        """What Source.extraction_rules stores: only the lists that have selectors."""
        return {key: list(value) for key, value in (("keep", self.keep), ("drop", self.drop)) if value}


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
    image_alt: str = ""  # what the page states for that very picture, or ""
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
    stated_date = parse_date(stated.get("date", ""))
    missing = [key for key in STATED_FIELDS if not stated.get(key) or (key == "date" and stated_date is None)]
    try:
        # trafilatura's metadata pass (htmldate, author heuristics, categories, licence) costs
        # as much as a third of its body extraction; its answers are only fallbacks here, so
        # only the steps for the fields this page leaves out are run.
        guessed = guessed_metadata(tree, url, missing)
        document = _run_trafilatura(tree, url, options)
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
    found = {**guessed, **{key: value for key, value in stated.items() if value}}
    image_url = safe_http_url(found.get("image_url"), url)
    return Extracted(
        url=url,
        title=found.get("title", ""),
        byline=found.get("byline", ""),
        published=stated_date or parse_date(guessed.get("date", "")),
        body_html=_body_html(document),
        text=str(document.text or ""),
        description=found.get("description", ""),
        image_url=image_url,
        image_alt=stated.get("image_alt", "") if image_url == stated.get("image_url") else "",
        image_caption=stated.get("image_caption", ""),
        image_credit=stated.get("image_credit") or image_credit,
        language=stated.get("language", "").split("-")[0].split("_")[0][:12],
        site_name=found.get("site_name", ""),
    )


def _run_trafilatura(tree: lxml.html.HtmlElement, url: str, options: ExtractOptions) -> Any:
    return trafilatura.bare_extraction(
        tree,
        url=url,
        with_metadata=False,
        include_comments=False,
        include_images=True,
        include_links=options.include_links,
        include_formatting=True,
        favor_precision=options.favor == "precision",
        favor_recall=options.favor == "recall",
    )
