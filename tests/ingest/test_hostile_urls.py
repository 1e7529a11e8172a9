"""Hostile URLs from a publisher end to end: a loopback feed and pages full of javascript:,
vbscript: and data: URLs go through the real pipeline, and nothing the site then serves (the
article pages, the RSS and Atom feeds, the API's JSON) carries one. Rows stored before ingest
checked URLs are not printed either, and the newsroom migration clears them."""

from __future__ import annotations

import importlib
import json
import re

import pytest
from django.apps import apps as django_apps
from django.core.cache import cache

from broadsheet.core.fetch import Fetcher, FetchOptions
from broadsheet.ingest.commands import discover_feed_links, import_opml
from broadsheet.ingest.models import Entry, Source, Syndication
from broadsheet.ingest.pipeline import ingest_source
from broadsheet.newsroom.models import Article

from .conftest import LoopbackServer, Route

pytestmark = pytest.mark.django_db

# Any of the three schemes, however a browser or a feed reader would still read it.
HOSTILE = re.compile(r"(?:javascript|vbscript|data)\s*:|&#0*106;|&#x0*6a;", re.IGNORECASE)

HOSTILE_RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/">
<channel>
  <title>Hostile Herald</title>
  <link>javascript:alert('channel')</link>
  <item>
    <title>Ferry fares rise in spring</title>
    <link>javascript:alert(document.domain)//</link>
    <guid isPermaLink="false">hostile-1</guid>
    <description>The harbour board agreed new ferry fares on Monday.</description>
    <media:content url="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+" medium="image"/>
  </item>
  <item>
    <title>Market stalls return to the quay</title>
    <link> JaVaScRiPt:alert(2)</link>
    <guid>vbscript:msgbox(3)</guid>
    <description>Traders set up on the quay again after the storm.</description>
    <enclosure url=" VBScript:msgbox(4)" type="image/png" length="1"/>
  </item>
  <item>
    <title>Lighthouse keeper retires</title>
    <link>java&#x09;script:alert(5)</link>
    <guid isPermaLink="false">hostile-3</guid>
    <description>After forty years the keeper hands over the lamp.</description>
    <media:thumbnail url="&amp;#106;avascript:alert(6)"/>
  </item>
  <item>
    <title>Harbour dredging starts next week</title>
    <link>{base}/story/dredging</link>
    <guid isPermaLink="false">hostile-4</guid>
    <description>The channel will be dredged to twelve metres.</description>
  </item>
</channel>
</rss>
"""

# The page the one honest link leads to: every URL it states about itself is hostile.
HOSTILE_PAGE = """<!doctype html>
<html lang="en"><head>
<title>Harbour dredging starts next week</title>
<link rel="canonical" href="javascript:alert('canonical')">
<meta property="og:url" content="javascript:alert('og-url')">
<meta property="og:image" content="data:image/svg+xml,&lt;svg onload=alert(7)&gt;">
<meta property="og:image:secure_url" content="  data:text/html,&lt;script&gt;alert(8)&lt;/script&gt;">
<meta name="twitter:image" content="javascript:alert(9)">
<script type="application/ld+json">
{"@context": "https://schema.org", "@type": "NewsArticle",
 "headline": "Harbour dredging starts next week", "url": "javascript:alert(10)",
 "image": {"@type": "ImageObject", "url": "vbscript:msgbox(11)"},
 "author": {"@type": "Person", "name": "Ona Brightwater", "url": "javascript:alert(12)"},
 "datePublished": "2025-03-03T08:00:00Z"}
</script>
</head><body><article>
<h1>Harbour dredging starts next week</h1>
<figure><img src="data:image/png;base64,iVBORw0KGgo="><figcaption>The dredger.</figcaption></figure>
<p>The channel will be dredged to twelve metres so that the larger ferries can berth at any
tide. Work starts on Monday and lasts six weeks, the harbour board said on Tuesday.</p>
<p>Fishing boats will use the north quay while the dredger works the main channel, and the
harbour master will publish a daily notice of which berths are closed.</p>
<p><a href="javascript:alert(13)">A hostile link in the body</a> and
<a href="{base}/story/dredging-map">the dredging map</a>.</p>
</article></body></html>
"""

HOSTILE_JSON_FEED = {
    "version": "https://jsonfeed.org/version/1.1",
    "title": "Hostile JSON",
    "home_page_url": "vbscript:msgbox('home')",
    "items": [
        {
            "id": "json-1",
            "url": "javascript:alert('json')",
            "title": "Tide tables for April",
            "summary": "The tide tables for April are out.",
            "image": "data:image/png;base64,AAAA",
            "banner_image": " JAVASCRIPT:alert('banner')",
        },
        {
            "id": "json-2",
            "external_url": "&#106;avascript:alert('external')",
            "title": "Pier repairs finished early",
            "summary": "The pier reopens a week early.",
            "image": "java\nscript:alert('image')",
        },
    ],
}


@pytest.fixture
def fetcher(allow_loopback):
    with Fetcher(FetchOptions(total_timeout=5)) as client:
        yield client


@pytest.fixture
def publisher(server: LoopbackServer) -> LoopbackServer:
    base = server.base
    server.routes["/hostile.xml"] = Route(
        200, HOSTILE_RSS.replace("{base}", base).encode(), {"Content-Type": "application/rss+xml"}
    )
    server.routes["/story/dredging"] = Route(
        200, HOSTILE_PAGE.replace("{base}", base).encode(), {"Content-Type": "text/html; charset=utf-8"}
    )
    server.routes["/hostile.json"] = Route(
        200, json.dumps(HOSTILE_JSON_FEED).encode(), {"Content-Type": "application/feed+json"}
    )
    return server


@pytest.fixture(autouse=True)
def _fresh_site(settings, tmp_path) -> None:
    settings.BROADSHEET_PAGE_CACHE = False
    settings.BROADSHEET_SEARCH_DIR = tmp_path / "search"
    cache.clear()


def _ingest(publisher: LoopbackServer, fetcher: Fetcher, section) -> list[Article]:
    for path in ("/hostile.xml", "/hostile.json"):
        # No home_url of our own: the feed's own (hostile) channel link is all there is.
        source = Source.objects.create(feed_url=publisher.url(path), name="", section=section)
        report = ingest_source(source, fetcher)
        assert report.ok and report.errors == 0, report.messages
    return list(Article.objects.order_by("id"))


def test_hostile_feed_and_page_urls_are_never_stored(publisher, fetcher, section):
    articles = _ingest(publisher, fetcher, section)
    # Every entry still became a story: an unsafe link costs the link, not the entry.
    assert len(articles) == 6
    for article in articles:
        stored = [article.canonical_url or "", article.lead_image_url, article.source_home_url, article.body]
        assert not any(HOSTILE.search(value) for value in stored), stored
    dredging = Article.objects.get(headline="Harbour dredging starts next week")
    # The honest link survives, and the page was still read for what was safe in it.
    assert dredging.canonical_url == publisher.url("/story/dredging")
    assert dredging.lead_image_url == ""  # og:image, twitter:image, JSON-LD and <img> all hostile
    assert dredging.byline == "Ona Brightwater"
    ferry = Article.objects.get(headline="Ferry fares rise in spring")
    assert ferry.canonical_url is None and not ferry.is_aggregated


def test_pages_feeds_and_api_print_no_hostile_url(publisher, fetcher, section, client):
    articles = _ingest(publisher, fetcher, section)
    paths = [article.get_absolute_url() for article in articles]
    paths += ["/feed/", "/feed/atom/", f"/{section.slug}/feed/", "/api/v1/articles"]
    paths += [f"/api/v1/articles/{article.pk}" for article in articles]
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        content = response.content.decode()
        found = HOSTILE.search(content)
        assert found is None, f"{path}: {content[max(0, found.start() - 200) : found.end() + 100]}"
    # The one honest story is still credited and linked to its original.
    dredging = Article.objects.get(headline="Harbour dredging starts next week")
    page = client.get(dredging.get_absolute_url()).content.decode()
    assert f'href="{publisher.url("/story/dredging")}"' in page


# --- Rows stored before ingest checked URLs -------------------------------------------------
def drop_unsafe_outside_urls() -> None:
    migration = importlib.import_module("broadsheet.newsroom.migrations.0005_drop_unsafe_outside_urls")
    migration.drop_unsafe_outside_urls(django_apps, None)


@pytest.fixture
def stored_before_the_fix(make_article):
    """What ingest stored from a hostile feed before it checked URLs, and an honest story
    carried by a second, hostile source."""
    hostile = make_article(
        headline="Stored before the fix",
        canonical_url="javascript:alert(document.domain)//",
        lead_image_url="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+",
        source_home_url=" VBScript:msgbox(1)",
        source_name="Hostile Herald",
    )
    honest = make_article(
        headline="Honest and carried twice",
        canonical_url="https://gazette.example/honest",
        source_home_url="https://gazette.example/",
        source_name="Harbor Gazette",
    )
    first = Source.objects.create(feed_url="https://gazette.example/feed", name="Harbor Gazette")
    second = Source.objects.create(
        feed_url="https://hostile.example/feed", name="Hostile Herald", home_url="javascript:alert('home')"
    )
    Entry.objects.create(source=first, guid="g1", article=honest, content_hash="x")
    Syndication.objects.create(article=honest, source=second, url="javascript:alert('syndicated')")
    return hostile, honest


def test_pages_and_feeds_never_print_unsafe_urls_stored_before_the_fix(stored_before_the_fix, client):
    hostile, honest = stored_before_the_fix
    assert (hostile.original_url, hostile.publisher_url, hostile.lead_image_src) == ("", "", "")
    for path in (hostile.get_absolute_url(), honest.get_absolute_url(), "/feed/", "/feed/atom/"):
        content = client.get(path).content.decode()
        found = HOSTILE.search(content)
        assert found is None, f"{path}: {content[max(0, found.start() - 200) : found.end() + 100]}"
    page = client.get(hostile.get_absolute_url()).content.decode()
    assert "Originally published by Hostile Herald" in page  # still credited, just not linked
    page = client.get(honest.get_absolute_url()).content.decode()
    assert 'href="https://gazette.example/honest"' in page and "Also carried by" in page


def test_the_api_prints_no_unsafe_stored_url_and_the_migration_clears_them(stored_before_the_fix, client):
    hostile, honest = stored_before_the_fix
    # The API prints the model's guarded URLs, so even before the migration nothing shows.
    assert hostile.canonical_url and not HOSTILE.search(
        client.get(f"/api/v1/articles/{hostile.pk}").content.decode()
    )
    drop_unsafe_outside_urls()
    hostile.refresh_from_db()
    assert (hostile.canonical_url, hostile.lead_image_url, hostile.source_home_url) == (None, "", "")
    for path in ("/api/v1/articles", f"/api/v1/articles/{hostile.pk}", f"/api/v1/articles/{honest.pk}"):
        assert not HOSTILE.search(client.get(path).content.decode()), path
    honest.refresh_from_db()
    assert honest.canonical_url == "https://gazette.example/honest"  # safe rows are left alone


def test_the_migration_keeps_a_fixable_url_unless_another_article_has_it(make_article):
    spaced = make_article(
        canonical_url="  https://gazette.example/a", lead_image_url="\thttps://img.example/a.jpg"
    )
    clash = make_article(canonical_url=" https://gazette.example/b")
    make_article(canonical_url="https://gazette.example/b")
    drop_unsafe_outside_urls()
    spaced.refresh_from_db()
    clash.refresh_from_db()
    assert spaced.canonical_url == "https://gazette.example/a"
    assert spaced.lead_image_url == "https://img.example/a.jpg"
    assert clash.canonical_url is None  # the unique URL belongs to the other article


# --- Adding sources: discovery and OPML ---------------------------------------------------------
def test_feed_discovery_takes_only_http_links():
    page = (
        b"<html><head>"
        b'<link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">'
        b'<link rel="alternate" type="application/rss+xml" href=" DATA:application/rss+xml,x">'
        b'<link rel="alternate" type="application/atom+xml" href="/atom.xml">'
        b"</head><body></body></html>"
    )
    assert discover_feed_links(page, "https://gazette.example/news/") == ["https://gazette.example/atom.xml"]


def test_opml_home_pages_are_http_or_nothing(tmp_path, section):
    opml = tmp_path / "feeds.opml"
    opml.write_text(
        '<opml version="2.0"><body>'
        '<outline text="Hostile" xmlUrl="https://hostile.example/feed" htmlUrl="javascript:alert(1)"/>'
        '<outline text="Honest" xmlUrl="https://gazette.example/feed" htmlUrl="https://gazette.example/"/>'
        "</body></opml>"
    )
    created = {source.name: source.home_url for source in import_opml(str(opml))}
    assert created == {"Hostile": "", "Honest": "https://gazette.example/"}
