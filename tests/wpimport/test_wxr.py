"""Parsing WXR: versions and namespace spellings, dates, sticky posts, and hostile or broken files."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from broadsheet.wpimport.errors import WxrError
from broadsheet.wpimport.wxr import parse_wxr
from tests.wpimport.conftest import fixture_bytes

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("name", "version", "site", "items"),
    [
        ("wxr-1.0.xml", "1.0", "http://old.example", 2),
        ("wxr-1.1-http.xml", "1.1", "http://weekly.example", 3),
        ("wxr-1.2-https.xml", "1.2", "https://ledger.example", 13),
    ],
)
def test_versions_and_namespace_spellings(name: str, version: str, site: str, items: int) -> None:
    doc = parse_wxr(fixture_bytes(name))
    assert (doc.version, doc.site_url, len(doc.items)) == (version, site, items)


def test_items_carry_what_the_import_needs() -> None:
    doc = parse_wxr(fixture_bytes("wxr-1.2-https.xml"), local_tz=NEW_YORK)
    post = doc.items[0]
    assert post.wp_id == 10 and post.post_type == "post" and post.status == "publish"
    assert post.title == "Ferry plan <em>approved</em> &amp; funded"
    assert post.date == dt.datetime(2024, 3, 5, 14, 0, tzinfo=dt.UTC)
    assert post.sticky is True
    assert [c.slug for c in post.categories] == ["ferries", "harbor"]
    assert [t.name for t in post.tags] == ["Council", "港"]
    assert post.meta_value("_thumbnail_id") == "30"
    assert post.excerpt == "<p>Seven votes to two.</p>"
    assert [(a.login, a.display_name) for a in doc.authors] == [("jdoe", "Jo Doe")]
    assert [(c.slug, c.parent_slug) for c in doc.categories][:2] == [("harbor", ""), ("ferries", "harbor")]
    attachment = next(i for i in doc.items if i.wp_id == 30)
    assert attachment.attachment_url == "https://cdn.ledger.example/2023/11/market.jpg"
    assert attachment.meta_value("_wp_attachment_image_alt") == "Fish on ice"


def test_a_zero_gmt_date_falls_back_to_the_local_date_in_the_site_zone() -> None:
    doc = parse_wxr(fixture_bytes("wxr-1.2-https.xml"), local_tz=NEW_YORK)
    draft = next(i for i in doc.items if i.wp_id == 13)
    assert draft.date == dt.datetime(2024, 1, 15, 10, 0, tzinfo=NEW_YORK)
    assert draft.date.utcoffset() == dt.timedelta(hours=-5)


def test_sticky_from_the_option_list_and_the_old_element() -> None:
    assert parse_wxr(fixture_bytes("wxr-1.1-http.xml")).sticky_ids == frozenset({102})
    assert parse_wxr(fixture_bytes("wxr-1.0.xml")).items[0].sticky is True


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>&lol9;</title>
<item><title>&lol9;</title><wp:post_id>1</wp:post_id></item></channel></rss>"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>x</title>
<item><title>&secret;</title><wp:post_id>1</wp:post_id></item></channel></rss>"""

XXE_NETWORK = b"""<?xml version="1.0"?>
<!DOCTYPE rss SYSTEM "http://127.0.0.1:9/evil.dtd">
<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>x</title></channel></rss>"""


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (BILLION_LAUGHS, "DTD"),
        (XXE, "DTD"),
        (XXE_NETWORK, "DTD"),
        (b"<rss><channel><item><title>unclosed</item></channel></rss>", "not well-formed"),
        (b"", "not well-formed"),
        (b"\x89PNG\r\n\x1a\n binary", "not well-formed"),
        (b"<rss><channel><title>A plain RSS feed</title></channel></rss>", "no wordpress.org/export"),
        (b'<feed xmlns="http://www.w3.org/2005/Atom"/>', "no <rss><channel>"),
    ],
)
def test_hostile_and_broken_files_fail_cleanly(data: bytes, message: str) -> None:
    with pytest.raises(WxrError, match=message):
        parse_wxr(data)


def test_entities_are_never_expanded_even_before_the_dtd_check() -> None:
    # The parser itself leaves entity references alone: nothing is read from disk.
    from lxml import etree

    from broadsheet.wpimport.wxr import _parser

    root = etree.fromstring(XXE, parser=_parser())
    assert "root:" not in etree.tostring(root).decode()
