"""fetch.py against a real loopback server: limits, redirects, conditional GET, SSRF refusals."""

from __future__ import annotations

import gzip
import socket
import threading
import time
import zlib

import pytest

from broadsheet.core.addresses import is_public_address
from broadsheet.core.fetch import Fetcher, FetchOptions, HostLimiter, check_url, parse_retry_after
from broadsheet.ingest.errors import (
    BlockedURLError,
    FetchTimeoutError,
    TooLargeError,
    TooManyRedirectsError,
)

from .conftest import LoopbackServer, Route

SMALL = FetchOptions(connect_timeout=1.0, total_timeout=1.5, max_bytes=1_000_000, max_decoded_bytes=4_000_000)


@pytest.fixture
def fetcher() -> Fetcher:
    with Fetcher(SMALL, allow_private=True) as client:
        yield client


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://example.com/feed",
        "gopher://x/",
        "javascript:alert(1)",
        "http://",
        "http://u:p@example.com/",
    ],
)
def test_check_url_refuses_non_http(url):
    with pytest.raises(BlockedURLError):
        check_url(url)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("120", 120.0),
        ("0", 0.0),
        ("", None),
        (None, None),
        ("soon", None),
        ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0),
    ],
)
def test_parse_retry_after(value, expected):
    assert parse_retry_after(value) == expected


def test_retry_after_http_date_in_the_future():
    import datetime as dt
    from email.utils import format_datetime

    from broadsheet.core import clock

    when = format_datetime(clock.now() + dt.timedelta(minutes=10), usegmt=True)
    assert 500 < parse_retry_after(when) <= 600


def test_plain_fetch_sends_honest_user_agent(server: LoopbackServer, fetcher: Fetcher):
    result = fetcher.fetch(server.url("/f/rss20.xml"))
    assert result.status == 200 and result.ok
    assert b"Harbor Gazette" in result.content
    assert result.content_type == "application/xml"
    assert server.requests[0].headers["user-agent"].startswith("Broadsheet/")
    assert "+http" in server.requests[0].headers["user-agent"]


def test_gzip_body_is_decoded(server: LoopbackServer, fetcher: Fetcher):
    body = server.render("atom.xml")
    server.routes["/gz"] = Route(200, gzip.compress(body), {"Content-Encoding": "gzip"})
    assert fetcher.fetch(server.url("/gz")).content == body


def test_deflate_body_is_decoded(server: LoopbackServer, fetcher: Fetcher):
    server.routes["/deflate"] = Route(200, zlib.compress(b"hello deflate"), {"Content-Encoding": "deflate"})
    assert fetcher.fetch(server.url("/deflate")).content == b"hello deflate"


def test_conditional_get_echoes_validators_verbatim_and_handles_304(server: LoopbackServer, fetcher: Fetcher):
    etag = 'W/"abc-123"'
    modified = "Mon, 03 Mar 2025 08:00:00 GMT"

    def conditional(handler):
        if handler.headers.get("If-None-Match") == etag:
            handler.send_response(304)
            handler.send_header("ETag", etag)
            handler.end_headers()
            return
        body = b"<rss version='2.0'><channel><title>x</title></channel></rss>"
        handler.send_response(200)
        handler.send_header("ETag", etag)
        handler.send_header("Last-Modified", modified)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    server.routes["/cond"] = conditional
    first = fetcher.fetch(server.url("/cond"))
    assert (first.etag, first.last_modified, first.not_modified) == (etag, modified, False)
    second = fetcher.fetch(server.url("/cond"), etag=first.etag, last_modified=first.last_modified)
    assert second.not_modified and second.ok and second.content == b""
    assert server.requests[1].headers["if-none-match"] == etag
    assert server.requests[1].headers["if-modified-since"] == modified


def test_redirects_are_followed_and_reported(server: LoopbackServer, fetcher: Fetcher):
    server.routes["/a"] = Route(301, headers={"Location": "/b"})
    server.routes["/b"] = Route(302, headers={"Location": server.url("/f/rss20.xml")})
    result = fetcher.fetch(server.url("/a"))
    assert result.status == 200
    assert result.url == server.url("/a") and result.final_url == server.url("/f/rss20.xml")


def test_redirect_loop_is_refused(server: LoopbackServer, fetcher: Fetcher):
    server.routes["/loop1"] = Route(302, headers={"Location": "/loop2"})
    server.routes["/loop2"] = Route(302, headers={"Location": "/loop1"})
    with pytest.raises(TooManyRedirectsError, match="loop"):
        fetcher.fetch(server.url("/loop1"))


def test_more_than_five_redirects_are_refused(server: LoopbackServer, fetcher: Fetcher):
    for n in range(7):
        server.routes[f"/hop{n}"] = Route(307, headers={"Location": f"/hop{n + 1}"})
    with pytest.raises(TooManyRedirectsError):
        fetcher.fetch(server.url("/hop0"))
    assert len(server.requests) == 6  # the first request and five redirects


def test_redirect_to_another_scheme_is_refused(server: LoopbackServer, fetcher: Fetcher):
    server.routes["/to-file"] = Route(302, headers={"Location": "file:///etc/passwd"})
    with pytest.raises(BlockedURLError):
        fetcher.fetch(server.url("/to-file"))


def test_redirect_target_address_is_checked_again(server: LoopbackServer):
    # Only 127.0.0.1 is allowed: the first hop connects, the redirect to another loopback
    # address is refused at connect time, before any byte is sent to it.
    only_first = lambda address: str(address) == "127.0.0.1"  # noqa: E731
    server.routes["/away"] = Route(302, headers={"Location": f"http://127.0.0.2:{server.port}/f/rss20.xml"})
    with (
        Fetcher(SMALL, address_policy=only_first) as client,
        pytest.raises(BlockedURLError, match="127.0.0.2"),
    ):
        client.fetch(server.url("/away"))


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_private_addresses_refused_when_switch_is_off(server: LoopbackServer, settings, host):
    settings.BROADSHEET_ALLOW_PRIVATE_NETWORKS = False
    with Fetcher(SMALL) as client, pytest.raises(BlockedURLError):
        client.fetch(f"http://{host}:{server.port}/f/rss20.xml")
    assert server.requests == []


@pytest.mark.parametrize(
    "target", ["127.0.0.2", "[::1]", "10.0.0.1", "169.254.169.254", "100.64.0.1", "[fd00:ec2::254]"]
)
def test_redirect_to_private_address_refused_when_switch_is_off(server: LoopbackServer, settings, target):
    # The switch is off. 127.0.0.1 stands in for a public host (the only one a test may
    # reach); every hop it redirects to is checked again and refused before connecting.
    settings.BROADSHEET_ALLOW_PRIVATE_NETWORKS = False
    public_or_stand_in = lambda address: str(address) == "127.0.0.1" or is_public_address(address)  # noqa: E731
    server.routes["/redirect"] = Route(
        302, headers={"Location": f"http://{target}:{server.port}/f/rss20.xml"}
    )
    with Fetcher(SMALL, address_policy=public_or_stand_in) as client, pytest.raises(BlockedURLError):
        client.fetch(server.url("/redirect"))
    assert server.paths() == ["/redirect"]


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_switch_on_allows_loopback(server: LoopbackServer, allow_loopback, host):
    with Fetcher(SMALL) as client:
        assert client.fetch(f"http://{host}:{server.port}/f/rss20.xml").status == 200


def test_429_with_retry_after_is_returned(server: LoopbackServer, fetcher: Fetcher):
    server.routes["/busy"] = Route(429, b"slow down", {"Retry-After": "120"})
    result = fetcher.fetch(server.url("/busy"))
    assert (result.status, result.ok, result.retry_after) == (429, False, 120.0)


def test_server_that_never_answers_times_out(server: LoopbackServer, fetcher: Fetcher):
    def hang(handler):
        server.stopping.wait(10)

    server.routes["/hang"] = hang
    with pytest.raises(FetchTimeoutError):
        fetcher.fetch(server.url("/hang"))


def test_slow_drip_body_hits_the_total_deadline(server: LoopbackServer, fetcher: Fetcher):
    def drip(handler):
        handler.send_response(200)
        handler.send_header("Content-Length", "1000")
        handler.end_headers()
        try:
            for _ in range(1000):
                handler.wfile.write(b"x")
                handler.wfile.flush()
                if server.stopping.wait(0.2):
                    return
        except (BrokenPipeError, ConnectionResetError):
            pass

    server.routes["/drip"] = drip
    with pytest.raises(FetchTimeoutError):
        fetcher.fetch(server.url("/drip"))


def _stream(handler, chunks, headers=()):
    handler.send_response(200)
    for key, value in headers:
        handler.send_header(key, value)
    handler.send_header("Connection", "close")
    handler.end_headers()
    try:
        for chunk in chunks:
            handler.wfile.write(chunk)
    except (BrokenPipeError, ConnectionResetError):
        pass


def test_fifty_megabyte_body_is_capped(server: LoopbackServer):
    block = b"x" * 65536
    # No Content-Length: the cap must hold while streaming, not by trusting a header.
    server.routes["/huge"] = lambda h: _stream(h, (block for _ in range(50 * 16)))
    with Fetcher(FetchOptions(total_timeout=10), allow_private=True) as client, pytest.raises(TooLargeError):
        client.fetch(server.url("/huge"))


def test_declared_length_over_the_cap_is_refused_early(server: LoopbackServer, fetcher: Fetcher):
    server.routes["/declared"] = lambda h: _stream(h, [b"x"], [("Content-Length", str(50 * 1024 * 1024))])
    with pytest.raises(TooLargeError):
        fetcher.fetch(server.url("/declared"))


def test_gzip_bomb_is_refused(server: LoopbackServer, fetcher: Fetcher):
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = bytes(1 << 20)
    bomb = b"".join(compressor.compress(zeros) for _ in range(16)) + compressor.flush()  # 16 MB inflated
    assert len(bomb) < SMALL.max_bytes  # small on the wire: only the decoded cap can catch it
    server.routes["/bomb"] = Route(200, bomb, {"Content-Encoding": "gzip"})
    with pytest.raises(TooLargeError, match="decompressed"):
        fetcher.fetch(server.url("/bomb"))


def test_per_host_concurrency_is_two(server: LoopbackServer, fetcher: Fetcher):
    state = server.counting_route("/slow", hold=0.15)
    with Fetcher(FetchOptions(total_timeout=10), allow_private=True, limiter=HostLimiter(2)) as client:
        threads = [threading.Thread(target=client.fetch, args=(server.url("/slow"),)) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert len(server.requests) == 6
    assert state["max"] <= 2


def test_limiter_is_per_host():
    limiter = HostLimiter(1)
    with limiter.slot("a.example"), limiter.slot("b.example"):
        pass  # a second host is not blocked by the first


def test_options_have_named_defaults():
    options = FetchOptions()
    assert (options.connect_timeout, options.total_timeout, options.max_redirects) == (5.0, 20.0, 5)
    assert options.max_bytes == 5 * 1024 * 1024 and options.max_decoded_bytes == 20 * 1024 * 1024


# --- One deadline for the whole fetch -----------------------------------------------------------
# Before the fix httpcore's timeouts applied per socket read, so a server sending a byte at a
# time held a fetch for as long as it kept dribbling (195 s with a 5 s limit in issue #16).
DEADLINE = FetchOptions(connect_timeout=1.0, total_timeout=2.0)
DRIBBLED_HEADERS = (
    b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nX-Padding: "
    + b"p" * 200
    + b"\r\nContent-Length: 2\r\n\r\nok"
)


def _dribble(server: LoopbackServer, handler, data: bytes, every: float) -> None:
    """Write `data` a byte at a time, `every` seconds apart, until done or the client goes."""
    try:
        for byte in data:
            handler.wfile.write(bytes([byte]))
            handler.wfile.flush()
            if server.stopping.wait(every):
                return
    except (BrokenPipeError, ConnectionResetError):
        pass
    handler.close_connection = True


def _elapsed_until_timeout(client: Fetcher, url: str) -> float:
    started = time.monotonic()
    with pytest.raises(FetchTimeoutError):
        client.fetch(url)
    return time.monotonic() - started


def test_headers_sent_a_byte_at_a_time_hit_the_total_deadline(server: LoopbackServer):
    # 240 header bytes at one per 0.25 s would hold the fetch for a minute.
    server.routes["/slow-headers"] = lambda h: _dribble(server, h, DRIBBLED_HEADERS, 0.25)
    with Fetcher(DEADLINE, allow_private=True) as client:
        elapsed = _elapsed_until_timeout(client, server.url("/slow-headers"))
    assert elapsed < 10, f"held for {elapsed:.1f}s by a 2 s deadline"


def test_body_dribbled_slower_than_the_deadline_stops_at_the_deadline(server: LoopbackServer):
    def drip(handler):
        handler.send_response(200)
        handler.send_header("Content-Length", "100")
        handler.end_headers()
        # A byte just inside each read's own timeout: only the total deadline can stop it.
        _dribble(server, handler, b"x" * 100, 4.8)

    server.routes["/slow-body"] = drip
    with Fetcher(FetchOptions(connect_timeout=1.0, total_timeout=5.0), allow_private=True) as client:
        elapsed = _elapsed_until_timeout(client, server.url("/slow-body"))
    # Before the fix the deadline was only checked between chunks: the read in flight at the
    # deadline ran on for up to another full timeout (about 9.6 s here).
    assert elapsed < 8, f"held for {elapsed:.1f}s by a 5 s deadline"


def test_the_deadline_spans_a_slow_redirect_chain(server: LoopbackServer):
    def hop(target):
        def answer(handler):
            server.stopping.wait(0.8)  # each hop is slow, but well within the limit alone
            handler.send_response(302)
            handler.send_header("Location", target)
            handler.send_header("Content-Length", "0")
            handler.end_headers()

        return answer

    server.routes["/hop1"] = hop("/hop2")
    server.routes["/hop2"] = hop("/last")
    # The last hop dribbles a byte every 0.1 s: under the ~0.4 s left of the budget per read,
    # which the old per-hop timeout let through for as long as the server kept going.
    server.routes["/last"] = lambda h: _dribble(server, h, DRIBBLED_HEADERS, 0.1)
    with Fetcher(DEADLINE, allow_private=True) as client:
        elapsed = _elapsed_until_timeout(client, server.url("/hop1"))
    assert elapsed < 10, f"held for {elapsed:.1f}s by a 2 s deadline"
    assert server.paths() == ["/hop1", "/hop2", "/last"]


def test_waiting_for_a_host_slot_counts_against_the_deadline(server: LoopbackServer):
    server.routes["/held"] = lambda h: _dribble(server, h, DRIBBLED_HEADERS, 0.25)
    limiter = HostLimiter(1)
    holder = Fetcher(FetchOptions(total_timeout=5.0), allow_private=True, limiter=limiter)
    outcome: list[Exception] = []

    def hold() -> None:
        try:
            holder.fetch(server.url("/held"))
        except FetchTimeoutError as exc:
            outcome.append(exc)

    thread = threading.Thread(target=hold)
    thread.start()
    try:
        while not server.requests:  # the holder has its slot once the server sees it
            time.sleep(0.01)
        with Fetcher(DEADLINE, allow_private=True, limiter=limiter) as waiter:
            elapsed = _elapsed_until_timeout(waiter, server.url("/other"))
        assert elapsed < 15, f"waited {elapsed:.1f}s for a slot with a 2 s deadline"
    finally:
        thread.join()
        holder.close()
    assert outcome, "the holder should have hit its own deadline"


def test_a_slow_dns_answer_counts_against_the_deadline(monkeypatch):
    # No loopback DNS server can stand in for the system resolver without root, so the lookup
    # itself is replaced: it answers only when released, long after the deadline.
    release = threading.Event()
    real = socket.getaddrinfo

    def slow_getaddrinfo(host, *args, **kwargs):
        if host == "slow-dns.example":
            release.wait(30)
        return real("127.0.0.1", *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", slow_getaddrinfo)
    try:
        with Fetcher(DEADLINE, allow_private=True) as client:
            elapsed = _elapsed_until_timeout(client, "http://slow-dns.example:9/")
        assert elapsed < 15, f"waited {elapsed:.1f}s for DNS with a 2 s deadline"
    finally:
        release.set()
