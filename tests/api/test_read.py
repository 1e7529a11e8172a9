"""Public reads: only public articles, filters, keyset cursors, caching headers and 304s."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from broadsheet.api import cursors
from broadsheet.core import clock
from broadsheet.ingest.models import Entry, Source
from broadsheet.newsroom import services
from broadsheet.newsroom.models import Article, Section
from broadsheet.search import index

pytestmark = pytest.mark.django_db


def _ids(response) -> list[int]:
    return [item["id"] for item in response.json()["items"]]


def test_list_shows_public_articles_newest_first(client, newsroom):
    response = client.get("/api/v1/articles")
    assert response.status_code == 200
    public = sorted(newsroom["public"], key=lambda a: (a.published_at, a.pk), reverse=True)
    assert _ids(response) == [a.pk for a in public]
    assert newsroom["draft"].pk not in _ids(response)
    assert newsroom["scheduled"].pk not in _ids(response)
    assert response.json()["next"] is None


def test_list_items_carry_links_and_attribution(client, newsroom):
    wire = newsroom["public"][-1]
    item = next(i for i in client.get("/api/v1/articles").json()["items"] if i["id"] == wire.pk)
    assert item["url"] == f"http://testserver{wire.get_absolute_url()}"
    assert item["api_url"] == f"http://testserver/api/v1/articles/{wire.pk}"
    assert item["section"]["slug"] == "metro"
    assert item["attribution"] == {
        "source_name": "Harbor Gazette",
        "source_home_url": "https://gazette.example.test/",
        "original_url": "https://gazette.example.test/2026/ferry",
    }
    assert item["lead_image"]["src"] == "https://gazette.example.test/ferry.jpg"
    assert "body_html" not in item


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("section=metro", lambda n: n["public"][4:]),
        ("section=nowhere", lambda n: []),
        ("tag=ferries", lambda n: [n["public"][1], n["public"][3]]),
        ("author=mara-quill", lambda n: n["public"][:4] + n["public"][5:]),
        ("source=Harbor%20Gazette", lambda n: n["public"][5:]),
    ],
)
def test_filters(client, newsroom, query, expected):
    want = sorted(expected(newsroom), key=lambda a: (a.published_at, a.pk), reverse=True)
    assert _ids(client.get(f"/api/v1/articles?{query}")) == [a.pk for a in want]


def test_source_filter_by_ingest_source_id(client, newsroom):
    source = Source.objects.create(feed_url="https://gazette.example.test/feed")
    wire = newsroom["public"][-1]
    Entry.objects.create(source=source, guid="g1", article=wire, content_hash="x")
    assert _ids(client.get(f"/api/v1/articles?source={source.pk}")) == [wire.pk]


def test_date_range(client, newsroom):
    first, second = newsroom["public"][0], newsroom["public"][1]
    after = (second.published_at).isoformat()
    before = (first.published_at + dt.timedelta(seconds=1)).isoformat()
    response = client.get("/api/v1/articles", {"published_after": after, "published_before": before})
    assert _ids(response) == [first.pk, second.pk]


def test_cursor_walks_every_article_once_in_fixed_queries(client, newsroom):
    seen: list[int] = []
    url: str | None = "/api/v1/articles?limit=2&section=business"
    pages = 0
    while url:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        # The page and its tags; never a COUNT.
        assert len(queries) == 2
        assert not any("COUNT(" in q["sql"].upper() for q in queries.captured_queries)
        seen += _ids(response)
        url = response.json()["next"]
        if url:
            assert "section=business" in url and "limit=2" in url
        pages += 1
    business = [a for a in newsroom["public"] if a.section.slug == "business"]
    assert sorted(seen) == sorted(a.pk for a in business) and len(seen) == len(set(seen))
    assert pages == 2  # four business stories, two a page, and no empty third page


@pytest.mark.parametrize("cursor", ["nope", cursors.encode("yesterday", 1), cursors.encode(1, 2), "!!"])
def test_bad_cursor_is_a_400(client, newsroom, cursor):
    response = client.get("/api/v1/articles", {"cursor": cursor})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_cursor"


def test_one_article_with_body(client, newsroom):
    article = newsroom["public"][1]
    body = client.get(f"/api/v1/articles/{article.pk}").json()
    assert body["body_html"] == "<p>The council met on Tuesday.</p><blockquote>We will build it.</blockquote>"
    assert body["status"] == "published"
    assert [t["slug"] for t in body["tags"]] == ["ferries"]
    assert body["author"]["slug"] == "mara-quill"


@pytest.mark.parametrize("which", ["draft", "scheduled"])
def test_unpublished_articles_are_404(client, newsroom, which):
    response = client.get(f"/api/v1/articles/{newsroom[which].pk}")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_reads_are_cacheable_and_answer_304(client, newsroom):
    response = client.get("/api/v1/articles")
    assert response["Cache-Control"] == "public, max-age=60"
    etag = response["ETag"]
    again = client.get("/api/v1/articles", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    newsroom["public"][0].headline = "Changed"
    newsroom["public"][0].save()
    assert client.get("/api/v1/articles", HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_sections_with_counts(client, newsroom):
    items = client.get("/api/v1/sections").json()["items"]
    assert [(s["slug"], s["article_count"]) for s in items] == [("metro", 2), ("business", 4)]


def _api_counts(client) -> dict[str, int]:
    return {s["slug"]: s["article_count"] for s in client.get("/api/v1/sections").json()["items"]}


def _grouped() -> dict[str, int]:
    """A fresh GROUP BY of public articles: what the API counted before it read the kept counts."""
    grouped = Article.objects.published().count_by_section()
    return {s.slug: grouped.get(s.pk, 0) for s in Section.objects.all()}


def test_section_counts_follow_publishing_and_withdrawing(client, newsroom):
    # The counts are kept by newsroom.counts, not cached by the API: each write shows at once.
    assert _api_counts(client) == _grouped()
    services.publish(newsroom["draft"])
    assert _api_counts(client) == _grouped() == {"metro": 2, "business": 5}
    services.withdraw(newsroom["public"][0])
    newsroom["public"][4].section = newsroom["public"][0].section
    services.save_article(newsroom["public"][4])
    assert _api_counts(client) == _grouped() == {"metro": 1, "business": 5}
    # Scheduled stays out until due; a past date makes it public with the same write.
    services.publish(newsroom["scheduled"], at=clock.now() - dt.timedelta(minutes=1))
    assert _api_counts(client) == _grouped() == {"metro": 1, "business": 6}


def test_tags_and_authors_paginate_by_slug(client, newsroom):
    first = client.get("/api/v1/tags?limit=1").json()
    assert [t["slug"] for t in first["items"]] == ["council"]
    second = client.get(first["next"]).json()
    assert [t["slug"] for t in second["items"]] == ["ferries"] and second["next"] is None
    authors = client.get("/api/v1/authors").json()
    assert [a["slug"] for a in authors["items"]] == ["mara-quill"]


def test_search_with_no_index_is_an_empty_page(client, newsroom):
    body = client.get("/api/v1/search", {"q": "ferry"}).json()
    assert (body["total"], body["hits"], body["next"]) == (0, [], None)


def test_search_finds_public_articles(client, newsroom):
    index.rebuild()
    body = client.get("/api/v1/search", {"q": "council", "per_page": 2}).json()
    assert body["total"] >= 4 and len(body["hits"]) == 2 and body["has_next"]
    assert "page=2" in body["next"]
    hit = body["hits"][0]
    assert hit["api_url"] == f"http://testserver/api/v1/articles/{hit['article_id']}"
    assert newsroom["draft"].pk not in [h["article_id"] for h in body["hits"]]
