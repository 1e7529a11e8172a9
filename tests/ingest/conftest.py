"""A real HTTP server on 127.0.0.1, started per test, serving the ingest fixtures.

Fixture files are served under /f/<name> with "{base}" replaced by the server's own URL, so
feeds link to pages on the same server. Tests add routes (fixed responses or handler
functions) for redirects, 304s, slow or huge bodies and so on.
"""

from __future__ import annotations

import http.server
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"
SHARED_DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
CONTENT_TYPES = {
    ".xml": "application/xml",
    ".rdf": "application/rdf+xml",
    ".json": "application/feed+json",
    ".html": "text/html; charset=utf-8",
    ".opml": "text/x-opml",
}


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Seen:
    path: str
    headers: dict[str, str]


Handler = Callable[[http.server.BaseHTTPRequestHandler], None]


class LoopbackServer:
    def __init__(self) -> None:
        self.routes: dict[str, Route | Handler] = {}
        self.requests: list[Seen] = []
        self.stopping = threading.Event()
        server = self

        class RequestHandler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                server.requests.append(Seen(self.path, {k.lower(): v for k, v in self.headers.items()}))
                route = server.routes.get(self.path) or server.routes.get(self.path.split("?")[0])
                if route is None and self.path.startswith("/f/"):
                    route = server.file_route(self.path[3:].split("?")[0])
                if route is None:
                    route = Route(404, b"not found")
                if callable(route):
                    route(self)
                    return
                try:
                    self.send_response(route.status)
                    headers = {"Content-Length": str(len(route.body)), **route.headers}
                    for key, value in headers.items():
                        self.send_header(key, value)
                    self.end_headers()
                    self.wfile.write(route.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), RequestHandler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def url(self, path: str) -> str:
        return self.base + path

    def render(self, name: str) -> bytes:
        return (FIXTURES / name).read_bytes().replace(b"{base}", self.base.encode())

    def counting_route(self, path: str, hold: float) -> dict[str, int]:
        """Serve `path` slowly (`hold` seconds) and count requests in flight: the returned
        dict's "max" is the most the server ever saw at once."""
        state = {"now": 0, "max": 0}
        lock = threading.Lock()

        def slow(handler: http.server.BaseHTTPRequestHandler) -> None:
            with lock:
                state["now"] += 1
                state["max"] = max(state["max"], state["now"])
            self.stopping.wait(hold)
            with lock:
                state["now"] -= 1
            handler.send_response(200)
            handler.send_header("Content-Length", "2")
            handler.end_headers()
            handler.wfile.write(b"ok")

        self.routes[path] = slow
        return state

    def file_route(self, name: str) -> Route | None:
        path = FIXTURES / name
        if not path.is_file() or ".." in name:
            return None
        return Route(
            200,
            self.render(name),
            {"Content-Type": CONTENT_TYPES.get(path.suffix, "application/octet-stream")},
        )

    def paths(self) -> list[str]:
        return [r.path for r in self.requests]

    def __enter__(self) -> LoopbackServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as running:
        yield running


@pytest.fixture
def allow_loopback(settings):
    settings.BROADSHEET_ALLOW_PRIVATE_NETWORKS = True
    return settings
