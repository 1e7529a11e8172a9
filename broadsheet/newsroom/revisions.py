"""Article revisions: what is recorded on each save, and reading a revision back (django-reversion).

services.save_article records one revision per write, with the user and the action, so the
admin, the API and the CLI all keep history without knowing about it. A revision holds the
article's content fields and its tags (a list of ids); nothing else is followed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import reversion
from django.utils import timezone
from reversion.models import Version

from broadsheet.newsroom.models import Article

# What a revision keeps: what an editor writes and files. Restoring puts back only
# RESTORED_FIELDS; status and dates are shown but never restored.
RECORDED_FIELDS = (
    "headline",
    "slug",
    "dek",
    "body",
    "section",
    "author",
    "byline",
    "tags",
    "status",
    "published_at",
    "language",
    "lead_media",
    "lead_image",
    "lead_image_url",
    "lead_image_width",
    "lead_image_height",
    "lead_image_alt",
    "lead_image_caption",
    "lead_image_credit",
)
RESTORED_FIELDS = (
    "headline",
    "slug",
    "dek",
    "body",
    "tags",
    "lead_media",
    "lead_image",
    "lead_image_url",
    "lead_image_width",
    "lead_image_height",
    "lead_image_alt",
    "lead_image_caption",
    "lead_image_credit",
)
# SEO and social fields, when the article has them, are content too: kept and restored.
SEO_PREFIXES = ("seo_", "social_", "meta_")


def seo_fields() -> tuple[str, ...]:
    return tuple(
        field.name
        for field in Article._meta.get_fields()
        if getattr(field, "concrete", False) and field.name.startswith(SEO_PREFIXES)
    )


def recorded_fields() -> tuple[str, ...]:
    return (*RECORDED_FIELDS, *seo_fields())


def restored_fields() -> tuple[str, ...]:
    return (*RESTORED_FIELDS, *seo_fields())


def register() -> None:
    """Register Article with django-reversion (AppConfig.ready); following nothing."""
    if not reversion.is_registered(Article):
        reversion.register(Article, fields=list(recorded_fields()))


def record(article: Article, *, by: Any = None, comment: str = "") -> None:
    """Store a revision of `article` as it is now (tags read at the end of the block)."""
    # manage_manually: only what is added here is recorded, not every save in the block.
    with reversion.create_revision(manage_manually=True):
        reversion.add_to_revision(article)
        reversion.set_comment(comment)
        if by is not None and getattr(by, "is_authenticated", False):
            reversion.set_user(by)


def edited_by_a_person(article: Article) -> bool:
    """Whether anyone signed in (the admin, the API with a user) has saved the article: their
    revisions carry a user; an import's and a migration's carry none."""
    return bool(Version.objects.get_for_object(article).filter(revision__user__isnull=False).exists())


def has_revisions(article: Article) -> bool:
    return versions(article).exists()


def versions(article: Article) -> Any:
    """The article's revisions, newest first (an index on content type and object id)."""
    return Version.objects.get_for_object(article).select_related("revision__user")


def action(before: Article | None, after: Article) -> str:
    """The word a revision's comment gives to a write: Created, Published, Edited …"""
    if before is None:
        return "Created and published" if after.status == Article.Status.PUBLISHED else "Created"
    if before.status == after.status:
        return "Edited"
    if after.status == Article.Status.PUBLISHED:
        return "Scheduled" if after.state == "scheduled" else "Published"
    return {
        Article.Status.PENDING_REVIEW: "Submitted for review",
        Article.Status.WITHDRAWN: "Withdrawn",
        Article.Status.DRAFT: "Returned to draft",
    }.get(Article.Status(after.status), "Edited")


def local_label(moment: dt.datetime) -> str:
    """'3 Dec 2026 14:05' in the site's time zone: how revisions are named to editors."""
    local = timezone.localtime(moment)
    return f"{local.day} {local:%b %Y %H:%M}"


def user_label(user: Any) -> str:
    if user is None:
        return "System"
    return str(user.get_full_name() or user.get_username())
