"""A publisher re-issues a story at a new URL with small edits (a corrected figure, a time
stamp, a new headline, an added sentence): it is stored once, and the stored story lists the
other URL ("also carried as"), in the admin too. A follow-up story that shares its background
paragraphs is a story of its own. Two workers ingesting both versions at once store one."""

from __future__ import annotations

import html
import threading

import pytest
from django.db import connection

from broadsheet.core.fetch import Fetcher, FetchOptions
from broadsheet.ingest.dedupe import REISSUE_JACCARD, jaccard, shingles
from broadsheet.ingest.models import Entry, Source, TextFingerprint
from broadsheet.ingest.pipeline import ingest_source
from broadsheet.newsroom import services
from broadsheet.newsroom.models import Article

from .conftest import FIXTURES, LoopbackServer, Route
from .test_concurrency import contention_only

STORY = (FIXTURES / "reissue" / "harbour-wall.txt").read_text().strip().split("\n")
HEADLINE = "Harbour authority to rebuild storm-damaged north sea wall"
# Each re-issue as real publishers make them: (headline, paragraphs).
EDITS = {
    "corrected figure": (HEADLINE, [STORY[0].replace("4.2 million", "4.3 million"), *STORY[1:]]),
    "time stamp": (HEADLINE, ["Updated 3 December 2026, 14:32 GMT", *STORY]),
    "changed headline": ("North sea wall to be rebuilt at a cost of 4.2 million", STORY),
    "added sentence": (HEADLINE, [*STORY, "The authority's chief executive was not available for comment."]),
}
# A follow-up: the same background paragraphs, a different story.
FOLLOW_UP = [
    STORY[1],
    STORY[10],
    "The contractor chosen to rebuild the north sea wall has pulled out of the project, the "
    "harbour authority said on Friday, a week before work was due to start. The firm said it "
    "could not secure the barges it needs for working at high tide before the autumn.",
    "The authority will now ask three other firms to bid again, which its chair, Maren Holt, "
    "said could delay the start of the works until the summer. Residents of Quay Street asked "
    "for the temporary barriers to be put on the quay at once rather than waiting for a new "
    "contractor, and the board agreed to do so.",
]


def page(headline: str, paragraphs: list[str]) -> bytes:
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{html.escape(headline)}</title>"
        f"</head><body><nav><a href='/'>Home</a></nav><article><h1>{html.escape(headline)}</h1>{body}"
        "</article><footer>Copyright The Quay Herald.</footer></body></html>"
    ).encode()


def feed(server: LoopbackServer, items: list[tuple[str, str, str]]) -> bytes:
    entries = "".join(
        f"<item><title>{html.escape(title)}</title><link>{server.url(path)}</link><guid>{guid}</guid></item>"
        for guid, path, title in items
    )
    return f"<rss version='2.0'><channel><title>Quay Herald</title><link>{server.base}/</link>{entries}</channel></rss>".encode()


@pytest.fixture
def fetcher(allow_loopback):
    with Fetcher(FetchOptions(total_timeout=10)) as client:
        yield client


def publish_original(server: LoopbackServer, fetcher: Fetcher, section) -> tuple[Source, Article]:
    server.routes["/news/wall"] = Route(200, page(HEADLINE, STORY), {"Content-Type": "text/html"})
    server.routes["/feed.xml"] = Route(200, feed(server, [("wall-1", "/news/wall", HEADLINE)]))
    source = Source.objects.create(
        feed_url=server.url("/feed.xml"), name="Quay Herald", mode=Source.Mode.FULL, section=section
    )
    assert ingest_source(source, fetcher).new == 1
    return source, Article.objects.get()


@pytest.mark.django_db
@pytest.mark.parametrize("edit", EDITS)
def test_a_reissue_is_stored_once_and_listed_on_the_story(
    server: LoopbackServer, section, fetcher, edit: str
) -> None:
    source, original = publish_original(server, fetcher, section)
    headline, paragraphs = EDITS[edit]
    assert jaccard(shingles(" ".join(STORY)), shingles(" ".join(paragraphs))) >= REISSUE_JACCARD
    server.routes["/news/wall-v2"] = Route(200, page(headline, paragraphs), {"Content-Type": "text/html"})
    server.routes["/feed.xml"] = Route(
        200, feed(server, [("wall-1", "/news/wall", HEADLINE), ("wall-2", "/news/wall-v2", headline)])
    )
    report = ingest_source(Source.objects.get(pk=source.pk), fetcher)
    assert (report.new, report.duplicates, report.errors) == (0, 1, 0)
    stored = Article.objects.get()  # still the one story, the accepted one
    assert stored.pk == original.pk and stored.status == Article.Status.PUBLISHED
    assert stored.also_carried_as == [server.url("/news/wall-v2")]
    assert Entry.objects.get(canonical_url=server.url("/news/wall-v2")).article_id == original.pk
    # The next poll finds nothing new, and the list does not grow.
    assert ingest_source(Source.objects.get(pk=source.pk), fetcher).new == 0
    assert Article.objects.get().also_carried_as == [server.url("/news/wall-v2")]


@pytest.mark.django_db
def test_a_deleted_story_does_not_come_back_through_its_reissue_url(
    server: LoopbackServer, section, fetcher
) -> None:
    source, original = publish_original(server, fetcher, section)
    server.routes["/news/wall-v2"] = Route(200, page(*EDITS["time stamp"]), {"Content-Type": "text/html"})
    server.routes["/feed.xml"] = Route(
        200, feed(server, [("wall-1", "/news/wall", HEADLINE), ("wall-2", "/news/wall-v2", HEADLINE)])
    )
    ingest_source(Source.objects.get(pk=source.pk), fetcher)
    services.delete_article(Article.objects.get(pk=original.pk))
    # Another feed carrying the re-issue's URL: tombstoned with the story, so not imported.
    server.routes["/wire.xml"] = Route(200, feed(server, [("w-1", "/news/wall-v2", HEADLINE)]))
    wire = Source.objects.create(feed_url=server.url("/wire.xml"), name="Wire", mode=Source.Mode.FULL)
    assert ingest_source(wire, fetcher).new == 0
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_a_follow_up_sharing_background_paragraphs_is_its_own_story(
    server: LoopbackServer, section, fetcher
) -> None:
    source, _original = publish_original(server, fetcher, section)
    server.routes["/news/wall-delay"] = Route(
        200, page("Sea wall contractor pulls out", FOLLOW_UP), {"Content-Type": "text/html"}
    )
    server.routes["/feed.xml"] = Route(
        200,
        feed(
            server,
            [("wall-1", "/news/wall", HEADLINE), ("wall-3", "/news/wall-delay", "Contractor pulls out")],
        ),
    )
    assert ingest_source(Source.objects.get(pk=source.pk), fetcher).new == 1
    assert Article.objects.count() == 2 and TextFingerprint.objects.count() == 2
    assert not Article.objects.exclude(also_carried_as=[]).exists()


@pytest.mark.django_db
def test_the_admin_shows_the_reissue_on_the_story_and_filters_by_it(
    admin_client, server: LoopbackServer, section, fetcher
) -> None:
    source, original = publish_original(server, fetcher, section)
    server.routes["/news/wall-v2"] = Route(200, page(*EDITS["time stamp"]), {"Content-Type": "text/html"})
    server.routes["/feed.xml"] = Route(
        200, feed(server, [("wall-1", "/news/wall", HEADLINE), ("wall-2", "/news/wall-v2", HEADLINE)])
    )
    ingest_source(Source.objects.get(pk=source.pk), fetcher)
    Article.objects.create(headline="Our own story", slug="our-own", section=section)
    form = admin_client.get(f"/admin/newsroom/article/{original.pk}/change/").content.decode()
    assert "also carried as" in form.lower()
    assert f'href="{server.url("/news/wall-v2")}"' in form
    listed = admin_client.get("/admin/newsroom/article/?reissued=yes").content.decode()
    assert "re-issued" in listed.lower() and HEADLINE in listed and "Our own story" not in listed
    everything = admin_client.get("/admin/newsroom/article/").content.decode()
    assert "Our own story" in everything


@pytest.mark.django_db(transaction=True)
def test_two_workers_ingesting_both_versions_at_once_store_one(
    server: LoopbackServer, section, allow_loopback
):
    """Two sources (the publisher's two feeds), one version each, polled at the same moment."""
    server.routes["/news/wall"] = Route(200, page(HEADLINE, STORY), {"Content-Type": "text/html"})
    server.routes["/news/wall-v2"] = Route(
        200, page(*EDITS["corrected figure"]), {"Content-Type": "text/html"}
    )
    server.routes["/a.xml"] = Route(200, feed(server, [("a-1", "/news/wall", HEADLINE)]))
    server.routes["/b.xml"] = Route(200, feed(server, [("b-1", "/news/wall-v2", HEADLINE)]))
    sources = [
        Source.objects.create(feed_url=server.url(path), name=name, mode=Source.Mode.FULL)
        for path, name in (("/a.xml", "Herald"), ("/b.xml", "Herald wire"))
    ]
    for _round in range(3):  # a few rounds: each lets the two runs meet in a different place
        errors: list[BaseException] = []
        barrier = threading.Barrier(2)

        def work(
            source_id: int, errors: list[BaseException] = errors, barrier: threading.Barrier = barrier
        ) -> None:
            try:
                with Fetcher(FetchOptions(total_timeout=10)) as client:
                    barrier.wait(timeout=10)
                    ingest_source(Source.objects.get(pk=source_id), client)
            except BaseException as exc:  # noqa: BLE001 - reported to the test thread
                errors.append(exc)
            finally:
                connection.close()

        threads = [threading.Thread(target=work, args=(s.pk,)) for s in sources]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert contention_only(errors), errors
        assert Article.objects.count() <= 1
        # Start again from nothing for the next round.
        if _round < 2:
            Entry.objects.all().delete()
            Article.objects.all().delete()
            from broadsheet.ingest.models import Tombstone

            Tombstone.objects.all().delete()
    # Catch up whatever lost a lock: still one story, carrying the other URL.
    with Fetcher(FetchOptions(total_timeout=10)) as client:
        for source in sources:
            ingest_source(Source.objects.get(pk=source.pk), client)
    stored = Article.objects.get()
    assert Entry.objects.filter(article=stored).count() == 2
    urls = {stored.canonical_url, *stored.also_carried_as}
    assert urls == {server.url("/news/wall"), server.url("/news/wall-v2")}
