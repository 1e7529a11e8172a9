"""The page chrome and article cards, rendered once per process for each set of inputs.

{% site_header %}, {% site_sidebar %}, {% site_footer %} and {% card a ... %} render the same
templates as before ("site/includes/…"), through broadsheet.edge.fragments: the key of each is
every value its markup shows, so an edit anywhere (site settings, a menu section, a page, a
widget's list, an article) changes the key and the next render shows it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.db.models.fields.files import FieldFile
from django.template.context import Context
from django.utils import timezone
from django.utils.safestring import SafeString

from broadsheet.core import clock
from broadsheet.edge import fragments
from broadsheet.newsroom.models import Article, SiteSettings
from broadsheet.site import widgets
from broadsheet.site.excerpts import story_text
from broadsheet.site.listing import ArticleRow

register = template.Library()

_SITE_FIELDS = [field.attname for field in SiteSettings._meta.concrete_fields]


def _render(context: Context, name: str, **values: Any) -> str:
    """Render an include template in the page's context, as {% include … with … %} would."""
    included = context.template.engine.get_template(name)  # type: ignore[union-attr]
    with context.push(**values):
        return str(included.render(context))


def _site_key(context: Context) -> tuple[Any, ...]:
    site = context.get("site")
    if site is None:
        return ()
    values = (getattr(site, name) for name in _SITE_FIELDS)
    return tuple(str(value) if isinstance(value, FieldFile) else value for value in values)


def _today() -> dt.date:
    return timezone.localdate(clock.now())


@register.simple_tag(takes_context=True)
def site_header(context: Context) -> SafeString:
    request = context.get("request")
    nav_slug = context.get("nav_slug")
    key = (
        "header",
        _site_key(context),
        tuple((s.pk, s.name, s.slug) for s in context.get("menu_sections") or ()),
        tuple((p.pk, p.title, p.slug) for p in context.get("contact_pages") or ()),
        nav_slug,
        bool(request is not None and request.path == "/"),
        _today(),
    )
    return fragments.memo.get_or_render(key, lambda: _render(context, "site/includes/header.html"))


@register.simple_tag(takes_context=True)
def site_footer(context: Context) -> SafeString:
    key = (
        "footer",
        _site_key(context),
        tuple((s.pk, s.name, s.slug) for s in context.get("menu_sections") or ()),
        tuple((p.pk, p.title, p.slug) for p in context.get("footer_pages") or ()),
        _today().year,
    )
    return fragments.memo.get_or_render(key, lambda: _render(context, "site/includes/footer.html"))


@register.simple_tag(takes_context=True)
def site_sidebar(context: Context) -> SafeString:
    data = widgets.sidebar()
    key = ("sidebar", _site_key(context), fragments.digest(data))
    return fragments.memo.get_or_render(key, lambda: _render(context, "site/includes/sidebar.html", **data))


def _card_sizes(variant: str, thumb: bool) -> str:
    """The card picture's `sizes`, from site.css: the lead takes 3/5 of the main column from
    48rem; rows a 13rem column from 36rem; a grid's cards a column of at least 11rem, and on
    phones its later cards a 7rem thumbnail."""
    if variant == "lead":
        return "(min-width: 60rem) 30rem, (min-width: 48rem) 55vw, 100vw"
    if variant == "row":
        return "(min-width: 36rem) 13rem, 100vw"
    phone = "7rem" if thumb else "100vw"
    return f"(max-width: 35.99rem) {phone}, (min-width: 60rem) 15rem, 45vw"


@register.simple_tag(takes_context=True)
def card(
    context: Context,
    a: Article | ArticleRow,
    variant: str = "",
    level: str | int = "3",
    show_dek: bool = False,
    eager: bool = False,
    thumb: bool = False,
) -> SafeString:
    """One article card; `a` is a listing's row (site/listing.py), or an Article with its
    section, author and lead_media loaded (for_listing()). `thumb`: a grid's later card, which
    phones show as a small thumbnail. A row's Article is built only if the card is not memoised."""
    sizes = _card_sizes(variant, bool(thumb))
    key = ("card", card_key(a), sizes, variant, str(level), bool(show_dek), bool(eager))

    def render() -> str:
        values = {
            "a": a.instance if isinstance(a, ArticleRow) else a,
            "variant": variant,
            "level": level,
            "show_dek": show_dek,
            "eager": eager,
            "sizes": sizes,
        }
        return _render(context, "site/includes/card.html", **values)

    return fragments.memo.get_or_render(key, render)


def card_key(a: Article | ArticleRow) -> tuple[Any, ...]:
    """The story's part of its card's memo key: every input of card.html that the story's
    version (updated_at) does not cover: its picture, section and byline (the author's name)."""
    if isinstance(a, ArticleRow):
        return a.card_key()
    image = a.lead_media if a.lead_media_id is not None else None
    return (
        image.memo_key if image is not None else None,
        a.pk,
        a.updated_at,
        a.slug,
        a.section.slug,
        a.section.name,
        a.display_byline,
    )


@register.simple_tag(takes_context=True)
def story(context: Context) -> SafeString:
    """The article itself (breadcrumb to tags and share links) on its page."""
    article: Article = context["article"]
    section, author = article.section, article.author
    key = (
        "story",
        article.pk,
        article.updated_at,
        article.published_at,
        article.state,  # a scheduled story comes due without being saved
        bool(context.get("preview")),
        (section.pk, section.slug, section.name),
        (author.pk, author.slug, author.name) if author else None,
        article.display_byline,
        article.lead_media.memo_key if article.lead_media_id is not None and article.lead_media else None,
        tuple((t.pk, t.slug, t.name) for t in context.get("tags") or ()),
        tuple(image.memo_key for image in context.get("body_images") or ()),
        tuple(context.get("also_carried") or ()),
        tuple(context.get("shares") or ()),
        tuple(context.get("crumbs") or ()),
    )
    # story_text() reads only the article's fields, which updated_at (in the key) covers.
    return fragments.memo.get_or_render(
        key, lambda: _render(context, "site/includes/story.html", text=story_text(article))
    )
