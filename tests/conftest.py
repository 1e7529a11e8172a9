"""Shared fixtures: small, real content built in the test database."""

from __future__ import annotations

import datetime as dt

import pytest

from broadsheet.core import clock
from broadsheet.newsroom import services
from broadsheet.newsroom.models import Article, Author, Section, Tag


@pytest.fixture
def section(db) -> Section:
    return Section.objects.create(name="Business", slug="business", order=3)


@pytest.fixture
def author(db) -> Author:
    return Author.objects.create(name="Mara Quill", slug="mara-quill", bio="Covers the docks.")


@pytest.fixture
def make_article(db, section, author):
    """Create and publish an article; keyword arguments override the defaults."""

    counter = {"n": 0}

    def make(**fields) -> Article:
        counter["n"] += 1
        tags = fields.pop("tags", [])
        publish = fields.pop("publish", True)
        defaults = {
            "headline": f"Harbor council votes on ferry plan {counter['n']}",
            "dek": "A fictional story for tests.",
            "body": "<p>The council met on Tuesday.</p><blockquote>We will build it.</blockquote>",
            "section": section,
            "author": author,
            "published_at": clock.now() - dt.timedelta(hours=counter["n"]),
        }
        defaults.update(fields)
        article = Article(**defaults)
        if publish:
            article.status = Article.Status.PUBLISHED
        services.save_article(article)
        if tags:
            article.tags.set(
                [Tag.objects.get_or_create(name=t, slug=t.lower().replace(" ", "-"))[0] for t in tags]
            )
        return article

    return make
