"""Sitemaps: the index, paged section sitemaps, the static sitemap and the Google News sitemap."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from broadsheet.core import clock
from broadsheet.newsroom import services
from broadsheet.newsroom.models import Page, Section, SiteSettings
from broadsheet.site import sitemaps

pytestmark = pytest.mark.django_db

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


@pytest.fixture(autouse=True)
def _fresh_cache(settings) -> None:
    # These tests read the views themselves; the page cache has its own tests.
    settings.BROADSHEET_PAGE_CACHE = False
    cache.clear()


@pytest.fixture
def sports(db) -> Section:
    return Section.objects.create(name="Sports", slug="sports", order=4)


def get_xml(client, path: str) -> ET.Element:
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return ET.fromstring(body)


def locs(root: ET.Element, element: str = "url") -> list[str]:
    return [node.findtext(f"{SM}loc", "") for node in root.findall(f"{SM}{element}")]


def parse_w3c(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value)


def test_index_lists_static_and_section_sitemaps(client, make_article, sports) -> None:
    Section.objects.create(name="Empty", slug="empty")
    business_article = make_article()
    make_article(section=sports)
    root = get_xml(client, "/sitemap.xml")
    assert root.tag == f"{SM}sitemapindex"
    assert locs(root, "sitemap") == [
        "http://testserver/sitemap-static.xml",
        "http://testserver/sitemap-business.xml",
        "http://testserver/sitemap-sports.xml",
    ]
    business = root.findall(f"{SM}sitemap")[1]
    lastmod = parse_w3c(business.findtext(f"{SM}lastmod", ""))
    assert lastmod == business_article.updated_at.replace(microsecond=0)


def test_section_sitemap_lists_only_its_public_own_articles(client, make_article, sports) -> None:
    older = make_article(headline="Older")
    newer = make_article(headline="Newer", published_at=clock.now() - dt.timedelta(minutes=1))
    make_article(section=sports)
    make_article(publish=False)
    make_article(published_at=clock.now() + dt.timedelta(days=1))
    services.withdraw(make_article())
    make_article(canonical_url="https://example.org/elsewhere", source_name="Example Gazette")

    root = get_xml(client, "/sitemap-business.xml")
    assert root.tag == f"{SM}urlset"
    # Oldest first, so pages keep their contents as new articles arrive.
    assert locs(root) == [
        f"http://testserver/business/{older.slug}/",
        f"http://testserver/business/{newer.slug}/",
    ]
    lastmods = [parse_w3c(u.findtext(f"{SM}lastmod", "")) for u in root.findall(f"{SM}url")]
    assert lastmods == [a.updated_at.replace(microsecond=0) for a in (older, newer)]


def test_section_sitemap_of_unknown_section_is_404(client) -> None:
    assert client.get("/sitemap-nowhere.xml").status_code == 404


def test_sections_split_into_pages(client, make_article, monkeypatch) -> None:
    monkeypatch.setattr(sitemaps, "PAGE_SIZE", 2)
    articles = sorted((make_article() for _ in range(5)), key=lambda a: a.published_at)
    index = get_xml(client, "/sitemap.xml")
    assert locs(index, "sitemap") == [
        "http://testserver/sitemap-static.xml",
        "http://testserver/sitemap-business.xml",
        "http://testserver/sitemap-business.xml?p=2",
        "http://testserver/sitemap-business.xml?p=3",
    ]
    pages = [
        locs(get_xml(client, path))
        for path in ("/sitemap-business.xml", "/sitemap-business.xml?p=2", "/sitemap-business.xml?p=3")
    ]
    assert [len(p) for p in pages] == [2, 2, 1]
    assert sum(pages, []) == [f"http://testserver/business/{a.slug}/" for a in articles]
    for bad in ("4", "0", "-1", "two", "²", "9" * 40):
        assert client.get(f"/sitemap-business.xml?p={bad}").status_code == 404


def test_index_counts_are_cached(client, make_article) -> None:
    make_article()
    client.get("/sitemap.xml")
    with CaptureQueriesContext(connection) as captured:
        client.get("/sitemap.xml")
    # Only the small section table is read; the grouped article count comes from the cache.
    assert len(captured) == 1
    assert "newsroom_article" not in captured[0]["sql"]


def test_static_sitemap_lists_home_sections_and_pages(client, make_article, sports) -> None:
    article = make_article()
    about = Page.objects.create(title="About", slug="about")
    root = get_xml(client, "/sitemap-static.xml")
    assert locs(root) == [
        "http://testserver/",
        "http://testserver/business/",
        "http://testserver/sports/",
        "http://testserver/about/",
    ]
    urls = root.findall(f"{SM}url")
    assert parse_w3c(urls[0].findtext(f"{SM}lastmod", "")) == article.updated_at.replace(microsecond=0)
    assert urls[2].find(f"{SM}lastmod") is None
    assert parse_w3c(urls[3].findtext(f"{SM}lastmod", "")) == about.updated_at.replace(microsecond=0)
    assert client.get("/sitemap-static.xml?p=2").status_code == 404


def test_news_sitemap(client, make_article) -> None:
    site = SiteSettings.load()
    site.site_name = "Ledger & Co"
    site.save()
    recent = make_article(
        headline="Fish & Chips <Ltd> opens",
        language="en-GB",
        published_at=clock.now() - dt.timedelta(hours=1),
    )
    make_article(published_at=clock.now() - dt.timedelta(hours=49))
    make_article(publish=False, published_at=clock.now() - dt.timedelta(hours=2))
    make_article(
        canonical_url="https://example.org/x",
        source_name="Example Gazette",
        published_at=clock.now() - dt.timedelta(hours=2),
    )

    response = client.get("/news-sitemap.xml")
    assert response["Content-Type"].startswith("application/xml")
    assert b'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"' in response.content
    root = ET.fromstring(response.content)
    assert locs(root) == [f"http://testserver/business/{recent.slug}/"]
    news = root.find(f"{SM}url/{NEWS}news")
    assert news is not None
    assert news.findtext(f"{NEWS}publication/{NEWS}name") == "Ledger & Co"
    assert news.findtext(f"{NEWS}publication/{NEWS}language") == "en"
    assert news.findtext(f"{NEWS}title") == "Fish & Chips <Ltd> opens"
    published = parse_w3c(news.findtext(f"{NEWS}publication_date", ""))
    assert published == recent.published_at.replace(microsecond=0)
    assert published.utcoffset() is not None


def test_news_sitemap_is_capped_newest_first(client, make_article, monkeypatch) -> None:
    monkeypatch.setattr(sitemaps, "NEWS_LIMIT", 3)
    articles = [make_article() for _ in range(5)]  # each an hour older than the one before
    root = ET.fromstring(client.get("/news-sitemap.xml").content)
    assert locs(root) == [f"http://testserver/business/{a.slug}/" for a in articles[:3]]


def test_sitemap_urls_follow_the_request_host(client, make_article) -> None:
    make_article()
    response = client.get("/sitemap.xml", HTTP_HOST="localhost")
    assert locs(ET.fromstring(response.content), "sitemap")[0] == "http://localhost/sitemap-static.xml"


@pytest.mark.parametrize(
    ("code", "expected"), [("en", "en"), ("en-GB", "en"), ("fr_CA", "fr"), ("zh-TW", "zh-tw"), ("", "en")]
)
def test_news_language_codes(code: str, expected: str) -> None:
    assert sitemaps._news_language(code) == expected
