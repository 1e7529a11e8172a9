"""Articles: the public list and detail, and create, update and withdraw with a token."""

from __future__ import annotations

import copy
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils.text import slugify
from ninja import Path, Query, Router, Status
from ninja.decorators import decorate_view

from broadsheet.api import cursors, permissions, represent
from broadsheet.api.auth import TokenAuth, token_of
from broadsheet.api.caching import cacheable
from broadsheet.api.errors import Conflict, NotFound, Unprocessable
from broadsheet.api.fields import MAX_ID, Text, Timestamp
from broadsheet.api.schemas import ArticleCreate, ArticleOut, ArticlePage, ArticleUpdate, ErrorOut
from broadsheet.core import clock
from broadsheet.core.markup_cost import MarkupTooComplex, check_markup
from broadsheet.ingest.models import Entry
from broadsheet.media.models import Image
from broadsheet.newsroom import services
from broadsheet.newsroom.models import RESERVED_SLUGS, Article, ArticleSlugHistory, Author, Section, Tag

router = Router(tags=["articles"])

# 500 is documented too: an unexpected error still answers in the error shape.
READ_ERRORS: dict[int, Any] = {400: ErrorOut, 404: ErrorOut, 422: ErrorOut, 500: ErrorOut}
WRITE_ERRORS: dict[int, Any] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    413: ErrorOut,
    422: ErrorOut,
    429: ErrorOut,
    500: ErrorOut,
}


def _with_tags(queryset: Any) -> Any:
    return queryset.select_related("section", "author", "lead_media").prefetch_related("tags")


@router.get(
    "/articles",
    response={200: ArticlePage, **READ_ERRORS},
    url_name="articles",
    summary="List public articles, newest first",
)
@decorate_view(cacheable)
def list_articles(
    request: HttpRequest,
    section: Text | None = Query(None, max_length=80, description="A section's slug."),
    tag: Text | None = Query(None, max_length=80, description="A tag's slug."),
    author: Text | None = Query(None, max_length=120, description="An author's slug."),
    source: Text | None = Query(
        None, max_length=200, description="A source's id (digits), or the publisher's name as credited."
    ),
    story: int | None = Query(
        None, ge=1, le=MAX_ID, description="A story's id (see /stories): its public versions."
    ),
    published_after: Timestamp | None = Query(None, description="ISO 8601; inclusive."),
    published_before: Timestamp | None = Query(None, description="ISO 8601; exclusive."),
    cursor: cursors.Cursor = None,
    limit: cursors.Limit = cursors.DEFAULT_LIMIT,
) -> dict[str, Any]:
    """Keyset pagination on (published_at, id): every page costs the same, however deep."""
    articles = Article.objects.published()
    if section:
        articles = articles.filter(section__slug=section)
    if tag:
        articles = articles.filter(tags__slug=tag)
    if author:
        articles = articles.filter(author__slug=author)
    if source:
        # ASCII digits only: str.isdigit() is also true of "²", which int() refuses.
        if source.isascii() and source.isdigit() and int(source) <= MAX_ID:
            entries = Entry.objects.filter(source_id=int(source), article__isnull=False)
            articles = articles.filter(pk__in=entries.values("article_id"))
        else:
            articles = articles.filter(source_name=source)
    if story is not None:
        articles = articles.filter(story_membership__story_id=story)
    if published_after:
        articles = articles.filter(published_at__gte=published_after)
    if published_before:
        articles = articles.filter(published_at__lt=published_before)
    page, next_url = cursors.newest_first(
        request, _with_tags(articles.defer("body")), "published_at", cursor, limit
    )
    return {"items": [represent.article_summary(request, a) for a in page], "next": next_url}


@router.get(
    "/articles/{article_id}",
    response={200: ArticleOut, **READ_ERRORS},
    url_name="article",
    summary="One public article, with its body",
)
@decorate_view(cacheable)
def get_article(request: HttpRequest, article_id: int = Path(..., ge=1, le=MAX_ID)) -> dict[str, Any]:
    article = (
        _with_tags(Article.objects.published()).select_related("social_image").filter(pk=article_id).first()
    )
    if article is None:
        raise NotFound(f"No public article with id {article_id}.")
    return represent.article_full(request, article)


# -- writing ---------------------------------------------------------------------------------


def _section(slug: str) -> Section:
    found = Section.objects.filter(slug=slug).first()
    if found is None:
        raise Unprocessable(f"No section with slug {slug!r}.", code="unknown_section")
    return found


def _author(slug: str) -> Author | None:
    if not slug:
        return None
    found = Author.objects.filter(slug=slug).first()
    if found is None:
        raise Unprocessable(f"No author with slug {slug!r}.", code="unknown_author")
    return found


def _library_image(image_id: int) -> Image | None:
    if image_id == 0:
        return None
    found = Image.objects.filter(pk=image_id).first()
    if found is None:
        raise Unprocessable(f"No image with id {image_id} in the media library.", code="unknown_image")
    return found


def _tags(names: list[str], user: Any) -> list[int]:
    """The ids of the tags `names` name, creating the missing ones (which takes newsroom.add_tag).

    Every name is checked before any tag is made, so a refused call leaves no tags behind.
    """
    found: list[Tag | str] = []  # a Tag, or the slug of one to create
    missing: dict[str, str] = {}  # slug -> name
    for name in names:
        name = name.strip()
        slug = slugify(name)[:80].strip("-")
        if not slug:
            raise Unprocessable(
                f"The tag {name!r} has no letters or digits to make a slug of.", code="bad_tag"
            )
        tag = Tag.objects.filter(slug=slug).first() or Tag.objects.filter(name__iexact=name).first()
        if tag is None:
            missing.setdefault(slug, name[:80])
        found.append(tag or slug)
    if missing:
        permissions.require(user, permissions.ADD_TAG, f"create tags ({', '.join(sorted(missing.values()))})")
    created = {slug: create_tag(slug, name) for slug, name in missing.items()}
    return [tag.pk if isinstance(tag, Tag) else created[tag].pk for tag in found]


def create_tag(slug: str, name: str) -> Tag:
    """Make the tag, or take the one another request made since we looked: two writers naming
    the same new tag at once must both succeed with the same tag, not one of them fail with a
    unique-constraint error."""
    try:
        with transaction.atomic():
            return Tag.objects.create(name=name, slug=slug)
    except IntegrityError:
        tag = Tag.objects.filter(slug=slug).first() or Tag.objects.filter(name__iexact=name).first()
        if tag is None:
            raise
        return tag


def _check_markup(body_html: str) -> None:
    """Refuse HTML the sanitiser could spend minutes on, now, with a clear answer: it is the
    check sanitize_html makes when services.save_article stores the body."""
    try:
        check_markup(body_html)
    except MarkupTooComplex as exc:
        raise Unprocessable(
            f"The body's HTML is too complex to sanitise: {exc}.", code="too_complex"
        ) from exc


def _check_slug(slug: str, article: Article) -> None:
    if slug in RESERVED_SLUGS:
        raise Unprocessable(f"The slug {slug!r} is reserved for a site URL.", code="reserved_slug")
    taken = Article.objects.filter(slug=slug).exclude(pk=article.pk).exists()
    if taken or ArticleSlugHistory.objects.filter(slug=slug).exclude(article_id=article.pk).exists():
        raise Conflict(f"Another article has (or had) the slug {slug!r}.", code="slug_taken")


def _apply(article: Article, data: dict[str, Any]) -> None:
    """Copy the given fields (tags aside) onto `article`, writing nothing to the database.

    None means "leave as it is"; an empty author or lead_image_url, or social_image 0, clears it.
    """
    simple = (
        "headline",
        "dek",
        "byline",
        "language",
        "is_sticky",
        "lead_image_alt",
        "lead_image_caption",
        "lead_image_credit",
        "seo_title",
        "meta_description",
    )
    for name in simple:
        if data.get(name) is not None:
            setattr(article, name, data[name])
    if data.get("body_html") is not None:
        _check_markup(data["body_html"])
        article.body = data["body_html"]
    if data.get("section") is not None:
        article.section = _section(data["section"])
    if data.get("author") is not None:
        article.author = _author(data["author"])
    if data.get("social_image") is not None:
        article.social_image = _library_image(data["social_image"])
    if data.get("lead_image_url") is not None:
        article.lead_image_url = str(data["lead_image_url"])
    if data.get("slug") is not None:
        _check_slug(data["slug"], article)
        article.slug = data["slug"]
    if data.get("published_at") is not None:
        article.published_at = data["published_at"]
    if data.get("status") is not None:
        article.status = data["status"]
        if article.status == Article.Status.PUBLISHED and article.published_at is None:
            article.published_at = clock.now()


def _write(request: HttpRequest, article: Article, data: dict[str, Any]) -> Article:
    """Apply `data` to `article`, check the publish and tag permissions, then save: a call the
    token's user may not make changes nothing."""
    user = token_of(request).user
    before = copy.copy(article) if article.pk is not None else None
    _apply(article, data)
    permissions.require_publish_rights(user, article, before)
    tags = _tags(data["tags"], user) if data.get("tags") is not None else None
    return _save(article, tags, user)


def _save(article: Article, tags: list[int] | None, user: Any) -> Article:
    try:
        # Rights are checked above (require_publish_rights); the revision names the token's user.
        services.save_article(article, tags=tags, recorded_as=user)
    except IntegrityError as exc:
        # Two writers raced for one slug: the database's constraint is the referee.
        raise Conflict("The article clashes with another one (slug).", code="conflict") from exc
    return _with_tags(Article.objects).select_related("social_image").get(pk=article.pk)


def _editable(request: HttpRequest, article_id: int) -> Article:
    """The article to change, of any status, if the token's user may change it."""
    article = Article.objects.select_related("section", "author", "lead_media").filter(pk=article_id).first()
    if article is None:
        raise NotFound(f"No article with id {article_id}.")
    permissions.require(token_of(request).user, permissions.CHANGE_ARTICLE, "change this article", article)
    return article


@router.post(
    "/articles",
    auth=TokenAuth(),
    response={201: ArticleOut, **WRITE_ERRORS},
    url_name="article_create",
    summary="Create an article (a draft unless status is 'published')",
)
def create_article(
    request: HttpRequest, response: HttpResponse, payload: ArticleCreate
) -> Status[dict[str, Any]]:
    permissions.require(token_of(request).user, permissions.ADD_ARTICLE, "create articles")
    data = payload.model_dump(exclude_unset=True)
    # The token's user wrote it: "own" for an Author's or Contributor's rights to it later.
    article = Article(
        section=_section(data["section"]), status=Article.Status.DRAFT, created_by=token_of(request).user
    )
    saved = _write(request, article, data)
    response["Location"] = represent.article_api_url(request, saved.pk)
    response["Cache-Control"] = "no-store"
    return Status(201, represent.article_full(request, saved))


@router.patch(
    "/articles/{article_id}",
    auth=TokenAuth(),
    response={200: ArticleOut, **WRITE_ERRORS},
    url_name="article_update",
    summary="Change some fields of an article (of any status)",
)
def update_article(
    request: HttpRequest,
    response: HttpResponse,
    payload: ArticleUpdate,
    article_id: int = Path(..., ge=1, le=MAX_ID),
) -> dict[str, Any]:
    article = _editable(request, article_id)
    saved = _write(request, article, payload.model_dump(exclude_unset=True))
    response["Cache-Control"] = "no-store"
    return represent.article_full(request, saved)


@router.post(
    "/articles/{article_id}/withdraw",
    auth=TokenAuth(),
    response={200: ArticleOut, **WRITE_ERRORS},
    url_name="article_withdraw",
    summary="Take an article off the site (it keeps its row; PATCH status to publish it again)",
)
def withdraw_article(
    request: HttpRequest, response: HttpResponse, article_id: int = Path(..., ge=1, le=MAX_ID)
) -> dict[str, Any]:
    article = _editable(request, article_id)
    if article.status != Article.Status.WITHDRAWN:
        before = copy.copy(article)
        article.status = Article.Status.WITHDRAWN
        permissions.require_publish_rights(token_of(request).user, article, before)
        services.withdraw(article)
    response["Cache-Control"] = "no-store"
    return represent.article_full(
        request, _with_tags(Article.objects).select_related("social_image").get(pk=article.pk)
    )
