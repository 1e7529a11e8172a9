"""The demo's fictional publishers, aggregated from shipped files through the real pipeline."""

from __future__ import annotations

import datetime as dt
import re
import socket

import pytest
from django.core.management import call_command
from django.test import Client

from broadsheet.core import clock
from broadsheet.demo.defaults import ensure_defaults
from broadsheet.demo.publishers import PUBLISHERS, WIRE_DIR, documents, fill_dates, load_publishers
from broadsheet.discovery.models import Story
from broadsheet.ingest.models import Entry, Source
from broadsheet.newsroom.models import Article

NOW = dt.datetime(2026, 12, 4, 12, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("placeholder", "expected"),
    [
        ("{{ago:0h:iso}}", "2026-12-04T12:00:00+00:00"),
        ("{{ago:5h:rfc822}}", "Fri, 04 Dec 2026 07:00:00 GMT"),
        ("{{ago:26h:day}}", "3 December 2026"),
        ("{{ago:26h:tag}}", "3. Dezember 2026"),
    ],
)
def test_fill_dates_counts_hours_back_from_the_load(placeholder, expected):
    assert fill_dates(f"<p>{placeholder}</p>", NOW) == f"<p>{expected}</p>"


def test_documents_hold_every_feed_page_and_named_image_dated():
    served = documents(NOW)
    for publisher in PUBLISHERS:
        assert served[publisher.host + publisher.feed].content_type.startswith("application/")
    pages = [key for key, doc in served.items() if doc.content_type.startswith("text/html")]
    pictures = [key for key, doc in served.items() if doc.content_type == "image/jpeg"]
    assert len(pages) >= 15 and len(pictures) >= 10
    assert all(served[key].content[:3] == b"\xff\xd8\xff" for key in pictures)
    assert not any(b"{{ago:" in doc.content for doc in served.values())
    assert {path.name for path in WIRE_DIR.iterdir()} == {p.host for p in PUBLISHERS}
    # Fictional hosts only, on the TLD reserved for examples.
    assert all(key.split("/", 1)[0].endswith(".example") for key in served)


@pytest.fixture
def no_network(monkeypatch):
    """The load must not resolve or connect anywhere: any attempt fails the test."""

    def refuse(*args, **kwargs):
        raise AssertionError("the network was used")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)


@pytest.fixture
def loaded(django_capture_on_commit_callbacks, no_network):
    ensure_defaults()
    # Tasks run inline in tests: each publish files its article in a story on commit.
    with django_capture_on_commit_callbacks(execute=True):
        result = load_publishers()
    call_command("discovery", "refresh")
    return result


pytestmark = pytest.mark.django_db


def test_load_aggregates_every_publisher_through_the_pipeline(loaded):
    assert loaded.sources == len(PUBLISHERS) and loaded.errors == 0
    aggregated = Article.objects.published().exclude(source_name="")
    assert loaded.articles == aggregated.count() >= 15
    assert set(aggregated.values_list("source_name", flat=True)) == {p.name for p in PUBLISHERS}
    assert Entry.objects.filter(article__isnull=False).count() == loaded.articles
    assert all(a.byline and a.section_id for a in aggregated)
    # Copied into the media library with the credit the pages state; none for the excerpt source.
    copied = aggregated.exclude(lead_media=None)
    assert copied.count() >= 10
    assert all(a.lead_image_credit and a.lead_image_credit != a.source_name for a in copied)
    assert not aggregated.filter(source_name="The Lakeside Ledger").exclude(lead_media=None).exists()
    assert aggregated.filter(language="de").count() >= 3
    # Dated by the feed, relative to the load: the newest a few hours old, none in the future.
    assert all(clock.now() - dt.timedelta(days=3) < a.published_at <= clock.now() for a in aggregated)
    # Paused once loaded, without a reason (that would list them as failing).
    assert not Source.objects.filter(enabled=True).exists()
    assert not Source.objects.exclude(disabled_reason="").exists()

    # Again: every publisher is a source already, so nothing is fetched or stored twice.
    counts = (Article.objects.count(), Source.objects.count(), Entry.objects.count())
    assert load_publishers() == type(loaded)(0, 0, 0)
    assert (Article.objects.count(), Source.objects.count(), Entry.objects.count()) == counts


def test_modes_full_text_and_excerpt_with_link():
    # Marked db by the module; no load needed to read the shipped choices.
    modes = {p.name: (p.mode, p.images) for p in PUBLISHERS}
    assert ("excerpt", "none") in modes.values() and ("full", "copy") in modes.values()
    assert not any(images == "link" for _, images in modes.values())


def test_readers_see_clusters_top_stories_coverage_bylines_credits_and_languages(loaded):
    """One load for every page check: each load costs seconds."""
    client = Client()
    stories = Story.objects.filter(source_count__gte=3)
    assert stories.count() >= 2
    home = client.get("/").content.decode()
    assert "Top stories" in home
    for story in stories:
        assert story.get_absolute_url() in home
        assert client.get(story.get_absolute_url()).status_code == 200

    article = Article.objects.get(source_name="Harbour Wire", headline__startswith="Rail unions")
    html = client.get(article.get_absolute_url()).content.decode()
    assert "By Marisol Okafor" in html
    assert "Image: Harbour Wire / Jonah Breck" in html
    assert "Also covered by" in html and "Northcoast Courier" in html
    assert "https://harbourwire.example/stories/rail-strike-talks-resume.html" in html
    # The body is the story alone: no hotlinked picture from a host readers cannot reach.
    assert not re.search(r'<img[^>]+src="https?://[^"/]*\.example/', html)

    german = Article.objects.get(source_name="Rheinblatt", headline__contains="Grauwale")
    html = client.get(german.get_absolute_url()).content.decode()
    assert re.search(r'<div class="story__body[^"]*" lang="de"', html)
    assert german.lead_image_credit == "Rheinblatt / Lukas Ebersold"  # the page's "Foto:" dropped
