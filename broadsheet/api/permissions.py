"""Who may write what through a token: the owner's Django permissions, as the admin checks them.

A token acts as its user, so it may do what that user may do in the admin and no more:

    create an article            newsroom.add_article
    edit or withdraw one         newsroom.change_article
    ... and whenever the write changes what readers see, now or on schedule (publishing or
    scheduling, editing a published or scheduled article, withdrawing one)
                                 newsroom.publish_article
    create a tag by naming it    newsroom.add_tag
    add a source                 ingest.add_source

So add and change without publish is a contributor: drafts only. Each check asks Django's
authentication backends twice: for the permission on the model (a group such as "Editor"
grants it for every article), then for the permission on this article, so a backend that grants
per object (an "Author" who publishes only their own) plugs in without changing the API.
Active superusers pass every check, as in the admin.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model

from broadsheet.api.errors import Forbidden
from broadsheet.newsroom.models import Article

ADD_ARTICLE = "newsroom.add_article"
CHANGE_ARTICLE = "newsroom.change_article"
PUBLISH_ARTICLE = "newsroom.publish_article"
ADD_TAG = "newsroom.add_tag"
ADD_SOURCE = "ingest.add_source"


def has(user: Any, permission: str, obj: Model | None = None) -> bool:
    """`user` holds `permission` on the whole model, or on `obj` when one is given."""
    if user.has_perm(permission):
        return True
    return obj is not None and bool(user.has_perm(permission, obj))


def require(user: Any, permission: str, doing: str, obj: Model | None = None) -> None:
    """Forbidden (403) unless `user` holds `permission`; `doing` completes "may not …"."""
    if not has(user, permission, obj):
        raise Forbidden(
            f"This token's user may not {doing} (it needs the {permission!r} permission).",
            code="permission_denied",
            details={"permission": permission},
        )


def is_public(status: str) -> bool:
    """Published or scheduled: what readers see now, or will see without anyone acting."""
    return status == Article.Status.PUBLISHED


def require_publish_rights(user: Any, article: Article, before: Article | None) -> None:
    """Before saving `article` (changed in memory; `before` is a copy of it as stored, None for
    a new one): the publish permission if readers' view of it changes, now or on schedule.

    Per-article grants are asked about the article as stored when it was public, and as it will
    be when it will be public, so a write cannot earn its own grant (naming yourself the author
    of someone else's published article).
    """
    was_public = before is not None and is_public(before.status)
    now_public = is_public(article.status)
    if now_public and not was_public:
        doing = "publish or schedule articles"
    elif was_public and now_public:
        doing = "change a published or scheduled article"
    elif was_public:
        doing = "take a published or scheduled article off the site"
    else:
        return
    if was_public:
        require(user, PUBLISH_ARTICLE, doing, before)
    if now_public:
        require(user, PUBLISH_ARTICLE, doing, article)
