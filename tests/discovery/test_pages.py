"""The story page (full coverage timeline) and "Also covered by …" on article pages."""

from __future__ import annotations

import re
from html import escape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from broadsheet.discovery.models import Story
from broadsheet.newsroom.models import Article

pytestmark = pytest.mark.django_db


def _story(events, label: str) -> tuple[Story, list[Article]]:
    ids = [pk for pk, event in events.items() if event == label]
    articles = list(Article.objects.filter(pk__in=ids).order_by("published_at"))
    return Story.objects.get(memberships__article_id=ids[0]), articles


def test_the_story_page_is_a_timeline_with_the_first_report_marked(client, events):
    story, articles = _story(events, "warehouse-fire")
    response = client.get(story.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    positions = [html.index(a.headline) for a in articles]
    assert positions == sorted(positions)  # earliest first
    assert html.count("First report") == 1
    assert html.index("First report") < positions[1]
    for source in ("Harbour Herald", "Northshore Ledger", "Alder Valley Courier"):
        assert source in html
    assert "4 reports from 4 sources" in html
    # Search engines and link previews get a description: the first report's standfirst.
    first = articles[0].dek or ""
    assert re.search(r'<meta name="description" content="[^"]+">', html)
    assert not first or f'<meta name="description" content="{escape(first)}' in html


def test_a_wrong_slug_redirects_and_an_unknown_story_is_missing(client, events):
    story, _articles = _story(events, "kelpline-phone")
    response = client.get(f"/story/{story.pk}-something-else/")
    assert response.status_code == 301
    assert response["Location"] == story.get_absolute_url()
    assert client.get("/story/999999-nothing/").status_code == 404


def test_article_pages_link_the_other_versions_and_the_story(client, events):
    story, articles = _story(events, "ferry-strike")
    html = client.get(articles[0].get_absolute_url()).content.decode()
    assert "Also covered by" in html
    assert story.get_absolute_url() in html
    for other in articles[1:]:
        assert other.get_absolute_url() in html


def test_an_article_alone_in_its_story_shows_no_coverage(client, events):
    (alone,) = [pk for pk, event in events.items() if event == "school-meals"]
    html = client.get(Article.objects.get(pk=alone).get_absolute_url()).content.decode()
    assert "Also covered by" not in html


def test_coverage_costs_one_query_whatever_the_story_size(client, events, settings):
    settings.BROADSHEET_PAGE_CACHE = False
    client.get("/")  # fills the sidebar widgets' caches
    counts = []
    for label in ("warehouse-fire", "novel-prize"):  # four versions, two
        _story_, articles = _story(events, label)
        article = articles[-1]
        with CaptureQueriesContext(connection) as queries:
            assert client.get(article.get_absolute_url()).status_code == 200
        counts.append(len(queries))
    assert len(set(counts)) == 1, counts
