"""Edits of the site's structure reach cached pages at once (issue #11).

The header and footer on every page show the menu sections, the Contact menu and Useful
Links pages and the site settings; cards and bylines show section, author and tag names. An
edit of any of those retires every cached page (one site-wide generation); an edit shown
only on the item's own page (a section's description, an author's bio, a page outside the
menus) purges just that page; a save that changes nothing shown purges nothing. Checked with
the real page cache in front of the real site, through Django's stack and the WSGI fast path.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.urls import reverse

from broadsheet.edge.fastpath import FastPathApplication
from broadsheet.newsroom.models import Author, Page, Section, SiteSettings, Tag

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache(settings):
    settings.BROADSHEET_PAGE_CACHE = True
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def story(make_article, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return make_article(headline="Ferry plan approved", tags=["Ferries"])


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a change and what its transaction's on-commit hooks do (the purges)."""

    def run(change: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return change()

    return run


def cached(client: Any, url: str) -> bytes:
    """Render `url` once and check that the next request is served from the page cache."""
    assert client.get(url)["X-Cache"] == "MISS", url
    hit = client.get(url)
    assert hit["X-Cache"] == "HIT", url
    return bytes(hit.content)


def test_renaming_a_section_in_the_admin_shows_on_the_next_request(client, admin_client, story, committed):
    urls = ["/", story.get_absolute_url(), "/tag/ferries/", "/author/mara-quill/"]
    for url in urls:
        assert b"Business" in cached(client, url), url
    section = story.section
    change_url = reverse("admin:newsroom_section_change", args=[section.pk])
    form = {"name": "Commerce", "slug": "business", "description": "", "order": "3", "in_menu": "on"}
    response = committed(lambda: admin_client.post(change_url, form))
    assert response.status_code == 302, getattr(response, "context", None) and response.context["errors"]
    for url in urls:
        fresh = client.get(url)
        assert fresh["X-Cache"] == "MISS", url
        assert b"Commerce" in fresh.content, url
        assert client.get(url)["X-Cache"] == "HIT", url


def test_adding_a_page_to_the_contact_menu_in_the_admin_shows_everywhere(
    client, admin_client, story, committed
):
    for url in ["/", story.get_absolute_url()]:
        assert b"Advertise with us" not in cached(client, url)
    form = {
        "title": "Advertise with us",
        "slug": "advertise",
        "body": "<p>Rates.</p>",
        "form": "",
        "in_contact_menu": "on",
        "order": "0",
    }
    response = committed(lambda: admin_client.post(reverse("admin:newsroom_page_add"), form))
    assert response.status_code == 302
    for url in ["/", story.get_absolute_url()]:
        fresh = client.get(url)
        assert fresh["X-Cache"] == "MISS", url
        assert b"Advertise with us" in fresh.content, url


def test_changing_the_tagline_shows_on_the_next_request(client, story, committed):
    site = SiteSettings.load()
    assert site.tagline.encode() in cached(client, "/")

    def retag() -> None:
        site.tagline = "Tides, trains and town hall"
        site.save()

    committed(retag)
    fresh = client.get("/")
    assert fresh["X-Cache"] == "MISS"
    assert b"Tides, trains and town hall" in fresh.content


def test_hiding_a_section_from_the_menu_and_reordering(client, story, committed):
    culture = committed(lambda: Section.objects.create(name="Culture", slug="culture", order=9))
    home = cached(client, "/")
    assert home.index(b">Business<") < home.index(b">Culture<")
    culture.order = 1
    committed(culture.save)
    home = client.get("/")
    assert home["X-Cache"] == "MISS"
    assert home.content.index(b">Culture<") < home.content.index(b">Business<")
    assert client.get("/")["X-Cache"] == "HIT"
    culture.in_menu = False
    committed(culture.save)
    home = client.get("/")
    assert home["X-Cache"] == "MISS"
    assert b">Culture<" not in home.content


def test_deleting_a_menu_page_takes_it_out_of_the_menu(client, story, committed):
    page = committed(
        lambda: Page.objects.create(title="Corrections policy", slug="corrections", body="<p>x</p>")
    )
    assert b"Corrections policy" in cached(client, "/")
    committed(page.delete)
    fresh = client.get("/")
    assert fresh["X-Cache"] == "MISS"
    assert b"Corrections policy" not in fresh.content


def test_a_section_description_purges_only_that_sections_pages(client, story, committed):
    home = cached(client, "/")
    cached(client, "/business/")
    section = story.section
    section.description = "Money, markets and the docks."
    committed(section.save)
    fresh = client.get("/business/")
    assert fresh["X-Cache"] == "MISS"
    assert b"Money, markets and the docks." in fresh.content
    assert client.get("/")["X-Cache"] == "HIT"
    assert client.get("/").content == home


def test_a_page_outside_the_menus_purges_only_itself(client, story, committed):
    page = committed(
        lambda: Page.objects.create(
            title="House style",
            slug="house-style",
            body="<p>Old.</p>",
            in_contact_menu=False,
            in_footer=False,
        )
    )
    cached(client, "/")
    cached(client, "/house-style/")
    page.body = "<p>New rules.</p>"
    page.title = "House style guide"
    committed(page.save)
    fresh = client.get("/house-style/")
    assert fresh["X-Cache"] == "MISS"
    assert b"New rules." in fresh.content
    assert client.get("/")["X-Cache"] == "HIT"


def test_a_save_that_changes_nothing_shown_purges_nothing(client, story, committed):
    cached(client, "/")
    committed(SiteSettings.load)  # created on first load: the defaults the pages already show
    client.get("/")
    assert client.get("/")["X-Cache"] == "HIT"
    for instance in (SiteSettings.load(), story.section, story.author, Tag.objects.get(slug="ferries")):
        committed(instance.save)
        assert client.get("/")["X-Cache"] == "HIT", instance
    # A new author or tag shows nowhere until an article that uses it is published.
    committed(lambda: Author.objects.create(name="Ines Novak", slug="ines-novak"))
    committed(lambda: Tag.objects.create(name="Tides", slug="tides"))
    assert client.get("/")["X-Cache"] == "HIT"


def test_author_and_tag_renames_reach_every_page_their_bio_only_the_authors(client, story, committed):
    cached(client, "/")
    cached(client, "/author/mara-quill/")
    author = story.author
    author.bio = "Covers the docks and the ferries."
    committed(author.save)
    fresh = client.get("/author/mara-quill/")
    assert fresh["X-Cache"] == "MISS"
    assert b"Covers the docks and the ferries." in fresh.content
    assert client.get("/")["X-Cache"] == "HIT"

    article = story.get_absolute_url()
    assert b"Mara Quill" in cached(client, article)
    author.name = "Mara Quill-Ortiz"
    committed(author.save)
    fresh = client.get(article)
    assert fresh["X-Cache"] == "MISS"
    assert b"Mara Quill-Ortiz" in fresh.content

    cached_again = client.get(article)
    assert cached_again["X-Cache"] == "HIT"
    assert b"Ferries" in cached_again.content
    tag = Tag.objects.get(slug="ferries")
    tag.name = "Harbour ferries"
    committed(tag.save)
    fresh = client.get(article)
    assert fresh["X-Cache"] == "MISS"
    assert b"Harbour ferries" in fresh.content


# --- the WSGI fast path -------------------------------------------------------------------


@pytest.fixture
def app() -> Any:
    # As Django's test client does: the test's transaction must outlive each request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield FastPathApplication(WSGIHandler())
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def get(app: Any, path: str) -> tuple[dict[str, str], bytes]:
    seen: list[Any] = []
    chunks = app(_env(path), lambda status, headers, exc_info=None: seen.append(headers))
    try:
        body = b"".join(chunks)
    finally:
        if hasattr(chunks, "close"):
            chunks.close()
    return {name.lower(): value for name, value in seen[0]}, body


def test_the_fast_path_serves_the_edited_chrome_not_the_cached_page(app, story, committed):
    assert get(app, "/")[0]["x-cache"] == "MISS"
    headers, body = get(app, "/")
    assert headers["x-cache"] == "HIT"
    assert app.hit(_env("/")) is not None  # answered by the fast path itself, before Django
    site = SiteSettings.load()

    def rename() -> None:
        site.site_name = "The Harbour Herald"
        site.save()

    committed(rename)
    assert app.hit(_env("/")) is None  # stale: left to Django to render
    headers, body = get(app, "/")
    assert headers["x-cache"] == "MISS"
    assert b"The Harbour Herald" in body
    assert app.hit(_env("/")) is not None
    assert b"The Harbour Herald" in get(app, "/")[1]

    section = story.section
    section.name = "Commerce"
    committed(section.save)
    assert app.hit(_env("/")) is None
    headers, body = get(app, "/")
    assert headers["x-cache"] == "MISS"
    assert b"Commerce" in body


def _env(path: str) -> dict[str, Any]:
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SCRIPT_NAME": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "testserver",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": io.StringIO(),
    }
