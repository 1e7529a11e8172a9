"""Template tags that write a page's canonical link, description, OpenGraph, Twitter and JSON-LD."""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import prefetch_related_objects
from django.http import HttpRequest

from broadsheet.newsroom.models import Article, SiteSettings
from broadsheet.site import seo

register = template.Library()


def _site_settings(context: template.Context) -> SiteSettings:
    """The settings the page already loaded (the site chrome puts them in the context as
    `site`), else read them."""
    for key in ("site", "site_settings"):
        value = context.get(key)
        if isinstance(value, SiteSettings):
            return value
    return seo.current_site_settings()


def _request(context: template.Context) -> HttpRequest:
    request = context.get("request")
    if request is None:
        raise template.TemplateSyntaxError(
            "SEO tags need the request in the context (the 'request' context processor)."
        )
    return request


@register.inclusion_tag("site/includes/seo_article.html", takes_context=True)
def article_meta(context: template.Context, article: Article) -> dict[str, Any]:
    """Head metadata for an article page: `{% article_meta article %}`."""
    request = _request(context)
    site = _site_settings(context)
    # Both the meta tags and the JSON-LD read the tags: one query, or none if the view
    # prefetched them.
    if article.pk:
        prefetch_related_objects([article], "tags")
    tags = [tag.name for tag in article.tags.all()] if article.pk else []
    image = seo.article_image(article, request)
    return {
        "title": seo.article_title(article),
        "description": seo.article_description(article),
        "canonical": seo.article_canonical_url(article, request),
        "url": seo.absolute_url(request, article.get_absolute_url()),
        "site_name": site.site_name,
        "image": image.url if image else "",
        "image_width": image.width if image else None,
        "image_height": image.height if image else None,
        "image_alt": image.alt if image else "",
        "published_time": seo.w3c_datetime(article.published_at),
        "modified_time": seo.w3c_datetime(article.updated_at),
        "section": article.section.name,
        "tags": tags,
        "language": article.language,
        "jsonld": seo.jsonld_script(seo.article_jsonld(article, request, site=site)),
    }


@register.inclusion_tag("site/includes/seo_page.html", takes_context=True)
def page_meta(context: template.Context, title: str, description: str = "") -> dict[str, Any]:
    """Head metadata for any other page: `{% page_meta title description %}`."""
    request = _request(context)
    site = _site_settings(context)
    return {
        "title": title,
        "description": seo.truncate(description, seo.DESCRIPTION_LIMIT) if description else "",
        "canonical": seo.page_canonical_url(request),
        "site_name": site.site_name,
        "image": seo.absolute_url(request, site.logo.url) if site.logo else "",
    }
