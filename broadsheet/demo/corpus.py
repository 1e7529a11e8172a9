"""A fast, reproducible synthetic corpus for benchmarks: N articles spread like the modelled site.

Rows are written with bulk_create in large batches, which deliberately bypasses
newsroom.services and the publish signal: firing one signal (and one search task) per
article would make a million-article load take hours. The caller rebuilds derived data
(the search index) once at the end instead. Bodies are generated HTML from fixed templates,
so they need no sanitising.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django.utils.text import slugify

from broadsheet.core import clock
from broadsheet.demo import images, words
from broadsheet.demo.defaults import ensure_sections
from broadsheet.newsroom import counts
from broadsheet.newsroom.models import Article, Author, Section, Tag
from broadsheet.readership.models import ArticleViews

logger = logging.getLogger(__name__)

# Articles per section on the modelled site; the generator keeps these proportions.
SECTION_WEIGHTS: dict[str, int] = {
    "books": 1396,
    "business": 1904,
    "events": 20,
    "film": 842,
    "lifestyle": 1847,
    "music": 1700,
    "politics": 1249,
    "science": 1690,
    "technology": 1634,
    "television": 1756,
    "uncategorized": 33,
    "us-news": 1756,
}
BATCH_SIZE = 2000
AUTHOR_COUNT = 300
TAG_COUNT = 2000
IMAGES_PER_SECTION = 2
IMAGE_SHARE = 0.4  # share of articles with a lead image
VIEWS_SHARE = 0.1  # share of articles with daily view rollups
YEARS = 5
POOL_SIZE = 120  # sentences per (subject, topic) pair
RARE_SHARE = 0.004

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class CorpusResult:
    created: int
    seconds: float


def _sentence(rng: random.Random, subject: str, topic: str) -> str:
    template = rng.choice(words.SENTENCE_TEMPLATES)
    person = f"{rng.choice(words.FIRST_NAMES)} {rng.choice(words.LAST_NAMES)}"
    place = rng.choice(words.PLACES)
    return template.format(
        Subject=subject[:1].upper() + subject[1:],
        subject=subject,
        topic=topic,
        place=place,
        Place=place[:1].upper() + place[1:],
        person=person,
        Person=person,
        weekday=rng.choice(words.WEEKDAYS),
        month=rng.choice(words.MONTHS),
        number=f"{rng.randint(2, 90) * 100:,}",
        small=rng.randint(2, 30),
        adjective=rng.choice(words.ADJECTIVES),
        adjective2=rng.choice(words.ADJECTIVES),
        noun=rng.choice(words.NOUNS),
    )


class _Composer:
    """Assembles articles from a lazily built pool of sentences per (section, subject, topic).

    Formatting every sentence afresh costs more than inserting the row; drawing whole bodies
    from a pool with one `sample` call keeps generation well above 50,000 articles a minute.
    """

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.pools: dict[tuple[str, str], list[str]] = {}

    def _pool(self, subject: str, topic: str) -> list[str]:
        key = (subject, topic)
        if key not in self.pools:
            self.pools[key] = [_sentence(self.rng, subject, topic) for _ in range(POOL_SIZE)]
        return self.pools[key]

    def article(self, section_slug: str) -> tuple[str, str, str]:
        """Headline, dek and HTML body (about 300-600 words) for one synthetic article."""
        rng = self.rng
        subjects, topics = words.SECTION_WORDS[section_slug]
        subject, topic = rng.choice(subjects), rng.choice(topics)
        place = rng.choice(words.PLACES)
        headline = rng.choice(words.HEADLINE_TEMPLATES).format(
            Subject=subject[:1].upper() + subject[1:],
            subject=subject,
            topic=topic,
            Topic=topic[:1].upper() + topic[1:],
            place=place,
            Place=place[:1].upper() + place[1:],
            month=rng.choice(words.MONTHS),
        )
        sentences = rng.sample(self._pool(subject, topic), rng.randint(20, 36))
        if rng.random() < RARE_SHARE:
            sentences.append(f"One resident summed it up in a single word: {rng.choice(words.RARE_WORDS)}.")
        body = "".join(f"<p>{' '.join(sentences[i : i + 3])}</p>" for i in range(1, len(sentences), 3))
        return headline, sentences[0], body


def _ensure_authors(rng: random.Random) -> list[int]:
    pairs = [(first, last) for first in words.FIRST_NAMES for last in words.LAST_NAMES]
    chosen = rng.sample(pairs, min(AUTHOR_COUNT, len(pairs)))
    slugs = [slugify(f"{first} {last}") for first, last in chosen]
    Author.objects.bulk_create(
        [
            Author(name=f"{first} {last}", slug=slug, bio=f"{first} {last} reports for the Broadsheet Daily.")
            for (first, last), slug in zip(chosen, slugs, strict=True)
        ],
        ignore_conflicts=True,
    )
    return list(Author.objects.filter(slug__in=slugs).values_list("pk", flat=True))


def _ensure_tags(rng: random.Random) -> list[int]:
    modifiers = list(dict.fromkeys(words.TAG_MODIFIERS))
    names = [f"{modifier} {noun}" for modifier in modifiers for noun in words.TAG_NOUNS]
    chosen = rng.sample(names, min(TAG_COUNT, len(names)))
    slugs = [slugify(name) for name in chosen]
    Tag.objects.bulk_create(
        [Tag(name=name, slug=slug) for name, slug in zip(chosen, slugs, strict=True)],
        ignore_conflicts=True,
    )
    return list(Tag.objects.filter(slug__in=slugs).values_list("pk", flat=True))


def _ensure_images(sections: list[str]) -> dict[str, list[str]]:
    """A handful of shared lead images per section: the corpus points at these files."""
    paths: dict[str, list[str]] = {}
    for slug in sections:
        for k in range(IMAGES_PER_SECTION):
            name = f"demo/corpus/{slug}-{k}.jpg"
            if not default_storage.exists(name):
                image = images.compose(slug, 1000 + k + sum(map(ord, slug)))
                name = default_storage.save(name, ContentFile(image.data))
            paths.setdefault(slug, []).append(name)
    return paths


def _plan(count: int, rng: random.Random) -> Iterator[str]:
    slugs = list(SECTION_WEIGHTS)
    weights = [SECTION_WEIGHTS[s] for s in slugs]
    for _ in range(count):
        yield rng.choices(slugs, weights)[0]


def generate_corpus(count: int, seed: int = 1, progress: Progress | None = None) -> CorpusResult:
    """Insert `count` published synthetic articles; reproducible for a given seed and database."""
    started = time.perf_counter()
    rng = random.Random(seed)
    ensure_sections(include_extra=True)
    sections = dict(Section.objects.filter(slug__in=SECTION_WEIGHTS).values_list("slug", "pk"))
    author_ids = _ensure_authors(rng)
    tag_ids = _ensure_tags(rng)
    image_paths = _ensure_images(list(sections))
    now = clock.now()
    span_seconds = YEARS * 365 * 86400
    # Slugs end in a number above every existing id, so they cannot clash with earlier runs.
    sequence = (Article.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
    through = Article.tags.through
    composer = _Composer(rng)
    created = 0
    # An editor may have renamed a section's slug: its share then goes to Uncategorized.
    fallback = sections.get("uncategorized") or next(iter(sections.values()))
    plan = [slug if slug in sections else "" for slug in _plan(count, rng)]

    for start in range(0, len(plan), BATCH_SIZE):
        batch, batch_tags, batch_views = [], [], []
        for section_slug in plan[start : start + BATCH_SIZE]:
            headline, dek, body = composer.article(section_slug or "uncategorized")
            published_at = now - dt.timedelta(seconds=rng.randint(3600, span_seconds))
            article = Article(
                headline=headline,
                slug=f"{slugify(headline)[:180]}-{sequence}",
                dek=dek,
                body=body,
                section_id=sections.get(section_slug, fallback),
                author_id=rng.choice(author_ids),
                status=Article.Status.PUBLISHED,
                published_at=published_at,
            )
            if rng.random() < IMAGE_SHARE:
                article.lead_image.name = rng.choice(
                    image_paths.get(section_slug) or [*image_paths.values()][0]
                )
                article.lead_image_width, article.lead_image_height = images.LEAD_SIZE
                article.lead_image_alt = article.lead_image_caption = headline
                article.lead_image_credit = images.CREDIT
            sequence += 1
            batch.append(article)
            batch_tags.append(rng.sample(tag_ids, rng.randint(2, 4)))
            batch_views.append(rng.random() < VIEWS_SHARE)
        _ensure_free_slugs(batch)
        with transaction.atomic():
            Article.objects.bulk_create(batch, batch_size=BATCH_SIZE)
            through.objects.bulk_create(
                [
                    through(article_id=article.pk, tag_id=tag_id)
                    for article, tags in zip(batch, batch_tags, strict=True)
                    for tag_id in tags
                ],
                batch_size=BATCH_SIZE * 4,
            )
            ArticleViews.objects.bulk_create(
                [
                    ArticleViews(article_id=article.pk, day=now.date() - dt.timedelta(days=back), views=views)
                    for article, wanted in zip(batch, batch_views, strict=True)
                    if wanted
                    for back, views in _daily_views(rng)
                ],
                batch_size=BATCH_SIZE * 4,
                ignore_conflicts=True,
            )
        created += len(batch)
        if progress is not None:
            progress(created, len(plan))
    # bulk_create goes around services.save_article, which keeps the sidebar's counts.
    counts.rebuild()
    seconds = time.perf_counter() - started
    logger.debug("Generated %d synthetic articles in %.1fs", created, seconds)
    return CorpusResult(created, seconds)


def _daily_views(rng: random.Random) -> list[tuple[int, int]]:
    days = rng.sample(range(7), rng.randint(1, 4))
    return [(back, rng.randint(5, 2000)) for back in days]


def _ensure_free_slugs(batch: list[Article]) -> None:
    # A hand-made article might already own "some-headline-1234": one query per batch checks.
    taken = set(Article.objects.filter(slug__in=[a.slug for a in batch]).values_list("slug", flat=True))
    for article in batch:
        if article.slug in taken:
            article.slug = f"{article.slug}-g"
