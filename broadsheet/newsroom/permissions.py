"""Who may write which article: the rules services.check_write applies, whoever asks.

Django's model permissions say what a user may do to every article. Two more say what a user
may do to the articles they created (`Article.created_by`):

    newsroom.change_own_article    change it while it is not public (a Contributor, an Author)
    newsroom.publish_own_article   publish, schedule or withdraw it (an Author)

`OwnArticleBackend`, an authentication backend, turns those into the ordinary object
permissions `newsroom.change_article` and `newsroom.publish_article` on that one article, so
`user.has_perm("newsroom.publish_article", article)` answers for the admin and the API alike
(api/permissions.py asks for object permissions for this reason).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import BaseBackend
from django.core.exceptions import PermissionDenied

from broadsheet.newsroom.models import Article

ADD = "newsroom.add_article"
CHANGE = "newsroom.change_article"
VIEW = "newsroom.view_article"
PUBLISH = "newsroom.publish_article"
CHANGE_OWN = "newsroom.change_own_article"
PUBLISH_OWN = "newsroom.publish_own_article"

# An object permission on an article, and the "own" permission that grants it.
_OWN_GRANTS = {CHANGE: CHANGE_OWN, VIEW: CHANGE_OWN, PUBLISH: PUBLISH_OWN}


def owns(user: Any, article: Article) -> bool:
    return article.created_by_id is not None and article.created_by_id == getattr(user, "pk", None)


class OwnArticleBackend(BaseBackend):
    """Grants change, view and publish on an article its creator holds the "own" permission for.

    Authenticates no one, and answers only about one article (obj=None is ModelBackend's)."""

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        own = _OWN_GRANTS.get(perm)
        if own is None or not isinstance(obj, Article) or not getattr(user_obj, "is_active", False):
            return False
        return owns(user_obj, obj) and bool(user_obj.has_perm(own))


def may_change_some(user: Any) -> bool:
    """The user may change every article, or at least the ones they create."""
    return bool(user.has_perm(CHANGE) or user.has_perm(CHANGE_OWN))


def may_change(user: Any, article: Article) -> bool:
    return bool(user.has_perm(CHANGE) or user.has_perm(CHANGE, article))


def may_preview(user: Any, article: Article) -> bool:
    """The user may read `article` before it is public: staff who may see it in the admin."""
    if not getattr(user, "is_staff", False):
        return False
    return bool(user.has_perm(VIEW) or user.has_perm(CHANGE) or user.has_perm(VIEW, article))


def may_publish(user: Any, article: Article | None = None) -> bool:
    """The user may publish, schedule or withdraw `article` (None: an article they would create)."""
    if user.has_perm(PUBLISH):
        return True
    if article is None:
        return bool(user.has_perm(PUBLISH_OWN))
    return bool(user.has_perm(PUBLISH, article))


def check_write(user: Any, article: Article, before: Article | None) -> None:
    """PermissionDenied unless `user` may save `article` (changed in memory) over `before`
    (the stored row; None for a new article).

    Changing what readers see, now or on schedule (publishing or scheduling, editing a published
    or scheduled article, withdrawing one), needs the publish permission on the article as
    stored and as it will be; since `created_by` cannot be edited, a write cannot earn its own
    grant. The same rule as the API's (api/permissions.require_publish_rights).
    """
    if before is None:
        if not user.has_perm(ADD):
            raise PermissionDenied("You may not create articles.")
    elif not may_change(user, before):
        raise PermissionDenied("You may not change this article.")
    was_public = before is not None and before.status == Article.Status.PUBLISHED
    now_public = article.status == Article.Status.PUBLISHED
    if was_public and not may_publish(user, before):
        raise PermissionDenied("You may not change a published or scheduled article.")
    if now_public and not may_publish(user, article):
        raise PermissionDenied("You may not publish or schedule this article.")
