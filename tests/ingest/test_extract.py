"""extract.py: stated metadata first, trafilatura for the body, per-site CSS rules. No DB."""

from __future__ import annotations

import datetime as dt

import lxml.html
import pytest

from broadsheet.core.sanitize import sanitize_html
from broadsheet.ingest.errors import ExtractError
from broadsheet.ingest.extract import (
    ExtractionRules,
    apply_rules,
    css_to_xpath,
    extract_article,
    parse_date,
    stated_metadata,
)

from .conftest import FIXTURES

BASE = "http://site.test"


def page(name: str) -> bytes:
    return (FIXTURES / name).read_bytes().replace(b"{base}", BASE.encode())


def test_json_ld_metadata_wins_over_open_graph():
    result = extract_article(page("ferry.html"), f"{BASE}/story/ferry.html")
    assert result.title == "Ferry service to Gull Island resumes after winter repairs"
    assert result.byline == "Ona Brightwater"
    assert result.published == dt.datetime(2025, 3, 3, 8, 0, tzinfo=dt.UTC)
    assert result.image_url == f"{BASE}/img/ferry.jpg"
    assert result.image_caption == "The Gull Island ferry leaves dry dock."
    assert result.image_credit == "P. Lund"
    assert result.language == "en"
    assert result.site_name == "Harbor Gazette"
    assert "forty passengers" in result.body_html and "finest rope" not in result.body_html


def test_open_graph_meta_and_figcaption_without_json_ld():
    result = extract_article(page("market.html"), f"{BASE}/story/market.html", image_credit="Feed credit")
    assert result.title == "Fish market moves to the old rope works"
    assert result.byline == "Dee Saltmarsh"
    assert result.published == dt.datetime(2025, 3, 4, 9, 30, tzinfo=dt.UTC)
    assert result.image_url == f"{BASE}/img/market.jpg"  # relative src made absolute
    assert result.image_caption == "Stalls in the rope works hall."
    assert result.image_credit == "Feed credit"  # media:credit from the feed when the page has none
    assert "rope works" in result.text


def test_body_is_clean_after_the_sanitise_step():
    result = extract_article(page("ferry.html"), f"{BASE}/story/ferry.html")
    body = sanitize_html(result.body_html, base_url=result.url)
    assert "<script" not in body and "onerror" not in body and "javascript:" not in body.lower()


@pytest.mark.parametrize(
    ("selector", "xpath"),
    [
        ("article", ".//article"),
        ("div.ad", ".//div[contains(concat(' ', normalize-space(@class), ' '), ' ad ')]"),
        ("#main > p", ".//*[@id='main']/p"),
        ("aside, .promo", ".//aside | .//*[contains(concat(' ', normalize-space(@class), ' '), ' promo ')]"),
        ("[data-role='share']", ".//*[@data-role='share']"),
        ("a[href^=http]", ".//a[starts-with(@href, 'http')]"),
        ("div[class*=sponsor] img", ".//div[contains(@class, 'sponsor')]//img"),
    ],
)
def test_css_to_xpath(selector, xpath):
    assert css_to_xpath(selector) == xpath


@pytest.mark.parametrize("selector", ["", "p:first-child", "> p", "a::before", "div ~ p", "p + p"])
def test_unsupported_selectors_are_refused(selector):
    with pytest.raises(ExtractError):
        css_to_xpath(selector)


def test_rules_from_json_validate_selectors():
    assert ExtractionRules.from_json({"keep": "article", "drop": [".ad", " "]}) == ExtractionRules(
        ("article",), (".ad",)
    )
    assert ExtractionRules.from_json(None) == ExtractionRules()
    with pytest.raises(ExtractError):
        ExtractionRules.from_json({"drop": ["p:hover"]})


def test_drop_and_keep_rules_apply_to_the_dom():
    tree = lxml.html.document_fromstring(
        "<html><body><nav>menu</nav><div class='story'><p>keep me</p><p class='ad'>buy</p></div>"
        "<div>other</div></body></html>"
    )
    apply_rules(tree, ExtractionRules(keep=(".story",), drop=(".ad",)))
    text = tree.text_content()
    assert "keep me" in text and "buy" not in text and "menu" not in text and "other" not in text


def test_drop_rule_removes_text_from_the_extracted_body():
    rules = ExtractionRules(drop=("figure",))
    result = extract_article(page("ferry.html"), f"{BASE}/story/ferry.html", rules=rules)
    assert "dry dock on Monday" not in result.body_html


def test_stated_metadata_reads_graph_and_lists():
    tree = lxml.html.document_fromstring(
        '<html><head><script type="application/ld+json">{"@graph": [{"@type": "WebPage"},'
        '{"@type": ["NewsArticle"], "headline": "Graph headline", "author": ["A. One", {"name": "B. Two"}],'
        '"image": ["/a.jpg", "/b.jpg"], "inLanguage": "de-DE"}]}</script></head><body></body></html>'
    )
    found = stated_metadata(tree, f"{BASE}/x")
    assert found["title"] == "Graph headline"
    assert found["byline"] == "A. One, B. Two"
    assert found["image_url"] == f"{BASE}/a.jpg"
    assert found["language"] == "de-DE"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-03-03T08:00:00Z", dt.datetime(2025, 3, 3, 8, tzinfo=dt.UTC)),
        ("2025-03-03T08:00:00+02:00", dt.datetime(2025, 3, 3, 6, tzinfo=dt.UTC)),
        ("2025-03-03", dt.datetime(2025, 3, 3, tzinfo=dt.UTC)),
        ("2025-03-03T08:00:00.000-0500", dt.datetime(2025, 3, 3, 13, tzinfo=dt.UTC)),
        ("yesterday", None),
        ("", None),
        ("1851-09-18", dt.datetime(1851, 9, 18, tzinfo=dt.UTC)),  # an archive's first issue
        ("0001-01-01T00:00:00Z", None),  # a template's null date
        ("0001-01-01T00:00:00+01:00", None),
    ],
)
def test_parse_date(value, expected):
    assert parse_date(value) == expected


def test_a_null_stated_date_gives_way_to_the_next_statement():
    # USA Today's network states datePublished "0001-01-01T00:00:00Z" in its first JSON-LD.
    html = (
        '<html><head><script type="application/ld+json">{"@type": "NewsArticle",'
        ' "datePublished": "0001-01-01T00:00:00Z", "dateCreated": "0001-01-01T00:00:00Z"}</script>'
        '<meta property="article:published_time" content="2019-11-19T15:04:00Z"></head>'
        "<body><article>"
        + "<p>Prison guards were arrested on Tuesday, prosecutors said.</p>" * 8
        + "</article></body></html>"
    )
    assert stated_metadata(lxml.html.fromstring(html), BASE)["date"] == "2019-11-19T15:04:00Z"
    only_null = html.replace('<meta property="article:published_time" content="2019-11-19T15:04:00Z">', "")
    published = extract_article(only_null, f"{BASE}/story/2019/11/19/guards/").published
    assert published is None or published.year == 2019  # trafilatura's guess, never year 1


@pytest.mark.parametrize("content", [b"", b"   "])
def test_empty_page_is_an_extract_error(content):
    with pytest.raises(ExtractError):
        extract_article(content, f"{BASE}/empty")
