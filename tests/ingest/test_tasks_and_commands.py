"""Tasks (inline backend in tests), operator commands, management commands, admin pages."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from broadsheet.core import clock
from broadsheet.core.fetch import Fetcher, FetchOptions
from broadsheet.ingest import commands
from broadsheet.ingest.errors import SourceError
from broadsheet.ingest.models import Source, Tombstone
from broadsheet.ingest.tasks import claim_due_sources, schedule_due_sources
from broadsheet.newsroom.models import Article

from .conftest import FIXTURES, LoopbackServer

pytestmark = pytest.mark.django_db


@pytest.fixture
def fetcher(allow_loopback):
    with Fetcher(FetchOptions(total_timeout=5)) as client:
        yield client


def test_new_source_is_due_at_once_and_claimed_once(server: LoopbackServer, section):
    source = Source.objects.create(feed_url=server.url("/f/rss20.xml"))
    assert source.next_check_at <= clock.now()
    assert claim_due_sources() == [source.pk]
    assert claim_due_sources() == []  # claimed: free again when its claim expires
    source.refresh_from_db()
    assert source.claim_token and source.claim_expires_at > clock.now()


def test_disabled_sources_are_not_claimed(server: LoopbackServer):
    Source.objects.create(feed_url=server.url("/f/rss20.xml"), enabled=False)
    assert claim_due_sources() == []


def test_schedule_due_sources_runs_the_ingest_task(server: LoopbackServer, section, allow_loopback):
    for name in ("ferry.html", "market.html"):
        server.routes[f"/story/{name}"] = server.file_route(name)
    source = Source.objects.create(feed_url=server.url("/f/rss20.xml"), name="Gazette")
    result = schedule_due_sources.enqueue()  # the immediate backend runs it (and its children) now
    assert result.return_value == 1
    assert Article.objects.count() == 2
    source.refresh_from_db()
    assert source.last_status == 200 and source.next_check_at > clock.now()


def test_add_source_discovers_the_feed_from_a_page(server: LoopbackServer, section, fetcher):
    server.routes["/feeds/rss20.xml"] = server.file_route("rss20.xml")
    source = commands.add_source(
        server.url("/f/with-feed-link.html"), section="business", mode="full", fetcher=fetcher
    )
    assert source.feed_url == server.url("/feeds/rss20.xml")
    assert (source.name, source.section, source.mode) == ("Harbor Gazette", section, "full")
    assert source.home_url == server.url("/")
    with pytest.raises(SourceError, match="already"):
        commands.add_source(server.url("/feeds/rss20.xml"), fetcher=fetcher)


@pytest.mark.parametrize(
    ("url", "kwargs", "message"),
    [
        ("/f/ferry.html", {}, "no RSS, Atom or JSON feed"),
        ("/f/rss20.xml", {"section": "Nope"}, "no section"),
        ("/f/rss20.xml", {"mode": "stolen"}, "mode must be"),
    ],
)
def test_add_source_errors_are_clear(server: LoopbackServer, section, fetcher, url, kwargs, message):
    with pytest.raises(SourceError, match=message):
        commands.add_source(server.url(url), fetcher=fetcher, **kwargs)


def test_check_source_says_what_would_happen(server: LoopbackServer, section, fetcher):
    source = Source.objects.create(feed_url=server.url("/f/rss20.xml"))
    Tombstone.objects.create(canonical_url=server.url("/story/market.html"))
    rows = commands.check_source(source.pk, fetcher=fetcher)
    assert [r["action"] for r in rows] == ["import", "deleted before"]
    assert Article.objects.count() == 0


def test_list_and_remove(server: LoopbackServer):
    source = Source.objects.create(feed_url=server.url("/f/rss20.xml"))
    assert commands.list_sources() == [source]
    commands.remove_source(source.pk)
    assert commands.list_sources() == []
    with pytest.raises(SourceError):
        commands.remove_source(source.pk)


def test_opml_import_and_export_round_trip(section):
    created = commands.import_opml(str(FIXTURES / "sources.opml"), section="Business")
    assert [s.feed_url for s in created] == [
        "https://gazette.example/rss.xml",
        "https://courier.example/atom.xml",
    ]
    assert created[0].name == "Harbor Gazette" and created[0].home_url == "https://gazette.example/"
    assert commands.import_opml(str(FIXTURES / "sources.opml")) == []  # idempotent
    exported = commands.export_opml()
    assert 'xmlUrl="https://gazette.example/rss.xml"' in exported and "javascript" not in exported
    assert exported.startswith("<?xml")


def test_opml_with_entities_is_not_expanded(tmp_path):
    evil = tmp_path / "evil.opml"
    evil.write_text(
        '<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        '<opml version="2.0"><body><outline text="&x;" xmlUrl="https://e.example/feed"/></body></opml>'
    )
    with pytest.raises(SourceError, match="external entity"):
        commands.import_opml(str(evil))


def test_ingest_due_reports_progress(server: LoopbackServer, section, fetcher):
    Source.objects.create(feed_url=server.url("/f/atom.xml"), name="Courier")
    seen = []
    reports = commands.ingest_due(
        progress=lambda done, total, report: seen.append((done, total)), fetcher=fetcher
    )
    assert [r.new for r in reports] == [1] and seen == [(1, 1)]


def test_ingest_due_holds_each_claim_while_polling_and_releases_it(server: LoopbackServer, section, fetcher):
    polled = Source.objects.create(feed_url=server.url("/f/atom.xml"), name="Courier")
    taken = Source.objects.create(feed_url=server.url("/f/rss20.xml"), name="Gazette")
    seen: list[tuple[str, str]] = []

    def progress(done: int, total: int, report) -> None:
        # After the first source, a scheduler takes the second one over (as if the CLI's claim
        # had lapsed): the CLI must leave it to its new holder.
        Source.objects.filter(pk=taken.pk).update(claim_token="scheduler")
        seen.append((report.source_name, str(total)))

    reports = commands.ingest_due(progress=progress, fetcher=fetcher)
    assert [r.new for r in reports] == [1] and seen == [("Courier", "2")]
    polled.refresh_from_db()
    taken.refresh_from_db()
    assert (polled.claim_token, polled.claim_expires_at) == ("", None)  # released when done
    assert taken.claim_token == "scheduler" and taken.last_fetch_at is None


def test_management_commands(server: LoopbackServer, section, allow_loopback):
    out = io.StringIO()
    call_command("sources", "add", server.url("/f/atom.xml"), "--name", "Courier", stdout=out)
    assert "Added source" in out.getvalue()
    out = io.StringIO()
    call_command("sources", "list", stdout=out)
    assert "Courier" in out.getvalue()
    out = io.StringIO()
    call_command("ingest", stdout=out, stderr=io.StringIO())
    assert "Courier" in out.getvalue()
    with pytest.raises(CommandError, match="no source"):
        call_command("sources", "remove", "9999")
    out = io.StringIO()
    call_command("sources", "export-opml", stdout=out)
    assert "Courier" in out.getvalue()


def test_admin_health_list_and_preview(admin_client, server: LoopbackServer, allow_loopback):
    Source.objects.create(feed_url=server.url("/f/rss20.xml"), name="Gazette", last_error="HTTP 500")
    response = admin_client.get("/admin/ingest/source/")
    assert response.status_code == 200 and b"Gazette" in response.content and b"HTTP 500" in response.content
    server.routes["/story/ferry.html"] = server.file_route("ferry.html")
    response = admin_client.post(
        "/admin/ingest/source/preview/", {"url": server.url("/story/ferry.html"), "drop": ".ad"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Ona Brightwater" in body and "forty passengers" in body and "onerror" not in body
