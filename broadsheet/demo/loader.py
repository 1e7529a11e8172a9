"""Loading the hand-written demo newsroom into the database, idempotently.

Articles go through newsroom.services (save, then publish) so the one publish signal fires
and search, discovery and the page cache react exactly as they do for an editor's story.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
import random
import zlib
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.text import slugify

from broadsheet.core import clock
from broadsheet.demo import images
from broadsheet.demo.content import AUTHORS, DemoStory, all_stories
from broadsheet.demo.defaults import ensure_defaults
from broadsheet.media import renditions
from broadsheet.media import services as library
from broadsheet.newsroom import services
from broadsheet.newsroom.models import Article, Author, Section, Tag
from broadsheet.readership.models import ArticleViews

logger = logging.getLogger(__name__)

VIEW_DAYS = 7


@dataclass(frozen=True)
class DemoResult:
    created: int
    skipped: int
    authors: int
    tags: int


def story_slug(story: DemoStory) -> str:
    return slugify(story.headline)[:200].strip("-")


def _seed(text: str) -> int:
    # crc32, not hash(): Python salts str hashes per process and runs must be reproducible.
    return zlib.crc32(text.encode())


def render_body(story: DemoStory, figure_html: str = "") -> str:
    """HTML for a story's body markup: paragraphs, "> " pull quotes, an optional figure."""
    parts = []
    for index, block in enumerate(story.body.split("\n\n")):
        text = html.escape(" ".join(block.split()), quote=False)
        if text.startswith("&gt; "):
            parts.append(f"<blockquote><p>{text[5:]}</p></blockquote>")
        else:
            parts.append(f"<p>{text}</p>")
        if index == 1 and figure_html:
            parts.append(figure_html)
    return "\n".join(parts)


def _inline_figure(story: DemoStory, slug: str) -> str:
    if not story.figure:
        return ""
    name = f"demo/inline/{slug}.jpg"
    if not default_storage.exists(name):
        image = images.compose(story.section, _seed(slug) + 1, images.INLINE_SIZE)
        name = default_storage.save(name, ContentFile(image.data))
    width, height = images.INLINE_SIZE
    caption = html.escape(story.figure)
    return (
        f'<figure><img src="{default_storage.url(name)}" alt="{caption}" width="{width}" '
        f'height="{height}"><figcaption>{caption} ({images.CREDIT})</figcaption></figure>'
    )


def ensure_authors() -> tuple[dict[str, Author], int]:
    authors, created = {}, 0
    for demo_author in AUTHORS:
        author, made = Author.objects.get_or_create(
            slug=demo_author.slug, defaults={"name": demo_author.name, "bio": demo_author.bio}
        )
        authors[demo_author.slug] = author
        created += made
    return authors, created


def ensure_tags(names: set[str]) -> tuple[dict[str, Tag], int]:
    tags, created = {}, 0
    for name in sorted(names):
        slug = slugify(name)[:80]
        tag = Tag.objects.filter(slug=slug).first() or Tag.objects.filter(name=name).first()
        if tag is None:
            tag = Tag.objects.create(name=name, slug=slug)
            created += 1
        tags[name] = tag
    return tags, created


def _record_views(article: Article, now: dt.datetime) -> None:
    """A week of daily rollups, heavier for newer stories, so Popular Posts has a ranking."""
    rng = random.Random(_seed(article.slug))
    published_day = article.published_at.date() if article.published_at else now.date()
    age_days = max(0, (now.date() - published_day).days)
    weight = max(0.15, 1.0 - age_days / 60)
    rows = []
    for back in range(VIEW_DAYS):
        day = now.date() - dt.timedelta(days=back)
        if day < published_day:
            continue
        views = int(rng.randint(40, 900) * weight)
        if views:
            rows.append(ArticleViews(article=article, day=day, views=views))
    ArticleViews.objects.bulk_create(rows, ignore_conflicts=True)


def illustrated_article(
    story: DemoStory, section: Section, author: Author | None, body: str, uploaded_by: Any = None
) -> Article:
    """An unsaved Article for a demo story, its lead picture composed and put in the media
    library with its renditions made now (so the demo's pages show srcset at once)."""
    slug = story_slug(story)
    lead = images.compose(story.section, _seed(slug))
    picture = library.upload(
        lead.data,
        name=f"{slug}.jpg",
        alt=story.caption,
        caption=story.caption,
        credit=images.CREDIT,
        uploaded_by=uploaded_by,
    ).image
    renditions.ensure(picture.pk)
    return Article(
        headline=story.headline,
        slug=slug,
        dek=story.dek,
        body=body,
        section=section,
        author=author,
        lead_image_width=lead.width,
        lead_image_height=lead.height,
        lead_image_alt=story.caption,
        lead_image_caption=story.caption,
        lead_image_credit=images.CREDIT,
        lead_media=picture,
    )


def load_story(
    story: DemoStory, section: Section, author: Author, tags: list[Tag], now: dt.datetime
) -> Article:
    slug = story_slug(story)
    article = illustrated_article(story, section, author, render_body(story, _inline_figure(story, slug)))
    services.save_article(article, tags=[tag.pk for tag in tags])
    services.publish(article, at=now - dt.timedelta(hours=story.hours_ago))
    _record_views(article, now)
    return article


def load_demo(now: dt.datetime | None = None) -> DemoResult:
    """Create every demo story that is not there yet (matched by slug); never touch the rest."""
    now = now or clock.now()
    ensure_defaults()
    stories = all_stories()
    sections = {section.slug: section for section in Section.objects.all()}
    authors, authors_created = ensure_authors()
    tags, tags_created = ensure_tags({name for story in stories for name in story.tag_names})
    existing = set(
        Article.objects.filter(slug__in=[story_slug(s) for s in stories]).values_list("slug", flat=True)
    )
    created = 0
    for story in stories:
        if story_slug(story) in existing:
            continue
        section = sections.get(story.section)
        if section is None:
            # An editor deleted or re-slugged a default section: leave its stories out.
            logger.warning("Demo section %s is missing; skipping %r", story.section, story.headline)
            continue
        load_story(story, section, authors[story.author], [tags[n] for n in story.tag_names], now)
        created += 1
    logger.debug("Demo content: %d stories created, %d already present", created, len(existing))
    return DemoResult(created, len(stories) - created, authors_created, tags_created)
