"""Model instances as the API's JSON objects (plain dicts the schemas validate)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest
from django.urls import reverse

from broadsheet.discovery.models import Story
from broadsheet.discovery.stories import Version
from broadsheet.media.pictures import social_rendition
from broadsheet.newsroom.models import Article, Author, Section, Tag


def absolute(request: HttpRequest, path: str) -> str:
    return request.build_absolute_uri(path)


def section_ref(request: HttpRequest, section: Section) -> dict[str, Any]:
    return {"name": section.name, "slug": section.slug, "url": absolute(request, section.get_absolute_url())}


def author_ref(request: HttpRequest, author: Author) -> dict[str, Any]:
    return {"name": author.name, "slug": author.slug, "url": absolute(request, author.get_absolute_url())}


def tag(request: HttpRequest, tag: Tag) -> dict[str, Any]:
    return {"name": tag.name, "slug": tag.slug, "url": absolute(request, tag.get_absolute_url())}


def author(request: HttpRequest, author: Author) -> dict[str, Any]:
    return {**author_ref(request, author), "bio": author.bio}


def article_api_url(request: HttpRequest, article_id: int) -> str:
    return absolute(request, reverse("api-v1:article", kwargs={"article_id": article_id}))


def _lead_image(article: Article) -> dict[str, Any] | None:
    src = article.lead_image_src
    if not src:
        return None
    return {
        "src": src,
        "alt": article.lead_image_alt,
        "caption": article.lead_image_caption,
        "credit": article.lead_image_credit,
        "width": article.lead_image_width,
        "height": article.lead_image_height,
    }


def _attribution(article: Article) -> dict[str, Any] | None:
    if not (article.source_name or article.canonical_url):
        return None
    return {
        "source_name": article.source_name,
        # The guarded properties: a row stored before the http(s) check never prints its URL.
        "source_home_url": article.publisher_url,
        "original_url": article.original_url or None,
    }


def article_summary(request: HttpRequest, article: Article) -> dict[str, Any]:
    """An article without its body; `article.tags` should be prefetched."""
    return {
        "id": article.pk,
        "headline": article.headline,
        "slug": article.slug,
        "dek": article.dek,
        "url": absolute(request, article.get_absolute_url()),
        "api_url": article_api_url(request, article.pk),
        "section": section_ref(request, article.section),
        "author": author_ref(request, article.author) if article.author else None,
        "byline": article.display_byline,
        "tags": [tag(request, t) for t in article.tags.all()],
        "published_at": article.published_at,
        "updated_at": article.updated_at,
        "language": article.language,
        "is_sticky": article.is_sticky,
        "lead_image": _lead_image(article),
        "attribution": _attribution(article),
    }


def _social_image(request: HttpRequest, article: Article) -> dict[str, Any] | None:
    image = article.social_image if article.social_image_id is not None else None
    if image is None:
        return None
    shared = social_rendition(image)
    return {
        "id": image.pk,
        "src": absolute(request, shared.url),
        "alt": image.alt,
        "width": shared.width or None,
        "height": shared.height or None,
    }


def article_full(request: HttpRequest, article: Article) -> dict[str, Any]:
    return {
        **article_summary(request, article),
        "body_html": article.body,
        "status": article.state,
        "seo_title": article.seo_title,
        "meta_description": article.meta_description,
        "social_image": _social_image(request, article),
    }


def story(
    request: HttpRequest,
    story: Story,
    *,
    article_count: int,
    source_count: int,
    first_published_at: dt.datetime,
    last_published_at: dt.datetime,
) -> dict[str, Any]:
    """A story with figures over its public versions only (the stored ones count scheduled
    versions too, which must not show before they are due)."""
    articles = reverse("api-v1:articles") + "?" + urlencode({"story": story.pk})
    return {
        "id": story.pk,
        "headline": story.headline,
        "slug": story.slug,
        "url": absolute(request, story.get_absolute_url()),
        "api_url": absolute(request, reverse("api-v1:story", kwargs={"story_id": story.pk})),
        "articles_url": absolute(request, articles),
        "article_count": article_count,
        "source_count": source_count,
        "first_published_at": first_published_at,
        "last_published_at": last_published_at,
    }


def story_version(request: HttpRequest, version: Version) -> dict[str, Any]:
    article = version.article
    return {
        "article_id": article.pk,
        "headline": article.headline,
        "source_name": version.source,
        "published_at": article.published_at,
        "url": absolute(request, article.get_absolute_url()),
        "api_url": article_api_url(request, article.pk),
        "excerpt": version.excerpt,
        "earliest": version.earliest,
    }
