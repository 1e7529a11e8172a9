"""An aggregated excerpt story prints its summary once, one call to the original, one credit."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache

from broadsheet.core.sanitize import excerpt
from broadsheet.ingest.pipeline import excerpt_body
from broadsheet.newsroom.models import Article
from broadsheet.site.excerpts import normalised, story_text

pytestmark = pytest.mark.django_db

URL = "https://news.example/2026/council-budget"
SUMMARY = (
    "<p>The council approved a &pound;4.2m budget on Tuesday, with cuts to street lighting and "
    "a new fund for the harbour ferries that campaigners had sought for &ldquo;years&rdquo;.</p>"
)
LONG_SUMMARY = (
    "<p>The harbour council met late into the night to weigh every line of the budget. Street "
    "lighting loses a third of its money from April, and the two night buses go. The ferries get "
    "a fund of their own, paid for by a levy on cruise ships that call at the port in summer. The "
    "opposition called it a budget for tourists; the leader said it keeps the island moving. A "
    "final vote is due in March, after a public consultation that opens next week.</p>"
)


@pytest.fixture(autouse=True)
def _fresh(settings):
    settings.BROADSHEET_PAGE_CACHE = False
    cache.clear()


def ingested(make_article, summary: str, **fields) -> Article:
    """An excerpt story stored as ingest stores it: dek and body both from the feed summary."""
    return make_article(
        headline="Council approves budget",
        dek=excerpt(summary, 300),
        body=excerpt_body(summary),
        author=None,
        byline="Dana Reyes",
        canonical_url=URL,
        source_name="Harbour Post",
        source_home_url="https://news.example/",
        **fields,
    )


def story_of(client, article: Article) -> str:
    page = client.get(article.get_absolute_url()).content.decode()
    return page[page.index("<main") : page.index("</main>")]


def visible_text(fragment: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment))


@pytest.mark.parametrize("summary", [SUMMARY, LONG_SUMMARY], ids=["short", "cut-in-the-dek"])
def test_excerpt_page_prints_the_summary_once_and_one_call(client, make_article, summary):
    article = ingested(make_article, summary)
    page = story_of(client, article)
    text = visible_text(page)
    first_sentence = "The council approved" if summary is SUMMARY else "The harbour council met late"
    # Once: whichever of dek and body holds the whole summary.
    assert text.count(first_sentence) == 1
    assert text.count("Read the full story at Harbour Post") == 1
    assert page.count(f'href="{URL}"') == 2  # the button and the credit line's link
    assert text.count("Originally published by Harbour Post") == 1


def test_short_summary_stays_as_the_dek_of_the_page(client, make_article):
    page = story_of(client, ingested(make_article, SUMMARY))
    assert 'class="story__dek"' not in page  # the body holds it, the standfirst is not repeated
    assert "cuts to street lighting" in page


def test_different_dek_and_body_both_print(client, make_article):
    article = ingested(make_article, SUMMARY)
    article.dek = "Ferries win new money as lights go dark."
    article.save()
    page = story_of(client, article)
    assert (
        'class="story__dek" lang="en" dir="ltr">Ferries win new money' in page
        and "cuts to street lighting" in page
    )


def test_own_stories_print_dek_and_body_as_written(make_article):
    article = make_article(dek="The council met.", body="<p>The council met.</p>")
    assert story_text(article).dek == "The council met."
    assert story_text(article).body_html == "<p>The council met.</p>"


def test_empty_excerpt_body_keeps_the_dek(make_article):
    article = ingested(make_article, SUMMARY)
    article.body = ""
    assert story_text(article).dek == article.dek and story_text(article).body_html == ""


def test_dek_longer_than_body_prints_the_dek_only(make_article):
    article = ingested(make_article, SUMMARY)
    article.body = "<p>The council approved a £4.2m budget on Tuesday…</p>"
    shown = story_text(article)
    assert shown.dek == article.dek and shown.body_html == ""


def test_normalised_ignores_case_punctuation_entities_and_ellipsis():
    assert normalised("The Council’s budget, approved…") == normalised("the council s budget approved")
    assert normalised("Ｆｕｌｌ width") == "full width"


@pytest.mark.parametrize(
    ("summary", "body"),
    [
        ("<p>Ferries <b>win</b> money.</p>", "<p>Ferries win money.</p>"),
        ("<p>Tom &amp; Jerry &lt;3</p>", "<p>Tom &amp; Jerry &lt;3</p>"),
        ("", ""),
    ],
)
def test_ingest_stores_an_excerpt_as_the_summary_alone(summary, body):
    """No "Read the full story" paragraph: the page prints the call to the original itself."""
    assert excerpt_body(summary) == body
