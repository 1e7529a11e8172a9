"""Article.display_byline: one place that prints bylines (page, cards, feeds, API, admin), so
rows stored raw before #13 print right too."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from broadsheet.newsroom.models import Article

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh(settings) -> None:
    settings.BROADSHEET_PAGE_CACHE = False
    cache.clear()


AGGREGATED = {"canonical_url": "https://example.org/news/1", "source_name": "Example Gazette", "author": None}


@pytest.mark.parametrize(
    ("fields", "shown"),
    [
        ({"byline": "news@example.org (Dana Reyes)", **AGGREGATED}, "Dana Reyes"),
        ({"byline": "Ann One, Bob Two, and Cy Three", **AGGREGATED}, "Ann One, Bob Two and Cy Three"),
        ({"byline": "news@example.org", **AGGREGATED}, "Example Gazette staff"),
        ({"byline": "", **AGGREGATED}, "Example Gazette staff"),
        ({"byline": ""}, "Mara Quill"),  # our own story: its author
        ({"byline": "Staff and agencies"}, "Staff and agencies"),
    ],
)
def test_display_byline(make_article, fields: dict, shown: str) -> None:
    article = make_article(**fields)
    assert Article.objects.get(pk=article.pk).display_byline == shown


def test_old_raw_row_prints_no_address_anywhere(make_article, client, admin_client) -> None:
    article = make_article(byline="news@example.org (Dana Reyes)", **AGGREGATED)
    for url in (article.get_absolute_url(), "/", "/feed/", "/feed/atom/", "/api/v1/articles/"):
        body = client.get(url).content.decode()
        assert "news@example.org" not in body, url
    assert "By Dana Reyes</span>" in client.get(article.get_absolute_url()).content.decode()
    changelist = admin_client.get("/admin/newsroom/article/").content.decode()
    assert "Dana Reyes" in changelist and "news@example.org" not in changelist


@pytest.mark.parametrize(
    ("fields", "people"),
    [
        ({"byline": "Ann One, Bob Two, and Cy Three", **AGGREGATED}, ["Ann One", "Bob Two", "Cy Three"]),
        ({"byline": "news@example.org", **AGGREGATED}, []),
        ({"byline": "Staff and agencies"}, ["Staff and agencies"]),  # an editor's line, whole
        ({"byline": ""}, []),
    ],
)
def test_byline_people(make_article, fields: dict, people: list[str]) -> None:
    assert make_article(**fields).byline_people == people
