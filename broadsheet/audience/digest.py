"""The daily digest: built from the day's top stories, once a day per list, at a configured time.

Ranking (audience/ranking.py): the editors' sticky picks first, then stories by how many
sources told them (discovery's clusters) and how much they were read (readership's views),
then newest; one article per story, sent with the other versions' publishers named ("Also
covered by …"). This app imports neither of those apps: they offer both signals on their
AppConfigs (core/ranking.py). BROADSHEET_DIGEST_RANKER names the ranking callable, so a
project can plug in its own.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.module_loading import import_string

from broadsheet.audience import compose, lists, sending
from broadsheet.audience.models import Issue, Subscription
from broadsheet.audience.tasks import send_issue_task
from broadsheet.core import clock, ranking
from broadsheet.newsroom.models import Article

logger = logging.getLogger(__name__)

MAX_STORIES = 10
WINDOW = dt.timedelta(hours=24)
DEFAULT_RANKER = "broadsheet.audience.ranking.rank"
# fn(candidates, since, until) -> the ones to send, best first (candidates come sticky first,
# then newest).
Ranker = Callable[[Sequence[Article], dt.datetime, dt.datetime], Sequence[Article]]


def candidates(list_key: str, until: dt.datetime) -> list[Article]:
    """The list's stories published in the day (24 hours) before `until`, best first: a
    digest sent at 06:30 carries yesterday's news, not the half hour since midnight."""
    articles = Article.objects.published().filter(published_at__gt=until - WINDOW, published_at__lte=until)
    slug = lists.section_slug(list_key)
    if slug:
        articles = articles.filter(section__slug=slug)
    found = list(
        articles.select_related("section").defer("body").order_by("-is_sticky", "-published_at", "-id")
    )
    rank: Ranker = import_string(str(settings.BROADSHEET_DIGEST_RANKER or DEFAULT_RANKER))
    return list(rank(found, until - WINDOW, until))[:MAX_STORIES]


@dataclass(frozen=True, slots=True)
class Pick:
    """A story as the digest prints it: the article and its story's other publishers."""

    article: Article
    also: tuple[str, ...] = ()


def picks(articles: Sequence[Article]) -> list[Pick]:
    clusters = ranking.clusters([a.pk for a in articles])
    return [Pick(a, clusters[a.pk].others if a.pk in clusters else ()) for a in articles]


def render(issue: Issue, articles: Sequence[Article]) -> None:
    site_url = str(settings.BROADSHEET_SITE_URL).rstrip("/")
    context = {
        "issue": issue,
        "picks": picks(articles),
        "site_url": site_url,
        "unsubscribe_url": compose.UNSUBSCRIBE_MARK,
        "list_name": lists.name_of(issue.list_key),
    }
    issue.html = render_to_string("audience/email/digest.html", context)
    issue.text = render_to_string("audience/email/digest.txt", context)


def build(list_key: str, day: dt.date, until: dt.datetime | None = None) -> Issue | None:
    """The list's digest for `day` (made once; a second call returns the same issue) from the
    24 hours before `until` (now), or None when they had no story for it."""
    existing = Issue.objects.filter(list_key=list_key, day=day).first()
    if existing:
        return existing
    articles = candidates(list_key, until or clock.now())
    if not articles:
        return None
    issue = Issue(
        list_key=list_key,
        day=day,
        subject=f"{lists.name_of(list_key)}: {day:%A %-d %B %Y}",
        article_ids=[a.pk for a in articles],
    )
    render(issue, articles)
    try:
        with transaction.atomic():
            issue.save()
    except IntegrityError:  # another scheduler built it a moment ago
        return Issue.objects.filter(list_key=list_key, day=day).first()
    return issue


def rerender(issue: Issue) -> None:
    """After an editor changed the intro: render again with the same stories."""
    by_id = {a.pk: a for a in Article.objects.filter(pk__in=issue.article_ids).select_related("section")}
    render(issue, [by_id[i] for i in issue.article_ids if i in by_id])
    issue.save(update_fields=["intro", "subject", "html", "text"])


def digest_lists() -> list[str]:
    """Every list that has subscribers and is a digest (not breaking news)."""
    keys = Subscription.objects.exclude(list_key=lists.BREAKING).values_list("list_key", flat=True).distinct()
    return sorted(set(keys))


def due_time() -> dt.time:
    hours, _, minutes = str(settings.BROADSHEET_DIGEST_TIME).partition(":")
    return dt.time(int(hours), int(minutes or 0))


def build_due(now: dt.datetime | None = None) -> list[Issue]:
    """The periodic hook: at or after the digest time, build and send today's digests once."""
    local = timezone.localtime(now or clock.now())
    if local.time() < due_time():
        return []
    made = []
    for key in digest_lists():
        if Issue.objects.filter(list_key=key, day=local.date()).exists():
            continue
        issue = build(key, local.date(), until=local)
        if issue is None:
            continue
        sending.start(issue)
        send_issue_task.enqueue(issue.pk)
        made.append(issue)
    return made
