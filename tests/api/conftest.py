"""API fixtures: a staff user with an editor's permissions and a token, a small published newsroom, and a fetcher that
never leaves the process (for fuzzing the add-source call)."""

from __future__ import annotations

import datetime as dt
import http.server
import threading
from collections.abc import Iterator

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.test import Client

from broadsheet.api import sources
from broadsheet.api.models import ApiToken
from broadsheet.core import clock
from broadsheet.core.fetch import FetchResult
from broadsheet.ingest.errors import BlockedURLError
from broadsheet.newsroom.models import Section

FEED_HOST = "feeds.example.test"
RSS = b"""<?xml version="1.0"?>
<rss version="2.0"><channel><title>Harbor Gazette</title><link>https://feeds.example.test/</link>
<item><title>Ferry runs late</title><link>https://feeds.example.test/ferry</link><guid>f1</guid></item>
</channel></rss>"""


@pytest.fixture(autouse=True)
def _clean_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def search_dir(settings, tmp_path):
    """A fresh, empty search index directory for each test."""
    settings.BROADSHEET_SEARCH_DIR = tmp_path / "search"
    return settings.BROADSHEET_SEARCH_DIR


# What the API's writes need (see broadsheet/api/permissions.py): an editor's permissions.
EDITOR_PERMISSIONS = (
    "newsroom.add_article",
    "newsroom.change_article",
    "newsroom.publish_article",
    "newsroom.add_tag",
    "ingest.add_source",
)


def grant(user, *permissions: str) -> None:
    """Give `user` these permissions ("app_label.codename")."""
    for permission in permissions:
        app_label, codename = permission.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )


@pytest.fixture
def staff(db):
    """A staff user with an editor's permissions: every write the API offers."""
    user = get_user_model().objects.create_user("desk", password="x", is_staff=True)
    grant(user, *EDITOR_PERMISSIONS)
    return user


@pytest.fixture
def make_token(db):
    def make(user, name: str = "wire desk") -> str:
        token = ApiToken(user=user, name=name)
        raw = token.set_new_key()
        token.save()
        return raw

    return make


@pytest.fixture
def token(staff, make_token) -> str:
    return make_token(staff)


@pytest.fixture
def writer(token) -> Client:
    """A client that sends the token with every request."""
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.fixture
def newsroom(make_article, section, author) -> dict:
    """Two sections, tags, a wire story and six public articles, one draft, one scheduled."""
    metro = Section.objects.create(name="Metro", slug="metro", order=1)
    articles = [make_article(tags=["Ferries"] if n % 2 else ["Council"]) for n in range(4)]
    articles.append(make_article(section=metro, author=None, byline="Wire staff"))
    articles.append(
        make_article(
            section=metro,
            source_name="Harbor Gazette",
            source_home_url="https://gazette.example.test/",
            canonical_url="https://gazette.example.test/2026/ferry",
            lead_image_url="https://gazette.example.test/ferry.jpg",
            lead_image_alt="A ferry",
        )
    )
    draft = make_article(publish=False, headline="Unpublished draft")
    scheduled = make_article(headline="Not yet", published_at=clock.now() + dt.timedelta(days=1))
    return {"public": articles, "draft": draft, "scheduled": scheduled, "metro": metro}


class FakeFetcher:
    """Serves one RSS feed for FEED_HOST and refuses every other host, like the SSRF guard."""

    def __enter__(self) -> FakeFetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def close(self) -> None:
        pass

    def fetch(self, url: str, **kwargs: object) -> FetchResult:
        if f"//{FEED_HOST}/" not in url:
            raise BlockedURLError(f"refusing {url}")
        return FetchResult(url, url, 200, {"content-type": "application/rss+xml"}, RSS)


@pytest.fixture
def fake_fetcher(monkeypatch) -> None:
    monkeypatch.setattr(sources, "open_fetcher", FakeFetcher)


@pytest.fixture
def feed_server() -> Iterator[str]:
    """A real HTTP server on 127.0.0.1 serving RSS at the URL it yields."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(RSS)))
            self.end_headers()
            self.wfile.write(RSS)

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/feed.xml"
    finally:
        httpd.shutdown()
        httpd.server_close()
