"""Cards without a picture are a designed variant on every listing; aggregated pictures are
credited "Image: <credit>"."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.template import Context, Template
from django.utils import timezone

from broadsheet.core import clock
from broadsheet.discovery.models import RelatedArticle

pytestmark = pytest.mark.django_db

CARD_RE = re.compile(r'<article class="card[^"]*">.*?</article>', re.S)


@pytest.fixture(autouse=True)
def _fresh(settings):
    settings.BROADSHEET_PAGE_CACHE = False
    cache.clear()


def cards(page: str) -> dict[str, str]:
    """Each card's markup by its headline."""
    found = {}
    for card in CARD_RE.findall(page):
        title = re.search(r'class="card__title"[^>]*><a href="[^"]*">([^<]*)</a>', card)
        if title:
            found[title.group(1)] = card
    return found


@pytest.fixture
def pair(make_article):
    """One story with a picture, one without, both tagged and by the same author."""
    pictured = make_article(headline="Pictured", lead_image_url="https://img.example/p.jpg", tags=["Ferries"])
    plain = make_article(headline="Plain", tags=["Ferries"])
    return pictured, plain


def assert_variants(page: str) -> None:
    shown = cards(page)
    assert 'class="card__media card__media--text"' in shown["Plain"]
    assert '<span class="card__placeholder">Business</span>' in shown["Plain"]
    assert "card--text" in shown["Plain"].split(">", 1)[0]
    assert "card--text" not in shown["Pictured"].split(">", 1)[0]
    assert "card__placeholder" not in shown["Pictured"]
    # The placeholder repeats a visible link: hidden from assistive technology, out of the tab order.
    assert 'tabindex="-1" aria-hidden="true"><span class="card__placeholder">' in shown["Plain"]


@pytest.mark.parametrize("url", ["/business/", "/tag/ferries/", "/author/mara-quill/", "archive"])
def test_listings_show_the_no_picture_variant(client, pair, url):
    if url == "archive":
        month = timezone.localtime(pair[0].published_at)
        url = f"/{month.year}/{month.month:02d}/"
    assert_variants(client.get(url).content.decode())


def test_home_blocks_show_the_no_picture_variant(client, make_article, pair):
    # A newer pictured lead: both of the pair stay in the Business block below it.
    make_article(headline="Lead", lead_image_url="https://img.example/l.jpg", published_at=clock.now())
    page = client.get("/").content.decode()
    start = page.index('id="block-business"')
    block = page[start : page.index("</section>", start)]
    assert_variants(block)


def test_a_lead_without_a_picture_is_a_text_lead(client, make_article):
    make_article(headline="Only words")
    page = client.get("/").content.decode()
    lead = page[page.index('class="lead"') :]
    assert 'class="card card--lead card--text"' in lead[: lead.index("</section>")]


def test_related_cards_show_the_no_picture_variant(client, make_article, pair):
    story = make_article(headline="The story")
    for rank, related in enumerate(pair, start=1):
        RelatedArticle.objects.create(
            article=story, related=related, rank=rank, score=1.0, computed_at=clock.now()
        )
    page = client.get(story.get_absolute_url()).content.decode()
    assert_variants(page[page.index('class="related"') :])


def test_popular_keeps_a_thumbnail_box_without_a_picture(make_article):
    make_article(headline="No picture, much read")
    html = Template("{% load chrome %}{% site_sidebar %}").render(Context())
    popular = re.search(r'<section class="widget widget--popular".*?</section>', html, re.S)
    assert popular is not None
    assert '<span class="widget__thumb widget__thumb--text" aria-hidden="true"></span>' in popular.group()


def test_aggregated_picture_is_credited_as_image(client, make_article):
    article = make_article(
        headline="Budget",
        canonical_url="https://news.example/budget",
        source_name="Harbour Post",
        lead_image_url="https://news.example/budget.jpg",
        lead_image_alt="Councillors vote",
        lead_image_credit="Harbour Post",
        published_at=clock.now() - dt.timedelta(minutes=1),
    )
    page = client.get(article.get_absolute_url()).content.decode()
    assert '<span class="story__credit">Image: Harbour Post</span>' in page
    assert 'alt="Councillors vote"' in page


def test_own_picture_keeps_its_credit_label(client, make_article):
    article = make_article(lead_image_url="https://img.example/own.jpg", lead_image_credit="Jo Lens")
    assert (
        '<span class="story__credit">Credit: Jo Lens</span>'
        in client.get(article.get_absolute_url()).content.decode()
    )
