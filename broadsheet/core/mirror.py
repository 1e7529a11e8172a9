"""A local mirror: an httpx transport that answers for a few hosts from documents in memory.

The demo's fictional publishers (demo/wire) are served through it, so their feeds, pages and
images reach the ingest pipeline as real HTTP responses (status, content type, length) and
every step after the fetch is the one a live source goes through. It never opens a socket:
a request for a host it does not serve fails as an unreachable host would.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx


@dataclass(frozen=True, slots=True)
class Document:
    content: bytes
    content_type: str


def document_key(url: str) -> str:
    """How a mirror files a URL: host and path, without scheme, port, query or fragment."""
    parts = urlsplit(url)
    return f"{(parts.hostname or '').lower()}{parts.path or '/'}"


class MirrorTransport(httpx.BaseTransport):
    """Serves `documents` (keyed by `document_key`) with 200, other paths of their hosts with
    404, and refuses every other host with a ConnectError."""

    def __init__(self, documents: Mapping[str, Document]) -> None:
        self.documents = dict(documents)
        self.hosts = frozenset(key.split("/", 1)[0] for key in self.documents)
        self.requests: list[str] = []  # every URL asked for, in order (tests read it)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        url = str(request.url)
        self.requests.append(url)
        host = (request.url.host or "").lower()
        if host not in self.hosts:
            raise httpx.ConnectError(f"{host} is not served by the local mirror", request=request)
        document = self.documents.get(document_key(url))
        if document is None:
            return httpx.Response(
                404, headers={"content-type": "text/plain; charset=utf-8"}, stream=httpx.ByteStream(b"")
            )
        # A stream, as from a socket: the fetcher reads the body with iter_raw().
        return httpx.Response(
            200,
            headers={"content-type": document.content_type, "content-length": str(len(document.content))},
            stream=httpx.ByteStream(document.content),
        )
