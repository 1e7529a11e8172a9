"""The page cache in front of the real public pages: stored, then purged when an article changes."""

from __future__ import annotations

import pytest
from django.core.cache import cache

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def test_real_pages_are_cached_and_purged_on_publish(
    client, make_article, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = make_article(headline="Ferry plan approved", tags=["Ferries"])
    urls = ["/", "/business/", first.get_absolute_url(), "/author/mara-quill/", "/feed/", "/tag/ferries/"]
    for url in urls:
        assert client.get(url)["X-Cache"] == "MISS", url
        second = client.get(url)
        assert second.status_code == 200, url
        assert second["X-Cache"] == "HIT", url
        assert second["Cache-Control"] == "public, max-age=0, must-revalidate"

    with django_capture_on_commit_callbacks(execute=True):
        # A different event (discovery would otherwise put both in one story, and the first
        # page would then list this one under "Also covered by").
        make_article(
            headline="Night ferry returns",
            dek="The late boat is back.",
            body="<p>Timetables change in May.</p>",
        )

    for url in ["/", "/business/", "/author/mara-quill/", "/feed/"]:
        response = client.get(url)
        assert response["X-Cache"] == "MISS", url
        assert b"Night ferry returns" in response.content, url
    # The new story is not tagged, and the first story's own page does not list it.
    assert client.get("/tag/ferries/")["X-Cache"] == "HIT"
    assert client.get(first.get_absolute_url())["X-Cache"] == "HIT"
