"""Anti-bot walls: a loopback publisher answers with the challenge pages of Cloudflare,
DataDome, PerimeterX, Sucuri and Akamai; the source says "blocked by an anti-bot wall" (not
"not a feed" nor a bare HTTP error), and backs off harder."""

from __future__ import annotations

import datetime as dt

import pytest

from broadsheet.core import clock
from broadsheet.core.fetch import Fetcher, FetchOptions, FetchResult
from broadsheet.ingest import commands
from broadsheet.ingest.antibot import challenge_vendor
from broadsheet.ingest.errors import BlockedByAntiBotError, HTTPStatusError
from broadsheet.ingest.models import FetchLog, Source
from broadsheet.ingest.pipeline import ingest_source
from broadsheet.ingest.report import BLOCKED_EXTRA_STEPS
from broadsheet.ingest.scheduler import BACKOFF_BASE

from .conftest import FIXTURES, LoopbackServer, Route

HTML = {"Content-Type": "text/html; charset=UTF-8"}
# (vendor, status, headers, fixture page): what each service answers a script with.
WALLS = [
    ("Cloudflare", 403, {"cf-mitigated": "challenge", "Server": "cloudflare", **HTML}, "cloudflare.html"),
    ("Cloudflare", 503, {"Server": "cloudflare", **HTML}, "cloudflare.html"),  # older: no header
    ("DataDome", 403, {"X-DataDome": "protected", **HTML}, "datadome.html"),
    ("DataDome", 403, HTML, "datadome.html"),  # the markup alone
    ("PerimeterX", 403, HTML, "perimeterx.html"),
    ("Sucuri", 403, {"Server": "Sucuri/Cloudproxy", "X-Sucuri-ID": "16015", **HTML}, "sucuri.html"),
    ("Akamai", 403, {"Server": "AkamaiGHost", **HTML}, "akamai.html"),
]


def wall(server: LoopbackServer, path: str, status: int, headers: dict[str, str], page: str) -> None:
    server.routes[path] = Route(status, (FIXTURES / "antibot" / page).read_bytes(), headers)


@pytest.fixture
def fetcher(allow_loopback):
    with Fetcher(FetchOptions(total_timeout=5)) as client:
        yield client


@pytest.mark.parametrize(("vendor", "status", "headers", "page"), WALLS)
def test_each_wall_is_told_by_its_markers(vendor, status, headers, page):
    body = (FIXTURES / "antibot" / page).read_bytes()
    lowered = {k.lower(): v for k, v in headers.items()}
    assert challenge_vendor(FetchResult("u", "u", status, lowered, body)) == vendor


@pytest.mark.parametrize(
    ("status", "headers", "body"),
    [
        (403, {}, b"<html><title>403 Forbidden</title><h1>Forbidden</h1></html>"),  # nginx's own
        (503, {"retry-after": "120"}, b"<h1>Down for maintenance</h1>"),
        (404, {"cf-mitigated": "challenge"}, b"not found"),  # not a challenge status
        # A story *about* Cloudflare's page, served normally, is a story.
        (200, {}, b"<article><h1>Why you see 'Just a moment...'</h1><p>challenge-platform</p></article>"),
        (
            403,
            {"server": "cloudflare"},
            b"<h1>Error 1020: Access denied</h1>",
        ),  # a firewall rule, no challenge
    ],
)
def test_other_refusals_are_not_walls(status, headers, body):
    assert challenge_vendor(FetchResult("u", "u", status, headers, body)) is None


@pytest.mark.django_db
@pytest.mark.parametrize(("vendor", "status", "headers", "page"), WALLS)
def test_a_blocked_feed_is_recorded_as_blocked_with_a_longer_backoff(
    server: LoopbackServer, fetcher, vendor, status, headers, page
):
    wall(server, "/feed.xml", status, headers, page)
    source = Source.objects.create(feed_url=server.url("/feed.xml"), name="Walled")
    before = clock.now()
    report = ingest_source(source, fetcher)
    source.refresh_from_db()
    assert not report.ok
    assert source.error_kind == Source.ErrorKind.BLOCKED
    assert source.get_error_kind_display() == "blocked by an anti-bot wall"
    assert f"blocked by an anti-bot wall ({vendor} challenge, HTTP {status})" in source.last_error
    assert "not a feed" not in source.last_error and source.last_status == status
    # The first retry waits 2**BLOCKED_EXTRA_STEPS backoff steps (with 50-100% jitter), not one.
    assert source.next_check_at - before >= BACKOFF_BASE * 2**BLOCKED_EXTRA_STEPS / 2
    assert "blocked by an anti-bot wall" in FetchLog.objects.get(source=source).message


@pytest.mark.django_db
def test_a_plain_403_stays_an_http_error_and_success_clears_the_kind(server: LoopbackServer, fetcher):
    server.routes["/feed.xml"] = Route(403, b"<h1>Forbidden</h1>", HTML)
    source = Source.objects.create(feed_url=server.url("/feed.xml"), name="Plain")
    before = clock.now()
    ingest_source(source, fetcher)
    source.refresh_from_db()
    assert (source.error_kind, source.last_error) == (Source.ErrorKind.HTTP, "HTTPStatusError: HTTP 403")
    assert source.next_check_at - before <= BACKOFF_BASE + dt.timedelta(seconds=5)
    server.routes["/feed.xml"] = server.file_route("rss20.xml")
    ingest_source(source, fetcher)
    source.refresh_from_db()
    assert (source.error_kind, source.error_count) == (Source.ErrorKind.NONE, 0)


@pytest.mark.django_db
def test_adding_a_walled_feed_says_blocked_not_no_feed(server: LoopbackServer, fetcher):
    wall(server, "/feed.xml", *WALLS[0][1:])
    with pytest.raises(BlockedByAntiBotError, match=r"blocked by an anti-bot wall \(Cloudflare challenge"):
        commands.add_source(server.url("/feed.xml"), fetcher=fetcher)
    assert not Source.objects.exists()


@pytest.mark.django_db
def test_a_page_whose_announced_feed_is_walled_says_blocked(server: LoopbackServer, fetcher):
    """Discovery: the page loads, but the feed it links to is behind the wall."""
    server.routes["/feeds/rss20.xml"] = Route(
        403, (FIXTURES / "antibot" / "datadome.html").read_bytes(), {"X-DataDome": "protected", **HTML}
    )
    with pytest.raises(BlockedByAntiBotError, match="DataDome"):
        commands.add_source(server.url("/f/with-feed-link.html"), fetcher=fetcher)
    assert not Source.objects.exists()


@pytest.mark.django_db
def test_check_on_a_walled_source_says_blocked(server: LoopbackServer, fetcher):
    wall(server, "/feed.xml", *WALLS[4][1:])
    source = Source.objects.create(feed_url=server.url("/feed.xml"))
    with pytest.raises(HTTPStatusError, match="blocked by an anti-bot wall .PerimeterX"):
        commands.check_source(source.pk, fetcher=fetcher)


@pytest.mark.django_db
def test_the_admin_lists_and_filters_blocked_sources(admin_client, server: LoopbackServer, fetcher):
    wall(server, "/feed.xml", *WALLS[5][1:])
    blocked = Source.objects.create(feed_url=server.url("/feed.xml"), name="Walled Gazette")
    Source.objects.create(feed_url=server.url("/other.xml"), name="Open Courier")
    ingest_source(blocked, fetcher)
    listed = admin_client.get("/admin/ingest/source/").content.decode()
    assert "blocked by an anti-bot wall" in listed
    only = admin_client.get("/admin/ingest/source/?error_kind__exact=blocked").content.decode()
    assert "Walled Gazette" in only and "Open Courier" not in only
    form = admin_client.get(f"/admin/ingest/source/{blocked.pk}/change/").content.decode()
    assert "blocked by an anti-bot wall (Sucuri challenge, HTTP 403)" in form
