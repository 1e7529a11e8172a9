"""A WordPress export's URLs are outside URLs too: attachments, featured images and [embed]
links become http(s) URLs or nothing (issue #16)."""

from __future__ import annotations

import pytest

from broadsheet.wpimport.convert import replace_shortcodes
from broadsheet.wpimport.importer import import_wxr
from broadsheet.wpimport.models import WordPressItem

pytestmark = pytest.mark.django_db

WXR = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
  <title>Hostile Ledger</title><link>https://ledger.example</link>
  <wp:wxr_version>1.2</wp:wxr_version>
  <wp:base_blog_url>https://ledger.example</wp:base_blog_url>
  <item>
    <title>Post with a hostile featured image</title>
    <link>https://ledger.example/hostile/</link>
    <guid isPermaLink="false">https://ledger.example/?p=10</guid>
    <content:encoded><![CDATA[<p>Body.</p>[embed] JaVaScRiPt:alert(1)[/embed]]]></content:encoded>
    <wp:post_id>10</wp:post_id><wp:post_date_gmt>2024-03-05 14:00:00</wp:post_date_gmt>
    <wp:post_name>hostile</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type>
    <wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>30</wp:meta_value></wp:postmeta>
  </item>
  <item>
    <title>Post with an honest featured image</title>
    <link>https://ledger.example/honest/</link>
    <guid isPermaLink="false">https://ledger.example/?p=11</guid>
    <content:encoded><![CDATA[<p>Body.</p>]]></content:encoded>
    <wp:post_id>11</wp:post_id><wp:post_date_gmt>2024-03-05 14:00:00</wp:post_date_gmt>
    <wp:post_name>honest</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type>
    <wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>31</wp:meta_value></wp:postmeta>
  </item>
  <item>
    <title>Hostile attachment</title>
    <link>https://ledger.example/hostile/a/</link>
    <guid isPermaLink="false">data:image/png;base64,AAAA</guid>
    <wp:post_id>30</wp:post_id><wp:post_parent>10</wp:post_parent>
    <wp:status>inherit</wp:status><wp:post_type>attachment</wp:post_type>
    <wp:attachment_url><![CDATA[ java&#x09;script:alert(2)]]></wp:attachment_url>
  </item>
  <item>
    <title>Honest attachment, shouting its scheme</title>
    <link>https://ledger.example/honest/b/</link>
    <guid isPermaLink="false">https://cdn.ledger.example/b.jpg</guid>
    <wp:post_id>31</wp:post_id><wp:post_parent>11</wp:post_parent>
    <wp:status>inherit</wp:status><wp:post_type>attachment</wp:post_type>
    <wp:attachment_url><![CDATA[HTTPS://cdn.ledger.example/b.jpg]]></wp:attachment_url>
  </item>
</channel>
</rss>
"""


def test_attachment_and_featured_image_urls_are_http_or_nothing() -> None:
    report = import_wxr(WXR.encode())
    hostile = WordPressItem.objects.get(wp_id=10).article
    honest = WordPressItem.objects.get(wp_id=11).article
    assert hostile.lead_image_url == ""
    assert honest.lead_image_url == "https://cdn.ledger.example/b.jpg"
    assert WordPressItem.objects.get(wp_id=30).attachment_url == ""
    assert WordPressItem.objects.get(wp_id=31).attachment_url == "https://cdn.ledger.example/b.jpg"
    assert "script:" not in hostile.body.lower() and "<a" not in hostile.body
    assert report.warnings  # the dropped URLs are reported, not silently lost


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        " JaVaScRiPt:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html,x",
        "vbscript:x",
    ],
)
def test_embeds_that_are_not_http_are_not_links(url: str) -> None:
    assert replace_shortcodes(f"[embed]{url}[/embed]") == ("", ["shortcode [embed] removed (kept as a link)"])
