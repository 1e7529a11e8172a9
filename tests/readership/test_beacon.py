"""The view beacon: one roll-up row per article per day and per hour, bots and prefetches ignored."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from broadsheet.core import clock
from broadsheet.readership import beacon, counting
from broadsheet.readership.models import ArticleViews, HourlyViews

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


def send(client, article_id: object, agent: str = BROWSER, **headers: str):
    return client.post("/v/", {"a": str(article_id)}, HTTP_USER_AGENT=agent, **headers)


def test_two_views_make_one_row_with_two(client, make_article):
    article = make_article()
    first = send(client, article.pk)
    second = send(client, article.pk)
    assert first.status_code == second.status_code == 204
    assert first.content == b""
    row = ArticleViews.objects.get(article=article)
    assert row.views == 2
    assert row.day == timezone.localdate(clock.now())
    assert "no-store" in first["Cache-Control"]


def test_a_new_day_starts_a_new_row(client, make_article, monkeypatch):
    article = make_article()
    send(client, article.pk)
    later = clock.now() + dt.timedelta(days=1)
    monkeypatch.setattr(clock, "now", lambda: later)
    send(client, article.pk)
    assert sorted(ArticleViews.objects.filter(article=article).values_list("views", flat=True)) == [1, 1]


def test_the_beacon_adds_browser_views_to_the_hourly_row(client, make_article):
    article = make_article()
    for agent in (BROWSER, BROWSER, "curl/8.5"):
        assert client.post("/v/", {"a": article.pk}, headers={"user-agent": agent}).status_code == 204
    (row,) = HourlyViews.objects.filter(article=article)
    assert row.views == 2
    assert row.hour == counting.hour_of(clock.now())


def test_a_view_costs_the_public_check_and_two_upserts(client, make_article, django_assert_num_queries):
    article = make_article()
    with django_assert_num_queries(3):
        send(client, article.pk)


def test_get_is_not_allowed(client, make_article):
    response = client.get("/v/", {"a": make_article().pk})
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert not ArticleViews.objects.exists()


@pytest.mark.parametrize(
    "agent",
    [
        "Googlebot/2.1 (+http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        "Mozilla/5.0 (compatible; Yahoo! Slurp; http://help.yahoo.com/help/us/ysearch/slurp)",
        "Baiduspider",
        "curl/8.5.0",
        "Wget/1.21",
        "python-requests/2.32",
        "python-httpx/0.28",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 HeadlessChrome/120.0 Safari/537.36",
        "facebookexternalhit/1.1",
        "",
    ],
)
def test_bots_and_tools_are_ignored(client, make_article, agent):
    response = send(client, make_article().pk, agent=agent)
    assert response.status_code == 204
    assert not ArticleViews.objects.exists()


def test_prefetches_are_ignored(client, make_article):
    article = make_article()
    assert send(client, article.pk, HTTP_SEC_PURPOSE="prefetch").status_code == 204
    assert send(client, article.pk, HTTP_SEC_PURPOSE="prefetch;prerender").status_code == 204
    assert send(client, article.pk, HTTP_PURPOSE="prefetch").status_code == 204
    assert not ArticleViews.objects.exists()


@pytest.mark.parametrize(
    "raw", ["", "abc", "-1", "0", "1.5", "１２", "99999999999999999999", "9" * 19, "12 "]
)
def test_invalid_ids_are_ignored(client, make_article, raw):
    make_article()
    response = client.post("/v/", {"a": raw}, HTTP_USER_AGENT=BROWSER)
    assert response.status_code == 204
    assert not ArticleViews.objects.exists()


def test_missing_field_is_ignored(client, make_article):
    make_article()
    assert client.post("/v/", {}, HTTP_USER_AGENT=BROWSER).status_code == 204
    assert not ArticleViews.objects.exists()


def test_non_public_articles_are_ignored(client, make_article):
    draft = make_article(publish=False)
    scheduled = make_article(published_at=clock.now() + dt.timedelta(hours=1))
    for article in (draft, scheduled):
        assert send(client, article.pk).status_code == 204
    assert send(client, 10**12).status_code == 204
    assert not ArticleViews.objects.exists()


def test_works_without_csrf_token_and_is_never_cached(make_article):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    article = make_article()
    response = send(strict, article.pk)
    assert response.status_code == 204
    assert response["X-Cache"] == "BYPASS"
    assert ArticleViews.objects.get(article=article).views == 1


def test_parse_article_id():
    assert beacon.parse_article_id("42") == 42
    assert beacon.parse_article_id("042") == 42
    assert beacon.parse_article_id("0") is None
    assert beacon.parse_article_id("٤٢") is None  # Arabic-Indic digits pass isdigit()


@pytest.mark.django_db(transaction=True)
def test_concurrent_views_are_all_counted(make_article):
    """Threads with their own connections race on the same new row; none is lost."""
    article = make_article()
    threads, per_thread = 8, 5
    barrier = threading.Barrier(threads)
    failures: list[BaseException] = []

    def hammer() -> None:
        try:
            barrier.wait()
            for _ in range(per_thread):
                counting.count_view(article.pk)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            failures.append(exc)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=hammer) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert failures == []
    assert ArticleViews.objects.get(article=article).views == threads * per_thread
    assert HourlyViews.objects.get(article=article).views == threads * per_thread
    assert connection.vendor in {"sqlite", "postgresql"}
