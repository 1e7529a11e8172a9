"""Old WordPress URLs answer with a 301 to the Broadsheet URL; ordinary pages never look them up."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from broadsheet.newsroom.models import Page, Section
from broadsheet.wpimport.importer import import_wxr
from broadsheet.wpimport.models import WordPressItem
from tests.wpimport.conftest import fixture_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger() -> None:
    import_wxr(fixture_bytes("wxr-1.2-https.xml"))


def url_of(wp_id: int) -> str:
    item = WordPressItem.objects.get(wp_id=wp_id)
    return (item.article or item.page).get_absolute_url()


def redirects_to(client, path: str, target: str) -> None:
    response = client.get(path)
    assert response.status_code == 301, (path, response.status_code)
    assert response["Location"] == target


@pytest.mark.parametrize(
    ("path", "wp_id"),
    [
        ("/?p=10", 10),
        ("/2024/03/ferry-plan-approved/", 10),  # /%year%/%monthnum%/%postname%/: 3 segments, 404 natively
        ("/2024/03/ferry-plan-approved", 10),  # without its trailing slash
        ("/2023/11/classic-days/", 11),
        ("/2024/03/ferry-plan-approved/market/", 10),  # an attachment page → its post
        ("/?attachment_id=30", 10),
        ("/?page_id=21", 21),
        ("/?p=21", 21),
        ("/the-paper/history/", 21),
    ],
)
def test_old_post_and_page_urls(client, ledger, path: str, wp_id: int) -> None:
    redirects_to(client, path, url_of(wp_id))


def test_categories_tags_and_authors(client, ledger) -> None:
    redirects_to(client, "/category/harbor/", "/harbor/")
    redirects_to(client, "/category/harbor/ferries/", "/ferries/")
    redirects_to(client, "/category/ferries/", "/ferries/")
    redirects_to(client, "/?cat=3", "/harbor/")
    redirects_to(client, "/author/jdoe/", "/author/jo-doe/")
    # A tag whose slug Broadsheet keeps needs nothing: /tag/<slug>/ is already the same page.
    assert client.get("/tag/council/").status_code == 200
    tag_target = client.get("/tag/港/")
    assert tag_target.status_code == 301 and tag_target["Location"].startswith("/tag/")


def test_search_and_feed_query_forms(client, db) -> None:
    redirects_to(client, "/?s=ferry+plan", "/search/?q=ferry+plan")
    redirects_to(client, "/?feed=rss2", "/feed/")
    redirects_to(client, "/?feed=atom", "/feed/atom/")
    assert client.get("/feed/").status_code == 200  # the same path as WordPress's


def test_drafts_and_scheduled_posts_are_not_revealed(client, ledger) -> None:
    for path in ("/?p=13", "/?p=12", "/2031/05/bridge-opens/", "/2024/02/members-only/"):
        response = client.get(path)
        assert response.status_code in (200, 404), path  # "/?p=" falls through to the home page
        assert response.status_code != 301


def test_a_redirect_follows_the_article_when_its_slug_changes(client, ledger) -> None:
    from broadsheet.newsroom import services

    ferry = WordPressItem.objects.get(wp_id=10).article
    ferry.slug = "ferry-plan-renamed"
    services.save_article(ferry)
    redirects_to(client, "/?p=10", "/ferries/ferry-plan-renamed/")


def test_native_urls_still_win(client, ledger) -> None:
    assert client.get("/the-paper/").status_code == 200
    assert client.get(url_of(10)).status_code == 200
    assert client.get("/does-not-exist/").status_code == 404


def test_normal_pages_never_query_redirects_and_a_404_queries_once(client, ledger) -> None:
    Section.objects.update(in_menu=False)
    for path in ("/", url_of(10), "/the-paper/", "/harbor/"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        assert not [q for q in queries if "wpimport_" in q["sql"] or "legacyredirect" in q["sql"]], path
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/no/such/old/post/").status_code == 404
    assert len([q for q in queries if "newsroom_legacyredirect" in q["sql"]]) == 1


def test_a_page_at_its_old_top_level_path_needs_no_redirect(client, ledger) -> None:
    assert Page.objects.get(slug="the-paper").get_absolute_url() == "/the-paper/"
    assert client.get("/the-paper/").status_code == 200
