"""What parse.py hands on of a feed entry's authors and language (#13)."""

from __future__ import annotations

import pytest

from broadsheet.ingest.parse import parse_feed

RSS = (
    '<?xml version="1.0"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">'
    "<channel><title>T</title><link>http://example.org/</link>{channel}<item><title>a</title>{item}</item>"
    "</channel></rss>"
)


@pytest.mark.parametrize(
    ("item", "byline"),
    [
        ("<author>news@example.org (Dana Reyes)</author>", "Dana Reyes"),
        # feedparser's own split cuts this name: its address pattern stops at 4-letter TLDs.
        ("<author>news@wire.online (Dana Reyes)</author>", "Dana Reyes"),
        ("<author>Dana Reyes &lt;dana@example.org&gt;</author>", "Dana Reyes"),
        ("<author>news@example.org</author>", ""),
        ("<author>news@example.org (Maria &amp;amp; Katerina)</author>", "Maria & Katerina"),
        ("<dc:creator>AT&amp;amp;amp;T Labs</dc:creator>", "AT&amp;T Labs"),
        ("<dc:creator>Ann One</dc:creator><dc:creator>Bob Two</dc:creator>", "Ann One and Bob Two"),
        ("<dc:creator>Ann One, Bob Two, and Cy Three</dc:creator>", "Ann One, Bob Two and Cy Three"),
        ("<dc:creator>&lt;b&gt;Dana&lt;/b&gt; Reyes</dc:creator>", "Dana Reyes"),
        ("", ""),
    ],
)
def test_rss_author_forms(item: str, byline: str) -> None:
    entry = parse_feed(RSS.format(channel="", item=item).encode()).entries[0]
    assert entry.author == byline


def test_atom_authors_with_addresses() -> None:
    atom = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><entry><title>z</title>'
        b"<author><name>Ann One</name><email>a@example.org</email></author>"
        b"<author><name>Bob Two</name></author></entry></feed>"
    )
    assert parse_feed(atom).entries[0].author == "Ann One and Bob Two"


def test_json_feed_authors() -> None:
    feed = (
        b'{"version": "https://jsonfeed.org/version/1.1", "title": "T", "language": "fr-FR", "items": ['
        b'{"id": "1", "title": "a", "authors": [{"name": "L\\u00e9a Martin"}, {"name": "x@example.org"}]}]}'
    )
    parsed = parse_feed(feed)
    assert parsed.entries[0].author == "Léa Martin"
    assert parsed.language == "fr" and parsed.entries[0].language == "fr"


@pytest.mark.parametrize(
    ("channel", "item", "language"),
    [
        ("<language>de-DE</language>", "", "de"),
        ("<language>de-DE</language>", "<dc:language>ur</dc:language>", "ur"),
        ("", "", ""),
        ("<language>???</language>", "", ""),
    ],
)
def test_rss_languages(channel: str, item: str, language: str) -> None:
    assert parse_feed(RSS.format(channel=channel, item=item).encode()).entries[0].language == language


def test_atom_xml_lang_per_entry() -> None:
    atom = (
        b'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr"><title>T</title>'
        b'<entry xml:lang="zh"><title>z</title></entry><entry><title>y</title></entry></feed>'
    )
    parsed = parse_feed(atom)
    assert [e.language for e in parsed.entries] == ["zh", "fr"]
