"""parse.py: every feed flavour, bozo recovery, wrong encodings, GUID fallbacks. No DB."""

from __future__ import annotations

import datetime as dt

import pytest

from broadsheet.ingest.errors import ParseError
from broadsheet.ingest.parse import fallback_guid, parse_feed

from .conftest import FIXTURES

BASE = "http://feeds.test"


def load(name: str) -> bytes:
    return (FIXTURES / name).read_bytes().replace(b"{base}", BASE.encode())


@pytest.mark.parametrize(
    ("name", "kind", "title", "count", "first_title", "first_guid"),
    [
        (
            "rss091.xml",
            "rss091n",
            "Lighthouse Weekly",
            1,
            "Keeper's cottage opens as a museum",
            f"{BASE}/weekly/cottage.html",
        ),
        (
            "rss10.rdf",
            "rss10",
            "Tide Tables Daily",
            1,
            "Highest spring tide in a decade expected on Friday",
            f"{BASE}/tides/high-water.html",
        ),
        (
            "rss20.xml",
            "rss20",
            "Harbor Gazette",
            2,
            "Ferry service to Gull Island resumes after winter repairs",
            "gazette-1001",
        ),
        (
            "atom.xml",
            "atom10",
            "Quayside Courier",
            1,
            "Council approves new sea wall",
            "urn:example:courier:sea-wall",
        ),
        ("feed.json", "json1.1", "Net Loft Notes", 2, "Net menders teach a class at the library", "loft-7"),
    ],
)
def test_feed_flavours(name, kind, title, count, first_title, first_guid):
    feed = parse_feed(load(name), url=f"{BASE}/{name}")
    assert (feed.kind, feed.title, len(feed.entries)) == (kind, title, count)
    assert feed.entries[0].title == first_title
    assert feed.entries[0].guid == first_guid
    assert feed.problem == ""


def test_rss20_fields():
    feed = parse_feed(load("rss20.xml"), url=f"{BASE}/rss20.xml")
    entry = feed.entries[0]
    assert feed.ttl == 60 and feed.link == f"{BASE}/"
    assert entry.url == f"{BASE}/story/ferry.html?utm_source=rss&utm_medium=feed"
    assert entry.published == dt.datetime(2025, 3, 3, 8, 0, tzinfo=dt.UTC)
    assert entry.author == "Ona Brightwater"
    assert entry.categories == ("Business",)
    assert entry.image_url == f"{BASE}/img/ferry.jpg"
    assert entry.image_credit == "Harbor Gazette / P. Lund"
    assert "three months in dry dock" in entry.summary_html


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("rss10.rdf", dt.datetime(2025, 3, 5, 5, 15, tzinfo=dt.UTC)),  # +01:00 made UTC
        ("atom.xml", dt.datetime(2025, 3, 6, 14, 0, tzinfo=dt.UTC)),  # -05:00 made UTC
        ("feed.json", dt.datetime(2025, 3, 7, 18, 0, tzinfo=dt.UTC)),
        ("rss091.xml", None),
    ],
)
def test_dates_are_aware_utc(name, expected):
    published = parse_feed(load(name)).entries[0].published
    assert published == expected
    if published is not None:
        assert published.utcoffset() == dt.timedelta(0)


def test_atom_author_category_and_content():
    entry = parse_feed(load("atom.xml")).entries[0]
    assert entry.author == "Tam Merrow" and entry.categories == ("tech",)
    assert "Work starts in May" in entry.content_html


def test_json_feed_fields_and_fallbacks():
    feed = parse_feed(load("feed.json"), url=f"{BASE}/feed.json", content_type="application/feed+json")
    first, second = feed.entries
    assert first.url == f"{BASE}/loft/nets.html"  # relative URL resolved against the feed
    assert first.author == "Loft Staff" and first.categories == ("Movies", "Community")
    assert first.image_url == f"{BASE}/img/nets.jpg"
    assert first.summary_html == "Six evenings of knots &amp; splices."
    assert second.guid == f"{BASE}/loft/no-id.html"  # no id: the link stands in
    assert second.content_html == "<p>First paragraph.</p><p>Second paragraph.</p>"


def test_bozo_feed_keeps_recovered_entries_and_reports_the_problem():
    feed = parse_feed(load("malformed.xml"))
    assert feed.problem
    assert [e.guid for e in feed.entries] == ["buoy-1", "buoy-2"]


def test_wrong_encoding_is_survived():
    feed = parse_feed(load("wrong-encoding.xml"))
    assert len(feed.entries) == 1
    assert "Caf" in feed.entries[0].title and "pier" in feed.entries[0].title


def test_missing_guid_and_link_fall_back_to_a_hash():
    body = b"<rss version='2.0'><channel><title>t</title><item><title>Only a title</title><pubDate>Mon, 03 Mar 2025 08:00:00 GMT</pubDate></item></channel></rss>"
    entry = parse_feed(body).entries[0]
    assert entry.guid.startswith("sha256:")
    assert entry.guid == fallback_guid("", "Only a title", entry.published)


@pytest.mark.parametrize(
    "content",
    [b"", b"<html><body>not a feed</body></html>", b'{"version": "1"}', b"{not json", b"\x00\x01\x02"],
)
def test_non_feeds_raise_parse_error(content):
    with pytest.raises(ParseError):
        parse_feed(content)


def test_bytes_that_look_like_a_path_are_not_opened():
    with pytest.raises(ParseError):
        parse_feed(b"/etc/passwd")


# --- URLs from the feed: only http(s) ones get through (issue #16) ---------------------------
HOSTILE_LINKS = [
    "javascript:alert(document.domain)//",
    " JaVaScRiPt:alert(1)",
    "java&#x09;script:alert(1)",
    "&amp;#106;avascript:alert(1)",
    "vbscript:msgbox(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
]


def rss_item(link: str, extra: str = "") -> bytes:
    return (
        "<rss version='2.0' xmlns:media='http://search.yahoo.com/mrss/'><channel><title>t</title>"
        f"<link>{link}</link>"
        f"<item><title>Hostile</title><link>{link}</link><guid isPermaLink='false'>h1</guid>{extra}</item>"
        f"<item><title>Honest</title><link>{BASE}/honest</link></item>"
        "</channel></rss>"
    ).encode()


def http_or_nothing(url: str) -> bool:
    # "&amp;#106;avascript:" is "&#106;avascript:" once the XML is read: no scheme at all, so
    # feedparser resolves it against the feed, to a (harmless) path on the feed's own host.
    return url == "" or url.startswith(f"{BASE}/")


@pytest.mark.parametrize("link", HOSTILE_LINKS)
def test_rss_links_that_are_not_http_are_dropped_and_the_entry_kept(link):
    feed = parse_feed(rss_item(link), url=f"{BASE}/feed.xml")
    hostile, honest = feed.entries
    assert http_or_nothing(feed.link)
    assert (hostile.guid, hostile.title) == ("h1", "Hostile") and http_or_nothing(hostile.url)
    assert honest.url == f"{BASE}/honest"


@pytest.mark.parametrize("link", HOSTILE_LINKS)
def test_atom_links_that_are_not_http_are_dropped(link):
    body = (
        "<feed xmlns='http://www.w3.org/2005/Atom'><title>t</title>"
        f"<link rel='alternate' href='{link}'/><id>urn:feed</id><updated>2025-03-03T08:00:00Z</updated>"
        f"<entry><title>Hostile</title><id>urn:h1</id><link rel='alternate' href='{link}'/>"
        "<updated>2025-03-03T08:00:00Z</updated></entry></feed>"
    ).encode()
    feed = parse_feed(body, url=f"{BASE}/atom.xml")
    assert http_or_nothing(feed.link) and http_or_nothing(feed.entries[0].url)
    assert feed.entries[0].guid == "urn:h1"


def test_a_guid_that_is_not_http_is_not_a_link():
    body = b"<rss version='2.0'><channel><title>t</title><item><title>x</title><guid>javascript:alert(1)</guid></item></channel></rss>"
    entry = parse_feed(body, url=f"{BASE}/feed.xml").entries[0]
    assert entry.url == "" and entry.guid == "javascript:alert(1)"  # still its identity, never printed


def test_relative_links_are_resolved_against_the_feed():
    entry = parse_feed(rss_item("/story/1"), url=f"{BASE}/feeds/all.xml").entries[0]
    assert entry.url == f"{BASE}/story/1"


@pytest.mark.parametrize(
    ("media", "expected"),
    [
        ("<media:content url='data:image/png;base64,AAAA' medium='image'/>", ""),
        ("<media:thumbnail url=' JAVASCRIPT:alert(1)'/>", ""),
        ("<enclosure url='vbscript:msgbox(1)' type='image/png' length='1'/>", ""),
        # An unsafe candidate gives way to the next safe one.
        (
            "<media:content url='data:image/png;base64,AAAA' medium='image'/>"
            f"<media:thumbnail url='{BASE}/thumb.jpg'/>",
            f"{BASE}/thumb.jpg",
        ),
        ("<enclosure url='/img/a.jpg' type='image/jpeg' length='1'/>", f"{BASE}/img/a.jpg"),
    ],
)
def test_feed_image_urls_are_http_or_nothing(media, expected):
    entry = parse_feed(rss_item(f"{BASE}/a", media), url=f"{BASE}/feed.xml").entries[0]
    assert entry.image_url == expected


def test_json_feed_urls_are_http_or_nothing():
    body = (
        b'{"version": "https://jsonfeed.org/version/1.1", "title": "t",'
        b' "home_page_url": "javascript:alert(0)", "items": ['
        b'{"id": "1", "url": "javascript:alert(1)", "external_url": "https://other.test/1",'
        b' "image": "data:image/png;base64,AAAA", "banner_image": "/banner.jpg"},'
        b'{"id": "2", "url": "&#106;avascript:alert(2)", "image": "vbscript:msgbox(2)"},'
        b'{"id": "3", "url": ["not", "a", "string"], "image": {"url": "https://x.test/i.jpg"}},'
        b'{"id": "4", "url": "/four"}]}'
    )
    feed = parse_feed(body, url=f"{BASE}/feed.json")
    assert feed.link == ""
    first, second, third, fourth = feed.entries
    assert (first.url, first.image_url) == ("https://other.test/1", f"{BASE}/banner.jpg")
    assert (second.url, second.image_url) == ("", "")
    assert (third.url, third.image_url) == ("", "")
    assert fourth.url == f"{BASE}/four"
