"""The demo newsroom loader and the synthetic benchmark corpus, against the test database."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

import pytest
from PIL import Image

from broadsheet.core import clock
from broadsheet.demo import images
from broadsheet.demo.content import all_stories
from broadsheet.demo.corpus import SECTION_WEIGHTS, generate_corpus
from broadsheet.demo.defaults import MENU_SECTIONS
from broadsheet.demo.loader import load_demo, render_body
from broadsheet.newsroom import counts as newsroom_counts
from broadsheet.newsroom.models import Article, Author, Section, Tag
from broadsheet.newsroom.signals import published
from broadsheet.readership.models import ArticleViews

pytestmark = pytest.mark.django_db


def test_stories_are_original_and_cover_every_section():
    stories = all_stories()
    assert len(stories) >= 60
    assert len({s.headline for s in stories}) == len(stories)
    per_section = Counter(s.section for s in stories)
    assert all(per_section[slug] >= 5 for _, slug, _ in MENU_SECTIONS)
    assert sum("\n\n> " in s.body for s in stories) >= 40
    assert sum(bool(s.figure) for s in stories) >= 8


def test_render_body_makes_paragraphs_quotes_and_escapes():
    story = all_stories()[0]
    html = render_body(story, "<figure>F</figure>")
    assert html.startswith("<p>")
    assert "<blockquote><p>" in html
    assert html.count("<figure>") == 1
    assert "&gt; " not in html


def test_load_demo_creates_public_illustrated_articles_once(django_capture_on_commit_callbacks):
    now = clock.now()
    announced: list[int] = []

    def count(sender: object, article_id: int, action: str, **kwargs: object) -> None:
        if action == "published":
            announced.append(article_id)

    published.connect(count, dispatch_uid="test-demo-count")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            result = load_demo(now=now)
    finally:
        published.disconnect(dispatch_uid="test-demo-count")

    articles = list(Article.objects.published().select_related("section", "author", "lead_media"))
    assert result.created == len(articles) >= 60
    assert len(set(announced)) == len(articles)  # every story went through the publish service
    assert {a.section.slug for a in articles} == {slug for _, slug, _ in MENU_SECTIONS}
    assert Author.objects.count() >= 6 and all(a.bio for a in Author.objects.all())
    assert all(a.author and a.dek and a.tags.count() >= 2 for a in articles)
    assert Tag.objects.filter(articles__isnull=False).distinct().count() >= 20
    shared = [t for t in Tag.objects.all() if t.articles.count() >= 3]
    assert len(shared) >= 5

    for article in articles:
        # The lead image is in the media library, with its renditions made.
        lead = article.lead_media
        assert lead is not None and (lead.width, lead.height) == (1200, 675)
        assert (article.lead_image_width, article.lead_image_height) == (1200, 675)
        assert article.lead_image_caption and article.lead_image_credit == images.CREDIT == lead.credit
        assert lead.alt and lead.caption == article.lead_image_caption
        with Image.open(lead.file.path) as image:
            assert image.size == (1200, 675) and image.format == "JPEG"
        assert 2_000 < lead.file.size < 150_000
        assert [w for w, _, _ in lead.rendition_set("", "webp")] == [320, 640, 960, 1200]
        assert [w for w, _, _ in lead.rendition_set("", "jpeg")] == [320, 640, 960, 1200]
        assert now - dt.timedelta(days=61) <= article.published_at <= now
    assert sum(a.published_at >= now - dt.timedelta(hours=48) for a in articles) >= 3
    figures = [a for a in articles if "<figure>" in a.body]
    assert figures and all(re.search(r'<img src="/media/[^"]+\.jpg"', a.body) for a in figures)
    assert all("<figcaption>" in a.body for a in figures)

    week_ago = now.date() - dt.timedelta(days=6)
    viewed = ArticleViews.objects.filter(day__gte=week_ago, views__gt=0)
    assert viewed.values("article").distinct().count() == len(articles)

    again = load_demo(now=now)
    assert again.created == 0 and again.skipped == len(articles)
    assert Article.objects.count() == len(articles)
    assert ArticleViews.objects.count() == viewed.count()


def test_corpus_creates_exactly_n_with_unique_slugs_and_proportions():
    before = Article.objects.count()
    result = generate_corpus(500, seed=7)
    assert result.created == 500
    corpus = Article.objects.all()
    assert corpus.count() == before + 500
    slugs = list(corpus.values_list("slug", flat=True))
    assert len(set(slugs)) == len(slugs)
    assert corpus.published().count() == 500

    counts = Counter(corpus.values_list("section__slug", flat=True))
    total = sum(SECTION_WEIGHTS.values())
    for slug, weight in SECTION_WEIGHTS.items():
        expected = 500 * weight / total
        assert abs(counts[slug] - expected) <= max(12, expected * 0.5), (slug, counts[slug], expected)
    assert not Section.objects.get(slug="events").in_menu
    # The sidebar's counts include the bulk-loaded stories (newsroom.counts.rebuild).
    assert newsroom_counts.by_section() == corpus.published().count_by_section()

    assert Author.objects.count() >= 300
    assert Tag.objects.count() >= 1900
    per_article = Counter(Article.tags.through.objects.values_list("article_id", flat=True))
    assert len(per_article) == 500 and set(per_article.values()) <= {2, 3, 4}
    with_images = corpus.exclude(lead_image="")
    assert 100 < with_images.count() < 400
    assert all(
        a.lead_image_width == 1200 and a.lead_image.storage.exists(a.lead_image.name) for a in with_images
    )
    assert ArticleViews.objects.values("article").distinct().count() > 10

    words = [len(re.sub(r"<[^>]+>", " ", body).split()) for body in corpus.values_list("body", flat=True)]
    assert min(words) >= 240 and max(words) <= 750
    oldest = corpus.order_by("published_at").first()
    assert oldest is not None and oldest.published_at >= clock.now() - dt.timedelta(days=5 * 366)
    assert corpus.filter(body__icontains="china").exists()
    assert corpus.filter(body__icontains="city council").exists()


def test_corpus_is_reproducible_and_never_clashes_with_earlier_runs():
    generate_corpus(60, seed=3)
    first = list(Article.objects.order_by("pk").values_list("headline", flat=True))
    generate_corpus(60, seed=3)
    second = list(Article.objects.order_by("pk").values_list("headline", flat=True)[60:])
    assert first == second
    assert Article.objects.values("slug").distinct().count() == 120
