"""Presence: who else has an article's change form open, from the form's heartbeat."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from broadsheet.newsroom.models import Article, ArticlePresence

# The form pings every 15 s; someone not seen for four pings has closed it.
ACTIVE_WINDOW = dt.timedelta(seconds=60)


@dataclass(frozen=True)
class Viewer:
    name: str
    seconds_ago: int

    @property
    def message(self) -> str:
        return f"{self.name} has this article open (active {self.seconds_ago} s ago)"


def touch(article: Article, user: Any) -> None:
    ArticlePresence.objects.update_or_create(article=article, user=user, defaults={"seen_at": timezone.now()})


def leave(article: Article, user: Any) -> None:
    ArticlePresence.objects.filter(article=article, user=user).delete()


def others(article: Article, user: Any) -> list[Viewer]:
    """Everyone else seen on this article within ACTIVE_WINDOW, most recent first."""
    now = timezone.now()
    rows = (
        ArticlePresence.objects.filter(article=article, seen_at__gte=now - ACTIVE_WINDOW)
        .exclude(user=user)
        .select_related("user")
        .order_by("-seen_at")
    )
    return [
        Viewer(
            name=str(row.user.get_full_name() or row.user.get_username()),
            seconds_ago=max(0, int((now - row.seen_at).total_seconds())),
        )
        for row in rows
    ]
