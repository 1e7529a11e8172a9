"""Breaking-news alerts: one e-mail issue to the breaking list per published article, ever, and a
Web Push notification to every browser that opted in."""

from __future__ import annotations

import math

from django.conf import settings
from django.db import IntegrityError, transaction

from broadsheet.audience import digest, lists, pushsend, sending
from broadsheet.audience.models import Issue
from broadsheet.audience.tasks import send_issue_task, send_push_task
from broadsheet.newsroom.models import Article


class AlertRefused(Exception):
    """The article is not public, or has had its alert already."""


def send_alert(article: Article) -> Issue:
    if not article.is_public:
        raise AlertRefused("Only a published article can be sent as an alert.")
    issue = Issue(
        list_key=lists.BREAKING,
        subject=f"Breaking: {article.headline}",
        article_ids=[article.pk],
        alert_article_id=article.pk,
    )
    digest.render(issue, [article])
    try:
        with transaction.atomic():
            issue.save()
    except IntegrityError:
        raise AlertRefused("An alert for this article was sent already.") from None
    sending.start(issue)
    send_issue_task.enqueue(issue.pk)
    devices = pushsend.start(issue)
    # One task per batch of devices: each claims what is ready, so idle workers share the fan-out.
    for _ in range(math.ceil(devices / int(settings.BROADSHEET_NEWSLETTER_BATCH))):
        send_push_task.enqueue(issue.pk)
    return issue
