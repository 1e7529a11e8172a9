"""Public HTML pages: home, sections, static pages, articles, authors, tags, archives, errors.

Views only read: a page view never writes to the database. Every list is bounded
(see pagination.py) and every page does a fixed number of queries whatever the archive size.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseNotFound,
    HttpResponsePermanentRedirect,
    HttpResponseServerError,
)
from django.shortcuts import get_object_or_404, render
from django.template import loader
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_http_methods, require_safe

from broadsheet.core.types import Link
from broadsheet.discovery import stories
from broadsheet.inbox import submissions
from broadsheet.newsroom import permissions
from broadsheet.newsroom.models import Article, ArticleSlugHistory, Author, Page, Section, Tag
from broadsheet.site.article_query import article_by_slug
from broadsheet.site.attribution import also_carried_by
from broadsheet.site.context_processors import menu_sections
from broadsheet.site.listing import ArticleRow, public_window
from broadsheet.site.pagination import paginate
from broadsheet.site.related import latest_by_section, related_articles, tag_listing
from broadsheet.site.share import share_links

logger = logging.getLogger(__name__)

# Home page: how many recent stories are looked at to find a lead with a picture.
LEAD_CANDIDATES = 12
# The home page shows at most this many menu sections, each with its newest few stories.
HOME_SECTIONS = 12
HOME_PER_SECTION = 4


def _has_image(article: ArticleRow) -> bool:
    return bool(article.lead_media_id or article.lead_image or article.lead_image_url)


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    window = public_window(request)
    lead = None
    sections: list[tuple[Section, list[ArticleRow]]] = []
    shown: set[int] = set()
    if window.number == 1:
        # The river's first page already holds the newest stories: no query of its own.
        recent = window.items[:LEAD_CANDIDATES]
        lead = next((a for a in recent if _has_image(a)), recent[0] if recent else None)
        menu = menu_sections(request)[:HOME_SECTIONS]
        # One story more per section, in the same query, stands in for the lead when the lead
        # is among a section's newest: every block keeps its four cards, none repeats the lead.
        latest = latest_by_section(menu, per_section=HOME_PER_SECTION + 1)
        sections = [(s, without(latest[s.pk], lead)[:HOME_PER_SECTION]) for s in menu]
        sections = [(s, stories) for s, stories in sections if stories]
        shown = {a.pk for _s, stories in sections for a in stories}
        if lead is not None:
            shown.add(lead.pk)
    return render(
        request,
        "site/home.html",
        {
            "lead": lead,
            "section_blocks": sections,
            "window": window,
            "shown": shown,
            # Every story of the page already above, and no older page: no empty "Latest".
            "latest": window.has_next or any(a.pk not in shown for a in window.items),
        },
    )


def without(stories: list[ArticleRow], lead: ArticleRow | None) -> list[ArticleRow]:
    return [a for a in stories if lead is None or a.pk != lead.pk]


@require_http_methods(["GET", "HEAD", "POST"])
def section(request: HttpRequest, section: str) -> HttpResponse:
    """A section front, or else the static page with that slug (they share one namespace)."""
    found = Section.objects.filter(slug=section).first()
    if found is None:
        return _static_page(request, section)
    if request.method == "POST":
        return HttpResponseNotAllowed(["GET", "HEAD"])
    window = public_window(request, section_id=found.pk)
    return render(
        request,
        "site/section.html",
        {
            "section": found,
            "window": window,
            "nav_slug": found.slug,
            "crumbs": [Link(found.name, "")],
        },
    )


def _static_page(request: HttpRequest, slug: str) -> HttpResponse:
    page = get_object_or_404(Page, slug=slug)
    form = None
    if page.form:
        form, response = submissions.handle_page_form(request, page)
        if response is not None:
            return response
    elif request.method == "POST":
        return HttpResponseNotAllowed(["GET", "HEAD"])
    # The inbox flags a form refused by its rate limit; the page says why, with a 429.
    status = 429 if getattr(form, "rate_limited", False) else 200
    return render(
        request,
        "site/page.html",
        {"page": page, "form": form, "nav_slug": page.slug, "crumbs": [Link(page.title, "")]},
        status=status,
    )


@require_safe
def article(request: HttpRequest, section: str, slug: str) -> HttpResponse:
    # Tags are prefetched once: the page and its SEO metadata both list them.
    found = article_by_slug(slug)
    if found is None:
        # An old slug answers with a 301 to wherever the story lives now.
        history = ArticleSlugHistory.objects.select_related("article__section").filter(slug=slug).first()
        if history is None or not _may_see(request, history.article):
            raise Http404("No such article.")
        return HttpResponsePermanentRedirect(history.article.get_absolute_url())
    if not _may_see(request, found):
        raise Http404("No such article.")
    if found.section.slug != section:
        return HttpResponsePermanentRedirect(found.get_absolute_url())
    url = request.build_absolute_uri(found.get_absolute_url())
    image = found.lead_image_src
    context = {
        "article": found,
        "tags": list(found.tags.all()),
        # Library images in the body, drawn as <picture> (media/body.py): one query, and
        # none for a body without any (most, and every aggregated story).
        "body_images": list(found.body_images.all()) if "data-media-id" in found.body else [],
        "related": related_articles(found),
        "also_carried": also_carried_by(found),
        "coverage": stories.coverage(found),
        "shares": share_links(url, found.headline, request.build_absolute_uri(image) if image else ""),
        "preview": not found.is_public,
        "nav_slug": found.section.slug,
        "crumbs": [Link(found.section.name, found.section.get_absolute_url())],
    }
    response = render(request, "site/article.html", context)
    if not found.is_public:
        # A preview is for the one editor looking at it: no shared cache may keep it.
        add_never_cache_headers(response)
    return response


def _may_see(request: HttpRequest, article: Article) -> bool:
    """The public sees public stories; staff who may see an article in the admin also see it
    as a draft, submission or scheduled story, as a preview (a Contributor their own only)."""
    return article.is_public or permissions.may_preview(request.user, article)


@require_safe
def author(request: HttpRequest, slug: str) -> HttpResponse:
    found = get_object_or_404(Author, slug=slug)
    window = paginate(request, Article.objects.public_listing(author=found))
    return render(
        request,
        "site/author.html",
        {"author": found, "window": window, "crumbs": [Link(found.name, "")]},
    )


@require_safe
def tag(request: HttpRequest, slug: str) -> HttpResponse:
    found = get_object_or_404(Tag, slug=slug)
    window = tag_listing(request, found)
    return render(
        request, "site/tag.html", {"tag": found, "window": window, "crumbs": [Link(found.name, "")]}
    )


@require_safe
def archive(request: HttpRequest, year: int, month: int) -> HttpResponse:
    """One calendar month in the site's time zone; a month with no stories is a 404."""
    if not 1 <= year < 9999:
        raise Http404("No such month.")
    zone = timezone.get_current_timezone()
    start = dt.datetime(year, month, 1, tzinfo=zone)
    end = dt.datetime(year + month // 12, month % 12 + 1, 1, tzinfo=zone)
    window = paginate(
        request,
        Article.objects.public_listing(published_at__gte=start, published_at__lt=end),
        allow_empty_first=False,
    )
    return render(
        request,
        "site/archive.html",
        {"month": start.date(), "window": window, "crumbs": [Link(f"{start:%B %Y}", "")]},
    )


@require_safe
def story(request: HttpRequest, story_id: int, slug: str) -> HttpResponse:
    """Full coverage: every public version of one story as a timeline, the earliest marked."""
    found = stories.find(story_id)  # a merged story's old id finds the story that absorbed it
    if found is None:
        raise Http404("No such story.")
    if found.pk != story_id or slug != found.slug:
        return HttpResponsePermanentRedirect(found.get_absolute_url())
    versions = stories.timeline(found)
    if not versions:
        raise Http404("No such story.")
    sources = {v.source or "" for v in versions}
    return render(
        request,
        "site/story.html",
        {
            "story": found,
            "versions": versions,
            "source_count": len(sources),
            "crumbs": [Link("Full coverage", "")],
        },
    )


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Allow: /",
        "Disallow: /admin/",
        "Disallow: /search/",
        "",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
        f"Sitemap: {request.build_absolute_uri('/news-sitemap.xml')}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    content = loader.render_to_string("site/404.html", {"request_path": request.path}, request)
    return HttpResponseNotFound(content)


# What a reader sees if even the static 500 template cannot be rendered.
_BARE_500 = (
    '<!doctype html><html lang="en"><meta charset="utf-8"><title>Something went wrong</title>'
    "<h1>Something went wrong on our side</h1><p>Please try again in a few minutes.</p></html>"
)


def server_error(request: HttpRequest) -> HttpResponse:
    # No request context and no database: whatever broke the page may break those too.
    try:
        content = loader.get_template("site/500.html").render({})
    except Exception:  # A missing static manifest entry must not turn a 500 into a crash.
        logger.exception("The 500 template failed to render")
        content = _BARE_500
    return HttpResponseServerError(content)
