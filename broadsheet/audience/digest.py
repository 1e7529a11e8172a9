"""The daily digest: built from what newsroom knows, once a day per list, at a configured time.

Ranking: the middle tier cannot read discovery's clusters nor readership's views, so the digest
ranks the stories of the last 24 hours by the editors' own signal, sticky first, then newest. A
project that wants views or clusters in it can name a callable in BROADSHEET_DIGEST_RANKER
(dotted path; it gets the list of candidate articles and returns them ordered), set by a higher
layer, so this app still imports none of those.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.module_loading import import_string

from broadsheet.audience import compose, lists, sending
from broadsheet.audience.models import Issue, Subscription
from broadsheet.audience.tasks import send_issue_task
from broadsheet.core import clock
from broadsheet.newsroom.models import Article

logger = logging.getLogger(__name__)

MAX_STORIES = 10
WINDOW = dt.timedelta(hours=24)


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
    ranker = str(settings.BROADSHEET_DIGEST_RANKER or "")
    if ranker:
        rank: Callable[[Sequence[Article]], Sequence[Article]] = import_string(ranker)
        found = list(rank(found))
    return found[:MAX_STORIES]


def render(issue: Issue, articles: Sequence[Article]) -> None:
    site_url = str(settings.BROADSHEET_SITE_URL).rstrip("/")
    context = {
        "issue": issue,
        "articles": articles,
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
