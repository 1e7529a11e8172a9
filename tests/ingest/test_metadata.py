"""metadata.py: trafilatura's guesses for only the fields a page leaves out, and the same
answers as its whole metadata pass. No DB."""

from __future__ import annotations

from urllib.parse import urljoin

import lxml.html
import pytest
from trafilatura.metadata import extract_metadata
from trafilatura.settings import DEFAULT_CONFIG, set_date_params

from broadsheet.ingest.metadata import GUESSED_FIELDS, STATED_FIELDS, guessed_metadata, stated_metadata

from .conftest import FIXTURES

BASE = "http://site.test"
BARE = (
    "<html><head><title>Tide tables for the spring | Harbor Gazette</title>"
    '<meta name="author" content="Ona Brightwater"></head><body><h1>Tide tables</h1>'
    '<p class="byline">By Ona Brightwater</p><time datetime="2025-03-03">3 March</time>'
    "<article><p>High water at the north quay is at seven.</p></article></body></html>"
)
NOTHING = "<html><body><p>Only a paragraph, no title, no date, no name.</p></body></html>"


def pages() -> list[tuple[str, str]]:
    found = [
        (name, (FIXTURES / name).read_text().replace("{base}", BASE))
        for name in ("ferry.html", "market.html")
    ]
    return [*found, ("bare", BARE), ("nothing", NOTHING)]


def whole_pass(html: str, url: str) -> dict[str, str]:
    """The fields extract_article reads, from trafilatura's whole metadata pass (as
    bare_extraction(with_metadata=True) runs it)."""
    date_params = set_date_params(DEFAULT_CONFIG.getboolean("DEFAULT", "EXTENSIVE_DATE_SEARCH"))
    document = extract_metadata(lxml.html.fromstring(html), url, date_params, False, set())
    names = {"title": "title", "byline": "author", "date": "date", "description": "description"}
    names |= {"site_name": "sitename"}
    expected = {key: " ".join(str(getattr(document, attr) or "").split()) for key, attr in names.items()}
    expected["image_url"] = urljoin(url, str(document.image)) if document.image else ""
    return {key: value for key, value in expected.items() if value}


@pytest.mark.parametrize(("name", "html"), pages(), ids=[name for name, _html in pages()])
def test_all_fields_match_trafilaturas_whole_pass(name, html):
    url = f"{BASE}/story/{name}"
    assert guessed_metadata(lxml.html.fromstring(html), url, GUESSED_FIELDS) == whole_pass(html, url)


@pytest.mark.parametrize("field", sorted(GUESSED_FIELDS))
@pytest.mark.parametrize(("name", "html"), pages(), ids=[name for name, _html in pages()])
def test_one_field_alone_gets_the_same_answer(name, html, field):
    url = f"{BASE}/story/{name}"
    alone = guessed_metadata(lxml.html.fromstring(html), url, [field])
    assert set(alone) <= {field}
    assert alone.get(field) == whole_pass(html, url).get(field)


def test_a_page_stating_little_gets_trafilaturas_guesses():
    found = guessed_metadata(lxml.html.fromstring(BARE), f"{BASE}/tides", GUESSED_FIELDS)
    assert found["title"] == "Tide tables" and found["byline"] == "Ona Brightwater"
    assert found["date"] == "2025-03-03" and found["site_name"] == "site.test"  # from the URL


def test_nothing_asked_nothing_done():
    assert guessed_metadata(lxml.html.fromstring(BARE), BASE, []) == {}
    # trafilatura names a language only when asked to filter by one: nothing to run for it.
    assert guessed_metadata(lxml.html.fromstring(BARE), BASE, ["language"]) == {}
    assert set(GUESSED_FIELDS) < set(STATED_FIELDS)


def test_the_tree_is_left_as_it_was():
    tree = lxml.html.fromstring(BARE)
    before = lxml.html.tostring(tree)
    guessed_metadata(tree, BASE, GUESSED_FIELDS)
    assert lxml.html.tostring(tree) == before


# --- Image URLs the page states: http(s) or nothing (issue #16) -----------------------------
def hostile_page(figure_src: str) -> str:
    return (
        "<html><head><title>Dredging</title>"
        '<link rel="canonical" href="javascript:alert(1)">'
        '<meta property="og:image:secure_url" content=" data:image/svg+xml,&lt;svg onload=alert(2)&gt;">'
        '<meta property="og:image" content="JaVaScRiPt:alert(3)">'
        '<meta name="twitter:image" content="java&#x09;script:alert(4)">'
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Dredging",'
        ' "url": "javascript:alert(5)", "image": {"@type": "ImageObject", "url": "vbscript:msgbox(6)"}}'
        "</script></head><body><article><h1>Dredging</h1>"
        f'<figure><img src="{figure_src}"><figcaption>The dredger.</figcaption></figure>'
        "<p>The channel will be dredged.</p></article></body></html>"
    )


@pytest.mark.parametrize(
    ("figure_src", "expected"),
    [
        ("data:image/png;base64,iVBORw0KGgo=", ""),
        ("&#106;avascript:alert(7)", ""),
        # Every stated image before it is hostile: the first honest one wins, made absolute.
        ("/img/dredger.jpg", f"{BASE}/img/dredger.jpg"),
        ("//cdn.site.test/dredger.jpg", "http://cdn.site.test/dredger.jpg"),
    ],
)
def test_stated_image_urls_are_http_or_nothing(figure_src, expected):
    tree = lxml.html.fromstring(hostile_page(figure_src))
    found = stated_metadata(tree, f"{BASE}/story/dredging")
    assert found.get("image_url", "") == expected
    assert found["title"] == "Dredging" and found["image_caption"] == "The dredger."


def test_guessed_image_url_is_http_or_nothing():
    # trafilatura reads og:image and twitter:image itself: its answer is checked as well.
    for image in ("javascript:alert(1)", " data:image/png;base64,AAAA", "vbscript:msgbox(1)"):
        page = f'<html><head><meta name="twitter:image" content="{image}"></head><body><p>x</p></body></html>'
        assert guessed_metadata(lxml.html.fromstring(page), f"{BASE}/a", ["image_url"]) == {}
    page = '<html><head><meta property="og:image" content="/i.jpg"></head><body><p>x</p></body></html>'
    assert guessed_metadata(lxml.html.fromstring(page), f"{BASE}/a", ["image_url"]) == {
        "image_url": f"{BASE}/i.jpg"
    }
