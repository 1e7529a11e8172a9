"""Issue #13's bylines and languages, end to end: real-feed-shaped RSS served on loopback,
through the real ingest pipeline, read back from the database and from the rendered pages,
JSON-LD and feeds."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.core.cache import cache

from broadsheet.core.fetch import Fetcher, FetchOptions
from broadsheet.ingest.models import Source
from broadsheet.ingest.pipeline import ingest_source
from broadsheet.newsroom.models import Article

from .conftest import LoopbackServer

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")


@pytest.fixture(autouse=True)
def _fresh(settings) -> None:
    # The views are read themselves, never replayed from an earlier test's page cache.
    settings.BROADSHEET_PAGE_CACHE = False
    cache.clear()


@pytest.fixture
def fetcher(allow_loopback):
    with Fetcher(FetchOptions(total_timeout=5)) as client:
        yield client


@pytest.fixture
def publisher(server: LoopbackServer) -> LoopbackServer:
    # Two stories have pages; the others' pages are missing (404) and their feed text stands.
    server.routes["/story/harbour-master"] = server.file_route("bylines/harbour-master.html")
    server.routes["/story/tide-gauge"] = server.file_route("bylines/tide-gauge.html")
    return server


def ingest(server: LoopbackServer, fetcher: Fetcher, section, feed: str, name: str) -> None:
    source = Source.objects.create(
        feed_url=server.url(f"/f/bylines/{feed}"),
        name=name,
        home_url=server.url("/"),
        section=section,
        mode=Source.Mode.FULL,
        publish_directly=True,
    )
    report = ingest_source(source, fetcher)
    assert report.ok and report.errors == 0, report


def story(server: LoopbackServer, path: str) -> Article:
    return Article.objects.get(canonical_url=server.url(path))


def page(client, article: Article) -> str:
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def jsonld_article(body: str) -> dict:
    raw = re.search(r'<script type="application/ld\+json">(.*?)</script>', body, re.S)
    assert raw is not None
    graph = json.loads(raw.group(1))["@graph"]
    return next(item for item in graph if item["@type"] == "NewsArticle")


def test_wire_feed_bylines(publisher, fetcher, section, client) -> None:
    ingest(publisher, fetcher, section, "wire.xml", "Harbor Wire")

    expected = {
        "/story/night-ferry": "Dana Reyes",  # news@... (Dana Reyes)
        "/story/lighthouse": "Ona Brightwater, Pim Kalder and Ruth Okafor",  # 3 dc:creator
        "/story/bakery": "Maria & Katerina Vos",  # &amp;amp; in the XML: decoded once
        "/story/harbour-master": "Iris Tamm and Jon Vale",  # the page's JSON-LD over the feed's
        "/story/marche": "Léa Martin, Paul Roux and Chloé Petit",  # "A, B, and C"
        "/story/dengta": "王小红",
    }
    for path, byline in expected.items():
        article = story(publisher, path)
        assert article.byline == byline, path
        assert article.display_byline == byline
        body = page(client, article)
        assert f"By {byline.replace('&', '&amp;')}</span>" in body
        assert not EMAIL.search(body), path

    # A bare e-mail address names nobody, and the page names only its publisher: staff.
    tide = story(publisher, "/story/tide-gauge")
    assert tide.byline == ""
    assert tide.display_byline == "Harbor Wire staff"
    body = page(client, tide)
    assert "By Harbor Wire staff</span>" in body
    assert jsonld_article(body)["author"] == [{"@type": "Organization", "name": "Harbor Wire"}]

    # JSON-LD names each person; the feeds and the API carry the line, never an address.
    body = page(client, story(publisher, "/story/harbour-master"))
    assert jsonld_article(body)["author"] == [
        {"@type": "Person", "name": "Iris Tamm"},
        {"@type": "Person", "name": "Jon Vale"},
    ]
    for url in ("/feed/", "/feed/atom/", "/"):
        text = client.get(url).content.decode()
        assert not EMAIL.search(text), url
        assert "Ona Brightwater, Pim Kalder and Ruth Okafor" in text
    api = client.get("/api/v1/articles/").content.decode()
    assert not EMAIL.search(api)


def test_item_languages_over_a_channel_that_says_english(publisher, fetcher, section, client) -> None:
    ingest(publisher, fetcher, section, "wire.xml", "Harbor Wire")
    assert story(publisher, "/story/night-ferry").language == "en"
    french = story(publisher, "/story/marche")
    chinese = story(publisher, "/story/dengta")
    assert (french.language, chinese.language) == ("fr", "zh")

    body = page(client, chinese)
    assert '<html lang="zh">' in body
    assert '<h1 class="story__headline" lang="zh" dir="ltr">' in body
    assert jsonld_article(body)["inLanguage"] == "zh"

    atom = ET.fromstring(client.get("/feed/atom/").content)
    langs = {e.findtext(f"{ATOM}title"): e.get(XML_LANG) for e in atom.iter(f"{ATOM}entry")}
    assert langs["Le marché aux poissons rouvre ses portes"] == "fr"
    assert langs["港口灯塔修复工程完工"] == "zh"
    assert langs["Night ferry timetable extended through the winter"] == "en"
    rss = ET.fromstring(client.get("/feed/").content)
    dc = "{http://purl.org/dc/elements/1.1/}language"
    rss_langs = {i.findtext("title"): i.findtext(dc) for i in rss.iter("item")}
    assert rss_langs["Le marché aux poissons rouvre ses portes"] == "fr"


def test_german_feed_declaring_english_comes_out_german(publisher, fetcher, section, client) -> None:
    ingest(publisher, fetcher, section, "heise.xml", "Technik Ticker")
    article = story(publisher, "/de/grafikkarten")
    assert article.language == "de"
    assert article.byline == "Anna Beck"
    body = page(client, article)
    assert '<html lang="de">' in body and '<div class="story__body prose" lang="de" dir="ltr">' in body
    assert jsonld_article(body)["inLanguage"] == "de"


def test_urdu_feed_stating_no_language_is_urdu_and_right_to_left(publisher, fetcher, section, client) -> None:
    ingest(publisher, fetcher, section, "urdu.xml", "Sahil Akhbar")
    article = story(publisher, "/ur/mandi")
    assert article.language == "ur"
    assert article.byline == "علی رضا"
    assert article.direction == "rtl"
    body = page(client, article)
    assert '<h1 class="story__headline" lang="ur" dir="rtl">' in body
    assert '<div class="story__body prose" lang="ur" dir="rtl">' in body
    assert jsonld_article(body)["inLanguage"] == "ur"
    # The card on the section page reads right to left too; the site's chrome does not.
    listing = client.get(section.get_absolute_url()).content.decode()
    assert 'class="card__title" lang="ur" dir="rtl"' in listing
    assert '<html lang="en">' in listing
