"""Writing content: the only code paths that publish, change or withdraw an article.

Everyone goes through here (the admin, the CLI, the ingest pipeline, the API), so every
change sanitises the body, keeps old slugs answering, and sends the one `published` signal
once the transaction commits.

The state machine: Draft -> Pending review -> Scheduled -> Published -> Withdrawn (and back to
Draft). "Scheduled" is not stored: it is a published article whose time has not come
(querysets.ArticleQuerySet.scheduled), so it goes public on time with no job running. A write
made for a person passes `by=user`, and is refused (PermissionDenied, nothing written) unless
newsroom.permissions.check_write allows it; the pipeline, the CLI and imports pass no one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction

from broadsheet.core import clock
from broadsheet.core.sanitize import SanitizedHTML, sanitize_html
from broadsheet.media.body import library_ids
from broadsheet.media.models import Image
from broadsheet.newsroom import counts, permissions, revisions
from broadsheet.newsroom.models import Article, ArticleSlugHistory, Tag, unique_slug
from broadsheet.newsroom.signals import ArticleSnapshot, published


def snapshot(article: Article, tag_slugs: Iterable[str] | None = None) -> ArticleSnapshot | None:
    """Where `article` is listed, for the `published` signal; None when it is listed nowhere.

    `tag_slugs`, when given, saves reading the article's tags back.
    """
    if article.status != Article.Status.PUBLISHED or article.published_at is None:
        return None
    if tag_slugs is None:
        tag_slugs = article.tags.values_list("slug", flat=True) if article.pk else []
    return ArticleSnapshot(
        section=article.section.slug,
        slug=article.slug,
        author=article.author.slug if article.author is not None else None,
        tags=tuple(tag_slugs),
        month=(article.published_at.year, article.published_at.month),
    )


def _announce(
    article: Article, action: str, before: ArticleSnapshot | None, after: ArticleSnapshot | None
) -> None:
    article_id = article.pk
    transaction.on_commit(
        lambda: published.send(
            sender=Article, article_id=article_id, action=action, before=before, after=after
        )
    )


def _previous(article: Article) -> Article | None:
    if article.pk is None:
        return None
    return Article.objects.select_related("section", "author").filter(pk=article.pk).first()


def _needs_sanitising(article: Article, before: Article | None) -> bool:
    """Whether the body is new: the ingest pipeline's bodies are sanitised already, and the
    stored one was sanitised when it was written. Sanitising an unchanged body again would
    only cost time, and could refuse it (misnested markup can come out of the sanitiser with
    more elements than went in), so publishing or withdrawing an article would fail."""
    if isinstance(article.body, SanitizedHTML):
        return False
    unchanged = (
        before is not None
        and before.body == article.body
        and (before.canonical_url or None) == (article.canonical_url or None)
    )
    return not unchanged


def _keeps_revisions(article: Article, by: Any) -> bool:
    """Every write keeps a revision except the feed pipeline's: an aggregated story written by
    no one. Its text is the source's, updated by the source, and a copy of each body in the
    revision table would double what a million-article site stores. Once a person edits it,
    its history starts (with the stored text as a baseline)."""
    return by is not None or not article.is_aggregated


@transaction.atomic
def save_article(
    article: Article,
    tags: Iterable[int] | None = None,
    *,
    by: Any = None,
    comment: str = "",
    recorded_as: Any = None,
) -> Article:
    """Save an article of any status: sanitise, give it a free slug, remember its old slug,
    record a revision (newsroom.revisions), and announce the change when it is (or was) public
    or scheduled.

    `by`, the user the write is made for, must be allowed it (PermissionDenied otherwise); a new
    article they write becomes theirs (`created_by`). `comment` names the revision; by default
    the action ("Created", "Published", "Edited" ...). `recorded_as` names the revision's user
    when the caller checked the rights itself and passes no `by` (the API, for its token's user).

    Raises core.markup_cost.MarkupTooComplex, having written nothing, when a new body is too
    complex to sanitise in bounded time (forms and the API check it first, to say so clearly).
    """
    before = _previous(article)
    if by is not None:
        if before is None and article.created_by_id is None:
            article.created_by = by
        permissions.check_write(by, article, before)
    old = snapshot(before) if before is not None else None
    if _needs_sanitising(article, before):
        article.body = sanitize_html(article.body, base_url=article.canonical_url or None)
    if not article.canonical_url:
        article.canonical_url = None
    if not article.slug:
        article.slug = unique_slug(Article, article.headline, exclude_pk=article.pk)
    keep_revision = _keeps_revisions(article, by or recorded_as)
    edited_by_someone = (by or recorded_as) is not None
    if keep_revision and before is not None and edited_by_someone and not revisions.has_revisions(before):
        # An article stored before revisions were kept (or by the feed pipeline): its stored
        # text becomes the first revision, so the first edit can be compared and undone.
        revisions.record(before, comment="As stored before this edit")
    if before and before.slug != article.slug:
        ArticleSlugHistory.objects.update_or_create(slug=before.slug, defaults={"article": article})
        ArticleSlugHistory.objects.filter(slug=article.slug).delete()
    article.save()
    # In this transaction: the sidebar's counts move with the article (newsroom.counts).
    counts.move(counts.article_key(before), counts.article_key(article))
    if tags is not None:
        article.tags.set(tags)
    if before is None or before.body != article.body:
        _record_body_images(article, new=before is None)
    if keep_revision:
        revisions.record(article, by=by or recorded_as, comment=comment or revisions.action(before, article))
    now_public = article.status == Article.Status.PUBLISHED
    was_public = before is not None and before.status == Article.Status.PUBLISHED
    if now_public or was_public:
        if now_public and not was_public:
            action = "published"
        elif was_public and not now_public:
            action = "withdrawn"
        else:
            action = "updated"
        # A new article without tags has none: no need to read them back.
        new = snapshot(article, None if before or tags else ())
        _announce(article, action, old, new)
    return article


def _record_body_images(article: Article, *, new: bool) -> None:
    """Which library images the body uses (ids that no longer exist are left out)."""
    ids = library_ids(article.body)
    if new and not ids:
        return
    article.body_images.set(Image.objects.filter(pk__in=ids).values_list("pk", flat=True))


def publish(
    article: Article,
    at: dt.datetime | None = None,
    *,
    by: Any = None,
    tags: Iterable[int] | None = None,
) -> Article:
    """Make `article` public at `at` (default: now, or the date it already has; a future time
    schedules it). `tags`, when given, are set in the same write (save_article)."""
    article.status = Article.Status.PUBLISHED
    if at is not None:
        article.published_at = at
    elif article.published_at is None:
        article.published_at = clock.now()
    return save_article(article, tags, by=by)


def schedule(
    article: Article, at: dt.datetime, *, by: Any = None, tags: Iterable[int] | None = None
) -> Article:
    """Publish `article` at the future time `at`: Scheduled until then, then public by itself."""
    if at <= clock.now():
        raise ValueError("A schedule needs a time in the future; publish instead.")
    return publish(article, at=at, by=by, tags=tags)


def submit_for_review(article: Article, *, by: Any = None) -> Article:
    """Hand a draft to the editors: Pending review (not public; anyone who may change it may)."""
    if article.status == Article.Status.PUBLISHED:
        raise ValueError("A published or scheduled article is not submitted for review.")
    article.status = Article.Status.PENDING_REVIEW
    return save_article(article, by=by)


def return_to_draft(article: Article, *, by: Any = None) -> Article:
    """Back to Draft: a submission sent back, or a public one taken down to be reworked."""
    article.status = Article.Status.DRAFT
    return save_article(article, by=by)


def withdraw(article: Article, *, by: Any = None) -> Article:
    """Take `article` off the site; it keeps its row (and so blocks re-import)."""
    article.status = Article.Status.WITHDRAWN
    return save_article(article, by=by)


def restore_revision(article: Article, version: Any, *, by: Any) -> Article:
    """Put back `version`'s content (newsroom.revisions.RESTORED_FIELDS: never status or
    dates) and save it as `by`, which records a new revision. A slug another article has
    taken since, or a library image deleted since, stays as it is now; tags deleted since are
    left out."""
    if str(version.object_id) != str(article.pk):
        raise ValueError("That revision belongs to another article.")
    stored = version.field_dict  # keyed by attname: "lead_media_id", "tags"
    for name in revisions.restored_fields():
        key = getattr(Article._meta.get_field(name), "attname", name)
        if name == "tags" or key not in stored:
            continue
        value = stored[key]
        if name == "slug" and Article.objects.filter(slug=value).exclude(pk=article.pk).exists():
            continue
        if name == "lead_media" and value is not None and not Image.objects.filter(pk=value).exists():
            continue
        setattr(article, key, value)
    tags = None
    if "tags" in stored:
        tags = list(Tag.objects.filter(pk__in=stored["tags"]).values_list("pk", flat=True))
    comment = f"Restored revision of {revisions.local_label(version.revision.date_created)}"
    return save_article(article, tags=tags, by=by, comment=comment)


@transaction.atomic
def delete_article(article: Article) -> None:
    _announce(article, "deleted", snapshot(article), None)
    article.delete()
