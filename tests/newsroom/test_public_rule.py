"""One rule for "public": every place that restates Article.objects.published() agrees with it.

The queryset is the definition. The per-article check (Article.is_public and Article.state,
search's hit filter) and the SQL written by hand for speed (site.related: related stories,
the latest per section, a tag's page, listings read as rows) restate it; each is held here to the queryset's answer
over one table of articles covering every case, on whichever database the suite runs on.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import RequestFactory

from broadsheet.core import clock
from broadsheet.discovery.models import RelatedArticle
from broadsheet.newsroom.models import Article, Section, Tag
from broadsheet.search import hits
from broadsheet.site.listing import public_window, rows_by_id
from broadsheet.site.related import latest_by_section, related_articles, tag_listing

NOW = dt.datetime(2026, 6, 1, 12, 0, 0, 500_000, tzinfo=dt.UTC)
TICK = dt.timedelta(microseconds=1)
DAY = dt.timedelta(days=1)

# (status, published_at relative to NOW, or None for an undated article)
CASES = {
    "draft, dated in the past": ("draft", -DAY),
    "draft, dated in the future": ("draft", DAY),
    "draft, undated": ("draft", None),
    "withdrawn, dated in the past": ("withdrawn", -DAY),
    "withdrawn, dated in the future": ("withdrawn", DAY),
    "withdrawn, undated": ("withdrawn", None),
    "published a day ago": ("published", -DAY),
    "published a microsecond ago": ("published", -TICK),
    "published exactly now": ("published", dt.timedelta(0)),
    "scheduled a microsecond ahead": ("published", TICK),
    "scheduled a day ahead": ("published", DAY),
    "published, undated": ("published", None),
}


@pytest.fixture
def frozen_now(monkeypatch):
    """clock.now() is NOW throughout, so "exactly now" means the same instant to every rule."""
    monkeypatch.setattr(clock, "now", lambda: NOW)
    return NOW


@pytest.fixture
def table(db, section, author, frozen_now) -> dict[str, Article]:
    """One article per case, all in `section` and all tagged "ferries", written straight to
    the database (no publish signals: only the rows matter here)."""
    tag = Tag.objects.create(name="Ferries", slug="ferries")
    rows = {}
    for n, (name, (status, offset)) in enumerate(CASES.items()):
        rows[name] = Article.objects.create(
            headline=name,
            slug=f"case-{n}",
            section=section,
            author=author,
            status=status,
            published_at=None if offset is None else NOW + offset,
        )
        rows[name].tags.add(tag)
    return rows


def _expected(table: dict[str, Article]) -> set[str]:
    """The definition: the cases Article.objects.published() returns."""
    public = set(
        Article.objects.published().filter(pk__in=[a.pk for a in table.values()]).values_list("pk", flat=True)
    )
    return {name for name, article in table.items() if article.pk in public}


def _names(table: dict[str, Article], pks) -> set[str]:
    by_pk = {article.pk: name for name, article in table.items()}
    return {by_pk[pk] for pk in pks if pk in by_pk}


def test_the_definition_is_what_the_table_says(table) -> None:
    """The table covers both sides of every edge: the queryset's answer, spelt out once."""
    assert _expected(table) == {"published a day ago", "published a microsecond ago", "published exactly now"}


def test_article_is_public_and_state_agree_with_the_queryset(table) -> None:
    public = _expected(table)
    for name, stored in table.items():
        article = Article.objects.get(pk=stored.pk)  # as read back: the database's precision
        assert article.is_public is (name in public), name
        assert (article.state == "published") is (name in public), name
        if article.status == Article.Status.PUBLISHED and name not in public:
            assert article.state == "scheduled", name
        elif article.status != Article.Status.PUBLISHED:
            assert article.state == article.status, name


def test_search_hit_filter_agrees_with_the_queryset(table) -> None:
    public = _expected(table)
    for name, stored in table.items():
        article = Article.objects.only(*hits.HIT_COLUMNS).select_related("section").get(pk=stored.pk)
        assert hits.is_public(article, clock.now()) is (name in public), name


def test_latest_by_section_sql_agrees_with_the_queryset(table, section) -> None:
    grouped = latest_by_section([section], per_section=len(CASES) + 1)
    assert _names(table, [a.pk for a in grouped[section.pk]]) == _expected(table)


def test_listing_rows_agree_with_the_queryset(table, section) -> None:
    """The home page's river and a section's front, read as rows (site/listing.py)."""
    for section_id in (None, section.pk):
        window = public_window(RequestFactory().get("/"), section_id=section_id)
        assert _names(table, [a.pk for a in window.items]) == _expected(table)
    assert {name for name, a in table.items() if rows_by_id([a.pk])[0].is_public} == _expected(table)


def test_tag_page_sql_agrees_with_the_queryset(table) -> None:
    window = tag_listing(RequestFactory().get("/tag/ferries/"), Tag.objects.get(slug="ferries"))
    assert not window.has_next
    assert _names(table, [a.pk for a in window.items]) == _expected(table)


def test_related_stories_sql_agrees_with_the_queryset(table, section, author) -> None:
    """Without a precomputed list, the candidates are the section's stories the SQL calls public."""
    anchor = Article.objects.create(
        headline="Anchor",
        slug="anchor",
        section=section,
        author=author,
        status="published",
        published_at=NOW - DAY,
    )
    shown = related_articles(anchor, limit=len(CASES) + 1)
    assert _names(table, [a.pk for a in shown]) == _expected(table)


def test_precomputed_related_stories_are_filtered_as_the_queryset(table, section, author) -> None:
    """A precomputed list names every case; the check in Python must drop the ones not public."""
    anchor = Article.objects.create(
        headline="Anchor",
        slug="anchor",
        section=section,
        author=author,
        status="published",
        published_at=NOW - DAY,
    )
    RelatedArticle.objects.bulk_create(
        RelatedArticle(article=anchor, related=article, rank=rank, computed_at=NOW)
        for rank, article in enumerate(table.values(), start=1)
    )
    # Another section's stories are not candidates: only the precomputed list can bring them.
    other = Section.objects.create(name="Sports", slug="sports")
    Article.objects.filter(pk__in=[a.pk for a in table.values()]).update(section=other)
    shown = related_articles(anchor, limit=len(CASES) + 1)
    assert _names(table, [a.pk for a in shown]) == _expected(table)
