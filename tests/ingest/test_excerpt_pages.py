"""An excerpt story as ingest stores it from a real-shaped feed and page, read on the site:
the summary once, one call to the original, the credit line, the picture credited."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache

from broadsheet.core.fetch import Fetcher, FetchOptions
from broadsheet.ingest.models import Source
from broadsheet.ingest.pipeline import ingest_source
from broadsheet.newsroom.models import Article

from .conftest import LoopbackServer

pytestmark = pytest.mark.django_db


@pytest.fixture
def fetcher(allow_loopback):
    with Fetcher(FetchOptions(total_timeout=5)) as client:
        yield client


def test_ingested_excerpt_page_reads_once(server: LoopbackServer, section, fetcher, client, settings):
    settings.BROADSHEET_PAGE_CACHE = False
    cache.clear()
    server.routes["/story/ferry.html"] = server.file_route("ferry.html")
    server.routes["/story/market.html"] = server.file_route("market.html")
    source = Source.objects.create(feed_url=server.url("/f/rss20.xml"), name="Harbor Gazette")
    ingest_source(source, fetcher)
    ferry = Article.objects.get(canonical_url=server.url("/story/ferry.html"))
    page = client.get(ferry.get_absolute_url()).content.decode()
    main = page[page.index("<main") : page.index("</main>")]
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))
    summary = re.sub(r"\s+", " ", ferry.dek).rstrip("…")[:60]
    assert summary and text.count(summary) == 1
    assert text.count("Read the full story at Harbor Gazette") == 1
    assert text.count("Originally published by Harbor Gazette") == 1
    assert '<span class="story__credit">Image: P. Lund</span>' in main
    assert 'alt="The ferry"' in main
