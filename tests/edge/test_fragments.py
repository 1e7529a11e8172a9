"""Memoised fragments (header, footer, sidebar, cards) and the prepared chrome queries.

A fragment is keyed by every input of its markup, so an edit must show on the very next
render, in the same process, without anything being invalidated. These tests render real
pages with the page cache off and change each input in turn.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.cache import cache

from broadsheet.core import clock, lastcopy
from broadsheet.core.prepared import PreparedQuery
from broadsheet.edge import fragments
from broadsheet.newsroom import services
from broadsheet.newsroom.models import Article, Page, Section, SiteSettings, Tag
from broadsheet.site import widgets

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    settings.BROADSHEET_PAGE_CACHE = False
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def staff_client(client):
    user = get_user_model().objects.create_user("editor", password="pw-for-tests-only", is_staff=True)
    # Previews are for staff who may see the article in the admin.
    user.user_permissions.add(Permission.objects.get(codename="view_article"))
    client.force_login(user)
    return client


def page(client, url: str = "/") -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_site_settings_show_at_once_in_header_and_footer(client, make_article):
    make_article()
    SiteSettings.objects.update_or_create(pk=1, defaults={"site_name": "Port Alder Ledger"})
    assert page(client).count("Port Alder Ledger") >= 3  # brand, menu title, footer
    # A queryset update bypasses save() and signals: the key still sees the new value.
    SiteSettings.objects.filter(pk=1).update(site_name="Harbor Evening Post", copyright_text="© The Post")
    html = page(client)
    assert "Port Alder Ledger" not in html
    assert "Harbor Evening Post" in html and "© The Post" in html


def test_menu_sections_and_pages_show_at_once(client, make_article, section):
    make_article()
    section.in_menu = True
    section.save()
    assert f'href="/{section.slug}/"' in page(client)
    Section.objects.filter(pk=section.pk).update(name="Money & Markets")
    html = page(client)
    assert "Money &amp; Markets" in html
    Page.objects.create(title="Corrections policy", slug="corrections", in_contact_menu=True, in_footer=True)
    html = page(client)
    assert html.count('href="/corrections/"') == 2  # the Contact menu and the footer


def test_the_active_menu_item_follows_the_page(client, make_article, section):
    article = make_article()
    section.in_menu = True
    section.save()
    on_home = page(client)
    on_section = page(client, f"/{section.slug}/")
    on_article = page(client, article.get_absolute_url())
    current = f'href="/{section.slug}/" aria-current="page"'
    assert current not in on_home and current in on_section and current in on_article
    assert 'href="/" aria-current="page"' in on_home and 'href="/" aria-current="page"' not in on_section


def test_sidebar_follows_its_widget_lists(client, make_article):
    make_article(headline="Ferry plan approved")
    assert "Ferry plan approved" in page(client)
    categories = [{"name": "Harbor Desk", "url": "/harbor/", "count": 12345}]
    cache.set(widgets.CATEGORIES_KEY, categories, timeout=60)
    html = page(client)
    assert "Harbor Desk" in html and "12,345" in html
    categories[0]["count"] = 12346
    cache.set(widgets.CATEGORIES_KEY, categories, timeout=60)
    html = page(client)
    assert "12,346" in html and "12,345" not in html


def test_a_card_shows_an_edit_at_once(client, make_article, django_capture_on_commit_callbacks):
    article = make_article(headline="Ferry plan approved")
    assert "Ferry plan approved" in page(client)
    article.headline = "Ferry plan shelved"
    with django_capture_on_commit_callbacks(execute=True):
        services.save_article(article)
    html = page(client)
    assert "Ferry plan shelved" in html and "Ferry plan approved" not in html


def test_the_memo_is_bounded_and_least_recently_used_goes_first():
    memo = fragments.FragmentMemo(max_chars=100)
    memo.get_or_render("a", lambda: "x" * 40)
    memo.get_or_render("b", lambda: "y" * 40)
    assert memo.get_or_render("a", lambda: "changed") == "x" * 40  # a hit, now most recent
    memo.get_or_render("c", lambda: "z" * 40)  # over budget: "b" goes
    assert set(memo.items) == {"a", "c"} and memo.used == 80
    assert memo.get_or_render("b", lambda: "fresh") == "fresh"


def test_prepared_queries_build_the_same_instances_as_the_orm(section):
    Section.objects.create(name="Arts", slug="arts", in_menu=True, order=2)
    section.in_menu = True
    section.save()
    SiteSettings.objects.update_or_create(pk=1, defaults={"site_name": "Ledger"})
    prepared = PreparedQuery(Section, lambda: Section.objects.filter(in_menu=True))
    got, want = prepared.fetch(), list(Section.objects.filter(in_menu=True))
    assert got == want
    fields = [f.attname for f in Section._meta.concrete_fields]
    assert [[getattr(s, f) for f in fields] for s in got] == [[getattr(s, f) for f in fields] for s in want]
    (settings_row,) = PreparedQuery(SiteSettings, lambda: SiteSettings.objects.filter(pk=1)).fetch()
    # Values went through the backend's converters: a real datetime and a real bool.
    assert isinstance(settings_row.updated_at, dt.datetime) and settings_row.updated_at.tzinfo is not None
    assert all(isinstance(s.in_menu, bool) for s in got)
    assert not settings_row._state.adding and settings_row._state.db == "default"
    # Run again (compiled SQL reused) and after a change.
    Section.objects.filter(slug="arts").update(in_menu=False)
    assert [s.slug for s in prepared.fetch()] == [section.slug]


def test_prepared_queries_refuse_what_they_cannot_build():
    from broadsheet.newsroom.models import Article

    with pytest.raises(ValueError, match="concrete fields"):
        PreparedQuery(Article, lambda: Article.objects.select_related("section")).fetch()


def test_the_story_block_follows_tags_and_the_article(
    client, make_article, django_capture_on_commit_callbacks
):
    article = make_article(headline="Ferry plan approved", tags=["Ferries"])
    html = page(client, article.get_absolute_url())
    assert 'href="/tag/ferries/"' in html
    # Tags change without the article being saved: the key holds the tag list itself.
    article.tags.add(Tag.objects.create(name="Harbor", slug="harbor"))
    assert 'href="/tag/harbor/"' in page(client, article.get_absolute_url())
    article.body = "<p>The council met again on Tuesday.</p>"
    with django_capture_on_commit_callbacks(execute=True):
        services.save_article(article)
    assert "The council met again on Tuesday." in page(client, article.get_absolute_url())


def test_a_scheduled_story_loses_its_preview_banner_when_it_comes_due(staff_client, make_article):
    article = make_article(published_at=clock.now() + dt.timedelta(hours=1))
    assert "Preview — not public." in page(staff_client, article.get_absolute_url())
    # Time passes; nothing saves the article.
    Article.objects.filter(pk=article.pk).update(published_at=clock.now() - dt.timedelta(seconds=1))
    Article.objects.filter(pk=article.pk).update(updated_at=article.updated_at)
    assert "Preview — not public." not in page(staff_client, article.get_absolute_url())


def test_an_expired_widget_list_is_served_from_its_last_copy_while_it_refreshes(client, make_article):
    make_article(headline="Ferry plan approved")
    page(client)  # computes and stores every list, with its last copy
    cache.delete(widgets.CATEGORIES_KEY)  # the fresh copy expired
    cache.set(
        lastcopy.last_key(widgets.CATEGORIES_KEY), [{"name": "Harbor Desk", "url": "/h/", "count": 7}], None
    )
    html = page(client)
    assert "Harbor Desk" in html  # the last copy, not a computation in the request
    # The refresh was queued (the test task backend runs it at once): the fresh list is back.
    assert [c["name"] for c in cache.get(widgets.CATEGORIES_KEY)] != ["Harbor Desk"]
    assert "Harbor Desk" not in page(client)
