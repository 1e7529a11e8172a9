"""An item whose content the sanitiser cannot clean in bounded time is skipped and reported as
failed, quickly, and the rest of the file imports (issue #16, finding 10)."""

from __future__ import annotations

import time

import pytest

from broadsheet.newsroom.models import Article, Page
from broadsheet.wpimport.importer import import_wxr

pytestmark = pytest.mark.django_db

# 40,000 nested <b class=…>: nh3 spent 38 s of CPU on one such post before it was refused.
NESTED_BOMB = "".join(f'<b class="c{i}">' for i in range(40_000)) + "deep"


def _item(wp_id: int, title: str, content: str, post_type: str = "post") -> str:
    return f"""
  <item>
    <title>{title}</title>
    <link>https://ledger.example/{wp_id}/</link>
    <guid isPermaLink="false">https://ledger.example/?p={wp_id}</guid>
    <content:encoded><![CDATA[{content}]]></content:encoded>
    <wp:post_id>{wp_id}</wp:post_id><wp:post_date_gmt>2024-03-05 14:00:00</wp:post_date_gmt>
    <wp:post_name>item-{wp_id}</wp:post_name><wp:status>publish</wp:status>
    <wp:post_type>{post_type}</wp:post_type>
  </item>"""


def _wxr(*items: str) -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
  <title>Ledger</title><link>https://ledger.example</link>
  <wp:wxr_version>1.2</wp:wxr_version>
  <wp:base_blog_url>https://ledger.example</wp:base_blog_url>{"".join(items)}
</channel>
</rss>
""".encode()


def test_an_item_too_complex_to_clean_is_skipped_as_failed_and_the_rest_imports() -> None:
    data = _wxr(
        _item(10, "Before the bomb", "<p>Ferry plan approved.</p>"),
        _item(11, "The bomb", NESTED_BOMB),
        _item(12, "A page bomb", "<div>" * 20_000 + "x", post_type="page"),
        _item(13, "After the bomb", "<p>Tides are high.</p>"),
    )
    started = time.process_time()
    report = import_wxr(data)
    assert time.process_time() - started < 10

    assert sorted(Article.objects.values_list("headline", flat=True)) == ["After the bomb", "Before the bomb"]
    assert not Page.objects.exists()
    assert (report.count("post", "created"), report.count("post", "skipped")) == (2, 1)
    assert report.count("page", "skipped") == 1
    reason = "failed to import: content too complex to clean safely"
    assert report.warnings[reason] == 2
    bomb, page = report.examples[reason]
    assert bomb.startswith("post 11 “The bomb”: ") and "formatting elements unclosed" in bomb
    assert page.startswith("page 12 “A page bomb”: ") and "nested over 256 elements deep" in page
