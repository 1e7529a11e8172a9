"""The article list's bulk actions: publish now and withdraw, article by article through services
(so each sends its own signal and is checked against the user's rights)."""

from __future__ import annotations

import logging

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import ngettext

from broadsheet.core import clock
from broadsheet.newsroom import services
from broadsheet.newsroom.models import Article

logger = logging.getLogger(__name__)

# Beyond this many, "select all" would tie up a request for minutes.
MAX_BULK_ARTICLES = 500


def _bulk_targets(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Article]
) -> list[Article] | None:
    # Actions get the changelist's queryset, which defers the body; services need it.
    articles = list(queryset.defer(None).select_related("section", "author")[: MAX_BULK_ARTICLES + 1])
    if len(articles) > MAX_BULK_ARTICLES:
        modeladmin.message_user(
            request,
            f"Select at most {MAX_BULK_ARTICLES} articles at a time; nothing was changed.",
            messages.ERROR,
        )
        return None
    return articles


def _bulk_done(
    modeladmin: admin.ModelAdmin, request: HttpRequest, action: str, changed: int, message: str
) -> None:
    """Log a bulk action and tell the editor how many articles it changed (`message` has %(n)d)."""
    logger.info("bulk %s by user %s: %d articles", action, request.user.pk, changed)
    modeladmin.message_user(
        request, message % {"n": changed}, messages.SUCCESS if changed else messages.WARNING
    )


def _say_refused(modeladmin: admin.ModelAdmin, request: HttpRequest, refused: int) -> None:
    if refused:
        modeladmin.message_user(
            request,
            ngettext(
                "%(n)d article left alone: you may not publish or withdraw it.",
                "%(n)d articles left alone: you may not publish or withdraw them.",
                refused,
            )
            % {"n": refused},
            messages.ERROR,
        )


@admin.action(description="Publish now", permissions=["publish"])
def publish_now(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Article]) -> None:
    articles = _bulk_targets(modeladmin, request, queryset)
    if articles is None:
        return
    now = clock.now()
    changed = refused = 0
    for article in articles:
        if article.state == "published":
            continue
        # Scheduled or undated articles go out now; a withdrawn one returns with its old date.
        due = article.published_at is None or article.published_at > now
        try:
            services.publish(article, at=now if due else None, by=request.user)
        except PermissionDenied:
            refused += 1
            continue
        changed += 1
    _say_refused(modeladmin, request, refused)
    message = ngettext("%(n)d article published.", "%(n)d articles published.", changed)
    _bulk_done(modeladmin, request, "publish", changed, message)


@admin.action(description="Withdraw", permissions=["publish"])
def withdraw(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Article]) -> None:
    articles = _bulk_targets(modeladmin, request, queryset)
    if articles is None:
        return
    changed = refused = 0
    for article in articles:
        if article.status == Article.Status.WITHDRAWN:
            continue
        try:
            services.withdraw(article, by=request.user)
        except PermissionDenied:
            refused += 1
            continue
        changed += 1
    _say_refused(modeladmin, request, refused)
    message = ngettext("%(n)d article withdrawn.", "%(n)d articles withdrawn.", changed)
    _bulk_done(modeladmin, request, "withdraw", changed, message)
