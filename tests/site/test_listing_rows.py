"""Listings read as rows (site/listing.py) and the article page's prepared queries
(site/article_query.py): the same markup, the same instances and the same memo keys as the
ORM's instances, and an edit shows on the next render even when it bypasses save()."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from django.core.cache import cache
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from broadsheet.core import clock
from broadsheet.edge import fragments
from broadsheet.newsroom.models import Article, Author, Tag
from broadsheet.site.article_query import article_by_slug
from broadsheet.site.listing import ArticleRow, public_window, rows_by_id
from broadsheet.site.related import tag_listing
from broadsheet.site.templatetags.chrome import card_key

pytestmark = pytest.mark.django_db

CARD = Template(
    "{% load chrome %}{% card a %}|{% card a variant='row' level=2 show_dek=True %}"
    "|{% card a variant='lead' level='2' show_dek=True eager=True %}|{% card a thumb=1 %}"
)


@pytest.fixture(autouse=True)
def _fresh(settings):
    settings.BROADSHEET_PAGE_CACHE = False
    cache.clear()
    fragments.memo.clear()
    yield
    fragments.memo.clear()


@pytest.fixture
def stories(make_article, author):
    """Every kind of card: a picture from a URL, none, an aggregated story with a stored
    byline, one without a byline and without an author (its publisher's staff), a dek."""
    return [
        make_article(headline="Pictured", lead_image_url="https://img.example/p.jpg", lead_image_width=800),
        make_article(headline="Plain & simple", dek="A <b>dek</b> " * 30),
        make_article(
            headline="Carried",
            canonical_url="https://wire.example/a",
            source_name="Wire",
            byline="By Ana Ruiz (ana@wire.example)",
        ),
        make_article(
            headline="Staff", author=None, canonical_url="https://wire.example/b", source_name="Coast Wire"
        ),
        make_article(headline="Ours, no byline", author=None),
    ]


def _render(a: object) -> str:
    fragments.memo.clear()
    return Template.render(CARD, Context({"a": a}))


def test_a_card_from_a_row_is_the_card_from_the_instance(stories):
    instances = {a.pk: a for a in Article.objects.filter(pk__in=[s.pk for s in stories]).for_listing()}
    rows = rows_by_id(list(instances))
    assert sorted(row.pk for row in rows) == sorted(instances)
    for row in rows:
        instance = instances[row.pk]
        assert _render(row) == _render(instance)
        assert card_key(row) == card_key(instance)
        assert row.display_byline == instance.display_byline
        assert row.is_public is instance.is_public


def test_a_row_builds_the_instance_the_orm_builds(stories):
    orm = {a.pk: a for a in Article.objects.filter(pk__in=[s.pk for s in stories]).for_listing()}
    fields = [f.attname for f in Article._meta.concrete_fields if f.name != "body"]
    for row in rows_by_id(list(orm)):
        built, want = row.instance, orm[row.pk]
        assert [getattr(built, f) for f in fields] == [getattr(want, f) for f in fields]
        assert built.get_deferred_fields() == want.get_deferred_fields() == {"body"}
        with CaptureQueriesContext(connection) as queries:
            assert built.section == want.section and built.section.name == want.section.name
            assert built.author == want.author and built.lead_media == want.lead_media
        assert len(queries) == 0  # section, author and picture came with the row


def test_a_memoised_card_builds_no_instance(stories):
    rows = rows_by_id([s.pk for s in stories])
    for row in rows:
        Template.render(CARD, Context({"a": row}))
    again = rows_by_id([s.pk for s in stories])
    for row in again:
        Template.render(CARD, Context({"a": row}))
        assert row.row._instance is None


def test_an_edit_that_bypasses_save_shows_on_the_next_page(client, make_article, author):
    story = make_article(headline="Ferry plan approved")
    section_page = story.section.get_absolute_url()
    for url in ("/", section_page):
        assert ">Ferry plan approved</a></h" in client.get(url).content.decode()
    # A new version (updated_at) is a new card key: no signal, no invalidation needed.
    Article.objects.filter(pk=story.pk).update(headline="Ferry plan shelved", updated_at=clock.now())
    for url in ("/", section_page):
        html = client.get(url).content.decode()
        # The card's title (the sidebar's lists are cached data of their own).
        assert ">Ferry plan shelved</a></h" in html and ">Ferry plan approved</a></h" not in html
    # The byline printed from the author's name is in the key too, not only the version.
    Author.objects.filter(pk=author.pk).update(name="Ines Okafor")
    assert "Ines Okafor" in client.get("/").content.decode()


def test_pages_of_a_section_as_rows(make_article, section):
    made = [make_article(published_at=clock.now() - dt.timedelta(minutes=n)) for n in range(23)]
    make_article(publish=False)
    make_article(published_at=clock.now() + dt.timedelta(hours=1))  # scheduled: not yet
    first = public_window(RequestFactory().get("/"), section_id=section.pk)
    second = public_window(RequestFactory().get("/?page=2"), section_id=section.pk)
    assert [a.pk for a in first.items] == [a.pk for a in made[:20]] and first.has_next
    assert [a.pk for a in second.items] == [a.pk for a in made[20:]] and not second.has_next
    assert all(isinstance(a, ArticleRow) for a in first.items)
    assert [a.pk for a in public_window(RequestFactory().get("/")).items] == [a.pk for a in made[:20]]


def test_the_article_query_builds_what_the_orm_built(make_article):
    story = make_article(tags=["Ferries", "Council", "Budget"], lead_image_url="https://img.example/p.jpg")
    want = (
        Article.objects.select_related(
            "section", "author", "lead_media", "social_image", "story_membership__story"
        )
        .prefetch_related("tags")
        .filter(slug=story.slug)
        .first()
    )
    built = article_by_slug(story.slug)
    assert built is not None and want is not None
    fields = [f.attname for f in Article._meta.concrete_fields]
    assert [getattr(built, f) for f in fields] == [getattr(want, f) for f in fields]
    with CaptureQueriesContext(connection) as queries:
        assert (
            [t.name for t in built.tags.all()]
            == [t.name for t in want.tags.all()]
            == [
                "Budget",
                "Council",
                "Ferries",
            ]
        )
        assert built.section.name == want.section.name and built.author == want.author
        assert built.lead_media is None and built.social_image is None
        assert hasattr(built, "story_membership") == hasattr(want, "story_membership")
    assert len(queries) == 0
    assert article_by_slug("no-such-story") is None


def test_a_tag_page_renders_the_cards_the_instances_render(client, stories, make_article):
    """Tag pages list rows (site.related.tag_listing): the river is byte for byte the one
    the model instances made, on the first page and on a cursor's older page."""
    more = [make_article(published_at=clock.now() - dt.timedelta(days=1, minutes=n)) for n in range(18)]
    make_article(tags=["Ferries"], publish=False)
    make_article(tags=["Ferries"], published_at=clock.now() + dt.timedelta(hours=1))  # not yet
    tag = Tag.objects.create(name="Ferries-all", slug="ferries-all")
    for story in [*stories, *more]:
        story.tags.add(tag)
    river = Template('{% include "site/includes/river.html" %}')
    pages, seen = [f"/tag/{tag.slug}/"], 0
    while pages and seen < 3:
        seen += 1
        request = RequestFactory().get(pages.pop())
        window = tag_listing(request, tag)
        assert window.items and all(isinstance(a, ArticleRow) for a in window.items)
        by_id = Article.objects.in_bulk([a.pk for a in window.items])
        instances = [by_id[a.pk] for a in window.items]
        fragments.memo.clear()
        as_rows = river.render(Context({"window": window, "request": request}))
        fragments.memo.clear()
        as_instances = river.render(Context({"window": replace(window, items=instances), "request": request}))
        assert as_rows == as_instances
        page = client.get(request.get_full_path()).content.decode()
        assert as_rows.strip() in page
        if window.has_next:
            pages.append(f"/tag/{tag.slug}/{window.older_query}")
    assert seen == 2 and window.number is None  # the second page, reached by its cursor
