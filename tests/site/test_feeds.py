"""RSS and Atom feeds: what they list, in what order, and how each item is described."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from email.utils import parsedate_to_datetime

import feedparser
import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from broadsheet.core import clock
from broadsheet.newsroom import services
from broadsheet.newsroom.models import Section, SiteSettings

pytestmark = pytest.mark.django_db

MEDIA_NS = "{http://search.yahoo.com/mrss/}"
CONTENT_NS = "{http://purl.org/rss/1.0/modules/content/}"
ATOM_NS = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(autouse=True)
def _no_page_cache(settings) -> None:
    # These tests read the views themselves; the page cache has its own tests.
    settings.BROADSHEET_PAGE_CACHE = False
    cache.clear()


@pytest.fixture
def site_settings(db) -> SiteSettings:
    site = SiteSettings.load()
    site.site_name = "The Harbor Ledger"
    site.tagline = "News from the waterfront"
    site.save()
    return site


@pytest.fixture
def sports(db) -> Section:
    return Section.objects.create(name="Sports", slug="sports", order=4)


def fetch(client, path: str) -> feedparser.FeedParserDict:
    response = client.get(path)
    assert response.status_code == 200
    return feedparser.parse(response.content)


def test_rss_lists_public_articles_newest_first(client, site_settings, make_article) -> None:
    newest = make_article(headline="Ferry timetable published", tags=["Ferries", "Transport"])
    middle = make_article(headline="Dock strike ends")
    oldest = make_article(headline="Lighthouse repainted")
    make_article(headline="A draft", publish=False)
    make_article(headline="A scheduled story", published_at=clock.now() + dt.timedelta(hours=2))
    services.withdraw(make_article(headline="A withdrawn story"))

    response = client.get("/feed/")
    assert response["Content-Type"].startswith("application/rss+xml")
    parsed = feedparser.parse(response.content)

    assert parsed.version == "rss20"
    assert parsed.feed.title == "The Harbor Ledger"
    assert parsed.feed.link == "http://testserver/"
    assert parsed.feed.subtitle == "News from the waterfront"
    assert [e.title for e in parsed.entries] == [
        "Ferry timetable published",
        "Dock strike ends",
        "Lighthouse repainted",
    ]
    first = parsed.entries[0]
    url = f"http://testserver/business/{newest.slug}/"
    assert first.link == url
    assert first.id == url
    guid = ET.fromstring(response.content).find("channel/item/guid")
    assert guid is not None
    assert (guid.text, guid.get("isPermaLink")) == (url, "true")
    assert first.author == "Mara Quill"
    assert first.summary == "A fictional story for tests."
    assert [t.term for t in first.tags] == ["Business", "Ferries", "Transport"]
    assert "The council met on Tuesday." in first.content[0].value
    published = dt.datetime(*first.published_parsed[:6], tzinfo=dt.UTC)
    assert published == newest.published_at.replace(microsecond=0)
    updated = dt.datetime(*first.updated_parsed[:6], tzinfo=dt.UTC)
    assert updated == newest.updated_at.astimezone(dt.UTC).replace(microsecond=0)
    assert {e.link for e in parsed.entries} == {
        f"http://testserver/business/{a.slug}/" for a in (newest, middle, oldest)
    }


def test_rss_channel_has_self_link_and_last_build_date(client, site_settings, make_article) -> None:
    articles = [make_article() for _ in range(3)]
    root = ET.fromstring(client.get("/feed/").content)
    channel = root.find("channel")
    assert channel is not None
    self_link = channel.find(f"{ATOM_NS}link")
    assert self_link is not None
    assert self_link.get("rel") == "self"
    assert self_link.get("href") == "http://testserver/feed/"
    last_build = parsedate_to_datetime(channel.findtext("lastBuildDate", ""))
    assert last_build == max(a.updated_at for a in articles).replace(microsecond=0)


def test_feed_carries_at_most_twenty_articles(client, site_settings, make_article) -> None:
    for _ in range(23):
        make_article()
    assert len(fetch(client, "/feed/").entries) == 20


def test_description_falls_back_to_an_excerpt_of_the_body(client, site_settings, make_article) -> None:
    make_article(dek="", body="<p>Gulls &amp; terns <em>returned</em> to the pier.</p>")
    root = ET.fromstring(client.get("/feed/").content)
    # The description is HTML; the plain-text excerpt is escaped into it.
    assert root.findtext("channel/item/description") == "Gulls &amp; terns returned to the pier."


def test_xml_escaping_of_headlines(client, site_settings, make_article) -> None:
    headline = 'Fish & Chips <Ltd> wins "best" award'
    make_article(headline=headline, dek="Salt & vinegar <b>only</b>")
    rss = ET.fromstring(client.get("/feed/").content)
    assert rss.findtext("channel/item/title") == headline
    assert rss.findtext("channel/item/description") == "Salt &amp; vinegar &lt;b&gt;only&lt;/b&gt;"
    atom = ET.fromstring(client.get("/feed/atom/").content)
    assert atom.findtext(f"{ATOM_NS}entry/{ATOM_NS}title") == headline


def test_atom_feed(client, site_settings, make_article) -> None:
    article = make_article(headline="Tide tables for May", tags=["Tides"])
    make_article(headline="Older news")
    response = client.get("/feed/atom/")
    assert response["Content-Type"].startswith("application/atom+xml")
    parsed = feedparser.parse(response.content)
    assert parsed.version == "atom10"
    assert parsed.feed.title == "The Harbor Ledger"
    assert [e.title for e in parsed.entries] == ["Tide tables for May", "Older news"]
    entry = parsed.entries[0]
    assert entry.link == f"http://testserver/business/{article.slug}/"
    assert entry.id == entry.link
    assert entry.author_detail.name == "Mara Quill"
    assert entry.author_detail.href == "http://testserver/author/mara-quill/"
    assert [t.term for t in entry.tags] == ["Business", "Tides"]
    assert "The council met on Tuesday." in entry.content[0].value
    self_links = [link.href for link in parsed.feed.links if link.rel == "self"]
    assert self_links == ["http://testserver/feed/atom/"]


def test_section_feed_lists_only_that_section(client, site_settings, make_article, sports) -> None:
    make_article(headline="Business story")
    make_article(headline="Sports story", section=sports)
    make_article(headline="Unpublished sports story", section=sports, publish=False)
    parsed = fetch(client, "/sports/feed/")
    assert parsed.feed.title == "The Harbor Ledger: Sports"
    assert parsed.feed.link == "http://testserver/sports/"
    assert [e.title for e in parsed.entries] == ["Sports story"]


def test_section_feed_for_unknown_section_is_404(client, site_settings) -> None:
    assert client.get("/no-such-section/feed/").status_code == 404


def test_aggregated_article_credits_its_source(client, site_settings, make_article) -> None:
    make_article(
        headline="Pier reopens",
        author=None,
        canonical_url="https://example.org/news/pier-reopens",
        source_name="Example Gazette",
        source_home_url="https://example.org/",
    )
    rss = ET.fromstring(client.get("/feed/").content)
    source = rss.find("channel/item/source")
    assert source is not None
    assert source.text == "Example Gazette"
    assert source.get("url") == "https://example.org/"
    assert rss.findtext("channel/item/{http://purl.org/dc/elements/1.1/}creator") == "Example Gazette staff"

    atom = ET.fromstring(client.get("/feed/atom/").content)
    assert atom.findtext(f"{ATOM_NS}entry/{ATOM_NS}source/{ATOM_NS}title") == "Example Gazette"


def test_lead_image_is_an_absolute_media_content(client, site_settings, make_article) -> None:
    make_article(
        lead_image="lead/2024/05/pier.jpg",
        lead_image_width=1200,
        lead_image_height=675,
        lead_image_alt="The pier at dawn",
    )
    make_article(lead_image_url="https://cdn.example.org/gull.jpg")
    items = ET.fromstring(client.get("/feed/").content).findall("channel/item")
    first = items[0].find(f"{MEDIA_NS}content")
    assert first is not None
    assert first.get("url") == "http://testserver/media/lead/2024/05/pier.jpg"
    assert (first.get("width"), first.get("height"), first.get("medium")) == ("1200", "675", "image")
    assert first.findtext(f"{MEDIA_NS}description") == "The pier at dawn"
    second = items[1].find(f"{MEDIA_NS}content")
    assert second is not None
    assert second.get("url") == "https://cdn.example.org/gull.jpg"
    assert second.get("width") is None


def test_content_encoded_is_present(client, site_settings, make_article) -> None:
    make_article(body="<p>Full text here.</p>")
    rss = ET.fromstring(client.get("/feed/").content)
    assert rss.findtext(f"channel/item/{CONTENT_NS}encoded") == "<p>Full text here.</p>"


@pytest.mark.parametrize("path", ["/feed/", "/feed/atom/", "/business/feed/"])
def test_query_count_does_not_grow_with_articles(client, site_settings, make_article, path) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        assert response.status_code == 200
        return len(captured)

    for n in range(3):
        make_article(tags=[f"Tag {n}", "Common"])
    with_three = queries()
    assert len(feedparser.parse(client.get(path).content).entries) == 3
    for n in range(27):
        make_article(tags=[f"Other {n}", "Common"])
    with_thirty = queries()
    assert len(feedparser.parse(client.get(path).content).entries) == 20
    assert with_three == with_thirty
    assert with_thirty <= 4


def test_feed_sets_last_modified(client, site_settings, make_article) -> None:
    article = make_article()
    response = client.get("/feed/")
    assert parsedate_to_datetime(response["Last-Modified"]) == article.updated_at.replace(microsecond=0)


def test_feed_without_site_settings_row_uses_defaults_and_writes_nothing(client, make_article) -> None:
    make_article()
    parsed = fetch(client, "/feed/")
    assert parsed.feed.title == "Broadsheet"
    assert not SiteSettings.objects.exists()
