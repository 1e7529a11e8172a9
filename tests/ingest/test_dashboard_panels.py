"""Ingest's dashboard panels, from real polls of a loopback publisher: stories held from feeds
(and why), sources failing now, and stored / duplicate / failed per day."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import RequestFactory
from django.utils import timezone

from broadsheet.core import clock
from broadsheet.core.daywindow import DayWindow
from broadsheet.core.fetch import Fetcher, FetchOptions
from broadsheet.ingest import panels
from broadsheet.ingest.models import FetchLog, Source
from broadsheet.ingest.pipeline import ingest_source
from broadsheet.newsroom.models import Section

from .conftest import LoopbackServer, Route
from .test_pipeline import make_source, rss

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_cached_charts() -> None:
    cache.clear()


@pytest.fixture
def fetcher(allow_loopback):
    with Fetcher(FetchOptions(total_timeout=5)) as client:
        yield client


@pytest.fixture
def site(server: LoopbackServer, section):
    for name in ("ferry.html", "market.html"):
        server.routes[f"/story/{name}"] = server.file_route(name)
    Section.objects.create(name="Technology", slug="technology", order=1)
    return server


@pytest.fixture
def request_as_root(db):
    request = RequestFactory().get("/admin/")
    request.user = get_user_model().objects.create_superuser("root", password="pw-root")
    return request


def test_held_stories_say_why_they_wait(site, fetcher, request_as_root):
    garden = [
        {"title": "Gardening tips", "link": f"{site.base}/g.html", "guid": "g-1", "category": "Gardening"}
    ]
    site.routes["/garden.xml"] = Route(200, rss(site, garden))
    ingest_source(make_source(site, feed="/garden.xml", name="Garden Weekly"), fetcher)  # no section fits
    ingest_source(make_source(site, name="Reviewed Wire", publish_directly=False), fetcher)  # review on
    held = panels.held_from_feeds(request_as_root)
    reasons = {item["article"].source_name: item["reason"] for item in held["items"]}
    assert reasons["Garden Weekly"] == panels.HELD_UNFILED
    assert reasons["Reviewed Wire"] == panels.HELD_BY_SOURCE
    assert held["total"] == len(held["items"]) and not held["more"]
    assert held["more_url"].endswith("?state=draft")


def test_published_feed_stories_are_not_held(site, fetcher, request_as_root):
    tech = Section.objects.get(slug="technology")
    ingest_source(make_source(site, section=tech), fetcher)
    assert panels.held_from_feeds(request_as_root)["items"] == []


def test_failing_and_switched_off_sources(site, fetcher, request_as_root):
    site.routes["/busy.xml"] = Route(503, b"")
    failing = make_source(site, feed="/busy.xml", name="Busy Wire")
    ingest_source(failing, fetcher)
    site.routes["/broken.xml"] = Route(500, b"oops")
    dead = make_source(
        site,
        feed="/broken.xml",
        name="Dead Wire",
        error_count=50,
        first_failure_at=clock.now() - dt.timedelta(days=8),
    )
    ingest_source(dead, fetcher)
    ingest_source(make_source(site, name="Healthy Wire"), fetcher)
    context = panels.failing_sources(request_as_root)
    assert [s.name for s in context["failing"]] == ["Busy Wire"]
    assert context["failing_total"] == 1
    assert [s.name for s in context["disabled"]] == ["Dead Wire"]


def test_fetch_counts_per_local_day(site, fetcher):
    items = [
        {"title": "Gone", "link": f"{site.base}/missing.html", "guid": "m-1"},
        {"title": "Fish market moves", "link": f"{site.base}/story/market.html", "guid": "m-2"},
    ]
    site.routes["/mixed.xml"] = Route(200, rss(site, items))
    source = make_source(site, feed="/mixed.xml", mode=Source.Mode.FULL)
    ingest_source(source, fetcher)  # stored 1, failed 1
    source.refresh_from_db()
    source.etag = source.last_modified = ""
    source.save()
    site.routes["/busy.xml"] = Route(503, b"")
    ingest_source(make_source(site, feed="/busy.xml"), fetcher)  # a failed poll: 1
    # A poll 40 days ago is outside the window; one three days ago is in it.
    FetchLog.objects.create(source=source, started_at=clock.now() - dt.timedelta(days=40), new=99, ok=True)
    three_days = clock.now() - dt.timedelta(days=3)
    FetchLog.objects.create(source=source, started_at=three_days, new=5, duplicates=7, ok=True)
    window = DayWindow.last(30)
    counts = panels.fetch_counts(window)
    today = window.days.index(timezone.localdate())
    assert (counts["stored"][today], counts["duplicates"][today], counts["failed"][today]) == (1, 0, 2)
    earlier = window.days.index(timezone.localdate(three_days))
    assert (counts["stored"][earlier], counts["duplicates"][earlier]) == (5, 7)
    assert sum(counts["stored"]) == 6


def test_ingest_chart_is_an_svg_with_three_series(request_as_root):
    html = str(panels.ingest_chart(request_as_root)["chart"])
    assert 'role="img"' in html
    assert [name for name in ("stored", "duplicate", "failed") if f"</span>{name}</li>" in html] == [
        "stored",
        "duplicate",
        "failed",
    ]
