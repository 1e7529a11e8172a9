"""The full-page cache: hits, purging by path, ETags, what is never stored, scheduling, encodings.

Runs on LocMemCache by default; with REDIS_URL set, every test here runs against Redis under
a key prefix of its own, removed afterwards.
"""

from __future__ import annotations

import datetime as dt
import gzip
import os
import uuid

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache, caches
from django.test import override_settings

from broadsheet.core import clock
from broadsheet.edge import pagecache
from broadsheet.newsroom import services
from broadsheet.newsroom.models import Article, Section

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.edge.pagecache_urls")]


@pytest.fixture(autouse=True)
def page_cache_backend(settings):
    """The shared cache for these tests: Redis when REDIS_URL is set, else the test LocMemCache."""
    url = os.environ.get("REDIS_URL")
    if not url:
        cache.clear()
        yield "locmem"
        cache.clear()
        return
    import redis

    prefix = f"bs-test-{uuid.uuid4().hex[:12]}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": prefix,
        }
    }
    yield "redis"
    client = redis.Redis.from_url(url)
    keys = list(client.scan_iter(f"{prefix}:*"))
    if keys:
        client.delete(*keys)
    client.close()
    caches["default"].close()


@pytest.fixture
def publish(django_capture_on_commit_callbacks, make_article):
    """Create and publish an article and run what happens after the commit (the signal)."""

    def run(**fields) -> Article:
        with django_capture_on_commit_callbacks(execute=True):
            return make_article(**fields)

    return run


def test_backend_is_the_one_configured(page_cache_backend):
    expected = "RedisCache" if page_cache_backend == "redis" else "LocMemCache"
    assert type(caches["default"]).__name__ == expected


def test_second_get_is_a_hit_with_identical_body(client, publish):
    publish(headline="Ferry timetable changes")
    first = client.get("/")
    second = client.get("/")
    assert first.status_code == second.status_code == 200
    assert first["X-Cache"] == "MISS"
    assert second["X-Cache"] == "HIT"
    assert second.content == first.content
    assert b"Ferry timetable changes" in second.content
    assert second["Content-Type"] == first["Content-Type"]
    assert second["ETag"] == first["ETag"]


def test_publishing_purges_listing_pages_and_their_variants_only(client, publish):
    Section.objects.create(name="Sport", slug="sport", order=5)
    publish(headline="Tide tables printed", tags=["Harbour"])
    urls = ["/", "/business/", "/business/?page=2", "/tag/harbour/", "/sport/"]
    for url in urls:
        client.get(url)
    assert all(client.get(url)["X-Cache"] == "HIT" for url in urls)

    publish(headline="New quay opens")

    assert client.get("/")["X-Cache"] == "MISS"
    assert client.get("/business/")["X-Cache"] == "MISS"
    assert client.get("/business/?page=2")["X-Cache"] == "MISS"
    # Neither the new article's tags nor its section list it: untouched.
    assert client.get("/tag/harbour/")["X-Cache"] == "HIT"
    assert client.get("/sport/")["X-Cache"] == "HIT"
    assert b"New quay opens" in client.get("/").content


def test_withdrawing_purges_the_pages_that_listed_it(client, publish, django_capture_on_commit_callbacks):
    article = publish(headline="Lighthouse relit")
    assert b"Lighthouse relit" in client.get("/business/").content
    assert client.get("/business/")["X-Cache"] == "HIT"
    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw(article)
    response = client.get("/business/")
    assert response["X-Cache"] == "MISS"
    assert b"Lighthouse relit" not in response.content


def test_purge_does_not_clear_the_cache(client):
    cache.set("someone-elses-key", "kept")
    client.get("/")
    client.get("/sport/")
    pagecache.purge(["/sport/"])
    assert cache.get("someone-elses-key") == "kept"
    assert client.get("/")["X-Cache"] == "HIT"
    assert client.get("/sport/")["X-Cache"] == "MISS"


def test_etag_and_not_modified(client):
    first = client.get("/")
    etag = first["ETag"]
    assert etag.startswith('"') and len(etag) > 10
    assert first["Cache-Control"] == "public, max-age=0, must-revalidate"
    hit = client.get("/", HTTP_IF_NONE_MATCH=etag)
    assert hit.status_code == 304
    assert hit.content == b""
    assert hit["ETag"] == etag
    assert hit["X-Cache"] == "HIT"
    # A render after a purge gives the same ETag for the same body, so 304 again.
    pagecache.purge(["/"])
    miss = client.get("/", HTTP_IF_NONE_MATCH=etag)
    assert miss.status_code == 304
    assert miss["X-Cache"] == "MISS"
    assert client.get("/", HTTP_IF_NONE_MATCH='"something-else"').status_code == 200


def test_head_is_served_from_the_cached_get(client):
    get = client.get("/")
    head = client.head("/")
    assert head.status_code == 200
    assert head["X-Cache"] == "HIT"
    assert head.content == b""
    assert head["Content-Length"] == str(len(get.content))


def test_session_cookie_bypasses_and_stores_nothing(client):
    client.cookies[django_settings.SESSION_COOKIE_NAME] = "a-signed-in-reader"
    first = client.get("/")
    assert first["X-Cache"] == "BYPASS"
    assert client.get("/")["X-Cache"] == "BYPASS"
    assert "ETag" in first  # conditional GET still works for signed-in readers
    del client.cookies[django_settings.SESSION_COOKIE_NAME]
    assert client.get("/")["X-Cache"] == "MISS"


def test_post_bypasses_and_stores_nothing(client):
    assert client.post("/", {"q": "x"})["X-Cache"] == "BYPASS"
    assert client.get("/")["X-Cache"] == "MISS"


@pytest.mark.parametrize("url", ["/cookie/", "/private/", "/form/", "/language/", "/missing/"])
def test_responses_that_must_not_be_shared_are_not_stored(client, url):
    first = client.get(url)
    second = client.get(url)
    assert first["X-Cache"] == second["X-Cache"] == "MISS"
    if url == "/form/":
        # Each visitor gets a token of their own.
        assert first.content != second.content
    assert second.get("Cache-Control", "") != "public, max-age=0, must-revalidate"


def test_admin_and_beacon_are_never_cached(client):
    assert client.get("/admin/")["X-Cache"] == "BYPASS"
    assert client.get("/admin/")["X-Cache"] == "BYPASS"


def test_overlong_query_strings_are_not_stored(client):
    url = "/?" + "x=1&" * 200
    client.get(url)
    assert client.get(url)["X-Cache"] == "MISS"


def test_search_is_kept_only_briefly():
    assert pagecache._ttl_for("/search/") <= pagecache.SHORT_TTL
    assert pagecache._ttl_for("/") == django_settings.BROADSHEET_PAGE_CACHE_TTL


@override_settings(BROADSHEET_PAGE_CACHE=False)
def test_switched_off_bypasses_but_keeps_etags(client):
    first = client.get("/")
    second = client.get("/")
    assert first["X-Cache"] == second["X-Cache"] == "BYPASS"
    assert first["ETag"] == second["ETag"]
    assert client.get("/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    # gzip output is padded at random on every render; the ETag must not follow the padding.
    zipped = [client.get("/", HTTP_ACCEPT_ENCODING="gzip") for _ in range(2)]
    assert all(r["Content-Encoding"] == "gzip" for r in zipped)
    assert zipped[0]["ETag"] == zipped[1]["ETag"] != first["ETag"]
    revalidated = client.get("/", HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=zipped[0]["ETag"])
    assert revalidated.status_code == 304


def test_gzip_and_identity_clients_each_get_their_own_body(client, publish):
    publish(headline="Ferry strike ends")
    zipped = client.get("/", HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    plain = client.get("/")
    assert zipped["X-Cache"] == "MISS" and plain["X-Cache"] == "MISS"
    assert zipped["Content-Encoding"] == "gzip"
    assert not plain.has_header("Content-Encoding")
    assert gzip.decompress(zipped.content) == plain.content
    assert b"Ferry strike ends" in plain.content

    zipped_hit = client.get("/", HTTP_ACCEPT_ENCODING="gzip")
    plain_hit = client.get("/", HTTP_ACCEPT_ENCODING="identity")
    assert zipped_hit["X-Cache"] == plain_hit["X-Cache"] == "HIT"
    assert zipped_hit.content == zipped.content
    assert zipped_hit["Content-Length"] == str(len(zipped.content))
    assert "Accept-Encoding" in zipped_hit["Vary"]
    assert plain_hit.content == plain.content
    assert zipped_hit["ETag"] != plain_hit["ETag"]


def test_scheduled_article_appears_on_cached_pages_when_due(client, publish, monkeypatch):
    start = clock.now()
    publish(headline="Already out", published_at=start - dt.timedelta(hours=1))
    publish(headline="Embargoed budget story", published_at=start + dt.timedelta(hours=2))

    for url in ("/", "/business/"):
        first = client.get(url)
        assert b"Already out" in first.content
        assert b"Embargoed budget story" not in first.content
        assert client.get(url)["X-Cache"] == "HIT"

    # An hour later: still embargoed, still served from the cache.
    monkeypatch.setattr(clock, "now", lambda: start + dt.timedelta(hours=1))
    assert client.get("/")["X-Cache"] == "HIT"

    # Past its time: the first request notices, purges the pages that list it, renders.
    monkeypatch.setattr(clock, "now", lambda: start + dt.timedelta(hours=3))
    home = client.get("/")
    assert home["X-Cache"] == "MISS"
    assert b"Embargoed budget story" in home.content
    section = client.get("/business/")
    assert section["X-Cache"] == "MISS"
    assert b"Embargoed budget story" in section.content
    assert client.get("/")["X-Cache"] == "HIT"
    # Nothing else is scheduled now.
    assert cache.get(pagecache.NEXT_DUE_KEY) == pagecache.NOTHING_SCHEDULED


def test_a_hit_with_nothing_due_runs_no_queries(client, django_assert_num_queries):
    client.get("/")
    client.get("/")  # the first request learnt that nothing is scheduled
    with django_assert_num_queries(0):
        assert client.get("/")["X-Cache"] == "HIT"


def test_lost_schedule_value_still_releases_recently_due_articles(client, publish):
    """If the cached schedule time is lost, pages are purged for articles that became public
    within one page TTL, since a cached page may predate them."""
    article = publish(headline="Quietly due", published_at=clock.now() + dt.timedelta(hours=1))
    assert b"Quietly due" not in client.get("/").content
    assert client.get("/")["X-Cache"] == "HIT"
    # It comes due behind our back (no signal), and the schedule value is evicted.
    Article.objects.filter(pk=article.pk).update(published_at=clock.now() - dt.timedelta(seconds=5))
    cache.delete(pagecache.NEXT_DUE_KEY)
    home = client.get("/")
    assert home["X-Cache"] == "MISS"
    assert b"Quietly due" in home.content


def test_a_render_that_predates_a_purge_is_not_stored(client, rf):
    """A first render of a path races a purge: the page it rendered may be stale, so it is
    not stored under the purge's new generation."""
    request = rf.get("/")
    key, gen_key = pagecache.page_key(request), pagecache.generation_key("/")
    response = client.get("/")  # any rendered page will do
    cache.clear()
    # The render began when the path had no generation; the purge lands before it is stored.
    pagecache.purge(["/"])
    pagecache._store(key, gen_key, None, None, response, "/")
    assert cache.get(key) is None


def test_purge_site_retires_every_cached_page_with_one_write(client, publish):
    """A chrome edit (issue #11): every path, every variant, is rendered again."""
    publish(headline="Harbor reopens")
    urls = ["/", "/business/", "/business/?page=2", "/tag/ferries/", "/author/anyone/"]
    for url in urls:
        assert client.get(url)["X-Cache"] == "MISS", url
        assert client.get(url)["X-Cache"] == "HIT", url
    pagecache.purge_site()
    for url in urls:
        assert client.get(url)["X-Cache"] == "MISS", url
        assert client.get(url)["X-Cache"] == "HIT", url


def test_a_render_that_predates_a_site_purge_is_not_stored(client, rf):
    """A first render races purge_site(): the site generation it saw is gone, so the page
    it stored does not count; and with no site generation yet, it is not stored at all."""
    request = rf.get("/")
    key, gen_key = pagecache.page_key(request), pagecache.generation_key("/")
    response = client.get("/")
    cache.clear()
    pagecache.purge_site()  # lands while the render (which saw no site generation) runs
    pagecache._store(key, gen_key, None, None, response, "/")
    assert cache.get(key) is None

    seen = cache.get(pagecache.SITE_GENERATION_KEY)
    pagecache.purge_site()  # the render saw `seen`; a purge replaced it before the next read
    pagecache._store(key, gen_key, None, seen, response, "/")
    assert client.get("/")["X-Cache"] == "MISS"
