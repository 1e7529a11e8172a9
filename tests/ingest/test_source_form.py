"""The admin's "add source" checks the URL with the very function `broadsheet sources add`
calls (commands.find_new_feed): the same refusals in the same words, and nothing saved."""

from __future__ import annotations

import html
import io
import socket

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from broadsheet.ingest import commands
from broadsheet.ingest.errors import IngestError
from broadsheet.ingest.models import Source

from .conftest import FIXTURES, LoopbackServer, Route

pytestmark = pytest.mark.django_db
ADD = "/admin/ingest/source/add/"


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def form_data(url: str, **fields: str) -> dict[str, str]:
    return {
        "feed_url": url,
        "name": "",
        "home_url": "",
        "section": "",
        "mode": "excerpt",
        "publish_directly": "on",
        "enabled": "on",
        "include_keywords": "",
        "exclude_keywords": "",
        "keep": "",
        "drop": "",
        "image_policy": "link",
        "next_check_at_0": "2026-01-01",
        "next_check_at_1": "00:00:00",
        "check_interval": "3600",
        **fields,
    }


def cli_error(url: str) -> str:
    with pytest.raises(CommandError) as raised:
        call_command("sources", "add", url, stdout=io.StringIO())
    return str(raised.value)


def admin_errors(admin_client, url: str) -> str:
    response = admin_client.post(ADD, form_data(url))
    assert response.status_code == 200  # the form again, not a redirect to the list
    errors = response.context["adminform"].form.errors.get("feed_url", [])
    assert len(errors) == 1, response.context["adminform"].form.errors
    return html.unescape(str(errors[0]))


@pytest.mark.parametrize(
    ("path", "mentions"),
    [
        ("/f/ferry.html", "no RSS, Atom or JSON feed found at"),  # an HTML page with no feed
        ("dead-port", "cannot fetch"),
        ("not-a-url", "invalid URL"),
        ("http://exa mple.com/feed.xml", "invalid URL"),
        ("/missing.xml", "HTTP 404"),
        ("/walled.xml", "blocked by an anti-bot wall"),
    ],
)
def test_admin_refuses_what_the_cli_refuses_in_the_same_words(
    admin_client, server: LoopbackServer, allow_loopback, path: str, mentions: str
) -> None:
    server.routes["/walled.xml"] = Route(
        403, (FIXTURES / "antibot" / "cloudflare.html").read_bytes(), {"cf-mitigated": "challenge"}
    )
    if path == "dead-port":
        url = f"http://127.0.0.1:{closed_port()}/feed.xml"
    elif path.startswith("/"):
        url = server.url(path)
    else:
        url = path
    shown = admin_errors(admin_client, url)
    assert mentions in shown
    said = cli_error(url)
    # The dead port's message carries the OS's words, the same on both paths.
    assert shown == said
    assert not Source.objects.exists()


def test_admin_refuses_a_private_address_naming_the_setting(admin_client, server: LoopbackServer) -> None:
    shown = admin_errors(admin_client, server.url("/f/rss20.xml"))
    assert "BROADSHEET_ALLOW_PRIVATE_NETWORKS" in shown and shown == cli_error(server.url("/f/rss20.xml"))
    assert not Source.objects.exists()


def test_admin_adds_a_feed_found_from_a_page_as_the_cli_does(
    admin_client, server: LoopbackServer, allow_loopback
) -> None:
    server.routes["/feeds/rss20.xml"] = server.file_route("rss20.xml")
    response = admin_client.post(ADD, form_data(server.url("/f/with-feed-link.html")))
    assert response.status_code == 302, response.context["adminform"].form.errors
    source = Source.objects.get()
    # The feed the page announces, and its own title and home page (as `sources add`).
    assert (source.feed_url, source.name, source.home_url) == (
        server.url("/feeds/rss20.xml"),
        "Harbor Gazette",
        server.url("/"),
    )
    # Once more: "already a source", on both paths.
    assert admin_errors(admin_client, server.url("/f/with-feed-link.html")) == (
        f"already a source: {server.url('/feeds/rss20.xml')}"
    )
    assert (
        cli_error(server.url("/f/with-feed-link.html"))
        == f"already a source: {server.url('/feeds/rss20.xml')}"
    )
    assert Source.objects.count() == 1


def test_editing_a_source_without_changing_its_url_fetches_nothing(
    admin_client, server: LoopbackServer, allow_loopback
) -> None:
    source = Source.objects.create(feed_url=server.url("/gone.xml"), name="Old")  # a 404 now
    response = admin_client.post(
        f"/admin/ingest/source/{source.pk}/change/", form_data(source.feed_url, name="Renamed")
    )
    assert response.status_code == 302
    source.refresh_from_db()
    assert source.name == "Renamed"
    assert "/gone.xml" not in server.paths()


def test_one_function_decides_for_both(server: LoopbackServer, allow_loopback) -> None:
    with pytest.raises(IngestError, match="no RSS, Atom or JSON feed"):
        commands.find_new_feed(server.url("/f/ferry.html"))
    found = commands.find_new_feed("  " + server.url("/f/rss20.xml") + " ")  # stripped
    assert found.feed_url == server.url("/f/rss20.xml") and not Source.objects.exists()
