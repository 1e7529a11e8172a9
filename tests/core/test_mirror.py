"""The local mirror transport and `fetch.served_by`: documents as HTTP responses, no socket."""

from __future__ import annotations

import socket

import httpx
import pytest

from broadsheet.core.fetch import Fetcher, served_by
from broadsheet.core.fetch_errors import FetchError
from broadsheet.core.mirror import Document, MirrorTransport, document_key

FEED = b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title></channel></rss>'


@pytest.fixture
def no_network(monkeypatch):
    """Any DNS lookup or connection fails the test: the mirror must need neither."""

    def refuse(*args, **kwargs):
        raise AssertionError("the network was used")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("https://Wire.example/rss.xml", "wire.example/rss.xml"),
        ("http://wire.example:8080/a/?page=2#top", "wire.example/a/"),
        ("https://wire.example", "wire.example/"),
    ],
)
def test_document_key_is_host_and_path(url, key):
    assert document_key(url) == key


def test_mirror_serves_documents_with_status_type_and_length(no_network):
    mirror = MirrorTransport({"wire.example/rss.xml": Document(FEED, "application/rss+xml")})
    with served_by(mirror), Fetcher(allow_private=False) as fetcher:
        found = fetcher.fetch("https://wire.example/rss.xml")
        missing = fetcher.fetch("https://wire.example/nothing.html")
    assert (found.status, found.content, found.content_type) == (200, FEED, "application/rss+xml")
    assert found.headers["content-length"] == str(len(FEED))
    assert missing.status == 404
    assert mirror.requests == ["https://wire.example/rss.xml", "https://wire.example/nothing.html"]


def test_mirror_refuses_hosts_it_does_not_serve(no_network):
    mirror = MirrorTransport({"wire.example/rss.xml": Document(FEED, "application/rss+xml")})
    with served_by(mirror), Fetcher() as fetcher, pytest.raises(FetchError, match="not served"):
        fetcher.fetch("https://elsewhere.example/rss.xml")


def test_only_fetchers_made_inside_the_block_use_the_mirror():
    mirror = MirrorTransport({"wire.example/": Document(b"hi", "text/plain")})
    with served_by(mirror):
        inside = Fetcher()
    outside = Fetcher()
    try:
        assert inside._client._transport is mirror
        assert not isinstance(outside._client._transport, MirrorTransport)
        assert isinstance(outside._client._transport, httpx.BaseTransport)
    finally:
        inside.close()
        outside.close()
